/**
 * The output-size rule of sliding windows (convolution and pooling), exactly
 * as Keras and tfjs compute it, plus the worked-out arithmetic the inspector
 * shows a learner.
 */
import { ShapeError, type Problem } from '../errors';
import { intPair, oneOf, type ShapeContext } from './layer-spec';

export type Padding = 'valid' | 'same';

/** The stride and padding parameters that Conv2D and SeparableConv2D declare alike. */
export const windowParams = {
  strides: intPair({ min: 1, default: [1, 1], help: 'Step S between kernel positions.' }),
  padding: oneOf(['valid', 'same'] as const, 'valid', {
    help: '"valid" uses no padding; "same" pads with zeros so the output is ⌈N / S⌉.',
  }),
};

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
 * The stride nearest `s` (the smaller on a tie, which keeps more of the input)
 * at which a window spanning `span` input positions fits `n` exactly, or null.
 */
export function fittingStride(n: number, span: number, s: number): number | null {
  const free = n - span;
  if (free <= 0) return null;
  for (let delta = 1; delta <= Math.max(s, free); delta++)
    for (const c of [s - delta, s + delta]) if (c >= 1 && c <= free && free % c === 0) return c;
  return null;
}

/**
 * The window size nearest `k` that fits `n` exactly at stride `s`, or null:
 * the larger on a tie (a 3×3 pool rather than a 1×1 one), and 1 only when
 * nothing else fits.
 */
export function fittingKernel(n: number, k: number, s: number): number | null {
  for (let delta = 1; delta < Math.max(k, n); delta++)
    for (const c of [k + delta, k - delta]) if (c >= 2 && c <= n && (n - c) % s === 0) return c;
  return (n - 1) % s === 0 ? 1 : null;
}

/** `2`, or `2×3` when the two sides differ. */
const sizeText = ([a, b]: readonly [number, number]): string => (a === b ? `${a}` : `${a}×${b}`);
const outText = (h: number | null, w: number | null): string => `${h ?? '?'}×${w ?? '?'}`;

