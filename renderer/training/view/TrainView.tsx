/**
 * The Train view: data, settings, the run with its live charts, and the
 * results, over the editor's main area. Training runs in a worker (see
 * train-worker.ts); this view only draws what the controller reports.
 */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { inputNodeIds, outputNodeIds } from '../../../core/graph/graph';
import { hasErrors } from '../../../core/graph/infer';
import { BACKEND_CHOICES, type BackendName } from '../../../core/train/setting-fields';
import { useDerived, useEditor, useEditorState } from '../../state/EditorContext';
import { AugmentPreview } from './AugmentPreview';
import { DataPanel } from './DataPanel';
import { readTrainingConfig, runKey, toyName, withDataset, writeTrainingConfig } from '../../state/project-training';
import { faultAdvice } from '../worker/faults';
import { checkDesignAgainstData, type DataShape } from '../../../core/train/design-check';
import { applyFix } from '../../../core/graph/fixes';
import { FitProposals } from './FitProposals';
import { LayerHealthPanel } from './LayerHealthPanel';
import { PointsPlot } from './PointsPlot';
import { ResultsPanel } from './ResultsPanel';
import { RunCharts, type ChartOverlay } from './RunCharts';
import { RunsPanel, runColour, runLabel } from './RunsPanel';
import { isImageData } from '../run/run-data';
import { backendSentence, isRunning, passedOverSentence, progressFraction, progressText } from '../run/run-state';
import { isSearching } from '../run/search-state';
import { LrSearchPanel } from './LrSearchPanel';
import { SettingsPanel } from './SettingsPanel';
import { trainedModelFor } from '../../state/trained-model';
import { designName, exportModel } from '../../state/file-commands';
import type { TrainingController } from '../run/training-controller';
import './training.css';

