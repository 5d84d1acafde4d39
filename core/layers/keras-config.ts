/**
 * Reading Keras layer configs (the snake_case `config` object of a layer in a
 * Keras or TensorFlow.js `model.json`). Each layer spec's `fromKeras` uses
 * these helpers, so every layer reads `kernel_size`, `padding` or
 * `activation` the same way and refuses what NetCanvas cannot represent with
 * the same kind of message. Errors carry the config key as their path; the
 * importer prefixes the layer's place in the file and its name.
 */
import { ValidationError } from '../errors';
import { ACTIVATIONS, type ActivationName, type Shape } from './layer-spec';

/** A Keras layer's `config` object. */
export type KerasConfig = Readonly<Record<string, unknown>>;

const quote = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : (JSON.stringify(v) ?? String(v)));

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Throws the error every helper here throws: the key as path, the value quoted. */
function refuse(key: string, detail: string): never {
  throw new ValidationError([key], detail);
}

/** Refuses a config at `key` with `detail`, as every helper here does: for a layer's own checks. */
export function refuseKey(key: string, detail: string): never {
  return refuse(key, detail);
}

/** The value of a key Keras always writes for this layer; refuses the config when it is missing. */
function required(config: KerasConfig, key: string): unknown {
  const value = config[key];
  if (value === undefined || value === null) refuse(key, 'is required but missing');
  return value;
}

/**
 * A whole number, or `fallback` when the key is absent or null (Keras's own
 * default, which may differ from NetCanvas's palette default).
 */
export function kerasInt(config: KerasConfig, key: string, fallback?: number): number {
  const value = fallback === undefined ? required(config, key) : (config[key] ?? fallback);
  if (!isInt(value)) refuse(key, `expected a whole number, got ${quote(value)}`);
  return value;
}

/** A real number, or `fallback` when absent or null. */
export function kerasNumber(config: KerasConfig, key: string, fallback?: number): number {
  const value = fallback === undefined ? required(config, key) : (config[key] ?? fallback);
  if (typeof value !== 'number' || !Number.isFinite(value)) refuse(key, `expected a number, got ${quote(value)}`);
  return value;
}

/** `true`/`false`, or `fallback` when absent or null. */
export function kerasBool(config: KerasConfig, key: string, fallback: boolean): boolean {
  const value = config[key] ?? fallback;
  if (typeof value !== 'boolean') refuse(key, `expected true or false, got ${quote(value)}`);
  return value;
}

/**
 * A height/width pair as Keras writes it: one integer for both (`3`) or a
 * list of two (`[3, 3]`); `fallback` when absent or null (`strides` of a
 * pooling layer fall back to its `pool_size`).
 */
export function kerasPair(config: KerasConfig, key: string, fallback?: readonly [number, number]): [number, number] {
  const value = fallback === undefined ? required(config, key) : (config[key] ?? fallback);
  if (isInt(value)) return [value, value];
  if (Array.isArray(value) && value.length === 2 && value.every(isInt)) return [value[0], value[1]];
  return refuse(key, `expected one whole number or a list of two (height, width), got ${quote(value)}`);
}

/** `"valid"` or `"same"` (any case); refuses Keras's `"causal"` and `"full"`, which change the output size differently. */
export function kerasPadding(config: KerasConfig, key = 'padding'): 'valid' | 'same' {
  const value = config[key] ?? 'valid';
  const lower = typeof value === 'string' ? value.toLowerCase() : value;
  if (lower === 'valid' || lower === 'same') return lower;
  return refuse(key, `padding ${quote(value)} is not supported; NetCanvas offers "valid" and "same"`);
}

/** One of `options`, or `fallback` when absent or null; refuses any other value, naming the ones offered. */
export function kerasChoice<T extends string>(
  config: KerasConfig,
  key: string,
  options: readonly T[],
  fallback: NoInfer<T>,
): T {
  const value = config[key] ?? fallback;
  if (typeof value === 'string' && (options as readonly string[]).includes(value)) return value as T;
  return refuse(key, `${quote(value)} is not supported; NetCanvas offers ${options.map((o) => `"${o}"`).join(', ')}`);
}

/** Keras names for functions NetCanvas offers under another name: Keras 3 calls swish `silu`. */
const ACTIVATION_ALIASES: Readonly<Record<string, ActivationName>> = { silu: 'swish' };

/**
 * An activation name NetCanvas offers; `"linear"` when absent or null.
 * Refuses the ones it does not offer (`hard_sigmoid`, `gelu`, custom
 * functions) rather than swapping in a different function.
 */
