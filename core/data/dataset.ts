/**
 * The one in-memory form every dataset reader produces, and the pure helpers
 * that cut it up (validation split, first N, per-class counts). Pixels stay as
 * raw bytes so MNIST and CIFAR-10 cost one byte per value; `core/train` turns
 * them into float tensors batch by batch.
 */
import { ValidationError } from '../errors';
import { mulberry32 } from './random';

/** Bytes as a caller hands them over: a file's contents read by the shell. */
export type Bytes = Uint8Array | ArrayBuffer;

/**
 * Sample values. `Uint8Array` holds raw pixels in 0–255; `Float32Array` holds
 * values used as they are (the toy 2-D sets' coordinates).
 */
export type SampleValues = Uint8Array | Float32Array;

/** One part of a dataset (train, validation or test): `count` samples with their labels. */
export interface DatasetSplit {
  /**
   * Every sample's values back to back, sample-major, each sample laid out as
   * the dataset's `inputShape` in row-major order: NHWC for images
   * (`images[((n * h + y) * w + x) * c + channel]`). Named for the common
   * case; a toy set's "image" is its point `[x, y]`.
   */
  readonly images: SampleValues;
  /**
   * The class index of each sample, in `0 … classNames.length - 1`. Int32 so
   * it feeds `tf.oneHot` directly and an image folder may have over 255 classes.
   */
  readonly labels: Int32Array;
  /** Number of samples; `images.length === count * sampleSize(inputShape)`. */
  readonly count: number;
}

/** A labelled dataset ready to train on: a training split, a test split and, once split off, a validation split. */
export interface Dataset {
  /** What the user picked, e.g. `mnist` or `cifar10:~/data/cifar-10-binary.tar.gz`, for progress lines and reports. */
  readonly name: string;
  /** One sample's shape without the batch dimension: `[h, w, c]` for images, `[2]` for the toy sets. */
  readonly inputShape: readonly number[];
  /** Class names in label order; their count is the number of classes. */
  readonly classNames: readonly string[];
  readonly train: DatasetSplit;
  /** Present after {@link splitValidation}; held out from `train`. */
  readonly validation?: DatasetSplit;
  readonly test: DatasetSplit;
}

/**
 * A file that cannot be read as the dataset it claims to be: truncated, of the
 * wrong kind, or labelled outside the class range. The message starts with
 * the file (or dataset id) so a user knows which one to replace.
 *
 * @example
 * new DatasetError('data_batch_2.bin', 'record 9999 is truncated: 1200 of 3073 bytes')
 * // message: "data_batch_2.bin: record 9999 is truncated: 1200 of 3073 bytes"
 */
export class DatasetError extends ValidationError {
  /** The file, archive member or dataset id at fault. */
  readonly file: string;
  constructor(file: string, detail: string) {
    super([file], detail);
    this.name = 'DatasetError';
    this.file = file;
    // A file name reads better than the JSON-path form `At name.ext: …` that ValidationError uses.
    this.message = `${file}: ${detail}`;
  }
}

/**
 * One line describing a dataset for progress output and reports.
 *
 * @example
 * describeDataset(mnist); // "mnist: 60000 train, 10000 test, 28×28×1, 10 classes"
 */
export function describeDataset(dataset: Dataset): string {
  const parts = [`${dataset.train.count} train`];
  if (dataset.validation) parts.push(`${dataset.validation.count} validation`);
  parts.push(`${dataset.test.count} test`, dataset.inputShape.join('×'), `${dataset.classNames.length} classes`);
  return `${dataset.name}: ${parts.join(', ')}`;
}

/** Number of values in one sample of the given shape (`h * w * c`). */
export function sampleSize(inputShape: readonly number[]): number {
  return inputShape.reduce((product, dim) => product * dim, 1);
}

/** A plain `Uint8Array` over the caller's bytes, without copying (a Node `Buffer` becomes a plain view). */
export function asUint8Array(bytes: Bytes): Uint8Array {
  return bytes instanceof Uint8Array
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    : new Uint8Array(bytes);
}

/**
 * Checks that a split's arrays agree with its count, the sample shape and the
 * class count, and throws a {@link DatasetError} naming `source` if not.
 * Readers call it last, so a `Dataset` in hand is always consistent.
 */
