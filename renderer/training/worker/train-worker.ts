/**
 * The training worker: compiles the design with core, trains it with
 * core/train on the backend asked for or the best it can get (WebGPU, WebGL
 * through OffscreenCanvas, wasm, cpu; see core/train/backends.ts), and reports
 * every batch and epoch, so the editor's thread only draws. Keeps the trained
 * model for feature maps until the next run.
 */
/// <reference lib="webworker" />
import * as tf from '@tensorflow/tfjs';
import { compileGraph } from '../../../core/compile/compile';
import { exportTfjsModel } from '../../../core/formats/tfjs-export';
import { selectBackend, wasmThreadCount, type BackendName, type PassedOverBackend } from '../../../core/train/backends';
import { decisionBoundary } from '../../../core/train/decision-boundary';
import { evaluate } from '../../../core/train/evaluate';
import { healthLayersOf } from '../../../core/train/layer-health';
import { computeNormalization, normalizeBatch, type Normalization } from '../../../core/train/preprocess';
import { train, TrainingDivergedError, TrainingError } from '../../../core/train/session';
import { compileOptionsFor, type TrainingSettings } from '../../../core/train/settings';
import { compareTrials, searchLearningRate, type Trial, type TrialOutcome } from '../../../core/train/lr-search';
import { runRateTrial } from '../../../core/train/rate-trial';
import { classifyFault } from './faults';
import type { DatasetPayload, FirstLayerFilters, FromWorker, ToWorker } from './worker-protocol';

declare const self: DedicatedWorkerGlobalScope;

const post = (message: FromWorker, transfer: Transferable[] = []) => self.postMessage(message, transfer);

interface Trained {
  model: tf.LayersModel;
  dataset: DatasetPayload;
  normalization: Normalization;
}

let current: Trained | null = null;
let abort: AbortController | null = null;
let pauseRequested = false;
let resumeRun: (() => void) | null = null;
/** The backend chosen for the last request, and those passed over on the way. */
interface ChosenBackend {
  backend: BackendName;
  passedOver: PassedOverBackend[];
}

let backendReady: Promise<ChosenBackend> | null = null;
/** What {@link backendReady} was chosen for: a backend's name, or null for the best one here. */
let backendFor: BackendName | null | undefined;

/** Values of samples `from … to` of a split as a normalized float tensor `[n, ...inputShape]`. */
function inputs(
  dataset: DatasetPayload,
  values: ArrayLike<number>,
  count: number,
  normalization: Normalization,
): tf.Tensor {
  return tf.tidy(() => {
    const scaled = Float32Array.from(values, (v) => v * normalization.scale);
    return normalizeBatch(tf, tf.tensor(scaled, [count, ...dataset.inputShape]), normalization);
  });
}

/** Read asynchronously: a GPU backend (WebGPU) stalls on, or refuses, a synchronous read. */
async function firstLayerFilters(model: tf.LayersModel): Promise<FirstLayerFilters | null> {
  const conv = model.layers.find((layer) => layer.getClassName() === 'Conv2D');
  if (!conv) return null;
  const [kernel] = conv.getWeights();
  const [kernelHeight, kernelWidth, inChannels, outChannels] = kernel.shape;
  return {
    layer: conv.name,
    kernelHeight,
    kernelWidth,
    inChannels,
    outChannels,
    values: (await kernel.data()) as Float32Array,
  };
}

/**
 * Threads for the wasm backend: those the controller asked for (every core
 * for designs big enough that threads pay), where the page is cross-origin
 * isolated (COOP/COEP headers) so wasm threads can share memory; else one.
 */
const wasmThreadsAllowed = (asked: number): number => (self.crossOriginIsolated ? Math.max(1, asked) : 1);

/**
 * Runs `start` (the wasm module's start) with `navigator.hardwareConcurrency`
 * reading twice the cores: tfjs-backend-wasm sizes its pool at most half the
 * logical cores the module reads there, taking every core for two hardware
 * threads, which leaves half of them idle on machines whose cores are not
 * split that way (every 2-core virtual machine gets one thread). The worker's
 * own value is back as soon as the module has started.
 */
