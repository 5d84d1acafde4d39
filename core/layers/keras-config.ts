/**
 * Reading Keras layer configs (the snake_case `config` object of a layer in a
 * Keras or TensorFlow.js `model.json`). Each layer spec's `fromKeras` uses
 * these helpers, so every layer reads `kernel_size`, `padding` or
 * `activation` the same way and refuses what NetCanvas cannot represent with
 * the same kind of message. Errors carry the config key as their path; the
 * importer prefixes the layer's place in the file and its name.
 */
import { ValidationError } from '../errors';
import { ACTIVATIONS, type ActivationName } from './layer-spec';

/** A Keras layer's `config` object. */
export type KerasConfig = Readonly<Record<string, unknown>>;

const quote = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : (JSON.stringify(v) ?? String(v)));

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** Throws the error every helper here throws: the key as path, the value quoted. */
function refuse(key: string, detail: string): never {
  throw new ValidationError([key], detail);
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
 * The per-sample input shape a layer config declares, from `batch_input_shape`
 * (Keras 2, tfjs), `batch_shape` (Keras 3) or `batchInputShape`, with the
 * batch dimension dropped; `undefined` when none is present (refused when
 * `isRequired`). `keys` replaces the keys looked at, e.g. Keras 3's
 * Sequential `build_input_shape`. Refuses unknown (null) sizes after the
 * batch: NetCanvas designs have fixed input sizes.
 */
export function kerasInputShape(
  config: KerasConfig,
  isRequired = false,
  ...keys: readonly string[]
): number[] | undefined {
  for (const key of keys.length ? keys : BATCH_SHAPE_KEYS) {
    const value = config[key];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value) || value.length < 2)
      refuse(key, `expected a batch shape such as [null, 28, 28, 1], got ${quote(value)}`);
    const sample = value.slice(1);
    if (!sample.every((d) => isInt(d) && d > 0))
      refuse(
        key,
        `input size ${quote(value)} has unknown or invalid dimensions; NetCanvas needs a fixed size per sample`,
      );
    return sample as number[];
  }
  if (isRequired)
    refuse(keys[0] ?? BATCH_SHAPE_KEYS[0], 'is required but missing (no batch_input_shape or batch_shape)');
  return undefined;
}

/**
 * BatchNormalization's `axis`: NetCanvas normalises the last axis (the
 * channels), which Keras writes as `-1`, or `3` for a feature map.
 */
export function kerasChannelAxis(config: KerasConfig, key = 'axis'): void {
  const raw = config[key] ?? -1;
  // Keras 3 may write a single axis as a one-element list.
  const value = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;
  if (value === -1 || value === 3) return;
  refuse(key, `normalising axis ${quote(raw)} is not supported; NetCanvas normalises the channels (axis -1)`);
}

/**
 * ZeroPadding2D's `padding` in its three Keras forms: `1` (all sides),
 * `[1, 2]` (symmetric height, width), `[[1, 1], [2, 2]]` ((top, bottom),
 * (left, right)); returned as `[top, bottom, left, right]`.
 */
export function kerasZeroPadding(config: KerasConfig, key = 'padding'): [number, number, number, number] {
  const value = config[key] ?? 1;
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
