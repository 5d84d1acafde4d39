/**
 * Checking and completing parameter values against their specs. Used by
 * shape inference (bad values become diagnostics), the inspector (per-field
 * messages) and the file loader (bad values are refused with their path).
 */
import { LIMITS, limitText } from '../limits';
import type { ParamSpec, ParamSpecs } from './layer-spec';

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** The allowed range with a leading space (` ≥ 1`), or nothing when any value goes. */
function rangeText(min?: number, max?: number, maxExclusive = false): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${maxExclusive ? 'below ' : ''}${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ${maxExclusive ? '<' : '≤'} ${max}`;
  return '';
}

/** Longest quoted value in a message: a hostile file may put a megabyte where a number belongs. */
const QUOTE_LENGTH = 60;

/**
 * A value as a message shows it, cut to {@link QUOTE_LENGTH} characters.
 * Numbers go through String() so NaN and Infinity read as themselves, not
 * JSON's "null"; a structure too deep to print is described, not printed.
 */
export function quoteValue(v: unknown): string {
  let text: string;
  if (typeof v === 'string') text = JSON.stringify(v);
  else if (typeof v === 'number') text = String(v);
  else {
    try {
      text = JSON.stringify(v) ?? String(v);
    } catch {
      text = Array.isArray(v) ? 'a list nested too deep to show' : String(v);
    }
  }
  return text.length > QUOTE_LENGTH ? `${text.slice(0, QUOTE_LENGTH - 1)}…` : text;
}

/**
 * The bound NetCanvas itself puts on a value that passed the spec's own range
 * (see `core/limits.ts`), as a reason naming the limit, or null.
 */
function overLimit(spec: ParamSpec, value: unknown): string | null {
  const values = Array.isArray(value) ? (value as number[]) : [value as number];
  switch (spec.kind) {
    case 'int':
    case 'intPair': {
      // A spec's own tighter range (ELU's α, Concatenate's axis) speaks for itself.
      const max = Math.min(spec.max ?? LIMITS.wholeNumber, LIMITS.wholeNumber);
      const min = Math.max(spec.min ?? -LIMITS.wholeNumber, -LIMITS.wholeNumber);
      if (values.every((v) => v >= min && v <= max)) return null;
      return `must be at most ${limitText(max)}${min < 0 ? ` and at least ${limitText(min)}` : ''} (NetCanvas's limit for whole-number parameters), got ${quoteValue(value)}`;
    }
    case 'intList':
      return values.every((v) => Math.abs(v) <= LIMITS.dimension)
        ? null
        : `entries must be at most ${limitText(LIMITS.dimension)} (NetCanvas's limit for sizes), got ${quoteValue(value)}`;
    case 'float':
      return value === null || Math.abs(value as number) <= LIMITS.realNumber
        ? null
        : `must be between ${limitText(-LIMITS.realNumber)} and ${limitText(LIMITS.realNumber)} (NetCanvas's limit for real-number parameters), got ${quoteValue(value)}`;
    default:
      return null;
  }
}

/**
 * Why `value` is not allowed for `spec`, or `null` when it is. Besides the
 * spec's own range, every number is held to NetCanvas's limits
 * (`core/limits.ts`), and the message names the limit.
 *
 * @example
 * checkParamValue(int({ min: 1, default: 32 }), 0) // "must be a whole number ≥ 1, got 0"
 * checkParamValue(int({ min: 1, default: 32 }), 1e9) // "must be at most 65,536 (NetCanvas's limit …), got 1000000000"
 */
export function checkParamValue(spec: ParamSpec, value: unknown): string | null {
  const own = checkAgainstSpec(spec, value);
  return own ?? overLimit(spec, value);
}

function checkAgainstSpec(spec: ParamSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'int': {
      const ok =
        isInt(value) && (spec.min === undefined || value >= spec.min) && (spec.max === undefined || value <= spec.max);
      return ok ? null : `must be a whole number${rangeText(spec.min, spec.max)}, got ${quoteValue(value)}`;
    }
    case 'float': {
      if (value === null && spec.nullable) return null;
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (spec.min === undefined || value >= spec.min) &&
        (spec.max === undefined || (spec.maxExclusive ? value < spec.max : value <= spec.max));
      return ok
        ? null
        : `must be a number${rangeText(spec.min, spec.max, spec.maxExclusive)}, got ${quoteValue(value)}`;
    }
    case 'intPair': {
      const ok =
        Array.isArray(value) &&
        value.length === 2 &&
        value.every(
          (v) => isInt(v) && (spec.min === undefined || v >= spec.min) && (spec.max === undefined || v <= spec.max),
        );
      return ok ? null : `must be two whole numbers${rangeText(spec.min, spec.max)}, got ${quoteValue(value)}`;
    }
    case 'intList': {
      if (!Array.isArray(value) || !value.every(isInt))
        return `must be a list of whole numbers, got ${quoteValue(value)}`;
      if (spec.minLength !== undefined && value.length < spec.minLength)
        return `must have at least ${spec.minLength} entries, got ${quoteValue(value)}`;
      const maxLength = spec.maxLength ?? MAX_LIST_LENGTH;
      if (value.length > maxLength) return `must have at most ${maxLength} entries, got ${quoteValue(value)}`;
      const inferred = value.filter((v) => v === -1).length;
      if (spec.allowInferred && inferred > 1) return `may use -1 for at most one entry, got ${quoteValue(value)}`;
      const bad = value.find((v) => !(spec.allowInferred && v === -1) && spec.min !== undefined && v < spec.min);
      return bad === undefined ? null : `entries must be ≥ ${spec.min}, got ${quoteValue(value)}`;
    }
    case 'enum':
      return typeof value === 'string' && spec.options.includes(value)
        ? null
        : `must be one of ${spec.options.map((o) => `"${o}"`).join(', ')}, got ${quoteValue(value)}`;
    case 'bool':
      return typeof value === 'boolean' ? null : `must be true or false, got ${quoteValue(value)}`;
  }
}

/** Entries a list parameter may have when its spec sets no `maxLength`: a tensor has at most a handful of axes. */
const MAX_LIST_LENGTH = 8;

/** Whether `specs` declares a parameter called `name` (its own key: `constructor` or `toString` are no parameters). */
export const hasParam = (specs: ParamSpecs, name: string): boolean => Object.hasOwn(specs, name);

/** Parameter values with every missing one filled from its default. Unknown keys are dropped. */
export function resolveParams(specs: ParamSpecs, given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = given[name];
    out[name] = value === undefined ? structuredClone(spec.default) : value;
  }
  return out;
}

/** The default value of every parameter. */
export function defaultParams(specs: ParamSpecs): Record<string, unknown> {
  return resolveParams(specs, {});
}

/** Every parameter that fails its spec, as `[name, reason]` pairs. */
export function checkParams(specs: ParamSpecs, params: Readonly<Record<string, unknown>>): [string, string][] {
  const bad: [string, string][] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const reason = checkParamValue(spec, params[name]);
    if (reason) bad.push([name, reason]);
  }
  return bad;
}

/** `kernelSize` → `Kernel size`: the default label of a parameter. */
export function paramLabel(name: string, spec: ParamSpec): string {
  if (spec.label) return spec.label;
  const words = name.replace(/([A-Z])/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
