/**
 * Parameter values as the inspector's text fields show them, and back.
 * Pairs read `5×5`; lists read `28, 28, 1`; a pair may be typed as `5`
 * (both sides), `5x5`, `5, 5` or `5 5`. Parsing only turns text into a value;
 * whether the value is allowed is core's `checkParamValue`.
 */
import type { ParamSpec } from '../../core/layers/layer-spec';

/** The text a field shows for `value`. */
export function formatParam(spec: ParamSpec, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (spec.kind === 'intPair' && Array.isArray(value)) return value.join('×');
  if (spec.kind === 'intList' && Array.isArray(value)) return value.join(', ');
  return String(value);
}

/** Why `text` is not a value of the right kind, or the value. */
export type ParsedParam = { ok: true; value: unknown } | { ok: false; error: string };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function parseNumbers(text: string): number[] | null {
  const parts = text
    .trim()
    .split(/\s*[×x*,;]\s*|\s+/i)
    .filter((p) => p.length > 0);
  if (!parts.length || !parts.every((p) => NUMBER.test(p))) return null;
  return parts.map(Number);
}

/** Reads what the user typed into the field for `spec`. */
export function parseParam(spec: ParamSpec, text: string): ParsedParam {
  const trimmed = text.trim();
  switch (spec.kind) {
    case 'int':
    case 'float':
      if (trimmed === '' && spec.kind === 'float' && spec.nullable) return { ok: true, value: null };
      if (!NUMBER.test(trimmed)) return { ok: false, error: `must be a number, got "${text}"` };
      return { ok: true, value: Number(trimmed) };
    case 'intPair': {
      const numbers = parseNumbers(trimmed);
      if (!numbers || numbers.length > 2)
        return { ok: false, error: `must be one or two whole numbers (e.g. 3 or 3×3), got "${text}"` };
      return { ok: true, value: numbers.length === 1 ? [numbers[0], numbers[0]] : numbers };
    }
    case 'intList': {
      const numbers = parseNumbers(trimmed);
      if (!numbers) return { ok: false, error: `must be whole numbers separated by commas, got "${text}"` };
      return { ok: true, value: numbers };
    }
    case 'enum':
      return { ok: true, value: text };
    case 'bool':
      return { ok: true, value: text === 'true' };
  }
}
