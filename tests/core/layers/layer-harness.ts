/**
 * Runs one layer the way the canvas does: inside a small graph built with
 * `GraphBuilder`, through `inferShapes` and `summarize`, so every message
 * carries the engine's `Type "name": ` prefix.
 */
import { ValidationError } from '../../../core/errors';
import { importLayersModel } from '../../../core/formats/keras-import';
import { GraphBuilder } from '../../../core/graph/builder';
import type { Graph } from '../../../core/graph/graph';
import { summarize, type LayerSummary } from '../../../core/graph/summary';
import type { Diagnostic } from '../../../core/errors';
import type { ResolvedParams, Shape } from '../../../core/layers/layer-spec';
import { getLayerSpec } from '../../../core/layers/registry';
import { resolveParams } from '../../../core/layers/params';

/** What the user sees for the layer under test. */
export interface LayerRun {
  graph: Graph;
  nodeId: string;
  /** The layer's output shape, batch first, or null when it could not be inferred. */
  shape: Shape | null;
  row: LayerSummary;
  /** Diagnostics on the layer under test (inputs are always valid). */
  diagnostics: Diagnostic[];
  /** Every diagnostic in the graph. */
  all: Diagnostic[];
}

/**
 * Feeds `type` with one `InputLayer` per entry of `inputShapes` (per-sample
 * shapes, no batch) and returns its shape, summary row and diagnostics.
 * The layer is named `name` (default `layer`).
 */
export function runLayer(
  type: string,
  params: Record<string, unknown>,
  inputShapes: readonly (readonly number[])[],
  name = 'layer',
): LayerRun {
  const b = new GraphBuilder();
  const inputs = inputShapes.map((s, i) => b.input(s, `in${i + 1}`));
  const nodeId = b.layer(type, params, inputs, name);
  const graph = b.build();
  const summary = summarize(graph);
  const row = summary.layers.find((l) => l.nodeId === nodeId) as LayerSummary;
  return {
    graph,
    nodeId,
    shape: row.outputShape,
    row,
    diagnostics: summary.diagnostics.filter((d) => d.nodeId === nodeId),
    all: summary.diagnostics,
  };
}

/** The layer's `explain()` lines for these inputs (defaults filled in). */
export function explainLayer(
  type: string,
  params: Record<string, unknown>,
  inputShapes: readonly (readonly number[])[],
): string[] {
  const spec = getLayerSpec(type);
  if (!spec.explain) throw new Error(`${type} has no explain()`);
  return spec.explain(
    inputShapes.map((s) => [null, ...s]),
    resolveParams(spec.params, params) as ResolvedParams,
  );
}

/** The layer's `summarize()` text for these parameters (defaults filled in). */
export function layerFace(type: string, params: Record<string, unknown>): string {
  const spec = getLayerSpec(type);
  if (!spec.summarize) throw new Error(`${type} has no summarize()`);
  return spec.summarize(resolveParams(spec.params, params) as ResolvedParams);
}

/**
 * The parameters `importLayersModel` reads for one Keras layer of class `cls`
 * with `config`, fed an input of per-sample `input` shape; or the refusal's
 * message when it is refused.
 */
export function importOne(
  cls: string,
  config: Record<string, unknown>,
  input: readonly number[],
): Record<string, unknown> | string {
  const model = {
    class_name: 'Sequential',
    config: {
      name: 'one',
      layers: [
        { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, ...input] } },
        { class_name: cls, config: { name: 'layer', ...config } },
      ],
    },
  };
  try {
    return importLayersModel(model).graph.nodes[1].params;
  } catch (e) {
    if (e instanceof ValidationError) return e.message;
    throw e;
  }
}