export function checkSplit(
  source: string,
  split: DatasetSplit,
  inputShape: readonly number[],
  classCount: number,
): void {
  const size = sampleSize(inputShape);
  if (split.images.length !== split.count * size) {
    throw new DatasetError(
      source,
      `holds ${split.images.length} values, expected ${split.count} samples × ${size} = ${split.count * size}`,
    );
  }
  if (split.labels.length !== split.count) {
    throw new DatasetError(source, `has ${split.labels.length} labels for ${split.count} samples`);
  }
  for (let i = 0; i < split.count; i++) {
    const label = split.labels[i];
    if (label < 0 || label >= classCount) {
      throw new DatasetError(source, `sample ${i} has label ${label}, expected 0–${classCount - 1}`);
    }
  }
}

/**
 * Counts the samples of each class in a split.
 *
 * @example
 * classCounts(mnist.train, mnist.classNames.length) // [5923, 6742, 5958, …] (sums to 60000)
 */
export function classCounts(split: DatasetSplit, classCount: number): number[] {
  const counts = new Array<number>(classCount).fill(0);
  for (let i = 0; i < split.count; i++) counts[split.labels[i]]++;
  return counts;
}

/** The first `n` samples of a split (all of them when it has fewer), sharing memory with the original. */
export function takeFirst(split: DatasetSplit, n: number, inputShape: readonly number[]): DatasetSplit {
  const count = Math.max(0, Math.min(split.count, Math.floor(n)));
  const size = sampleSize(inputShape);
  return { images: split.images.subarray(0, count * size), labels: split.labels.subarray(0, count), count };
}

/** Copies the samples at `indices`, in that order, into a new split. */
export function selectSamples(
  split: DatasetSplit,
  indices: ArrayLike<number>,
  inputShape: readonly number[],
): DatasetSplit {
  const size = sampleSize(inputShape);
  const count = indices.length;
  const images = split.images instanceof Uint8Array ? new Uint8Array(count * size) : new Float32Array(count * size);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const from = indices[i];
    images.set(split.images.subarray(from * size, (from + 1) * size), i * size);
    labels[i] = split.labels[from];
  }
  return { images, labels, count };
}

/**
 * Keeps at most `n` samples in every split (the CLI's `--limit`), taking the
 * first ones so a limited run sees the same samples each time.
 */
export function limitDataset(dataset: Dataset, n: number): Dataset {
  return {
    ...dataset,
    train: takeFirst(dataset.train, n, dataset.inputShape),
    ...(dataset.validation ? { validation: takeFirst(dataset.validation, n, dataset.inputShape) } : {}),
    test: takeFirst(dataset.test, n, dataset.inputShape),
  };
}

/**
 * A seeded random permutation of `0 … n - 1` (Fisher–Yates over mulberry32),
 * the same for the same seed on every platform.
 */
export function seededPermutation(n: number, seed: number): Uint32Array {
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const random = mulberry32(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  return order;
}

/**
 * Moves a seeded random `fraction` of the training samples into a validation
 * split. The same seed picks the same samples; both parts keep the original
 * order of their samples.
 *
 * @example
 * const { train, validation } = splitValidation(mnist, 0.1, 42); // 54000 + 6000
 */
export function splitValidation(dataset: Dataset, fraction: number, seed: number): Dataset {
  if (!(fraction > 0 && fraction < 1)) {
    throw new RangeError(`Validation fraction must be between 0 and 1 (exclusive), got ${fraction}`);
  }
  const total = dataset.train.count;
  const validationCount = Math.round(total * fraction);
  if (validationCount === 0 || validationCount === total) {
    throw new DatasetError(
      dataset.name,
      `a validation fraction of ${fraction} leaves ${total - validationCount} of ${total} training samples for training and ${validationCount} for validation`,
    );
  }
  const order = seededPermutation(total, seed);
  const validationIndices = order.slice(0, validationCount).sort();
  const trainIndices = order.slice(validationCount).sort();
  return {
    ...dataset,
    train: selectSamples(dataset.train, trainIndices, dataset.inputShape),
    validation: selectSamples(dataset.train, validationIndices, dataset.inputShape),
  };
}
