/**
 * Every training setting described once, as data: its label, the values it
 * accepts, its default, one sentence of help and its command-line flag. The
 * zod schema (`./settings.ts`), the Train view's settings panel and
 * `netcanvas train`'s parser and `--help` are all generated from these
 * tables, as the layer registry feeds the palette, the inspector and import.
 *
 * A default is what the schema fills in for a field left out, given per kind
 * of data ({@link DataKind}) so that it may differ for images and 2-D points.
 * Where a field's good starting value depends on the data (optimizer, rate,
 * batch, epochs, preprocessing, schedule), the default IS `./defaults.ts`'s
 * measured starting value: a project file that leaves a field out trains as a
 * new run in the app and `netcanvas train` would.
 */
import { KERNEL_INITIALIZERS } from '../compile/compile';
import { TRAINING_DEFAULTS, type DataKind, type DefaultedField, type StartingValues } from './defaults';

export type { DataKind } from './defaults';
import { OPTIMIZERS } from './optimizers';

/** The kinds of data a default may differ for (`./defaults.ts` says what makes each). */
export const DATA_KINDS: readonly DataKind[] = ['images', 'points'];

/** A value for each kind of data. */
export type PerKind<T> = Readonly<Record<DataKind, T>>;

/** The same value for every kind of data. */
export const forEveryKind = <T>(value: T): PerKind<T> => ({ images: value, points: value });

/** A field's measured starting value per kind of data, from `./defaults.ts`. */
const startingValue = <F extends DefaultedField>(field: F): PerKind<StartingValues[F]> => ({
  images: TRAINING_DEFAULTS.images[field].value,
  points: TRAINING_DEFAULTS.points[field].value,
});

interface SettingBase<T> {
  /** What the settings panel calls it. */
  label: string;
  /** One sentence saying what it does, shown as the field's help in the app and in `--help`. */
  help: string;
  /** The value when none is given, per kind of data; absent for a setting that may stay unset (the seed). */
  default?: PerKind<T>;
  /** The command-line flag, e.g. `{ name: 'lr', placeholder: 'X' }` for `--lr X`; absent where the CLI has none. */
  flag?: { name: string; placeholder: string };
}

/** A number setting and its range. */
export interface NumberSetting extends SettingBase<number> {
  type: 'number';
  /** Whole numbers only. */
  whole: boolean;
  min: number;
  /** The lower bound itself is refused (`> min`). */
  minOpen?: boolean;
  max: number;
  /** The upper bound itself is refused (`< max`). */
  maxOpen?: boolean;
  /**
   * `max` is a guard against typing mistakes (a batch of 10⁶), not part of
   * the setting's meaning, so messages that explain the meaning leave it out.
   */
  maxIsGuard?: boolean;
  /** What leaving it empty means (`random` for the seed); only for settings without a default. */
  whenEmpty?: string;
}

/** A setting that is one of a fixed list of names. */
export interface ChoiceSetting<T extends string = string> extends SettingBase<T> {
  type: 'choice';
  options: readonly T[];
}

/** Any described setting. */
export type Setting = NumberSetting | ChoiceSetting;

/* The helpers keep each entry's own type (its options' names, whether it has a default), which the schema's types are built from. */
const number = <S extends Omit<NumberSetting, 'type'>>(setting: S): S & { type: 'number' } => ({
  type: 'number',
  ...setting,
});
const choice = <S extends Omit<ChoiceSetting, 'type'>>(setting: S): S & { type: 'choice' } => ({
  type: 'choice',
  ...setting,
});

/** How raw sample values become network inputs; statistics always come from the training split. */
export const PREPROCESSING = ['none', 'scale', 'center', 'standardize'] as const;
/** `none`: values as stored; `scale`: pixels to 0–1; `center`: then subtract each channel's mean; `standardize`: then divide by its standard deviation. */
export type Preprocessing = (typeof PREPROCESSING)[number];

