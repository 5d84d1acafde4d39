/**
 * Checking and completing parameter values against their specs. Used by
 * shape inference (bad values become diagnostics), the inspector (per-field
 * messages) and the file loader (bad values are refused with their path).
 */
import type { ParamSpec, ParamSpecs } from './layer-spec';

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

/** The allowed range with a leading space (` ≥ 1`), or nothing when any value goes. */
function rangeText(min?: number, max?: number, maxExclusive = false): string {
  if (min !== undefined && max !== undefined) return ` from ${min} to ${maxExclusive ? 'below ' : ''}${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ${maxExclusive ? '<' : '≤'} ${max}`;
  return '';
}

// Numbers go through String() so NaN and Infinity read as themselves, not JSON's "null".
const quote = (v: unknown): string =>
  typeof v === 'string' ? `"${v}"` : typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));

/**
 * Why `value` is not allowed for `spec`, or `null` when it is.
 *
 * @example
 * checkParamValue(int({ min: 1, default: 32 }), 0) // "must be a whole number ≥ 1, got 0"
 */
export function checkParamValue(spec: ParamSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'int': {
      const ok =
        isInt(value) && (spec.min === undefined || value >= spec.min) && (spec.max === undefined || value <= spec.max);
      return ok ? null : `must be a whole number${rangeText(spec.min, spec.max)}, got ${quote(value)}`;
    }
    case 'float': {
      if (value === null && spec.nullable) return null;
      const ok =
        typeof value === 'number' &&
        Number.isFinite(value) &&
        (spec.min === undefined || value >= spec.min) &&
        (spec.max === undefined || (spec.maxExclusive ? value < spec.max : value <= spec.max));
      return ok ? null : `must be a number${rangeText(spec.min, spec.max, spec.maxExclusive)}, got ${quote(value)}`;
    }
    case 'intPair': {
      const ok =
        Array.isArray(value) &&
        value.length === 2 &&
        value.every(
          (v) => isInt(v) && (spec.min === undefined || v >= spec.min) && (spec.max === undefined || v <= spec.max),
        );
      return ok ? null : `must be two whole numbers${rangeText(spec.min, spec.max)}, got ${quote(value)}`;
    }
    case 'intList': {
      if (!Array.isArray(value) || !value.every(isInt)) return `must be a list of whole numbers, got ${quote(value)}`;
      if (spec.minLength !== undefined && value.length < spec.minLength)
        return `must have at least ${spec.minLength} entries, got ${quote(value)}`;
      if (spec.maxLength !== undefined && value.length > spec.maxLength)
        return `must have at most ${spec.maxLength} entries, got ${quote(value)}`;
      const inferred = value.filter((v) => v === -1).length;
      if (spec.allowInferred && inferred > 1) return `may use -1 for at most one entry, got ${quote(value)}`;
      const bad = value.find((v) => !(spec.allowInferred && v === -1) && spec.min !== undefined && v < spec.min);
      return bad === undefined ? null : `entries must be ≥ ${spec.min}, got ${quote(value)}`;
    }
    case 'enum':
      return typeof value === 'string' && spec.options.includes(value)
        ? null
        : `must be one of ${spec.options.map((o) => `"${o}"`).join(', ')}, got ${quote(value)}`;
    case 'bool':
      return typeof value === 'boolean' ? null : `must be true or false, got ${quote(value)}`;
  }
}

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