export function kerasActivation(config: KerasConfig, key = 'activation'): ActivationName {
  const value = config[key] ?? 'linear';
  // Keras 3 may serialize a built-in activation as `{ class_name: "function", config: "relu" }`.
  const name =
    typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>).config === 'string'
      ? (value as Record<string, unknown>).config
      : value;
  if (typeof name === 'string') {
    const alias = ACTIVATION_ALIASES[name];
    if (alias) return alias;
    if ((ACTIVATIONS as readonly string[]).includes(name)) return name as ActivationName;
  }
  return refuse(
    key,
    `activation ${quote(name)} is not supported; NetCanvas offers ${ACTIVATIONS.map((a) => `"${a}"`).join(', ')}`,
  );
}

/** Refuses `data_format: "channels_first"`: NetCanvas works channels-last (NHWC) throughout. */
export function requireChannelsLast(config: KerasConfig): void {
  const value = config.data_format;
  if (value === undefined || value === null || value === 'channels_last') return;
  refuse(
    'data_format',
    `data format ${quote(value)} is not supported; NetCanvas works channels-last (height, width, channels)`,
  );
}

/** The window fields every Keras convolution shares, as its layer spec names them. */
export interface KerasConvWindow {
  kernelSize: [number, number];
  strides: [number, number];
  padding: 'valid' | 'same';
  activation: ActivationName;
  useBias: boolean;
}

/**
 * Reads what Conv2D, DepthwiseConv2D, SeparableConv2D and Conv2DTranspose
 * configs have in common (kernel, strides, padding, activation, bias),
 * refusing channels-first data first, so the four read them one way.
 */
export function kerasConvWindow(config: KerasConfig): KerasConvWindow {
  requireChannelsLast(config);
  return {
    kernelSize: kerasPair(config, 'kernel_size'),
    strides: kerasPair(config, 'strides', [1, 1]),
    padding: kerasPadding(config),
    activation: kerasActivation(config),
    useBias: kerasBool(config, 'use_bias', true),
  };
}

/** Refuses a `dilation_rate` other than 1×1 with `why`: for convolutions tfjs cannot dilate. */
export function refuseDilation(config: KerasConfig, why: string): void {
  const [dy, dx] = kerasPair(config, 'dilation_rate', [1, 1]);
  if (dy !== 1 || dx !== 1) requireValue(config, 'dilation_rate', undefined, why);
}

/** Refuses a key whose value changes what the layer computes unless it equals the neutral `expected` value. */
export function requireValue(config: KerasConfig, key: string, expected: unknown, why: string): void {
  const value = config[key];
  if (value === undefined || value === null || value === expected) return;
  refuse(key, `${quote(value)} is not supported: ${why}`);
}

/**
 * A shape as Keras writes it for one sample (`target_shape`, or an input's
 * shape without the batch): whole numbers, and where `allowInferred` one
 * `-1` (or `null`, as tfjs writes it) for "whatever is left".
 */
export function kerasShape(config: KerasConfig, key: string, allowInferred = false): number[] {
  const value = required(config, key);
  // tfjs writes Reshape's -1 ("whatever is left") as null.
  const dims = Array.isArray(value) && allowInferred ? value.map((d) => (d === null ? -1 : d)) : value;
  if (!Array.isArray(dims) || !dims.every((d) => isInt(d) && (d > 0 || (allowInferred && d === -1))))
    refuse(key, `expected a list of whole numbers${allowInferred ? ' (or -1)' : ''}, got ${quote(value)}`);
  return [...(dims as number[])];
}

/** The keys Keras and tfjs use for an input's batch shape, newest last. `batchInputShape` is tfjs's camelCase form. */
export const BATCH_SHAPE_KEYS = ['batch_input_shape', 'batch_shape', 'batchInputShape'] as const;

/**
 * An input whose file leaves some per-sample sizes unknown (`[null, null,
 * null, 3]`, as MobileNet and EfficientNet exports do). NetCanvas designs
 * have fixed sizes, so the importer needs the size to build it at; the shells
 * ask for one and import again.
 */
export class UnknownInputSizeError extends ValidationError {
  /** The per-sample shape as the file declares it, `null` where unknown. */
  readonly declared: readonly (number | null)[];
  /** A size the model is usually run at, when one can be told (from its name, else 224×224 for images). */
  readonly suggested: readonly number[] | undefined;
  constructor(
    path: readonly (string | number)[],
    detail: string,
    declared: readonly (number | null)[],
    suggested?: readonly number[],
  ) {
    super(path, detail);
    this.name = 'UnknownInputSizeError';
    this.declared = declared;
    this.suggested = suggested;
  }
}

/**
 * The per-sample input shape a layer config declares, from `batch_input_shape`
 * (Keras 2, tfjs), `batch_shape` (Keras 3) or `batchInputShape` (or `keys`,
 * e.g. Keras 3's Sequential `build_input_shape`), with the batch dimension
 * dropped and unknown sizes as `null`; `undefined` when none is present.
 * Refuses sizes that are neither whole numbers ≥ 1 nor `null`.
 */
