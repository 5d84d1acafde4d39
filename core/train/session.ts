/**
 * The training session: a custom loop over batches (rather than `model.fit`)
 * so a run can stop between any two batches, report every batch, notice a
 * diverging loss at once, and keep every random choice under one seed.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { DatasetSplit } from '../data/dataset';
import { sampleSize, seededPermutation, selectSamples } from '../data/dataset';
import { mulberry32 } from '../data/random';
import type { Tfjs } from '../layers/layer-spec';
import { augments } from './augment';
import type { TrainingData } from './batches';
import { batchRanges, makeBatch } from './batches';
import { interfaceMismatches, ioCountProblem, mismatchSentence, settingsMismatches } from './design-check';
import { lossAndAccuracy } from './evaluate';
import { healthSampleCount, LayerHealthMonitor, type HealthLayer, type LayerHealthReport } from './layer-health';
import { correct, meanCrossEntropy, outputIsProbability, probabilities } from './metrics';
import { createOptimizer, disposeOptimizer, setLearningRate } from './optimizers';
import type { Normalization } from './preprocess';
import { computeNormalization } from './preprocess';
import { learningRateAt } from './schedule';
import type { TrainingSettings, TrainingSettingsInput } from './settings';
import { parseTrainingSettings } from './settings';

/** Reported after every batch. */
export interface BatchEvent {
  /** 0-based epoch. */
  epoch: number;
  /** 0-based batch within the epoch. */
  batch: number;
  batchesPerEpoch: number;
  /** This batch's loss (cross-entropy plus weight decay). */
  loss: number;
  /** This batch's accuracy. */
  accuracy: number;
  learningRate: number;
  /** Training samples processed so far in the run. */
  samplesSeen: number;
  /** Training throughput of the run so far. */
  samplesPerSecond: number;
  /** Estimated seconds until the run ends, validation included. */
  etaSeconds: number;
}

/** Reported after every epoch: the row of a training history. */
export interface EpochEvent {
  /** 0-based epoch. */
  epoch: number;
  /** Mean training loss over the epoch's batches. */
  loss: number;
  /** Training accuracy over the epoch. */
  accuracy: number;
  /** Validation loss and accuracy, when there is a validation split. */
  valLoss?: number;
  valAccuracy?: number;
  learningRate: number;
  /** Wall-clock seconds the epoch took, validation included. */
  seconds: number;
  samplesPerSecond: number;
  etaSeconds: number;
}

/** Hooks into a run. Async callbacks are awaited before the next batch. */
export interface TrainCallbacks {
  /** Aborting stops the run before its next batch; `train` then resolves with status `cancelled`. */
  signal?: AbortSignal;
  onBatchEnd?(event: BatchEvent): void | Promise<void>;
  onEpochEnd?(event: EpochEvent): void | Promise<void>;
  /**
   * Watch these layers' health (`layer-health.ts`): the run's first step and
   * each epoch's last record gradient norms and update ratios, and after validation the
   * first validation samples measure dead and saturated units. `onReport`
   * gets the figures after `onEpochEnd`.
   */
  health?: {
    layers: readonly HealthLayer[];
    onReport?(report: LayerHealthReport): void | Promise<void>;
  };
}

/** How a run ended, with what it learned about the data. */
export interface TrainingResult {
  status: 'completed' | 'cancelled';
  /** One row per completed epoch. */
  history: EpochEvent[];
  /** Training throughput over the whole run. */
  samplesPerSecond: number;
  /** The preprocessing computed from the training split: evaluate test data with it. */
  normalization: Normalization;
  /** The seed used (the given one, or the one drawn for this run), to repeat it. */
  seed: number;
  trainCount: number;
  validationCount: number;
  /** The settings with defaults filled in. */
  settings: TrainingSettings;
  /** The last epoch's layer health, when it was watched (`callbacks.health`). */
  health?: LayerHealthReport;
}

/** A model and a dataset (or settings) that cannot be trained together; the message says why. */
export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

