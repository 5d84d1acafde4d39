/**
 * What a training run is configured with, as one zod schema: the project
 * file's `training` field, the Train panel and the CLI flags all validate
 * against it. The schema is generated from the settings' descriptions in
 * `./setting-fields.ts` (range and default of each), so a limit is written
 * once. Every field has a default, so `{}` is a valid setting.
 */
import { z } from 'zod';
import type { CompileOptions } from '../compile/compile';
import { ValidationError } from '../errors';
import { TRAINING_DEFAULTS } from './defaults';
import {
  AUGMENTATION_FIELDS,
  DATA_KINDS,
  SCHEDULE_FIELDS,
  TRAINING_FIELDS,
  WEIGHT_DECAY_FIELDS,
  type DataKind,
  type NumberSetting,
  type Setting,
} from './setting-fields';

export { PREPROCESSING, type Preprocessing } from './setting-fields';

/** The zod schema of one described setting: its range or choices, and its default (or optional when it has none). */
type SchemaOf<S> = S extends { type: 'choice'; options: readonly (infer T extends string)[] }
  ? z.ZodDefault<z.ZodEnum<{ [K in T]: K }>>
  : S extends { default: object }
    ? z.ZodDefault<z.ZodNumber>
    : z.ZodOptional<z.ZodNumber>;

/** A number setting's range as a zod schema, without a default. */
function rangeSchema(setting: NumberSetting): z.ZodNumber {
  let schema: z.ZodNumber = setting.whole ? z.int() : z.number();
  schema = setting.minOpen ? schema.gt(setting.min) : schema.min(setting.min);
  return setting.maxOpen ? schema.lt(setting.max) : schema.max(setting.max);
}

function settingSchema(setting: Setting, kind: DataKind): z.ZodType {
  const base: z.ZodType =
    setting.type === 'choice' ? z.enum(setting.options as [string, ...string[]]) : rangeSchema(setting);
  const fallback = setting.default?.[kind];
  return fallback === undefined ? base.optional() : base.default(fallback as never);
}

/** The zod shape of a table of settings, every field with its default for `kind`. */
function shapeOf<Fields extends Record<string, Setting>>(
  fields: Fields,
  kind: DataKind,
): { [K in keyof Fields]: SchemaOf<Fields[K]> } {
  return Object.fromEntries(Object.entries(fields).map(([key, setting]) => [key, settingSchema(setting, kind)])) as {
    [K in keyof Fields]: SchemaOf<Fields[K]>;
  };
}

/** How the learning rate changes over epochs. */
export const scheduleSchema = z.discriminatedUnion('kind', [
  /** The same rate throughout. */
  z.object({ kind: z.literal('none') }).strict(),
  /** Multiply the rate by `factor` every `every` epochs. */
  z
    .object({
      kind: z.literal('step'),
      every: rangeSchema(SCHEDULE_FIELDS.every),
      factor: rangeSchema(SCHEDULE_FIELDS.factor),
    })
    .strict(),
  /** Follow half a cosine from the base rate down to `to` over the run. */
  z.object({ kind: z.literal('cosine'), to: rangeSchema(SCHEDULE_FIELDS.to) }).strict(),
]);
/** A learning-rate schedule. */
export type Schedule = z.infer<typeof scheduleSchema>;

/** Augmentation strengths for a kind of data: each field of {@link AUGMENTATION_FIELDS} with its range and default. */
const augmentationSchemaFor = (kind: DataKind) => z.object(shapeOf(AUGMENTATION_FIELDS, kind)).strict();

/** The whole training configuration, with the defaults for `kind`. */
function settingsSchemaFor(kind: DataKind) {
  const { optimizer, learningRate, batchSize, epochs, validationSplit, initializer, seed, preprocessing } = shapeOf(
    TRAINING_FIELDS,
    kind,
  );
  // Written out (not spread) to keep the fields in the order project files have always saved them.
  return z
    .object({
      optimizer,
      learningRate,
      schedule: scheduleSchema.default(TRAINING_DEFAULTS[kind].schedule.value),
      batchSize,
      epochs,
      validationSplit,
      /** The loss: categorical cross-entropy over one-hot labels, the only one a classifier needs. */
      loss: z.literal('categoricalCrossentropy').default('categoricalCrossentropy'),
      /** L1/L2 penalties on convolution and dense kernels. */
      weightDecay: z.object(shapeOf(WEIGHT_DECAY_FIELDS, kind)).strict().prefault({}),
      initializer,
      seed,
      preprocessing,
      augmentation: augmentationSchemaFor(kind).prefault({}),
    })
    .strict();
}

const SCHEMAS = Object.fromEntries(DATA_KINDS.map((kind) => [kind, settingsSchemaFor(kind)])) as Record<
  DataKind,
  ReturnType<typeof settingsSchemaFor>
>;

/**
 * Random changes applied to each training batch, each with its strength; 0
 * turns one off. Only for image inputs (height × width × channels).
 */
export const augmentationSchema = augmentationSchemaFor('images');
/** Augmentation strengths, every field present. */
export type Augmentation = z.infer<typeof augmentationSchema>;

/** The whole training configuration, with the defaults for images. */
export const trainingSettingsSchema = SCHEMAS.images;

/** Training settings with every default filled in. */
export type TrainingSettings = z.infer<typeof trainingSettingsSchema>;
/** Training settings as a user or a file gives them: any field may be left out. */
export type TrainingSettingsInput = z.input<typeof trainingSettingsSchema>;

/**
 * Validates settings and fills in defaults, those of the kind of data the
 * run trains on (images unless told). Throws `ValidationError` naming the
 * first bad field, under `path` (e.g. `['training']` for a project file).
 *
 * @example
 * parseTrainingSettings({ optimizer: 'sgd', learningRate: 0.1 }).batchSize // 32
 * parseTrainingSettings({ batchSize: 0 }) // throws "At batchSize: Too small: expected number to be >=1"
 * parseTrainingSettings({}, [], 'points').epochs // the toy sets' default
 */
export function parseTrainingSettings(
  value: unknown,
  path: readonly (string | number)[] = [],
  kind: DataKind = 'images',
): TrainingSettings {
  const result = SCHEMAS[kind].safeParse(value);
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
