// @vitest-environment jsdom
/**
 * Runs kept with the project: what the controller records when a run ends,
 * how the runs are saved and opened with the project (and a malformed one
 * refused), deleting and undoing, and the run list in the Train view —
 * ticking a run overlays it on the charts with a legend entry, two runs in
 * view say what differed. The worker is a script of the messages the real one
 * sends (the real one runs in tests/e2e/training.test.ts).
 */
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { NetCanvasBridge, SaveProjectRequest } from '../../electron/contract';
import type { Graph } from '../../core/graph/graph';
import { snapshotDesign, type RunRecord } from '../../core/train/run-record';
import { parseTrainingSettings } from '../../core/train/settings';
import { buildLinear } from '../../templates/linear';
import { buildMlp } from '../../templates/mlp';
import { EditorProvider } from '../../renderer/state/EditorContext';
import { EditorStore, isDirty } from '../../renderer/state/editor-store';
import { openProjectFile, saveProject } from '../../renderer/state/file-commands';
import { readRuns, readTrainingConfig, runKey, writeTrainingConfig } from '../../renderer/state/project-training';
import { TrainingController, type WorkerPort } from '../../renderer/training/run/training-controller';
import type { FromWorker, ToWorker } from '../../renderer/training/worker/worker-protocol';
import { TrainView } from '../../renderer/training/view/TrainView';
import { comparedPair } from '../../renderer/training/view/RunsPanel';
import { webBridge } from '../../renderer/web-bridge';
import { render, type Mounted } from './render';

const linear = buildLinear({ input: [2], classes: 2 });
const mlp = buildMlp({ input: [2], classes: 2 });
const settings = parseTrainingSettings({ learningRate: 0.03, epochs: 2, seed: 3 });

/** The messages the real worker sends for a two-epoch run that ends with `accuracy` on 1,000 test points. */
function completedRun(accuracy: number): FromWorker[] {
  const batch = (epoch: number, index: number) =>
    ({
      type: 'batch',
      event: {
        epoch,
        batch: index,
        batchesPerEpoch: 2,
        loss: 0.7 - epoch / 10,
        accuracy: 0.5,
        learningRate: 0.03,
        samplesSeen: 64,
        samplesPerSecond: 900,
        etaSeconds: 1,
      },
    }) as const;
  const epoch = (n: number) =>
    ({
      type: 'epoch',
      event: {
        epoch: n,
        loss: 0.6 - n / 10,
        accuracy: 0.6 + n / 10,
        valLoss: 0.65,
        valAccuracy: 0.6,
        learningRate: 0.03,
        seconds: 0.5,
        samplesPerSecond: 900,
        etaSeconds: 0,
      },
    }) as const;
  return [
    { type: 'backend', backend: 'wasm', requested: 'wasm', passedOver: [] },
    {
      type: 'started',
      trainCount: 1800,
      validationCount: 200,
      normalization: { mode: 'none', scale: 1, mean: [0], std: [1] },
    },
    batch(0, 0),
    batch(0, 1),
    epoch(0),
    batch(1, 0),
    batch(1, 1),
    epoch(1),
    { type: 'evaluating', testCount: 1000 },
    {
      type: 'done',
      status: 'completed',
      evaluation: { loss: 0.31, accuracy, confusion: [], perClassAccuracy: [], predictions: [], count: 1000 },
      samplesPerSecond: 900,
      filters: null,
      modelJson: '{}',
      weightData: new ArrayBuffer(4),
    },
  ];
}

/** A controller over `store` whose worker answers each Start with the next script. */
function scriptedController(store: EditorStore, scripts: FromWorker[][]): TrainingController {
  const controller = new TrainingController(
    () => {
      const port: WorkerPort = {
        onmessage: null,
        onerror: null,
        terminate() {},
        postMessage(message: ToWorker) {
          if (message.type !== 'start') return;
          for (const reply of scripts.shift() ?? []) port.onmessage?.({ data: reply } as MessageEvent<FromWorker>);
        },
      };
      return port;
    },
    'http://localhost/',
    () => ({}),
    store,
  );
  return controller;
}

async function train(controller: TrainingController, graph: Graph, title?: string): Promise<void> {
  await controller.chooseDataset('toy-ring');
  controller.start({ graph, settings, limit: null, backend: 'wasm', ...(title ? { title } : {}) });
}

function record(id: string, graph: Graph, accuracy: number, lr = 0.03): RunRecord {
  return {
    id,
    startedAt: '2026-11-29T06:00:00.000Z',
    design: snapshotDesign(graph),
    dataset: { id: 'toy:ring', trainCount: 1800, validationCount: 200 },
    settings: { ...settings, learningRate: lr },
    seed: 3,
    history: [
      { epoch: 1, loss: 0.6, accuracy: 0.6, valLoss: 0.62, valAccuracy: 0.58, seconds: 0.4 },
      { epoch: 2, loss: 0.5, accuracy: 0.7, valLoss: null, valAccuracy: null, seconds: 0.4 },
    ],
    test: { loss: 0.4, accuracy, count: 1000 },
    backend: 'wasm',
    seconds: 2,
    status: 'completed',
  };
}

