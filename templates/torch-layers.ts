/**
 * PyTorch layers in Keras terms, for the templates that reproduce torchvision
 * networks exactly.
 *
 * PyTorch pads `padding` zeros on *both* sides of an axis and then drops
 * whatever rows the last window cannot reach. Keras offers "valid" (no
 * padding) and "same" (which puts the odd extra zero *after*), so a stride-2
 * layer with `padding=1` cannot be written as "same": at 56×56 Keras would pad
 * (0, 1) where PyTorch pads (1, 1) and uses only (1, 0). We therefore choose,
 * per layer, the Keras form that computes exactly what PyTorch computes:
 *
 * - "same" when its padding equals PyTorch's on both axes (every stride-1
 *   3×3 convolution with `padding=1`, every 1×1 convolution);
 * - otherwise an explicit `ZeroPadding2D` of (before, after) then "valid",
 *   where `after` leaves out the padding rows PyTorch would drop anyway, so
 *   no "uneven stride" warning appears for rows that are only padding.
 *
 * These templates track each tensor's height and width as they go, because
 * the right padding depends on the size that reaches the layer.
 */
import type { GraphBuilder } from '../core/graph/builder';
import { samePadding } from '../core/layers/window-math';

/** A tensor in a template being built: its node id and spatial size. */
export interface FeatureMap {
  id: string;
  height: number;
  width: number;
}

/** A PyTorch sliding window along one axis: `kernel_size`, `stride`, `padding`, and pooling's `ceil_mode`. */
export interface TorchWindow {
  kernel: number;
  stride: number;
  padding: number;
  /** Round the output length up (`MaxPool2d(ceil_mode=True)`, as GoogLeNet pools). */
  ceil?: boolean;
}

/**
 * PyTorch's output length `⌊(n + 2p − k) / s⌋ + 1`, or with `ceil` rounded
 * up, except that a last window starting past the input and its left
 * padding is dropped (PyTorch's rule).
 */
export function torchOutputLength(n: number, w: TorchWindow): number {
  const span = n + 2 * w.padding - w.kernel;
  if (!w.ceil) return Math.floor(span / w.stride) + 1;
  const out = Math.ceil(span / w.stride) + 1;
  return (out - 1) * w.stride >= n + w.padding ? out - 1 : out;
}

/**
 * The zeros (before, after) Keras must add on one axis so that a "valid"
 * window computes what PyTorch's padded window computes.
 */
export function torchAxisPadding(n: number, w: TorchWindow): [before: number, after: number] {
  const out = torchOutputLength(n, w);
  const reached = (out - 1) * w.stride + w.kernel; // positions the windows cover, padding included
  // Padding PyTorch adds after the data but never reaches changes nothing, so leave it out. In ceil
  // mode the last window may reach past the padding too: PyTorch lets it, ignoring what is outside.
  const after = Math.max(0, reached - n - w.padding);
  return [w.padding, w.ceil ? after : Math.min(w.padding, after)];
}

/** Whether Keras "same" pads this axis exactly as PyTorch does. */
function sameMatches(n: number, w: TorchWindow): boolean {
  if (Math.ceil(n / w.stride) !== torchOutputLength(n, w)) return false;
  const [before, after] = samePadding(n, w.kernel, w.stride);
  const [torchBefore, torchAfter] = torchAxisPadding(n, w);
  return before === torchBefore && after === torchAfter;
}

/**
 * The name of the ZeroPadding2D before layer `name`: `conv1_pad`, but
 * `features.0.pad0` for torchvision's `features.0.0`, since a name's parts
 * are identifiers or indices (core/graph/names.ts) and `0_pad` is neither.
 */
export function padLayerName(name: string): string {
  const dot = name.lastIndexOf('.');
  const last = name.slice(dot + 1);
  return /^[0-9]+$/.test(last) ? `${name.slice(0, dot + 1)}pad${last}` : `${name}_pad`;
}

/**
 * Adds whatever padding a PyTorch window needs on `x` and returns the tensor
 * to slide the window over with the Keras `padding` to use.
 */