/**
 * Output height and width of a sliding window over `[h, w]`, or a
 * `ShapeError` when the window does not fit; warns through `ctx` when the
 * stride drops rows or columns. Each problem is one diagnostic covering both
 * axes, with every repair the lecture gives, each naming the size it yields:
 * pad to fit (padding "same"), a stride that fits, a window size that fits.
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
  const kernelParam = what === 'kernel' ? 'kernelSize' : 'poolSize';
  const windowWord = what === 'kernel' ? 'Kernel' : 'Pool window';
  // Keras refuses this combination and tfjs fails only when the model runs
  // ("Either strides or dilations must be 1"), so say it at design time.
  if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
    throw new ShapeError(
      'param-invalid',
      `strides ${pairText(strides)} with dilation ${pairText(dilation)}: TensorFlow supports dilation only with strides 1`,
      { label: 'Set strides to 1×1', edit: { kind: 'set-param', param: 'strides', value: [1, 1] } },
    );
  }
  const sameOut = outText(
    windowOutputLength(h, kernel[0], strides[0], 'same'),
    windowOutputLength(w, kernel[1], strides[1], 'same'),
  );
  const padToFit: NonNullable<Problem['fix']> = {
    label: `Pad to fit (padding "same") → ${sameOut}`,
    edit: { kind: 'set-param', param: 'padding', value: 'same' },
  };
  if (padding === 'valid' && ((h !== null && kh > h) || (w !== null && kw > w))) {
    const dilated = dilation[0] > 1 || dilation[1] > 1 ? ` (${kh}×${kw} with dilation)` : '';
    // The largest window that fits each axis that is too small.
    const fit = (n: number | null, k: number, d: number): number =>
      n !== null && effectiveKernel(k, d) > n ? Math.floor((n - 1) / d) + 1 : k;
    const smaller: [number, number] = [fit(h, kernel[0], dilation[0]), fit(w, kernel[1], dilation[1])];
    const alternatives =
      smaller[0] >= 1 && smaller[1] >= 1
        ? [
            {
              label: `${windowWord} ${pairText(smaller)} → ${outText(
                windowOutputLength(h, smaller[0], strides[0], 'valid', dilation[0]),
                windowOutputLength(w, smaller[1], strides[1], 'valid', dilation[1]),
              )}`,
              edit: { kind: 'set-param' as const, param: kernelParam, value: smaller },
            },
          ]
        : [];
    throw new ShapeError(
      'kernel-too-large',
      `${kernel[0]}×${kernel[1]} ${what}${dilated} does not fit a ${dims(h, w)} input with padding "valid"`,
      padToFit,
      alternatives,
    );
  }
  const outH = windowOutputLength(h, kernel[0], strides[0], padding, dilation[0]);
  const outW = windowOutputLength(w, kernel[1], strides[1], padding, dilation[1]);
  if (padding === 'valid') {
    const axes = [
      { n: h, k: kh, s: strides[0], unit: 'row' },
      { n: w, k: kw, s: strides[1], unit: 'column' },
    ] as const;
    const uneven = axes
      .map((a) => ({ ...a, dropped: a.n === null ? 0 : (a.n - a.k) % a.s }))
      .filter((a) => a.dropped !== 0) as { n: number; k: number; s: number; unit: string; dropped: number }[];
    if (uneven.length) {
      const formula = (a: { n: number; k: number; s: number }) =>
        `(${a.n} − ${a.k}) / ${a.s} + 1 = ${fmt((a.n - a.k) / a.s + 1)}`;
      const lost = (dropped: number, unit: string) =>
        dropped === 1 ? `the last ${unit} is dropped` : `the last ${dropped} ${unit}s are dropped`;
      const [a, b] = uneven;
      const message =
        uneven.length === 1
          ? `${formula(a)}: ${lost(a.dropped, a.unit)}`
          : a.n === b.n && a.k === b.k && a.s === b.s
            ? `${formula(a)} along height and width: ${a.dropped === 1 ? 'the last row and column are dropped' : `the last ${a.dropped} rows and columns are dropped`}`
            : `${formula(a)} along height and ${formula(b)} along width: ${lost(a.dropped, 'row')} and ${lost(b.dropped, 'column')}`;
      const fixes: NonNullable<Problem['alternatives']> = [padToFit];
      // A stride that fits each uneven axis (the others keep theirs).
      const stride = (i: 0 | 1) => {
        const axis = axes[i];
        return axis.n === null || (axis.n - axis.k) % axis.s === 0 ? strides[i] : fittingStride(axis.n, axis.k, axis.s);
      };
      const newStrides = [stride(0), stride(1)];
      if (newStrides[0] !== null && newStrides[1] !== null) {
        const s2 = newStrides as [number, number];
        fixes.push({
          label: `Stride ${sizeText(s2)} → ${outText(windowOutputLength(h, kernel[0], s2[0], 'valid'), windowOutputLength(w, kernel[1], s2[1], 'valid'))}`,
          edit: { kind: 'set-param', param: 'strides', value: s2 },
        });
      }
      // A window that fits each uneven axis at its stride (strides > 1 rule out dilation here).
      const size = (i: 0 | 1) => {
        const axis = axes[i];
        return axis.n === null || (axis.n - axis.k) % axis.s === 0
          ? kernel[i]
          : fittingKernel(axis.n, kernel[i], axis.s);
      };
      const newKernel = [size(0), size(1)];
      if (newKernel[0] !== null && newKernel[1] !== null) {
        const k2 = newKernel as [number, number];
        fixes.push({
          label: `${windowWord} ${pairText(k2)} → ${outText(windowOutputLength(h, k2[0], strides[0], 'valid'), windowOutputLength(w, k2[1], strides[1], 'valid'))}`,
          edit: { kind: 'set-param', param: kernelParam, value: k2 },
        });
      }
      ctx.warn('uneven-stride', message, fixes[0], fixes.slice(1));
    }
  }
  return [outH, outW];
}

/** `3×3`, or `3` when both sides agree and `short` is set. */
export const pairText = ([a, b]: readonly [number, number]): string => `${a}×${b}`;

/**
 * The face of a convolution-like node, e.g. `3×3 ×64 /2 same relu`: kernel,
 * filters, stride (when not 1), padding, dilation and activation (when set).
 */
export function convSummary(p: {
  kernelSize: readonly [number, number];
  filters?: number;
  strides: readonly [number, number];
  padding: Padding;
  dilationRate?: readonly [number, number];
  activation?: string;
}): string {
  const strided = p.strides[0] !== 1 || p.strides[1] !== 1;
  const dilated = p.dilationRate && (p.dilationRate[0] !== 1 || p.dilationRate[1] !== 1);
  return [
    pairText(p.kernelSize),
    p.filters === undefined ? '' : `×${p.filters}`,
    strided ? `/${p.strides[0] === p.strides[1] ? p.strides[0] : pairText(p.strides)}` : '',
    p.padding,
    dilated ? `d${p.dilationRate?.[0]}` : '',
    p.activation && p.activation !== 'linear' ? p.activation : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/** The height and width lines of `explain` for a sliding window over `[h, w]`. */
export function explainWindow2d(
  [h, w]: readonly [number | null, number | null],
  kernel: readonly [number, number],
  strides: readonly [number, number],
  padding: Padding,
  dilation: readonly [number, number] = [1, 1],
): [string, string] {
  return [
    `height: ${explainWindowAxis(h, kernel[0], strides[0], padding, dilation[0])}`,
    `width: ${explainWindowAxis(w, kernel[1], strides[1], padding, dilation[1])}`,
  ];
}

/** The input's spatial dims for messages, e.g. `28×28`. */
export const spatialText = dims;