/** The loss became NaN or infinite: the weights have blown up and the run was stopped. */
export class TrainingDivergedError extends TrainingError {
  readonly epoch: number;
  readonly batch: number;
  readonly learningRate: number;
  readonly loss: number;
  constructor(epoch: number, batch: number, learningRate: number, loss: number) {
    super(
      `Training stopped: the loss became ${Number.isNaN(loss) ? 'NaN' : loss > 0 ? 'infinite' : '-infinite'} at epoch ${epoch + 1}, ` +
        `batch ${batch + 1}, with learning rate ${learningRate}. The weights have diverged; ` +
        `lower the learning rate (try ${Number((learningRate / 10).toPrecision(2))}) and train again.`,
    );
    this.name = 'TrainingDivergedError';
    this.epoch = epoch;
    this.batch = batch;
    this.learningRate = learningRate;
    this.loss = loss;
  }
}

/**
 * Throws a {@link TrainingError} when the model cannot learn from this data
 * with these settings: the same check the Train view and `netcanvas train` run
 * on the design (`design-check.ts`), here on the compiled model, for callers
 * that come straight to the session.
 */
function checkCompatible(model: tfjs.LayersModel, data: TrainingData, settings: TrainingSettings): void {
  const ioProblem = ioCountProblem(model.inputs.length, model.outputs.length);
  if (ioProblem) throw new TrainingError(ioProblem);
  const shape = { inputShape: data.inputShape, classCount: data.classNames.length, name: 'the dataset' };
  const network = {
    inputCount: 1,
    outputCount: 1,
    inputShape: model.inputs[0].shape.slice(1),
    outputShape: model.outputs[0].shape.slice(1),
  };
  const [mismatch] = [...interfaceMismatches(network, shape), ...settingsMismatches(settings, shape)];
  if (mismatch) throw new TrainingError(mismatchSentence(mismatch));
  if (data.train.count === 0) throw new TrainingError('The training split has no samples.');
  // Checked before training, not after: the run would end with a test accuracy of NaN.
  if (data.test && data.test.count === 0)
    throw new TrainingError('The test split has no samples; add test images (or more images per class) first.');
}

/** The training and validation splits: the dataset's own validation split, or a seeded share of `train`. */
function splitsFor(
  data: TrainingData,
  settings: TrainingSettings,
  seed: number,
): { train: DatasetSplit; validation?: DatasetSplit } {
  if (data.validation) return { train: data.train, validation: data.validation };
  if (settings.validationSplit === 0) return { train: data.train };
  const total = data.train.count;
  const held = Math.round(total * settings.validationSplit);
  if (held === 0 || held === total) {
    throw new TrainingError(
      `A validation split of ${settings.validationSplit} leaves ${total - held} of ${total} samples for training and ${held} for validation; choose another fraction.`,
    );
  }
  const order = seededPermutation(total, seed);
  return {
    train: selectSamples(data.train, order.slice(held).sort(), data.inputShape),
    validation: selectSamples(data.train, order.slice(0, held).sort(), data.inputShape),
  };
}