/** The top-level settings, in the order the settings panel and `--help` show them. */
export const TRAINING_FIELDS = {
  optimizer: choice({
    label: 'Optimizer',
    options: OPTIMIZERS,
    default: startingValue('optimizer'),
    help: 'How each step turns the gradient into weight changes: sgd follows it as is, adam adapts every weight’s step size.',
    flag: { name: 'optimizer', placeholder: 'NAME' },
  }),
  learningRate: number({
    label: 'Learning rate',
    whole: false,
    min: 0,
    minOpen: true,
    max: 1e6,
    maxIsGuard: true,
    default: startingValue('learningRate'),
    help: 'How far each step moves the weights along the gradient; the schedule scales it per epoch.',
    flag: { name: 'lr', placeholder: 'X' },
  }),
  batchSize: number({
    label: 'Batch size',
    whole: true,
    min: 1,
    max: 65536,
    maxIsGuard: true,
    default: startingValue('batchSize'),
    help: 'Samples per step: larger batches give steadier gradients but fewer steps per epoch and more memory.',
    flag: { name: 'batch-size', placeholder: 'N' },
  }),
  epochs: number({
    label: 'Epochs',
    whole: true,
    min: 1,
    max: 100000,
    maxIsGuard: true,
    default: startingValue('epochs'),
    help: 'Passes over the training data.',
    flag: { name: 'epochs', placeholder: 'N' },
  }),
  validationSplit: number({
    label: 'Validation share',
    whole: false,
    min: 0,
    max: 1,
    maxOpen: true,
    default: forEveryKind(0.1),
    help: 'Share of the training data held out to measure accuracy on unseen samples, when the dataset has no validation split; 0 for none.',
    flag: { name: 'validation-split', placeholder: 'X' },
  }),
  preprocessing: choice({
    label: 'Preprocessing',
    options: PREPROCESSING,
    default: startingValue('preprocessing'),
    help: 'How sample values become inputs: none as stored, scale pixels to 0–1, center also subtracts each channel’s mean, standardize also divides by its standard deviation.',
    flag: { name: 'preprocess', placeholder: 'NAME' },
  }),
  initializer: choice({
    label: 'Initializer',
    options: KERNEL_INITIALIZERS,
    default: forEveryKind('glorotUniform'),
    help: 'How convolution and dense kernels start: glorot suits tanh and sigmoid layers, he suits ReLU.',
    flag: { name: 'initializer', placeholder: 'NAME' },
  }),
  seed: number({
    label: 'Seed',
    whole: true,
    min: 0,
    max: 0xffffffff,
    whenEmpty: 'random',
    help: 'Fixes the initial weights, shuffling, validation split, dropout and augmentation, so a run can be repeated exactly; empty draws a fresh one.',
    flag: { name: 'seed', placeholder: 'N' },
  }),
} as const;

/** The penalties on convolution and dense kernels added to the loss. */
export const WEIGHT_DECAY_FIELDS = {
  l1: number({
    label: 'Weight decay (L1)',
    whole: false,
    min: 0,
    max: 1e6,
    maxIsGuard: true,
    default: forEveryKind(0),
    help: 'Adds this times the sum of the kernels’ absolute values to the loss, pushing small weights to exactly 0.',
  }),
  l2: number({
    label: 'Weight decay (L2)',
    whole: false,
    min: 0,
    max: 1e6,
    maxIsGuard: true,
    default: forEveryKind(0),
    help: 'Adds this times the sum of the kernels’ squares to the loss, keeping weights small so the network overfits less.',
    flag: { name: 'l2', placeholder: 'X' },
  }),
} as const;

/** The parameters of the learning-rate schedules (`step` and `cosine`). */
export const SCHEDULE_FIELDS = {
  every: number({
    label: 'Every (epochs)',
    whole: true,
    min: 1,
    max: 100000,
    maxIsGuard: true,
    default: forEveryKind(5),
    help: 'Step decay: how many epochs pass between two cuts of the learning rate.',
  }),
  factor: number({
    label: 'Factor',
    whole: false,
    min: 0,
    minOpen: true,
    max: 1,
    default: forEveryKind(0.5),
    help: 'Step decay: what each cut multiplies the learning rate by.',
  }),
  to: number({
    label: 'Down to',
    whole: false,
    min: 0,
    max: 1e6,
    maxIsGuard: true,
    default: forEveryKind(0),
    help: 'Cosine: the learning rate the last epoch ends at.',
  }),
} as const;

/** An augmentation's field with its short names on the command line and the strength it gets when named without one. */
export interface AugmentationSetting extends NumberSetting {
  default: PerKind<number>;
  /** Shorter names `--augment` accepts besides the field's own (`flip` for `flipHorizontal`). */
  aliases: readonly string[];
  /** The strength `--augment NAME` gives it: the usual recipe value (ResNet's CIFAR crop of 4 pixels, a coin-flip mirror). */
  namedStrength: number;
}

const augmentation = (
  setting: Omit<AugmentationSetting, 'type' | 'whole' | 'min' | 'default' | 'aliases'> & {
    whole?: boolean;
    aliases?: readonly string[];
  },
): AugmentationSetting => ({
  type: 'number',
  whole: false,
  min: 0,
  default: forEveryKind(0),
  aliases: [],
  ...setting,
});

