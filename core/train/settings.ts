/**
 * What a training run is configured with, as one zod schema: the project
 * file's `training` field, the Train panel and the CLI flags all validate
 * against it. Every field has a default, so `{}` is a valid setting.
 */
import { z } from 'zod';
import type { CompileOptions } from '../compile/compile';
import { KERNEL_INITIALIZERS } from '../compile/compile';
import { ValidationError } from '../errors';
import { OPTIMIZERS } from './optimizers';

/** How the learning rate changes over epochs. */
export const scheduleSchema = z.discriminatedUnion('kind', [
  /** The same rate throughout. */
  z.object({ kind: z.literal('none') }).strict(),
  /** Multiply the rate by `factor` every `every` epochs. */
  z.object({ kind: z.literal('step'), every: z.int().min(1), factor: z.number().gt(0).max(1) }).strict(),
  /** Follow half a cosine from the base rate down to `to` over the run. */
  z.object({ kind: z.literal('cosine'), to: z.number().min(0) }).strict(),
]);
/** A learning-rate schedule. */
export type Schedule = z.infer<typeof scheduleSchema>;

const probability = z.number().min(0).max(1);

/**
 * Random changes applied to each training batch, each with its strength; 0
 * turns one off. Only for image inputs (height × width × channels).
 */
export const augmentationSchema = z
  .object({
    /** Probability that a sample is mirrored left–right. */
    flipHorizontal: probability.default(0),
    /** Probability that a sample is mirrored top–bottom. */
    flipVertical: probability.default(0),
    /** Random crop: pad by up to this many pixels and cut back to size, i.e. shift by whole pixels (ResNet's CIFAR recipe uses 4). */
    crop: z.int().min(0).max(64).default(0),
    /** Random shift by up to this fraction of the width and height. */
    translate: z.number().min(0).max(0.5).default(0),
    /** Random rotation by up to this many degrees either way. */
    rotation: z.number().min(0).max(180).default(0),
    /** Random zoom by a factor in [1 − scale, 1 + scale]. */
    scale: z.number().min(0).max(0.9).default(0),
    /** Random brightness shift by up to this much (pixel values run 0–1). */
    brightness: probability.default(0),
    /** Random contrast factor in [1 − contrast, 1 + contrast] around each image's mean. */
    contrast: probability.default(0),
    /** Random saturation factor in [1 − saturation, 1 + saturation] (colour images only). */
    saturation: probability.default(0),
    /** Standard deviation of Gaussian noise added to each value (pixel values run 0–1). */
    noise: z.number().min(0).max(1).default(0),
  })
  .strict();
/** Augmentation strengths, every field present. */
export type Augmentation = z.infer<typeof augmentationSchema>;

/** How raw sample values become network inputs; statistics always come from the training split. */
export const PREPROCESSING = ['none', 'scale', 'center', 'standardize'] as const;
/** `none`: values as stored; `scale`: pixels to 0–1; `center`: then subtract each channel's mean; `standardize`: then divide by its standard deviation. */
export type Preprocessing = (typeof PREPROCESSING)[number];

/** The whole training configuration. */
export const trainingSettingsSchema = z
  .object({
    optimizer: z.enum(OPTIMIZERS).default('adam'),
    /** Base learning rate; the schedule scales it per epoch. */
    learningRate: z.number().positive().max(1e6).default(0.001),
    schedule: scheduleSchema.default({ kind: 'none' }),
    batchSize: z.int().min(1).max(65536).default(32),
    epochs: z.int().min(1).max(100000).default(5),
    /** Fraction of the training split held out for validation when the dataset has no validation split; 0 for none. */
    validationSplit: z.number().min(0).lt(1).default(0.1),
    /** The loss: categorical cross-entropy over one-hot labels, the only one a classifier needs. */
    loss: z.literal('categoricalCrossentropy').default('categoricalCrossentropy'),
    /** L1/L2 penalties on convolution and dense kernels. */
    weightDecay: z
      .object({ l1: z.number().min(0).default(0), l2: z.number().min(0).default(0) })
      .strict()
      .prefault({}),
    /** Initializer of convolution and dense kernels. */
    initializer: z.enum(KERNEL_INITIALIZERS).default('glorotUniform'),
    /** Seed for initial weights, shuffling, validation split, dropout and augmentation; a fresh one per run when absent. */
    seed: z.int().min(0).max(0xffffffff).optional(),
    preprocessing: z.enum(PREPROCESSING).default('scale'),
    augmentation: augmentationSchema.prefault({}),
  })
  .strict();

/** Training settings with every default filled in. */
export type TrainingSettings = z.infer<typeof trainingSettingsSchema>;
/** Training settings as a user or a file gives them: any field may be left out. */
export type TrainingSettingsInput = z.input<typeof trainingSettingsSchema>;

/**
 * Validates settings and fills in defaults. Throws `ValidationError` naming
 * the first bad field, under `path` (e.g. `['training']` for a project file).
 *
 * @example
 * parseTrainingSettings({ optimizer: 'sgd', learningRate: 0.1 }).batchSize // 32
 * parseTrainingSettings({ batchSize: 0 }) // throws "At batchSize: Too small: expected number to be >=1"
 */
export function parseTrainingSettings(value: unknown, path: readonly (string | number)[] = []): TrainingSettings {
  const result = trainingSettingsSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ValidationError(
    [...path, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    issue.message,
  );
}

/** The compile options a run needs: its initializer, seed and weight decay go into the layers when they are built. */
export function compileOptionsFor(settings: TrainingSettings): CompileOptions {
  return {
    kernelInitializer: settings.initializer,
    ...(settings.seed === undefined ? {} : { seed: settings.seed }),
    weightDecay: settings.weightDecay,
  };
}
