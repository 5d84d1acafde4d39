/**
 * The output-size rule of sliding windows (convolution and pooling), exactly
 * as Keras and tfjs compute it, plus the worked-out arithmetic the inspector
 * shows a learner.
 */
import { ShapeError } from '../errors';
import type { ShapeContext } from './layer-spec';

export type Padding = 'valid' | 'same';

/** The span a kernel of size `k` covers with dilation `d`: `(k − 1)·d + 1`. */
export const effectiveKernel = (k: number, d = 1): number => (k - 1) * d + 1;

/**
 * Output length along one axis: `⌊(n − k′) / s⌋ + 1` for "valid" and `⌈n / s⌉`
 * for "same", where `k′` is the dilated kernel. `null` in gives `null` out.
 *
 * @example
 * windowOutputLength(32, 5, 1, 'valid') // 28
 */
export function windowOutputLength(n: number | null, k: number, s: number, padding: Padding, d = 1): number | null {
  if (n === null) return null;
  return padding === 'same' ? Math.ceil(n / s) : Math.floor((n - effectiveKernel(k, d)) / s) + 1;
}

/** Zeros "same" padding adds on each side of one axis, as TensorFlow splits them (the extra one goes after). */
export function samePadding(n: number, k: number, s: number, d = 1): [before: number, after: number] {
  const out = Math.ceil(n / s);
  const total = Math.max((out - 1) * s + effectiveKernel(k, d) - n, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(2));

/**
 * The output size along one axis, worked out in real numbers with the
 * lecture's rule `(N − F + 2P) / S + 1`.
 *
 * @example
 * explainWindowAxis(32, 5, 1, 'valid') // "(32 − 5 + 2·0) / 1 + 1 = 28"
 */
export function explainWindowAxis(n: number | null, k: number, s: number, padding: Padding, d = 1): string {
  if (n === null) return 'unknown until run time';
  const kEff = effectiveKernel(k, d);
  const kText = d > 1 ? `${kEff}` : `${k}`;
  const dilation = d > 1 ? ` (dilated kernel F = (${k} − 1)·${d} + 1 = ${kEff})` : '';
  if (padding === 'valid') {
    const exact = (n - kEff) / s + 1;
    const out = Math.floor((n - kEff) / s) + 1;
    const tail = Number.isInteger(exact) ? `${out}` : `${fmt(exact)} → ${out}`;
    return `(${n} − ${kText} + 2·0) / ${s} + 1 = ${tail}${dilation}`;
  }
  const [before, after] = samePadding(n, k, s, d);
  const padText = before === after ? `2·${before}` : `${before} + ${after}`;
  const out = Math.ceil(n / s);
  // When TensorFlow needs no padding the real-number rule can leave a fraction
  // (8 − 1 + 0) / 3 + 1 = 3.33; show it rather than an equation that is false.
  const exact = (n - kEff + before + after) / s + 1;
  const tail = Number.isInteger(exact) ? `${out}` : `${fmt(exact)} → ${out}`;
  return `(${n} − ${kText} + ${padText}) / ${s} + 1 = ${tail}  (padding "same": ⌈${n} / ${s}⌉)${dilation}`;
}

const dims = (h: number | null, w: number | null): string => `${h ?? '?'}×${w ?? '?'}`;

/**
 * Output height and width of a sliding window over `[h, w]`, or a
 * `ShapeError` when the window does not fit; warns through `ctx` when the
 * stride drops rows or columns.
 */
export function windowOutput(
  what: 'kernel' | 'pool window',
  [h, w]: readonly [number | null, number | null],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  padding: Padding,
  ctx: ShapeContext,
  dilation: readonly [number, number] = [1, 1],
): [number | null, number | null] {
  const kh = effectiveKernel(kernel[0], dilation[0]);
  const kw = effectiveKernel(kernel[1], dilation[1]);
  // Keras refuses this combination and tfjs fails only when the model runs
  // ("Either strides or dilations must be 1"), so say it at design time.
  if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
    throw new ShapeError(
      'param-invalid',
      `strides ${pairText(strides)} with dilation ${pairText(dilation)}: TensorFlow supports dilation only with strides 1`,
      { label: 'Set strides to 1×1', edit: { kind: 'set-param', param: 'strides', value: [1, 1] } },
    );
  }
  if (padding === 'valid' && ((h !== null && kh > h) || (w !== null && kw > w))) {
    const dilated = dilation[0] > 1 || dilation[1] > 1 ? ` (${kh}×${kw} with dilation)` : '';
    throw new ShapeError(
      'kernel-too-large',
      `${kernel[0]}×${kernel[1]} ${what}${dilated} does not fit a ${dims(h, w)} input with padding "valid"`,
      { label: 'Switch padding to "same"', edit: { kind: 'set-param', param: 'padding', value: 'same' } },
    );
  }
  if (padding === 'valid') {
    for (const [n, k, s, unit] of [
      [h, kh, strides[0], 'row'],
      [w, kw, strides[1], 'column'],
    ] as const) {
      if (n === null) continue;
      const dropped = (n - k) % s;
      if (dropped !== 0) {
        const lost = dropped === 1 ? `the last ${unit} is dropped` : `the last ${dropped} ${unit}s are dropped`;
        ctx.warn('uneven-stride', `(${n} − ${k}) / ${s} + 1 = ${fmt((n - k) / s + 1)}: ${lost}`, {
          label: 'Switch padding to "same"',
          edit: { kind: 'set-param', param: 'padding', value: 'same' },
        });
      }
    }
  }
  const outH = windowOutputLength(h, kernel[0], strides[0], padding, dilation[0]);
  const outW = windowOutputLength(w, kernel[1], strides[1], padding, dilation[1]);
  return [outH, outW];
}

/** `3×3`, or `3` when both sides agree and `short` is set. */
export const pairText = ([a, b]: readonly [number, number]): string => `${a}×${b}`;

/** The input's spatial dims for messages, e.g. `28×28`. */
export const spatialText = dims;