/**
 * Random changes applied to each training batch, each with its strength; 0
 * turns one off. Only for image inputs (height × width × channels).
 */
export const AUGMENTATION_FIELDS = {
  flipHorizontal: augmentation({
    label: 'Flip left–right (probability)',
    max: 1,
    namedStrength: 0.5,
    aliases: ['flip', 'hflip'],
    help: 'Probability that a sample is mirrored left–right.',
  }),
  flipVertical: augmentation({
    label: 'Flip up–down (probability)',
    max: 1,
    namedStrength: 0.5,
    aliases: ['vflip'],
    help: 'Probability that a sample is mirrored top–bottom.',
  }),
  crop: augmentation({
    label: 'Random crop (pixels)',
    whole: true,
    max: 64,
    namedStrength: 4,
    help: 'Pads by up to this many pixels and cuts back to size, shifting the image by whole pixels (ResNet’s CIFAR recipe uses 4).',
  }),
  translate: augmentation({
    label: 'Shift (fraction)',
    max: 0.5,
    namedStrength: 0.1,
    aliases: ['shift'],
    help: 'Shifts by up to this fraction of the width and height.',
  }),
  rotation: augmentation({
    label: 'Rotation (degrees)',
    max: 180,
    namedStrength: 10,
    aliases: ['rotate'],
    help: 'Rotates by up to this many degrees either way.',
  }),
  scale: augmentation({
    label: 'Zoom (±fraction)',
    max: 0.9,
    namedStrength: 0.1,
    aliases: ['zoom'],
    help: 'Zooms by a factor between 1 − this and 1 + this.',
  }),
  brightness: augmentation({
    label: 'Brightness',
    max: 1,
    namedStrength: 0.1,
    help: 'Shifts brightness by up to this much (pixel values run 0–1).',
  }),
  contrast: augmentation({
    label: 'Contrast',
    max: 1,
    namedStrength: 0.1,
    help: 'Scales contrast around each image’s mean by a factor between 1 − this and 1 + this.',
  }),
  saturation: augmentation({
    label: 'Saturation',
    max: 1,
    namedStrength: 0.1,
    help: 'Scales saturation by a factor between 1 − this and 1 + this (colour images only).',
  }),
  noise: augmentation({
    label: 'Noise (std)',
    max: 1,
    namedStrength: 0.05,
    help: 'Adds Gaussian noise with this standard deviation to each value (pixel values run 0–1).',
  }),
} as const;

/** The tfjs backends NetCanvas trains on, with what the app calls them. */
export const BACKEND_CHOICES = [
  { name: 'webgpu', label: 'WebGPU (GPU)' },
  { name: 'webgl', label: 'WebGL (GPU)' },
  { name: 'wasm', label: 'WebAssembly' },
  { name: 'cpu', label: 'CPU (plain JS)' },
] as const;
/** The tfjs backends NetCanvas trains on. */
export type BackendName = (typeof BACKEND_CHOICES)[number]['name'];
/** Every backend a run may ask for. */
export const BACKEND_NAMES: readonly BackendName[] = BACKEND_CHOICES.map((b) => b.name);
/**
 * The order backends are tried in when none is asked for, best first: a
 * browser (or the Electron renderer) may have WebGPU, then WebGL (a GPU on
 * either is passed over when it is a software one: see `./backends.ts`);
 * Node has wasm and cpu only.
 */
export const BACKEND_ORDER: Readonly<Record<'browser' | 'node', readonly BackendName[]>> = {
  browser: ['webgpu', 'webgl', 'wasm', 'cpu'],
  node: ['wasm', 'cpu'],
};

/**
 * Whether `value` is in the setting's range: null when it is, else what the
 * setting accepts, e.g. `A whole number from 1 to 65536`. The settings panel
 * shows this under a field.
 *
 * @example
 * numberProblem(TRAINING_FIELDS.batchSize, 0) // 'A whole number from 1 to 65536'
 */
export function numberProblem(setting: NumberSetting, value: number): string | null {
  const { min, max, minOpen, maxOpen, whole } = setting;
  if (whole)
    return Number.isInteger(value) && value >= min && value <= max ? null : `A whole number from ${min} to ${max}`;
  const ok = (minOpen ? value > min : value >= min) && (maxOpen ? value < max : value <= max);
  return ok ? null : `A number ${minOpen ? 'above' : 'from'} ${min} ${maxOpen ? 'and below' : 'to'} ${max}`;
}

/** A setting's default for a kind of data (undefined for a setting that may stay unset). */
export function defaultOf<T>(setting: { default?: PerKind<T> }, kind: DataKind): T | undefined {
  return setting.default?.[kind];
}
