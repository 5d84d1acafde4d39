/**
 * The data pipeline: training data stays in memory as stored (raw bytes for
 * images) and only one batch at a time becomes a float tensor, so a dataset
 * never has to fit on the GPU as float32.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { DatasetSplit } from '../data/dataset';
import { sampleSize } from '../data/dataset';
import type { Tfjs } from '../layers/layer-spec';
import { augmentBatch } from './augment';
import type { Normalization } from './preprocess';
import { normalizeBatch } from './preprocess';
import type { Augmentation } from './settings';

/**
 * What a training session needs of a dataset: the sample shape, the class
 * names and the splits. A `Dataset` from `core/data` is one.
 */
export interface TrainingData {
  /** One sample's shape without the batch: `[h, w, c]` for images, `[features]` for flat data. */
  readonly inputShape: readonly number[];
  readonly classNames: readonly string[];
  readonly train: DatasetSplit;
  /** Used for validation as it is; otherwise the settings' `validationSplit` is held out of `train`. */
  readonly validation?: DatasetSplit;
  /** The held-out test split, when the data has one; training refuses an empty one (its accuracy would be NaN). */
  readonly test?: DatasetSplit;
}

/** One batch as tensors: inputs `[n, ...inputShape]` and one-hot labels `[n, classes]`. The caller disposes both. */
export interface Batch {
  xs: tfjs.Tensor;
  ys: tfjs.Tensor;
}

/** How {@link makeBatch} builds a batch. */
export interface BatchOptions {
  inputShape: readonly number[];
  classCount: number;
  normalization: Normalization;
  /** Augment with these strengths using this random source (training batches only). */
  augmentation?: { settings: Augmentation; random: () => number };
}

/**
 * Builds the batch of the samples at `indices`: gathers and scales their
 * values into one float array, then on the backend augments (optionally),
 * centres/standardizes and one-hot encodes the labels.
 */
export function makeBatch(tf: Tfjs, split: DatasetSplit, indices: ArrayLike<number>, options: BatchOptions): Batch {
  const { inputShape, classCount, normalization } = options;
  const size = sampleSize(inputShape);
  const count = indices.length;
  const values = new Float32Array(count * size);
  const { scale } = normalization;
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const from = indices[i] * size;
    if (scale === 1 && split.images instanceof Float32Array) {
      values.set(split.images.subarray(from, from + size), i * size);
    } else {
      scaledCopy(split.images, from, size, scale, values, i * size);
    }
    labels[i] = split.labels[indices[i]];
  }
  return tf.tidy(() => {
    let xs: tfjs.Tensor = tf.tensor(values, [count, ...inputShape]);
    if (options.augmentation) {
      const maxValue = split.images instanceof Uint8Array && scale === 1 ? 255 : 1;
      xs = augmentBatch(tf, xs as tfjs.Tensor4D, options.augmentation.settings, options.augmentation.random, maxValue);
    }
    xs = normalizeBatch(tf, xs, normalization);
    const ys = tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), classCount), 'float32');
    return { xs, ys };
  });
}

/**
 * `to[at + k] = from[start + k] · scale` for `count` values. A function of its
 * own: a loop nest inside `makeBatch` made V8 (Chromium's newer versions, the
 * app's worker) compile the inner loop alone and throw that code away where it
 * ended, on every batch.
 */
function scaledCopy(
  from: ArrayLike<number>,
  start: number,
  count: number,
  scale: number,
  to: Float32Array,
  at: number,
): void {
  for (let k = 0; k < count; k++) to[at + k] = from[start + k] * scale;
}

/** `0, 1, …, n − 1` cut into consecutive batches of `batchSize` (the last may be smaller). */
export function batchRanges(n: number, batchSize: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let start = 0; start < n; start += batchSize) ranges.push([start, Math.min(n, start + batchSize)]);
  return ranges;
}