describe('a run that ends', () => {
  it('is kept with the project: design, data, settings, history, test result, backend and time', async () => {
    const store = new EditorStore(linear);
    const controller = scriptedController(store, [completedRun(0.52), completedRun(0.97)]);
    await train(controller, linear, 'ring-study');
    await train(controller, mlp);
    const runs = readRuns(store.getState().training);
    expect(runs.map((r) => [r.id, r.test?.accuracy, r.design.layers])).toEqual([
      ['run-1', 0.52, 2],
      ['run-2', 0.97, 3],
    ]);
    const [first] = runs;
    expect(first.design).toEqual(snapshotDesign(linear, 'ring-study'));
    expect(first.dataset).toEqual({ id: 'toy:ring', trainCount: 1800, validationCount: 200 });
    expect(first).toMatchObject({ seed: 3, backend: 'wasm', status: 'completed' });
    expect(first.settings.learningRate).toBe(0.03);
    expect(first.history.map((row) => [row.epoch, row.loss])).toEqual([
      [1, 0.6],
      [2, 0.5],
    ]);
    expect(first.test).toEqual({ loss: 0.31, accuracy: 0.52, count: 1000 });
    expect(Date.parse(first.startedAt)).toBeGreaterThan(0);
    // The current run knows its record, and its curves are its own.
    expect(controller.getState().run.keptAs).toBe(runKey(runs[1]));
    expect(controller.getState().run.epochs.map((e) => e.epoch)).toEqual([0, 1]);
    // Kept runs are part of the project: an unsaved change until saved.
    expect(isDirty(store.getState())).toBe(true);
  });

  it('is kept when it diverges, with the epochs before, and not when it failed for another reason', async () => {
    const store = new EditorStore(mlp);
    const diverged = completedRun(0).slice(0, 5);
    const controller = scriptedController(store, [
      [...diverged, { type: 'error', kind: 'nan', message: 'the loss became NaN' }],
      [...diverged, { type: 'error', kind: 'out-of-memory', message: 'Failed to allocate' }],
    ]);
    await train(controller, mlp);
    await train(controller, mlp);
    const runs = readRuns(store.getState().training);
    expect(runs.map((r) => [r.id, r.status, r.test, r.history.length])).toEqual([['run-1', 'diverged', null, 1]]);
  });
});

describe('runs in the project file', () => {
  const savedFiles: SaveProjectRequest[] = [];
  const bridge = {
    host: 'web',
    saveProject: async (request: SaveProjectRequest) => {
      savedFiles.push(request);
      return { status: 'saved', name: 'ring.netcanvas.json' };
    },
  } as unknown as NetCanvasBridge;

  it('survive save and open, and a malformed one refuses the file naming the field', async () => {
    const store = new EditorStore(mlp);
    const runs = [record('run-1', linear, 0.55), record('run-2', mlp, 0.97, 0.01)];
    store.setTraining(
      writeTrainingConfig({
        ...readTrainingConfig(undefined).config,
        data: { dataset: 'toy-ring', limit: null },
        runs,
      }),
    );
    await saveProject(store, bridge, { name: 'ring' });
    const text = savedFiles.at(-1)!.text;
    expect(JSON.parse(text).training.runs).toHaveLength(2);

    const reopened = new EditorStore();
    await openProjectFile(reopened, { name: 'ring.netcanvas.json', text });
    expect(readTrainingConfig(reopened.getState().training).config.runs).toEqual(runs);
    expect(isDirty(reopened.getState())).toBe(false);

    const broken = JSON.parse(text);
    broken.training.runs[1].test.accuracy = 'high';
    const refusing = new EditorStore(linear);
    await openProjectFile(refusing, { name: 'ring.netcanvas.json', text: JSON.stringify(broken) });
    expect(refusing.getState().notice?.text).toMatch(
      /^Could not open ring\.netcanvas\.json: At training\.runs\.1\.test\.accuracy: .*Your design is unchanged\.$/,
    );
    expect(refusing.getState().graph).toBe(linear);
  });

  it('stay when the settings beside them cannot be read', () => {
    const runs = [record('run-1', linear, 0.55)];
    const { config, problem } = readTrainingConfig({ settings: { batchSize: 0 }, runs });
    expect(problem).toMatch(/training\.settings\.batchSize/);
    expect(config.runs).toEqual(runs);
  });

  it('can be deleted, and the deletion undone from its notice', () => {
    const store = new EditorStore(mlp);
    const runs = [record('run-1', linear, 0.55), record('run-2', mlp, 0.97)];
    store.setTraining(writeTrainingConfig({ ...readTrainingConfig(undefined).config, runs }));
    store.deleteRun('run-1');
    expect(readRuns(store.getState().training).map((r) => r.id)).toEqual(['run-2']);
    const notice = store.getState().notice;
    expect(notice?.text).toBe('Deleted run-1.');
    notice?.action?.run();
    expect(readRuns(store.getState().training)).toEqual(runs);
    // The last one gone, the field goes too.
    store.deleteRun('run-1');
    store.deleteRun('run-2');
    expect(store.getState().training).not.toHaveProperty('runs');
  });
});