/** Derives independent seeds for the run's random streams (shuffling, augmentation, dropout). */
const subSeed = (seed: number, stream: number): number =>
  (Math.imul(seed ^ (stream * 0x9e3779b9), 0x85ebca6b) ^ stream) >>> 0;

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Lets timers and other tasks run (an abort from a UI button arrives as one).
 * `await tensor.data()` alone may resolve as a microtask and never yield. Not
 * `setTimeout(0)`: the training loop runs inside the previous yield's task,
 * so browsers count its timeouts as nested and hold each for at least 4 ms (8 %
 * of a run yielding every 50 ms). A message to itself (a browser or worker;
 * Node's `setImmediate`) is a task of its own, run as soon as those queued
 * before it.
 */
function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    const channel = new MessageChannel();
    return new Promise((resolve) => {
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
/** Yield at most this often: each yield lets the page or the worker handle what arrived. */
const YIELD_EVERY_MS = 50;

/**
 * Trains a compiled classifier on in-memory data. Compile the model with
 * `compileOptionsFor(settings)` so the initializer, seed and weight decay
 * apply. Resolves with the history when the run completes or is cancelled
 * through `callbacks.signal`; rejects with {@link TrainingDivergedError} when
 * the loss turns NaN/infinite and {@link TrainingError} when model and data
 * do not fit. Every tensor the run creates is released, however it ends.
 *
 * @example
 * const settings = parseTrainingSettings({ optimizer: 'sgd', learningRate: 0.05, epochs: 3, seed: 1 });
 * const model = compileGraph(graph, tf, compileOptionsFor(settings));
 * const result = await train(tf, model, dataset, settings, { signal, onEpochEnd: (e) => console.log(e.loss) });
 */
export async function train(
  tf: Tfjs,
  model: tfjs.LayersModel,
  data: TrainingData,
  settingsInput: TrainingSettingsInput | TrainingSettings,
  callbacks: TrainCallbacks = {},
): Promise<TrainingResult> {
  const settings = parseTrainingSettings(settingsInput);
  checkCompatible(model, data, settings);
  const seed = settings.seed ?? Math.floor(Math.random() * 0x100000000);
  const { train: trainSplit, validation } = splitsFor(data, settings, subSeed(seed, 1));
  const normalization = computeNormalization(trainSplit.images, data.inputShape, settings.preprocessing);
  const classCount = data.classNames.length;
  const batchOptions = { inputShape: data.inputShape, classCount, normalization };
  const augmentRandom = augments(settings.augmentation) ? mulberry32(subSeed(seed, 2)) : undefined;
  const dropoutRandom = settings.seed === undefined ? undefined : mulberry32(subSeed(seed, 3));
  // Layers drawing random numbers while training (Dropout) take a seed; a fixed one would repeat one mask forever.
  const seededLayers = model.layers.filter((layer) => 'seed' in (layer.getConfig() as object)) as unknown as {
    seed?: number;
  }[];
  const isProbability = outputIsProbability(model);
  const variables = model.trainableWeights.map((w) => w.read() as tfjs.Variable);
  const ranges = batchRanges(trainSplit.count, settings.batchSize);
  const totalSamples = trainSplit.count * settings.epochs;

  const optimizer = createOptimizer(tf, settings.optimizer, settings.learningRate);
  const monitor = callbacks.health ? new LayerHealthMonitor(tf, model, callbacks.health.layers) : null;
  // Health looks at the same samples every epoch, so a change in its figures is the network's, not the data's.
  const healthSplit = validation ?? trainSplit;
  const healthCount = healthSampleCount(healthSplit.count, sampleSize(data.inputShape), settings.batchSize);
  let lastHealth: LayerHealthReport | undefined;
  const history: EpochEvent[] = [];
  const started = now();
  let lastYield = started;
  let trainingMs = 0;
  let samplesSeen = 0;
  const finish = (status: TrainingResult['status']): TrainingResult => ({
    status,
    history,
    samplesPerSecond: trainingMs > 0 ? (samplesSeen / trainingMs) * 1000 : 0,
    normalization,
    seed,
    trainCount: trainSplit.count,
    validationCount: validation?.count ?? 0,
    settings,
    ...(lastHealth ? { health: lastHealth } : {}),
  });
  const eta = () => {
    const elapsed = (now() - started) / 1000;
    return samplesSeen ? (elapsed / samplesSeen) * (totalSamples - samplesSeen) : NaN;
  };

  try {
    for (let epoch = 0; epoch < settings.epochs; epoch++) {
      const epochStart = now();
      const learningRate = learningRateAt(settings.learningRate, settings.schedule, epoch, settings.epochs);
      setLearningRate(optimizer, learningRate);
      const order = seededPermutation(trainSplit.count, subSeed(seed, 100 + epoch));
      let lossSum = 0;
      let correctSum = 0;
      for (const [batchIndex, [start, end]] of ranges.entries()) {
        if (callbacks.signal?.aborted) return finish('cancelled');
        const stepStart = now();
        if (dropoutRandom) for (const layer of seededLayers) layer.seed = Math.floor(dropoutRandom() * 0x7fffffff);
        const batch = makeBatch(tf, trainSplit, order.subarray(start, end), {
          ...batchOptions,
          ...(augmentRandom ? { augmentation: { settings: settings.augmentation, random: augmentRandom } } : {}),
        });
        let accuracy: tfjs.Scalar | undefined;
        let cost: tfjs.Scalar | null = null;
        let readout: tfjs.Tensor | undefined;
        let values: Float32Array | Int32Array | Uint8Array;
        try {
          const loss = () => {
            const probs = probabilities(tf, model.apply(batch.xs, { training: true }) as tfjs.Tensor, isProbability);
            accuracy = tf.keep(tf.mean(correct(tf, batch.ys, probs)) as tfjs.Scalar);
            let total = meanCrossEntropy(tf, batch.ys, probs);
            for (const penalty of model.calculateLosses()) total = tf.add(total, penalty) as tfjs.Scalar;
            return total;
          };
          // Health watches the run's first step and each epoch's last: the same steps, with their gradients looked at.
          cost =
            monitor && ((epoch === 0 && batchIndex === 0) || batchIndex === ranges.length - 1)
              ? monitor.measuredStep(optimizer, loss, variables)
              : optimizer.minimize(loss, true, variables);
          readout = tf.stack([cost as tfjs.Scalar, accuracy as tfjs.Scalar]);
          values = await readout.data();
        } finally {
          tf.dispose([batch.xs, batch.ys, cost, accuracy, readout].filter((t): t is tfjs.Tensor => t != null));
        }
        const [loss, batchAccuracy] = values;
        if (!Number.isFinite(loss)) throw new TrainingDivergedError(epoch, batchIndex, learningRate, loss);
        const count = end - start;
        lossSum += loss * count;
        correctSum += batchAccuracy * count;
        samplesSeen += count;
        trainingMs += now() - stepStart;
        await callbacks.onBatchEnd?.({
          epoch,
          batch: batchIndex,
          batchesPerEpoch: ranges.length,
          loss,
          accuracy: batchAccuracy,
          learningRate,
          samplesSeen,
          samplesPerSecond: (samplesSeen / trainingMs) * 1000,
          etaSeconds: eta(),
        });
        if (now() - lastYield > YIELD_EVERY_MS) {
          await yieldToEventLoop();
          lastYield = now();
        }
      }
      const val = validation
        ? await lossAndAccuracy(tf, model, validation, { ...batchOptions, batchSize: settings.batchSize })
        : undefined;
      const event: EpochEvent = {
        epoch,
        loss: lossSum / trainSplit.count,
        accuracy: correctSum / trainSplit.count,
        ...(val ? { valLoss: val.loss, valAccuracy: val.accuracy } : {}),
        learningRate,
        seconds: (now() - epochStart) / 1000,
        samplesPerSecond: (samplesSeen / trainingMs) * 1000,
        etaSeconds: eta(),
      };
      history.push(event);
      await callbacks.onEpochEnd?.(event);
      if (monitor && healthCount > 0) {
        const indices = Array.from({ length: healthCount }, (_, i) => i);
        const { xs, ys } = makeBatch(tf, healthSplit, indices, batchOptions);
        try {
          lastHealth = await monitor.report(xs, epoch, { rateFactor: learningRate / settings.learningRate });
        } finally {
          tf.dispose([xs, ys]);
        }
        await callbacks.health?.onReport?.(lastHealth);
      }
    }
    return finish(callbacks.signal?.aborted ? 'cancelled' : 'completed');
  } finally {
    monitor?.dispose();
    disposeOptimizer(optimizer);
  }
}
