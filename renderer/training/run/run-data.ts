/**
 * The data a run sends to the worker: the first `limit` training samples, a
 * seeded validation share held out of them, and the test split, each copied
 * into its own buffer so it can be transferred without detaching the
 * dataset the panel keeps showing.
 */
import {
  classCounts,
  sampleSize,
  splitValidation,
  takeFirst,
  type Dataset,
  type DatasetSplit,
} from '../../../core/data/dataset';
import type { TrainingSettings } from '../../../core/train/settings';
import type { DatasetPayload, SplitPayload } from '../worker/worker-protocol';

const copy = (split: DatasetSplit): SplitPayload => ({
  images: split.images.slice(),
  labels: split.labels.slice(),
  count: split.count,
});

/** How a dataset will be used: counts per split after the limit and the validation share. */
export interface SplitPlan {
  train: number;
  validation: number;
  test: number;
}

/** The split sizes a run will use, for the data panel. */
export function planSplits(dataset: Dataset, limit: number | null, validationSplit: number): SplitPlan {
  const available = limit === null ? dataset.train.count : Math.min(limit, dataset.train.count);
  if (dataset.validation) return { train: available, validation: dataset.validation.count, test: dataset.test.count };
  const validation = validationSplit > 0 ? Math.round(available * validationSplit) : 0;
  return { train: available - validation, validation, test: dataset.test.count };
}

/**
 * Builds the worker's copy of the data. The validation share is drawn with
 * the run's seed, so a seeded run holds out the same samples every time.
 */
export function prepareRunData(
  dataset: Dataset,
  limit: number | null,
  settings: TrainingSettings,
  seed: number,
): DatasetPayload {
  const train = limit === null ? dataset.train : takeFirst(dataset.train, limit, dataset.inputShape);
  let limited: Dataset = { ...dataset, train };
  if (!dataset.validation && settings.validationSplit > 0)
    limited = splitValidation(limited, settings.validationSplit, seed);
  return {
    name: dataset.name,
    inputShape: [...dataset.inputShape],
    classNames: [...dataset.classNames],
    train: copy(limited.train),
    ...(limited.validation ? { validation: copy(limited.validation) } : {}),
    test: copy(dataset.test),
  };
}

/** The buffers to transfer with a payload. */
export function payloadBuffers(payload: DatasetPayload): ArrayBuffer[] {
  const splits = [payload.train, payload.validation, payload.test].filter((s): s is SplitPayload => s !== undefined);
  return splits.flatMap((s) => [s.images.buffer as ArrayBuffer, s.labels.buffer as ArrayBuffer]);
}

/** Samples per class in the training split, for the data panel's bars. */
export function trainClassCounts(dataset: Dataset, limit: number | null): number[] {
  const train = limit === null ? dataset.train : takeFirst(dataset.train, limit, dataset.inputShape);
  return classCounts(train, dataset.classNames.length);
}

/** Whether the samples are images (height × width × 1 or 3 channels) that can be drawn. */
export function isImageData(inputShape: readonly number[]): boolean {
  return inputShape.length === 3 && (inputShape[2] === 1 || inputShape[2] === 3);
}

/** One sample's values. */
export function sampleValues(
  split: DatasetSplit,
  inputShape: readonly number[],
  index: number,
): Uint8Array | Float32Array {
  const size = sampleSize(inputShape);
  return split.images.subarray(index * size, (index + 1) * size);
}