describe('the run list', () => {
  let mounted: Mounted | undefined;
  afterEach(() => mounted?.unmount());

  it('lists each run with its accuracy, overlays ticked runs with a legend entry, and says what differed', async () => {
    const store = new EditorStore(mlp);
    const runs = [record('run-1', linear, 0.552), record('run-2', mlp, 0.971, 0.01)];
    store.setTraining(writeTrainingConfig({ ...readTrainingConfig(undefined).config, runs }));
    const controller = scriptedController(store, []);
    mounted = render(
      <EditorProvider store={store} bridge={webBridge}>
        <TrainView controller={controller} onClose={() => undefined} />
      </EditorProvider>,
    );
    const rows = () => mounted!.allByTestId('run-row');
    expect(rows().map((r) => r.querySelector('[data-testid="run-accuracy"]')?.textContent)).toEqual(['55.2%', '97.1%']);
    expect(rows()[0].textContent).toContain('2 layers · 6 weights');
    const legend = () => mounted!.allByTestId('chart-legend-item').map((item) => item.textContent);
    expect(legend()).toHaveLength(3);

    const tick = rows()[0].querySelector<HTMLInputElement>('[data-testid="run-overlay"]')!;
    expect(tick.getAttribute('aria-label')).toBe('Overlay run-1 on the charts');
    await act(async () => tick.click());
    expect(controller.getState().overlaid).toEqual([runKey(runs[0])]);
    expect(legend().slice(3)).toEqual([
      'run-1 · 2 layers · toy:ring: train',
      'run-1 · 2 layers · toy:ring: validation',
    ]);
    expect(mounted.byTestId('run-compare')).toBeNull();

    await act(async () => rows()[1].querySelector<HTMLInputElement>('[data-testid="run-overlay"]')!.click());
    const differences = mounted.allByTestId('run-difference').map((row) => row.textContent);
    expect(differences).toEqual([
      'learning rate0.030.01',
      'design2 layers, 6 weights3 layers, 642 weights',
      'layers addedhidden:Dense',
    ]);

    // Deleting a ticked run takes it off the charts too.
    await act(async () => rows()[0].querySelector<HTMLButtonElement>('[data-testid="run-delete"]')!.click());
    expect(rows()).toHaveLength(1);
    expect(controller.getState().overlaid).toEqual([runKey(runs[1])]);

    // Another project's run-2 is another run: the tick does not pass to it.
    await act(async () =>
      store.setTraining(
        writeTrainingConfig({
          ...readTrainingConfig(undefined).config,
          runs: [{ ...record('run-2', mlp, 0.8), startedAt: '2026-11-30T09:00:00.000Z' }],
        }),
        true,
      ),
    );
    expect(rows()[0].querySelector<HTMLInputElement>('[data-testid="run-overlay"]')!.checked).toBe(false);
    expect(legend()).toHaveLength(3);
  });

  it('names a run after the template the design came from, until another design is loaded', async () => {
    const store = new EditorStore(mlp);
    store.setDesignTitle('Two-layer MLP');
    const controller = scriptedController(store, [completedRun(0.97)]);
    mounted = render(
      <EditorProvider store={store} bridge={webBridge}>
        <TrainView controller={controller} onClose={() => undefined} />
      </EditorProvider>,
    );
    await act(async () => mounted!.byTestId('dataset-toy-ring')!.click());
    await act(async () => mounted!.byTestId('train-start')!.click());
    const row = mounted.byTestId('run-row')!;
    expect(row.textContent).toContain('run-1 · this run');
    expect(row.textContent).toContain('Two-layer MLP · 3 layers · 642 weights');
    expect(row.querySelector('[data-testid="run-accuracy"]')?.textContent).toBe('97.0%');
    act(() => store.load(linear, null));
    expect(store.getState().designTitle).toBeNull();
  });

  it('compares the two ticked runs, or the one ticked with the run just finished', () => {
    const runs = [record('run-1', linear, 0.5), record('run-2', mlp, 0.9), record('run-3', mlp, 0.95)];
    expect(comparedPair(runs, ['run-3', 'run-1'], null)?.map((r) => r.id)).toEqual(['run-1', 'run-3']);
    expect(comparedPair(runs, ['run-1'], 'run-3')?.map((r) => r.id)).toEqual(['run-1', 'run-3']);
    expect(comparedPair(runs, ['run-3'], 'run-3')).toBeNull();
    expect(comparedPair(runs, ['run-1', 'run-2', 'run-3'], null)).toBeNull();
  });
});
