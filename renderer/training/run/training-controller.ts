/**
 * The Train view's engine room on the editor's thread: loads datasets, starts
 * the training worker with the design, the settings and the data, and folds
 * what the worker reports into a {@link RunState}. An observable store like
 * the editor's, kept outside React so the view, the toolbar and tests share it.
 */
import type { Dataset } from '../../../core/data/dataset';
import type { Graph } from '../../../core/graph/graph';
import type { BackendName } from '../../../core/train/backends';
import { summarize } from '../../../core/graph/summary';
import { wasmThreadsFor } from '../../../core/train/wasm-threads';
import type { TrainingSettings } from '../../../core/train/settings';
import { TOY_BOX_HALF_SIDE } from '../../../core/data/toy';
import { runKey, toyName, type DatasetChoiceId } from '../../state/project-training';
import { loadCifar10, loadImageFolder, loadMnist, loadToy, type GroupedImages } from './datasets';
import { payloadBuffers, prepareRunData } from './run-data';
import { IDLE, isRunning, reduceRun, runRecordOf, startingRun, type RunSetup, type RunState } from './run-state';
import type { RunRecord } from '../../../core/train/run-record';
import type { TrainedModel } from '../../state/trained-model';
import type { LayerHealthRecord } from '../../state/layer-health';
import type { FromWorker, ToWorker } from '../worker/worker-protocol';
import type { RateRange } from '../../../core/train/lr-search';
import { isSearching, NO_SEARCH, reduceSearch, startingSearch, type SearchState } from './search-state';

/** What the data panel shows. */
export interface DataState {
  /** The dataset picked, loaded or not. */
  choice: DatasetChoiceId | null;
  dataset: Dataset | null;
  loading: { fraction: number | null; text: string } | null;
  error: string | null;
}

/** Everything the Train view renders from. */
export interface TrainingViewState {
  data: DataState;
  run: RunState;
  /** Keys (`runKey`) of the kept runs the user ticked to overlay on the charts, in the order ticked. */
  overlaid: readonly string[];
  /** The learning-rate search: its own state, so a search leaves the last run's results in place. */
  search: SearchState;
}

/**
 * Where a run's results go: the editor store, which keeps the trained model
 * (so saving and exporting find it) and the run's record (saved with the
 * project), and each epoch's layer health (the canvas marks the layers).
 * `keepRun` returns the id the record was kept under.
 */
export interface RunResults {
  setTrainedModel(model: TrainedModel | null): void;
  keepRun(run: Omit<RunRecord, 'id'>): string;
  /** Each epoch's layer health, with the design trained, for the canvas (null when a new run starts). */
  setLayerHealth?(record: LayerHealthRecord | null): void;
}

/** The part of a Worker the controller uses. */
export interface WorkerPort {
  postMessage(message: ToWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<FromWorker>) => void) | null;
  /** A script that fails to load or throws outside a message handler. */
  onerror: ((event: ErrorEvent) => void) | null;
  terminate(): void;
}

/** Where files picked for CIFAR-10 or an image folder come from. */
export type PickedData =
  { kind: 'cifar10'; files: File[] } | { kind: 'folder'; grouped: GroupedImages; inputShape: [number, number, number] };

/** How a run is started. */
export interface StartOptions {
  graph: Graph;
  settings: TrainingSettings;
  limit: number | null;
  /** The backend asked for; null: the best that can train here. */
  backend: BackendName | null;
  /** The design's name when it has one (the project's file name, else the template's title), kept with the run. */
  title?: string;
}

/** How a learning-rate search is started: the run's options, with the trials' count, epochs and range. */
export interface SearchOptions extends StartOptions {
  trials: number;
  epochsPerTrial: number;
  range: RateRange;
}

/** How often per-batch progress is drawn. */
export const FREQUENT_UPDATE_MS = 250;

/** Test images whose predictions the results grid shows. */
export const PREDICTION_SAMPLES = 48;