export function kerasDeclaredInputShape(
  config: KerasConfig,
  keys: readonly string[] = BATCH_SHAPE_KEYS,
): { key: string; dims: (number | null)[] } | undefined {
  for (const key of keys) {
    const value = config[key];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value) || value.length < 2)
      refuse(key, `expected a batch shape such as [null, 28, 28, 1], got ${quote(value)}`);
    const dims = value.slice(1);
    if (!dims.every((d) => d === null || (isInt(d) && d > 0)))
      refuse(key, `input size ${quote(value)} has invalid dimensions; expected whole numbers ≥ 1 (or null)`);
    return { key, dims: dims as (number | null)[] };
  }
  return undefined;
}

/** Options of {@link kerasInputShape}. */
export interface InputShapeOptions {
  /** Refuse the config when it declares no input shape. */
  required?: boolean;
  /** The keys to look at instead of {@link BATCH_SHAPE_KEYS}. */
  keys?: readonly string[];
  /** The per-sample size to use where the file leaves sizes unknown; it must agree with every size the file fixes. */
  size?: readonly number[];
}

/**
 * The per-sample input shape a layer config declares (see
 * {@link kerasDeclaredInputShape}), every size fixed: where the file leaves
 * one unknown, `options.size` is used, and without it
 * {@link UnknownInputSizeError} is thrown. `undefined` when no shape is
 * declared (refused when `options.required`).
 */
export function kerasInputShape(config: KerasConfig, options: InputShapeOptions = {}): number[] | undefined {
  const keys = options.keys ?? BATCH_SHAPE_KEYS;
  const declared = kerasDeclaredInputShape(config, keys);
  if (!declared) {
    if (options.required) refuse(keys[0], 'is required but missing (no batch_input_shape or batch_shape)');
    return undefined;
  }
  const { key, dims } = declared;
  if (dims.every((d) => d !== null)) return dims as number[];
  const value = config[key];
  const { size } = options;
  if (!size)
    throw new UnknownInputSizeError(
      [key],
      `input size ${quote(value)} is not fixed; NetCanvas needs a fixed size per sample, so give the size to import it at`,
      dims,
    );
  const fits = size.length === dims.length && dims.every((d, i) => d === null || d === size[i]);
  if (!fits)
    refuse(
      key,
      `the given input size ${size.join('×')} does not fit the declared ${quote(value)}: ` +
        `give ${dims.length} sizes, keeping ${dims.map((d) => d ?? '?').join('×')} where the file fixes them`,
    );
  return [...size];
}

/**
 * An axis that must be the last one (BatchNormalization and
 * LayerNormalization normalise the channels, Softmax runs over them). Keras
 * writes `-1`, or the positive index (`3` for a feature map, `1` after a
 * Dense), or a one-element list; `inputShape` tells which positive index is
 * last. `doing` names the operation for the refusal ("normalising").
 */
export function kerasLastAxis(
  config: KerasConfig,
  inputShape: Shape | undefined,
  key = 'axis',
  doing = 'normalising',
): void {
  const raw = config[key] ?? -1;
  const value = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (value === -1) return;
  const rank = inputShape?.length;
  if (isInt(value) && rank !== undefined && value === rank - 1) return;
  if (isInt(value) && value >= 0 && rank === undefined)
    refuse(key, `cannot tell whether axis ${quote(raw)} is the last one: the shape of the layer's input is unknown`);
  const last = rank === undefined ? '-1' : `-1, here also ${rank - 1}`;
  refuse(key, `${doing} axis ${quote(raw)} is not supported; NetCanvas works on the last axis, the channels (${last})`);
}

/**
 * ZeroPadding2D's `padding` (and Cropping2D's `cropping`) in its three Keras
 * forms: `1` (all sides), `[1, 2]` (symmetric height, width), `[[1, 1], [2,
 * 2]]` ((top, bottom), (left, right)); returned as `[top, bottom, left,
 * right]`. `fallback` is Keras's default when the key is absent (1 for
 * padding, 0 for cropping).
 */
export function kerasZeroPadding(config: KerasConfig, key = 'padding', fallback = 1): [number, number, number, number] {
  const value = config[key] ?? fallback;
  const ok = (d: unknown): d is number => isInt(d) && d >= 0;
  if (ok(value)) return [value, value, value, value];
  if (Array.isArray(value) && value.length === 2) {
    const [h, w] = value;
    if (ok(h) && ok(w)) return [h, h, w, w];
    if (Array.isArray(h) && Array.isArray(w) && h.length === 2 && w.length === 2 && [...h, ...w].every(ok))
      return [h[0], h[1], w[0], w[1]];
  }
  return refuse(key, `expected a whole number, [height, width] or [[top, bottom], [left, right]], got ${quote(value)}`);
}