async function withCoresDoubled<T>(start: () => Promise<T>): Promise<T> {
  const cores = navigator.hardwareConcurrency;
  Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * cores, configurable: true });
  try {
    return await start();
  } finally {
    delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

async function ensureBackend(
  requested: BackendName | null,
  wasmBinaries: Record<string, string>,
  wasmThreads: number,
): Promise<ChosenBackend> {
  if (!backendReady || backendFor !== requested) {
    backendFor = requested;
    const threads = wasmThreadsAllowed(wasmThreads);
    const select = async (): Promise<ChosenBackend> => {
      const passedOver: PassedOverBackend[] = [];
      const backend = await selectBackend(requested ?? undefined, {
        wasmBinaries: (name) => wasmBinaries[name],
        wasmThreads: threads,
        onRejected: (name, reason) => passedOver.push({ backend: name, reason }),
      });
      return { backend, passedOver };
    };
    backendReady = threads > 1 ? withCoresDoubled(select) : select();
  }
  return backendReady;
}

async function run(message: Extract<ToWorker, { type: 'start' }>): Promise<void> {
  const { graph, dataset, boundary } = message;
  const settings: TrainingSettings = message.settings;
  current?.model.dispose();
  current = null;
  // Stop must work from the first moment, while the backend is still being chosen.
  const controller = new AbortController();
  abort = controller;
  const { backend, passedOver } = await ensureBackend(message.backend, message.wasmBinaries, message.wasmThreads);
  post({
    type: 'backend',
    backend,
    requested: message.backend,
    passedOver,
    wasmThreads: (await wasmThreadCount()) ?? undefined,
  });

  const model = compileGraph(graph, tf, compileOptionsFor(settings));
  // The same statistics train() computes from this training split, so the boundary and feature maps see what the network sees.
  const normalization = computeNormalization(dataset.train.images, dataset.inputShape, settings.preprocessing);
  current = { model, dataset, normalization };
  post({
    type: 'started',
    trainCount: dataset.train.count,
    validationCount: dataset.validation?.count ?? 0,
    normalization,
  });
  // The boundary is drawn after every epoch (the picture moves epoch by epoch), and once more for a run stopped early.
  let epochsDone = 0;
  const drawBoundary = async () => {
    if (!boundary) return;
    const drawn = await decisionBoundary(tf, model, boundary, normalization, epochsDone);
    post({ type: 'boundary', boundary: drawn }, [drawn.classes.buffer, drawn.confidence.buffer]);
  };
  const result = await train(tf, model, dataset, settings, {
    signal: controller.signal,
    onBatchEnd: async (event) => {
      post({ type: 'batch', event });
      epochsDone = event.epoch + (event.batch + 1) / event.batchesPerEpoch;
      if (pauseRequested && !controller.signal.aborted) {
        post({ type: 'paused' });
        await new Promise<void>((resolve) => (resumeRun = resolve));
        resumeRun = null;
        if (!controller.signal.aborted) post({ type: 'resumed' });
      }
    },
    onEpochEnd: async (event) => {
      post({ type: 'epoch', event });
      epochsDone = event.epoch + 1;
      await drawBoundary();
    },
    health: { layers: healthLayersOf(graph), onReport: (report) => post({ type: 'health', report }) },
  });
  abort = null;
  post({ type: 'evaluating', testCount: dataset.test.count });
  if (result.status === 'cancelled') await drawBoundary();
  const evaluation = await evaluate(tf, model, dataset.test, {
    inputShape: dataset.inputShape,
    classCount: dataset.classNames.length,
    normalization: result.normalization,
    samples: message.predictionSamples,
  });
  const filters = await firstLayerFilters(model);
  const exported = await exportTfjsModel(model, tf);
  const weightData = exported.weightData ?? new ArrayBuffer(0);
  post(
    {
      type: 'done',
      status: result.status,
      evaluation,
      samplesPerSecond: result.samplesPerSecond,
      filters,
      modelJson: JSON.stringify(exported.modelJson),
      weightData,
    },
    [weightData, ...(filters ? [filters.values.buffer] : [])],
  );
}

/** Thrown out of a trial that Stop interrupted, so the half-run trial is not scored. */
class SearchCancelled extends Error {}

/**
 * The learning-rate search: each trial compiles the design afresh (the same
 * seed, so the same initial weights, shuffling and split: only the rate
 * differs) and trains it for the settings' epochs. The trained model of the
 * last run stays for its feature maps; a search keeps none of its own.
 */
async function search(message: Extract<ToWorker, { type: 'search' }>): Promise<void> {
  const { graph, dataset, settings } = message;
  const controller = new AbortController();
  abort = controller;
  const { backend, passedOver } = await ensureBackend(message.backend, message.wasmBinaries, message.wasmThreads);
  post({ type: 'backend', backend, requested: message.backend, passedOver });
  const trials: Trial[] = [];
  const runTrial = async (learningRate: number, index: number): Promise<TrialOutcome> => {
    if (controller.signal.aborted) throw new SearchCancelled();
    const { cancelled, ...outcome } = await runRateTrial(tf, graph, dataset, settings, learningRate, {
      signal: controller.signal,
      onEpochEnd: (event) =>
        post({ type: 'search-progress', trial: index, learningRate, epoch: event.epoch, epochs: settings.epochs }),
    });
    if (cancelled) throw new SearchCancelled();
    return outcome;
  };
  try {
    const result = await searchLearningRate({
      trials: message.trials,
      range: message.range,
      seed: settings.seed ?? 0,
      runTrial,
      onTrial: (trial) => {
        trials.push(trial);
        post({ type: 'search-trial', trial });
      },
      signal: controller.signal,
    });
    post({ type: 'search-done', status: result.status, best: result.best, ranges: result.ranges });
  } catch (e) {
    if (!(e instanceof SearchCancelled)) throw e;
    const best = [...trials].sort(compareTrials).find((t) => !t.diverged) ?? null;
    post({ type: 'search-done', status: 'cancelled', best, ranges: [] });
  } finally {
    if (abort === controller) abort = null;
  }
}

async function featureMaps(message: Extract<ToWorker, { type: 'feature-maps' }>): Promise<void> {
  if (!current) throw new TrainingError('Train the model first: feature maps come from the trained weights.');
  const { model, dataset, normalization } = current;
  const layer = model.getLayer(message.layer);
  const size = dataset.inputShape.reduce((a, b) => a * b, 1);
  const sample = Math.max(0, Math.min(dataset.test.count - 1, message.sample));
  const probe = tf.model({ inputs: model.inputs, outputs: layer.output as tf.SymbolicTensor });
  const output = tf.tidy(
    () =>
      probe.predict(
        inputs(dataset, dataset.test.images.subarray(sample * size, (sample + 1) * size), 1, normalization),
      ) as tf.Tensor,
  );
  const shape = output.shape.slice(1) as number[];
  const values = (await output.data()) as Float32Array;
  output.dispose();
  // A flat layer (Dense, Flatten) shows as one row of 1×1 maps.
  const [height, width, channels] = shape.length === 3 ? shape : [1, 1, shape.reduce((a, b) => a * b, 1)];
  post(
    {
      type: 'feature-maps',
      maps: { layer: message.layer, sample, height, width, channels, values, requestId: message.requestId },
    },
    [values.buffer],
  );
}

function report(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const kind =
    error instanceof TrainingDivergedError
      ? 'nan'
      : error instanceof TrainingError
        ? 'incompatible'
        : classifyFault(message);
  post({ type: 'error', kind, message });
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  switch (message.type) {
    case 'start':
      pauseRequested = false;
      run(message).catch(report);
      return;
    case 'search':
      pauseRequested = false;
      search(message).catch(report);
      return;
    case 'pause':
      pauseRequested = true;
      return;
    case 'resume':
      pauseRequested = false;
      resumeRun?.();
      return;
    case 'stop':
      pauseRequested = false;
      abort?.abort();
      resumeRun?.();
      return;
    case 'feature-maps':
      featureMaps(message).catch(report);
      return;
  }
};