function padLikeTorch(
  b: GraphBuilder,
  x: FeatureMap,
  w: TorchWindow,
  padName: string,
): { source: string; padding: 'same' | 'valid'; height: number; width: number } {
  const height = torchOutputLength(x.height, w);
  const width = torchOutputLength(x.width, w);
  if (sameMatches(x.height, w) && sameMatches(x.width, w)) return { source: x.id, padding: 'same', height, width };
  const [top, bottom] = torchAxisPadding(x.height, w);
  const [left, right] = torchAxisPadding(x.width, w);
  if (top + bottom + left + right === 0) return { source: x.id, padding: 'valid', height, width };
  const source = b.layer('ZeroPadding2D', { padding: [top, bottom, left, right] }, x.id, padName);
  return { source, padding: 'valid', height, width };
}

/** Arguments of {@link torchConv2d}, named as in `torch.nn.Conv2d`. */
export interface TorchConvOptions {
  name: string;
  filters: number;
  kernel: number;
  stride?: number;
  padding?: number;
  /** PyTorch's `bias`; torchvision's ResNets turn it off because a BatchNorm follows. */
  useBias?: boolean;
  /** Fused activation; torchvision applies ReLU as a separate module, which is the same function. */
  activation?: 'linear' | 'relu';
}

/** `nn.Conv2d(in, filters, kernel, stride, padding, bias)` as (ZeroPadding2D +) Conv2D. */
export function torchConv2d(b: GraphBuilder, x: FeatureMap, o: TorchConvOptions): FeatureMap {
  const window = { kernel: o.kernel, stride: o.stride ?? 1, padding: o.padding ?? 0 };
  const { source, padding, height, width } = padLikeTorch(b, x, window, padLayerName(o.name));
  const id = b.layer(
    'Conv2D',
    {
      filters: o.filters,
      kernelSize: [o.kernel, o.kernel],
      strides: [window.stride, window.stride],
      padding,
      useBias: o.useBias ?? true,
      activation: o.activation ?? 'linear',
    },
    source,
    o.name,
  );
  return { id, height, width };
}

/**
 * `nn.MaxPool2d(kernel, stride, padding)` as (ZeroPadding2D +) MaxPooling2D.
 * PyTorch pads max pooling with −∞, Keras's ZeroPadding2D with 0; they agree
 * because every pooled tensor in these templates comes out of a ReLU (≥ 0).
 */
export function torchMaxPool2d(
  b: GraphBuilder,
  x: FeatureMap,
  o: { name: string; kernel: number; stride: number; padding?: number; ceilMode?: boolean },
): FeatureMap {
  const window = { kernel: o.kernel, stride: o.stride, padding: o.padding ?? 0, ceil: o.ceilMode ?? false };
  const { source, padding, height, width } = padLikeTorch(b, x, window, padLayerName(o.name));
  const id = b.layer(
    'MaxPooling2D',
    { poolSize: [o.kernel, o.kernel], strides: [o.stride, o.stride], padding },
    source,
    o.name,
  );
  return { id, height, width };
}

/**
 * `nn.Conv2d(c, c, kernel, stride, padding, groups=c, bias)` — a depthwise
 * convolution, one kernel per channel — as (ZeroPadding2D +) DepthwiseConv2D.
 */
export function torchDepthwiseConv2d(
  b: GraphBuilder,
  x: FeatureMap,
  o: { name: string; kernel: number; stride?: number; padding?: number; useBias?: boolean },
): FeatureMap {
  const window = { kernel: o.kernel, stride: o.stride ?? 1, padding: o.padding ?? 0 };
  const { source, padding, height, width } = padLikeTorch(b, x, window, padLayerName(o.name));
  const id = b.layer(
    'DepthwiseConv2D',
    {
      kernelSize: [o.kernel, o.kernel],
      strides: [window.stride, window.stride],
      padding,
      useBias: o.useBias ?? true,
    },
    source,
    o.name,
  );
  return { id, height, width };
}

/** A layer that keeps height and width (BatchNorm, ReLU, Dropout, Add): same sizes, new id. */
export function sameSize(x: FeatureMap, id: string): FeatureMap {
  return { id, height: x.height, width: x.width };
}

/**
 * torchvision's `BatchNorm2d` defaults in Keras terms: eps 1e-5, and
 * momentum 0.1 for the new batch, which Keras writes as 0.9 for the old average.
 */
export const TORCH_BATCH_NORM = { epsilon: 1e-5, momentum: 0.9 } as const;