export class TrainingController {
  private state: TrainingViewState = {
    data: { choice: null, dataset: null, loading: null, error: null },
    run: IDLE,
    overlaid: [],
    search: NO_SEARCH,
  };
  private readonly listeners = new Set<() => void>();
  private worker: WorkerPort | null = null;
  /** The wasm threads the current worker was asked for: its wasm module starts once, with those. */
  private workerThreads = 1;
  private readonly loaded = new Map<string, Dataset>();
  private loadSerial = 0;
  private featureRequest = 0;
  private runGraph: Graph | null = null;
  /** What the run under way trains, for its record. */
  private setup: RunSetup | null = null;

  constructor(
    private readonly createWorker: () => WorkerPort,
    /** The app's URL, against which `datasets/mnist/` and the wasm binaries resolve. */
    private readonly baseUrl: string,
    private readonly wasmBinaries: (base: string) => Record<string, string>,
    /** Where a finished run's model and record go (the editor store). Optional only for tests that never finish a run. */
    private readonly results: RunResults = { setTrainedModel() {}, keepRun: () => '' },
    /**
     * The cores wasm may compute on: the page's, where it is cross-origin
     * isolated (wasm threads share memory only there), else 1.
     */
    private readonly wasmCores = 1,
  ) {}

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): TrainingViewState => this.state;

  private notifyTimer: ReturnType<typeof setTimeout> | null = null;

  /**
   * Updates the state. A `frequent` update (every batch, every boundary)
   * reaches the view at most every {@link FREQUENT_UPDATE_MS}: progress and
   * curves read the same at 4 Hz, and the editor's thread stays free.
   */
  private set(next: Partial<TrainingViewState>, frequent = false): void {
    this.state = { ...this.state, ...next };
    if (frequent) {
      this.notifyTimer ??= setTimeout(() => {
        this.notifyTimer = null;
        this.notify();
      }, FREQUENT_UPDATE_MS);
      return;
    }
    if (this.notifyTimer !== null) {
      clearTimeout(this.notifyTimer);
      this.notifyTimer = null;
    }
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  private setData(next: Partial<DataState>): void {
    this.set({ data: { ...this.state.data, ...next } });
  }

  /** Loads a built-in dataset (MNIST, a toy set), or one from picked files; the last choice wins. */
  async chooseDataset(choice: DatasetChoiceId, picked?: PickedData): Promise<void> {
    const serial = ++this.loadSerial;
    const key = picked ? null : choice;
    const cached = key ? this.loaded.get(key) : undefined;
    if (cached) return this.setData({ choice, dataset: cached, loading: null, error: null });
    if ((choice === 'cifar10' || choice === 'folder') && !picked) {
      return this.setData({ choice, dataset: null, loading: null, error: null });
    }
    this.setData({ choice, dataset: null, loading: { fraction: null, text: 'Loading…' }, error: null });
    const progress = (fraction: number | null, text: string) => {
      if (serial === this.loadSerial) this.setData({ loading: { fraction, text } });
    };
    try {
      let dataset: Dataset;
      const toy = toyName(choice);
      if (toy) dataset = loadToy(toy);
      else if (choice === 'mnist') dataset = await loadMnist(new URL('datasets/mnist/', this.baseUrl).href, progress);
      else if (picked?.kind === 'cifar10') dataset = await loadCifar10(picked.files, progress);
      else if (picked?.kind === 'folder') dataset = await loadImageFolder(picked.grouped, picked.inputShape, progress);
      else throw new Error(`No files picked for ${choice}`);
      if (key) this.loaded.set(key, dataset);
      if (serial === this.loadSerial) this.setData({ dataset, loading: null });
    } catch (e) {
      if (serial === this.loadSerial) this.setData({ loading: null, error: (e as Error).message });
    }
  }

  /** Whether the worker is busy with a run or a search: one at a time. */
  private busy(): boolean {
    return isRunning(this.state.run.phase) || isSearching(this.state.search.phase);
  }

  /** Starts training `graph` on the loaded dataset in a fresh worker run. */
  start(options: StartOptions): void {
    const dataset = this.state.data.dataset;
    if (!dataset || this.busy()) return;
    const seed = options.settings.seed ?? Math.floor(Math.random() * 0x100000000);
    const settings = { ...options.settings, seed };
    let payload;
    try {
      payload = prepareRunData(dataset, options.limit, settings, seed);
    } catch (e) {
      this.set({
        run: {
          ...startingRun(options.backend),
          phase: 'failed',
          fault: { kind: 'incompatible', message: (e as Error).message },
        },
      });
      return;
    }
    const wasmThreads = this.wasmThreadsFor(options.graph, settings);
    const worker = this.ensureWorker(wasmThreads);
    this.runGraph = options.graph;
    this.setup = {
      graph: options.graph,
      ...(options.title ? { title: options.title } : {}),
      settings,
      dataset: dataset.name,
      startedAt: Date.now(),
    };
    this.results.setTrainedModel(null);
    this.results.setLayerHealth?.(null);
    this.set({ run: startingRun(options.backend) });
    const isPoints = dataset.inputShape.length === 1 && dataset.inputShape[0] === 2;
    worker.postMessage(
      {
        type: 'start',
        graph: options.graph,
        settings,
        dataset: payload,
        backend: options.backend,
        wasmBinaries: this.wasmBinaries(this.baseUrl),
        wasmThreads,
        ...(isPoints && toyName(this.state.data.choice ?? 'mnist')
          ? { boundary: { resolution: 48, halfSide: TOY_BOX_HALF_SIDE } }
          : {}),
        predictionSamples: PREDICTION_SAMPLES,
      },
      payloadBuffers(payload),
    );
  }

  /**
   * Starts a learning-rate search: `trials` short runs of `epochsPerTrial`
   * epochs at rates from `range`, one after another in the worker, on the
   * same data split a run with these settings would use. The last run's
   * results stay; {@link stop} cancels the search.
   */
  startSearch(options: SearchOptions): void {
    const dataset = this.state.data.dataset;
    if (!dataset || this.busy()) return;
    const seed = options.settings.seed ?? Math.floor(Math.random() * 0x100000000);
    const settings = { ...options.settings, seed, epochs: options.epochsPerTrial };
    const searching = startingSearch(options.trials, options.epochsPerTrial, options.range);
    let payload;
    try {
      if (!(settings.validationSplit > 0) && !dataset.validation)
        throw new Error('A search ranks learning rates by validation accuracy: set a validation share above 0.');
      payload = prepareRunData(dataset, options.limit, settings, seed);
    } catch (e) {
      this.set({
        search: { ...searching, phase: 'failed', fault: { kind: 'incompatible', message: (e as Error).message } },
      });
      return;
    }
    const wasmThreads = this.wasmThreadsFor(options.graph, settings);
    const worker = this.ensureWorker(wasmThreads);
    this.set({ search: searching });
    worker.postMessage(
      {
        type: 'search',
        graph: options.graph,
        settings,
        dataset: payload,
        backend: options.backend,
        wasmBinaries: this.wasmBinaries(this.baseUrl),
        wasmThreads,
        trials: options.trials,
        range: options.range,
      },
      payloadBuffers(payload),
    );
  }

  /** Cancels a search: the trial under way stops after its current batch and is not scored. */
  stopSearch(): void {
    if (this.state.search.phase !== 'searching') return;
    this.worker?.postMessage({ type: 'stop' });
    this.set({ search: { ...this.state.search, phase: 'stopping' } });
  }

  pause(): void {
    if (this.state.run.phase === 'training') this.worker?.postMessage({ type: 'pause' });
  }

  resume(): void {
    if (this.state.run.phase === 'paused') this.worker?.postMessage({ type: 'resume' });
  }

  /** Stops after the current batch; the run then evaluates what it has learned. */
  stop(): void {
    // Once training is over there is nothing left to stop: the test set is being evaluated.
    if (!isRunning(this.state.run.phase) || this.state.run.phase === 'evaluating') return;
    this.worker?.postMessage({ type: 'stop' });
    this.set({ run: { ...this.state.run, phase: 'stopping' } });
  }

  /** Ticks or unticks the kept run with key `key` (`runKey`) for the charts' overlay. */
  toggleOverlay(key: string): void {
    const { overlaid } = this.state;
    this.set({ overlaid: overlaid.includes(key) ? overlaid.filter((x) => x !== key) : [...overlaid, key] });
  }

  /** Asks the worker for a layer's output on test image `sample`. */
  requestFeatureMaps(layer: string, sample: number): void {
    if (this.state.run.phase !== 'done') return;
    this.worker?.postMessage({ type: 'feature-maps', layer, sample, requestId: ++this.featureRequest });
  }

  /** Ends the worker (when the app closes). */
  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  /**
   * The wasm threads `graph` trains fastest with (core's rule: every core from
   * 200 M multiply-adds a step, else one: each op of a small design only waits
   * for the pool). A design whose multiply-adds cannot be counted gets one.
   */
  private wasmThreadsFor(graph: Graph, settings: TrainingSettings): number {
    if (this.wasmCores <= 1) return 1;
    let macs = 0;
    try {
      macs = summarize(graph).totals.macs;
    } catch {
      return 1;
    }
    return wasmThreadsFor(macs, settings.batchSize, this.wasmCores);
  }

  /**
   * The worker for a run with `wasmThreads`: the current one, unless it was
   * asked for other threads (its wasm module, started once, keeps them): then
   * a fresh one, which loses only the last run's model for feature maps.
   */
  private ensureWorker(wasmThreads: number): WorkerPort {
    if (this.worker && this.workerThreads !== wasmThreads) {
      this.worker.terminate();
      this.worker = null;
    }
    this.workerThreads = wasmThreads;
    if (this.worker) return this.worker;
    const worker = this.createWorker();
    worker.onmessage = (event) => this.receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault?.();
      // The worker is unusable (it did not load, or crashed); the next run starts a fresh one.
      this.worker?.terminate();
      this.worker = null;
      this.receive({
        type: 'error',
        kind: 'other',
        message: event.message || 'the training worker stopped unexpectedly',
      });
    };
    this.worker = worker;
    return worker;
  }

  private receive(message: FromWorker): void {
    // While a search runs, the worker's messages (its backend, an error) are the search's.
    if (isSearching(this.state.search.phase) || message.type.startsWith('search-')) {
      this.set({ search: reduceSearch(this.state.search, message) }, message.type === 'search-progress');
      return;
    }
    if (message.type === 'done' && this.runGraph) {
      this.results.setTrainedModel({
        graph: this.runGraph,
        modelJson: message.modelJson,
        weightData: message.weightData,
        accuracy: message.evaluation.accuracy,
      });
    }
    if (message.type === 'health') {
      if (this.runGraph) this.results.setLayerHealth?.({ graph: this.runGraph, report: message.report });
      return;
    }
    if (message.type === 'feature-maps' && message.maps.requestId !== this.featureRequest) return;
    let run = reduceRun(this.state.run, message);
    // The run has ended (an error after the results is only a failed feature-map request).
    if ((message.type === 'done' || message.type === 'error') && this.setup && this.state.run.phase !== 'done') {
      const record = runRecordOf(this.setup, this.state.run, message, Date.now());
      this.setup = null;
      if (record) run = { ...run, keptAs: runKey({ id: this.results.keepRun(record), startedAt: record.startedAt }) };
    }
    this.set({ run }, message.type === 'batch' || message.type === 'boundary');
  }
}
