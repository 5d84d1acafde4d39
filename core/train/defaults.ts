/**
 * The training settings a run starts from, per kind of data, each with the
 * sentence that says why: the one source the Train view and `netcanvas train`
 * both read, so the app and the command line reach the same figures with
 * nothing but the dataset chosen.
 *
 * Every figure below was measured with the command line (wasm backend); the
 * tests in `tests/cli/train.test.ts` repeat the measurement with fixed seeds.
 */
import type { DatasetSource } from '../data/dataset-id';
import type { OptimizerName } from './optimizers';
import type { Preprocessing } from './setting-fields';
import type { Schedule, TrainingSettings } from './settings';

/** What a dataset's samples are, as far as good starting settings are concerned. */
export type DataKind = 'images' | 'points';

/**
 * The fields whose starting value depends on the kind of data, with their
 * types written out: the settings' own types are inferred from a schema whose
 * defaults are these values, so they cannot be borrowed from it.
 */
export interface StartingValues {
  optimizer: OptimizerName;
  learningRate: number;
  schedule: Schedule;
  batchSize: number;
  epochs: number;
  preprocessing: Preprocessing;
}

/** The fields whose starting value depends on the kind of data. */
export type DefaultedField = keyof StartingValues;

/** One starting value and the one sentence that explains it, shown as help in the app and in `--help`. */
export interface ExplainedDefault<T> {
  value: T;
  why: string;
}

/** A kind of data's starting values, field by field. */
export type KindDefaults = { [F in DefaultedField]: ExplainedDefault<StartingValues[F]> };

/**
 * The starting settings per kind of data.
 *
 * Images (LeNet-5 on MNIST, one epoch, batch 32, Adam, test accuracy): seed 1
 * gave 97.9% standardized against 96.4% scaled to 0–1; at Adam's usual 0.001
 * three seeds gave 96.8–97.9%, at 0.002 four seeds gave 97.6–98.0%.
 *
 * Points (the two-layer MLP on the ring, 2,000 points, test accuracy over
 * seeds 1–8): Adam 0.01 at a constant rate gave 94.1–95.7% after 20 or 30
 * epochs; 0.03 decayed along a cosine to 0 gave 95.5–98.0% over 20 epochs
 * and 96.7–98.2% over 30 (the same decay from 0.01: 90.0–95.5%). Big steps
 * find the ring's shape, the decay then settles its edge.
 */
export const TRAINING_DEFAULTS: Readonly<Record<DataKind, KindDefaults>> = {
  images: {
    optimizer: {
      value: 'adam',
      why: 'Adam adapts each weight’s step size, so one learning rate works for most image networks.',
    },
    learningRate: {
      value: 0.002,
      why: 'With Adam, 0.002 brought LeNet-5 to 97.6–98.0% on MNIST in one epoch; 0.001 was not reliably above 97%.',
    },
    schedule: {
      value: { kind: 'none' },
      why: 'A constant rate: for a few epochs on images a decay adds little.',
    },
    batchSize: {
      value: 32,
      why: '32 images per step: small enough for many updates per epoch, large enough for a steady gradient.',
    },
    epochs: {
      value: 5,
      why: 'Five passes over the images: a small network on MNIST is near its best after one or two.',
    },
    preprocessing: {
      value: 'standardize',
      why: 'Zero mean and unit variance per channel (LeCun’s advice) trains faster than pixels scaled to 0–1.',
    },
  },
  points: {
    optimizer: {
      value: 'adam',
      why: 'Adam adapts each weight’s step size, so one learning rate works for the toy sets.',
    },
    learningRate: {
      value: 0.03,
      why: 'A 2-D set has few weights: a large first step of 0.03 finds the shape of the boundary quickly.',
    },
    schedule: {
      value: { kind: 'cosine', to: 0 },
      why: 'The rate then falls along a cosine to 0, so the last epochs settle the boundary’s edge (98% rather than 94% on the ring).',
    },
    batchSize: {
      value: 32,
      why: '32 points per step gives about 56 updates per epoch over the 1,800 training points.',
    },
    epochs: {
      value: 30,
      why: '30 passes over the 1,800 training points take the MLP to 96.7–98.2% on the ring in seconds.',
    },
    preprocessing: {
      value: 'standardize',
      why: 'Coordinates centred on 0 with unit spread suit the initial weights of the first layer.',
    },
  },
};

/** Fields the kind of data sets, in the order the settings panel and `--help` list them. */
export const DEFAULTED_FIELDS: readonly DefaultedField[] = [
  'optimizer',
  'learningRate',
  'schedule',
  'batchSize',
  'epochs',
  'preprocessing',
];

/**
 * The kind of data samples of this shape are: height × width × channels is
 * images, anything else (the toy sets' 2 coordinates, a feature vector) points.
 */
export function dataKindOf(sampleShape: readonly number[]): DataKind {
  return sampleShape.length === 3 ? 'images' : 'points';
}

/**
 * The kind of data a dataset id names, before its files are read: the toy
 * sets are points, MNIST, IDX files, CIFAR-10 and image folders are images.
 */
export function dataKindOfSource(source: DatasetSource): DataKind {
  return source.kind === 'toy' ? 'points' : 'images';
}

/** The starting values for a kind of data; the settings schema fills in the other fields. */
export function defaultSettingsFor(kind: DataKind): Pick<TrainingSettings, DefaultedField> {
  const defaults = TRAINING_DEFAULTS[kind];
  return {
    optimizer: defaults.optimizer.value,
    learningRate: defaults.learningRate.value,
    schedule: defaults.schedule.value,
    batchSize: defaults.batchSize.value,
    epochs: defaults.epochs.value,
    preprocessing: defaults.preprocessing.value,
  };
}

/**
 * Moves settings to another kind of data: each field still at the old kind's
 * starting value takes the new kind's, and a field the user changed stays as
 * they set it. The Train view calls this when the chosen dataset changes kind.
 *
 * @example
 * retargetDefaults({ ...settings, learningRate: 0.002, epochs: 12 }, 'images', 'points')
 * // learningRate 0.01 (was the images default), epochs 12 (the user's)
 */
export function retargetDefaults<S extends Pick<TrainingSettings, DefaultedField>>(
  settings: S,
  from: DataKind,
  to: DataKind,
): S {
  if (from === to) return settings;
  const before = defaultSettingsFor(from);
  const after = defaultSettingsFor(to);
  const next = { ...settings };
  for (const field of DEFAULTED_FIELDS) {
    if (JSON.stringify(settings[field]) === JSON.stringify(before[field]))
      (next as Record<DefaultedField, unknown>)[field] = after[field];
  }
  return next;
}