export function TrainView({ controller, onClose }: { controller: TrainingController; onClose(): void }) {
  const { store, bridge } = useEditor();
  const editor = useEditorState();
  const { report, summary } = useDerived();
  const view = useSyncExternalStore(controller.subscribe, controller.getState);
  // null: the best backend that can train here (core/train/backends.ts's order), what most users want.
  const [backend, setBackend] = useState<BackendName | null>(null);
  const { config, problem } = useMemo(() => readTrainingConfig(editor.training), [editor.training]);
  const { data, run, search } = view;
  const dataset = data.dataset;
  // One job at a time in the worker: a run or a learning-rate search.
  const training = isRunning(run.phase);
  const running = training || isSearching(search.phase);

  // A project saved with a toy set opens with it loaded (it is generated in an instant); other data waits for a click.
  const savedChoice = config.data.dataset;
  useEffect(() => {
    if (controller.getState().data.choice === null && toyName(savedChoice)) void controller.chooseDataset(savedChoice);
  }, [controller, savedChoice]);

  const dataShape = useMemo<DataShape | null>(
    () =>
      dataset ? { inputShape: dataset.inputShape, classCount: dataset.classNames.length, name: dataset.name } : null,
    [dataset],
  );
  // The check's messages say "the samples"; the solver names the data in its reasons.
  const readiness = useMemo(
    () =>
      checkDesignAgainstData(
        editor.graph,
        report,
        dataShape && { inputShape: dataShape.inputShape, classCount: dataShape.classCount },
      ),
    [editor.graph, report, dataShape],
  );
  // The design's first error, when it has a one-click fix, is offered here too (as in the Problems panel).
  const designFix = useMemo(() => report.diagnostics.find((d) => d.severity === 'error')?.fix ?? null, [report]);
  const modelInput = useMemo(() => {
    const [input] = inputNodeIds(editor.graph);
    const shape = input ? report.shapes.get(input) : undefined;
    return shape ? (shape.slice(1) as number[]) : null;
  }, [editor.graph, report]);
  const layerNames = useMemo(
    () => editor.graph.nodes.filter((n) => n.type !== 'InputLayer').map((n) => n.name),
    [editor.graph],
  );
  const outputLayer = useMemo(() => {
    const [id] = outputNodeIds(editor.graph);
    return editor.graph.nodes.find((n) => n.id === id)?.name;
  }, [editor.graph]);
  const trained = run.phase === 'done' ? trainedModelFor(editor, editor.graph) : null;

  // The project's name, else the template it was made from: what the run list calls the design.
  const designTitle = editor.fileName ? designName(editor.fileName) : editor.designTitle;
  const start = () =>
    controller.start({
      graph: editor.graph,
      settings: config.settings,
      limit: config.data.limit,
      backend,
      ...(designTitle ? { title: designTitle } : {}),
    });

  // The ticked runs over the current one; the current run's own record is already drawn as the current lines.
  const runs = config.runs;
  const tickedIds = useMemo(
    () => runs.filter((r) => view.overlaid.includes(runKey(r))).map((r) => r.id),
    [runs, view.overlaid],
  );
  const currentId = runs.find((r) => runKey(r) === run.keptAs)?.id ?? null;
  const overlays = useMemo(
    (): ChartOverlay[] =>
      runs
        .filter((r) => tickedIds.includes(r.id) && r.id !== currentId)
        .map((r) => ({ id: r.id, label: runLabel(r), colour: runColour(r.id), history: r.history })),
    [runs, tickedIds, currentId],
  );

  const points = dataset && dataset.inputShape.length === 1 && dataset.inputShape[0] === 2;
  const images = dataset ? isImageData(dataset.inputShape) : false;

  // The setup panels change only with the data, the settings and the design; built once per change,
  // not on every progress update of a run.
  const summaryForMemory = hasErrors(report.diagnostics) || editor.graph.nodes.length === 0 ? null : summary;
  const setupPanels = useMemo(
    () => (
      <>
        <DataPanel
          data={data}
          limit={config.data.limit}
          validationSplit={config.settings.validationSplit}
          modelInput={modelInput}
          disabled={running}
          onChoose={(choice, picked) => {
            store.setTraining(writeTrainingConfig(withDataset(config, choice)));
            void controller.chooseDataset(choice, picked);
          }}
          onLimit={(limit) => store.setTraining(writeTrainingConfig({ ...config, data: { ...config.data, limit } }))}
        />
        <SettingsPanel
          settings={config.settings}
          summary={summaryForMemory}
          images={images}
          disabled={running}
          onChange={(settings) => store.setTraining(writeTrainingConfig({ ...config, settings }))}
        />
        {dataset && images && (
          <section className="nc-train-section" aria-label="Augmentation preview">
            <h3>Augmentation preview</h3>
            <AugmentPreview dataset={dataset} augmentation={config.settings.augmentation} />
          </section>
        )}
      </>
    ),
    [data, config, modelInput, running, summaryForMemory, images, dataset, store, controller],
  );
  const searchBlocked =
    readiness.blocked ?? (data.loading ? 'The data are still loading.' : training ? 'Wait for the run to end.' : null);

  return (
    <div className="nc-train" role="region" aria-label="Train" data-testid="train-view">
      <header className="nc-train-head">
        <h2>Train</h2>
        <label className="nc-inline">
          Backend{' '}
          <select
            value={backend ?? ''}
            onChange={(e) => setBackend(e.target.value === '' ? null : (e.target.value as BackendName))}
            disabled={running}
            data-testid="train-backend"
          >
            <option value="">Best available</option>
            {BACKEND_CHOICES.map((b) => (
              <option key={b.name} value={b.name}>
                {b.label}
              </option>
            ))}
          </select>
        </label>
        {!running && (
          <button
            className="nc-primary"
            onClick={start}
            disabled={readiness.blocked !== null || !dataset || data.loading !== null}
            title={readiness.blocked ?? 'Start training'}
            data-testid="train-start"
          >
            {run.phase === 'done' || run.phase === 'failed' ? 'Train again' : 'Start'}
          </button>
        )}
        {run.phase === 'training' && (
          <button onClick={() => controller.pause()} data-testid="train-pause">
            Pause
          </button>
        )}
        {run.phase === 'paused' && (
          <button onClick={() => controller.resume()} data-testid="train-resume">
            Resume
          </button>
        )}
        <button
          onClick={() => controller.stop()}
          disabled={!training || run.phase === 'stopping' || run.phase === 'evaluating'}
          data-testid="train-stop"
        >
          Stop
        </button>
        {trained && (
          <button onClick={() => void exportModel(store, bridge)} data-testid="train-export">
            Export trained model…
          </button>
        )}
        <span className="nc-train-backend" data-testid="train-backend-used">
          {backendSentence(run)}
        </span>
        <button
          className="nc-train-close"
          onClick={onClose}
          data-testid="train-close"
          title="Back to the editor (training continues)"
        >
          ← Editor
        </button>
      </header>
      {run.passedOver.length > 0 && (
        <p className="nc-train-passed" data-testid="train-backend-passed">
          {passedOverSentence(run)}
        </p>
      )}
      {problem && <p className="nc-train-warning">{problem}</p>}
      {readiness.blocked && (
        <div className="nc-train-blocked" role="status" data-testid="train-blocked">
          <span>{readiness.blocked}</span>
          {readiness.mismatches.length > 0 && dataShape ? (
            <FitProposals graph={editor.graph} data={dataShape} onApply={(graph) => store.commit(graph)} />
          ) : (
            designFix && (
              <button
                onClick={() => store.commit(applyFix(store.getState().graph, designFix))}
                data-testid="train-design-fix"
              >
                {designFix.label}
              </button>
            )
          )}
        </div>
      )}
      {run.fault && (
        <p className="nc-train-error" role="alert" data-testid="train-fault">
          {faultAdvice(run.fault.kind, run.fault.message, config.settings)}
        </p>
      )}
      <div className="nc-train-body">
        <div className="nc-train-column">
          {setupPanels}
          <LrSearchPanel
            search={search}
            blocked={searchBlocked}
            learningRate={config.settings.learningRate}
            runEpochs={config.settings.epochs}
            onStart={(request) =>
              controller.startSearch({
                graph: editor.graph,
                settings: config.settings,
                limit: config.data.limit,
                backend,
                ...request,
              })
            }
            onCancel={() => controller.stopSearch()}
            onApply={(learningRate) =>
              store.setTraining(writeTrainingConfig({ ...config, settings: { ...config.settings, learningRate } }))
            }
          />
        </div>
        <div className="nc-train-column nc-train-wide">
          <section className="nc-train-section" aria-label="Progress">
            <h3>Progress</h3>
            <progress
              className="nc-train-progress"
              value={progressFraction(run, config.settings.epochs)}
              max={1}
              data-testid="train-progress"
            />
            <p className="nc-mono" data-testid="train-progress-text">
              {run.phase === 'idle' ? 'Not started.' : progressText(run, config.settings.epochs)}
              {run.phase === 'paused' ? ' · paused' : run.phase === 'stopping' ? ' · stopping…' : ''}
              {run.phase === 'done' && run.result
                ? ` · done: ${Math.round(run.result.samplesPerSecond)} samples/s`
                : ''}
            </p>
            <RunCharts batches={run.batches} epochs={run.epochs} overlays={overlays} />
            {points && dataset && (
              <div className="nc-boundary">
                <h4>
                  Decision boundary
                  {run.boundary ? ` · after epoch ${Number(run.boundary.epochs.toFixed(1))}` : ''}
                </h4>
                <PointsPlot split={dataset.test} size={260} boundary={run.boundary} testId="decision-boundary" />
              </div>
            )}
          </section>
          <LayerHealthPanel record={editor.layerHealth} graph={editor.graph} />
          <RunsPanel
            runs={runs}
            overlaid={tickedIds}
            current={currentId}
            onToggle={(kept) => controller.toggleOverlay(runKey(kept))}
            onDelete={(kept) => {
              if (view.overlaid.includes(runKey(kept))) controller.toggleOverlay(runKey(kept));
              store.deleteRun(kept.id);
            }}
          />
          {run.result && dataset && (
            <ResultsPanel
              evaluation={run.result.evaluation}
              status={run.result.status}
              dataset={dataset}
              filters={run.result.filters}
              featureMaps={run.featureMaps}
              layers={layerNames}
              outputLayer={outputLayer}
              onFeatureMaps={(layer, sample) => controller.requestFeatureMaps(layer, sample)}
            />
          )}
        </div>
      </div>
    </div>
  );
}
