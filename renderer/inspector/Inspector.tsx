/**
 * The inspector: for the selected layer, its name, a form generated from its
 * parameter specs, the output size worked out as a lecture would, its
 * parameter count and its problems with one-click fixes.
 */
import { findNode, incomingEdges } from '../../core/graph/graph';
import { shapeText } from '../../core/graph/infer';
import type { ParamSpecs, Shape } from '../../core/layers/layer-spec';
import { resolveParams } from '../../core/layers/params';
import { getLayerSpec, isLayerType } from '../../core/layers/registry';
import { CATEGORY_COLOR, CATEGORY_TITLE } from '../canvas/category-style';
import { HEALTH_COLOR, healthLines, healthStatus } from '../canvas/health-view';
import { healthByNode } from '../state/layer-health';
import { useDerived, useEditor, useEditorState } from '../state/EditorContext';
import { deleteSelection, duplicateSelection, rename, setFrozen, setParam } from '../state/edit-commands';
import { formatCount } from '../summary/summary-text';
import { DiagnosticItem } from './DiagnosticItem';
import { Workings } from './Workings';
import { useMemo } from 'react';
import { inputImageSize, receptiveFields } from '../../core/graph/receptive-field';
import { ParamField } from './ParamField';

export function Inspector() {
  const { store } = useEditor();
  const { graph, selectedNodes, layerHealth } = useEditorState();
  const { report, summary } = useDerived();
  const fields = useMemo(() => receptiveFields(graph, report), [graph, report]);
  const image = useMemo(() => inputImageSize(graph, report), [graph, report]);
  const health = useMemo(() => healthByNode(layerHealth, graph), [layerHealth, graph]);

  if (selectedNodes.size > 1) {
    return (
      <aside className="nc-inspector" aria-label="Inspector">
        <div className="nc-panel-title">Inspector</div>
        <div className="nc-pad">
          <p>{selectedNodes.size} layers selected.</p>
          <div className="nc-button-row">
            <button onClick={() => duplicateSelection(store)}>Duplicate</button>
            <button onClick={() => deleteSelection(store)}>Delete</button>
          </div>
        </div>
      </aside>
    );
  }
  const node = selectedNodes.size === 1 ? findNode(graph, [...selectedNodes][0]) : undefined;
  if (!node) {
    return (
      <aside className="nc-inspector" aria-label="Inspector">
        <div className="nc-panel-title">Inspector</div>
        <div className="nc-pad nc-muted">
          <p>Select a layer to edit its parameters.</p>
          <p>
            {graph.nodes.length} layers · {formatCount(summary.totals.params)} parameters
          </p>
        </div>
      </aside>
    );
  }
  if (!isLayerType(node.type)) {
    return (
      <aside className="nc-inspector" aria-label="Inspector">
        <div className="nc-panel-title">Inspector</div>
        <div className="nc-pad">NetCanvas has no layer type “{node.type}”.</div>
      </aside>
    );
  }
  const spec = getLayerSpec(node.type);
  const params = resolveParams(spec.params, node.params);
  const inputs = incomingEdges(graph, node.id).map((e) => report.shapes.get(e.source));
  const output = report.shapes.get(node.id);
  const row = summary.layers.find((l) => l.nodeId === node.id);
  const problems = report.diagnostics.filter((d) => d.nodeId === node.id);
  let explanation: string[] = [];
  let paramFormula: string | undefined;
  const checkedParams = report.params.get(node.id);
  const known = inputs.length > 0 && inputs.every((s) => s !== undefined);
  if (spec.explain && known && checkedParams) explanation = spec.explain(inputs as Shape[], checkedParams);
  if (spec.explainParams && known && checkedParams && output)
    paramFormula = spec.explainParams({ inputs: inputs as Shape[], output, params: checkedParams });
  // A transposed convolution or a Flatten has its own rule, written out in its lines.
  const window = checkedParams ? spec.window?.(checkedParams) : undefined;
  const lectureRule = typeof window === 'object' && !window.transposed;
  // An Input's receptive field is the pixel itself: nothing to say.
  const field = spec.inputs.max > 0 ? fields.get(node.id) : undefined;
  const nodeHealth = health.get(node.id);
  return (
    <aside className="nc-inspector" aria-label="Inspector" key={node.id}>
      <div className="nc-panel-title" style={{ borderColor: CATEGORY_COLOR[spec.category] }}>
        <span style={{ color: CATEGORY_COLOR[spec.category] }}>{CATEGORY_TITLE[spec.category]}</span> · {spec.label}
      </div>
      <div className="nc-inspector-body">
        <Workings
          explanation={explanation}
          lectureRule={lectureRule}
          paramFormula={paramFormula}
          field={field}
          image={image}
        />
        <p className="nc-description">{spec.description}</p>
        <div className="nc-field">
          <label htmlFor="nc-layer-name">Name</label>
          <input
            id="nc-layer-name"
            type="text"
            value={node.name}
            spellCheck={false}
            onChange={(e) => rename(store, node.id, e.target.value)}
            data-testid="layer-name"
          />
        </div>
        {/* Only a layer with weights can be frozen; one frozen in an imported file can always be unfrozen. */}
        {(spec.countParams || node.trainable === false) && (
          <div className="nc-field nc-field-check">
            <label htmlFor="nc-layer-frozen">
              <input
                id="nc-layer-frozen"
                type="checkbox"
                checked={node.trainable === false}
                onChange={(e) => setFrozen(store, node.id, e.target.checked)}
                data-testid="layer-frozen"
              />
              Frozen (trainable: false)
            </label>
            <div className="nc-field-help">Training leaves its weights as they are; they count as non-trainable.</div>
          </div>
        )}
        {Object.entries(spec.params as ParamSpecs).map(([name, paramSpec]) => (
          <ParamField
            key={name}
            name={name}
            spec={paramSpec}
            value={params[name]}
            onChange={(value) => setParam(store, node.id, name, value)}
          />
        ))}
        <h4>Output</h4>
        <dl className="nc-facts">
          <dt>Input</dt>
          <dd data-testid="inspector-input-shape">{inputs.map((s) => (s ? shapeText(s) : '?')).join(', ') || '—'}</dd>
          <dt>Output</dt>
          <dd data-testid="inspector-output-shape">{output ? shapeText(output) : '?'}</dd>
          <dt>Parameters</dt>
          <dd data-testid="inspector-params">
            {formatCount((row?.trainableParams ?? 0) + (row?.nonTrainableParams ?? 0))}
            {row?.nonTrainableParams ? ` (${formatCount(row.nonTrainableParams)} non-trainable)` : ''}
          </dd>
          <dt>MACs</dt>
          <dd>{formatCount(row?.macs ?? 0)}</dd>
        </dl>
        {nodeHealth && layerHealth && (
          <>
            <h4>
              Health after epoch {layerHealth.report.epoch + 1}{' '}
              <span style={{ color: HEALTH_COLOR[healthStatus(nodeHealth)] }}>
                · {healthStatus(nodeHealth).replace('-', ' ')}
              </span>
            </h4>
            <ul className="nc-health-lines" data-testid="inspector-health">
              {healthLines(nodeHealth, layerHealth.report.epoch).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
          </>
        )}
        {problems.length > 0 && (
          <>
            <h4>Problems</h4>
            <ul className="nc-diagnostics">
              {problems.map((d, i) => (
                <DiagnosticItem key={`${d.code}-${i}`} diagnostic={d} testId="inspector-diagnostic" />
              ))}
            </ul>
          </>
        )}
      </div>
    </aside>
  );
}
