/**
 * AvgPoolGrad for the tfjs wasm backend, replacing the one
 * @tensorflow/tfjs-backend-wasm 4.22 ships: that one is correct but, for every
 * input position and every tap of the window, divides to find the output
 * position the tap came from and tests it for a remainder, and took 1.1 ms of
 * a 10 ms LeNet-5 step (its two 2×2 poolings). Here each input row and column
 * knows the range of windows covering it beforehand, and the channels (NHWC's
 * innermost axis) are summed in one pass.
 * Windows that tile the input (LeNet-5's) take a shorter path that computes
 * one input row of each window and copies it to the window's other rows.
 *
 * As tfjs's cpu kernel: an input position's gradient is the sum of the
 * gradients of the windows covering it, times 1 / (window height × width).
 */
import {
  AvgPoolGrad,
  backend_util,
  type AvgPoolGradAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapFloat32 } from './wasm-heap';

/**
 * For each of `size` input positions along one axis, the first and one past
 * the last window (output position) covering it.
 */
function coveringWindows(
  size: number,
  outSize: number,
  filter: number,
  stride: number,
  padBefore: number,
): { first: Int32Array; end: Int32Array } {
  const first = new Int32Array(size);
  const end = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    // Window o covers input positions o·stride − pad … o·stride − pad + filter − 1.
    first[i] = Math.max(0, Math.ceil((i + padBefore - filter + 1) / stride));
    end[i] = Math.min(outSize, Math.floor((i + padBefore) / stride) + 1);
  }
  return { first, end };
}

/** What {@link inputRowGradient} reads and writes, the same for every row. */
interface RowContext {
  dx: Float32Array;
  dy: Float32Array;
  cols: { first: Int32Array; end: Int32Array };
  inWidth: number;
  outWidth: number;
  inChannels: number;
  multiplier: number;
  /** Scratch: one sum per channel. */
  sum: Float64Array;
}

/**
 * The gradient of one input row (at `dxOffset`), covered by window rows
 * `firstRow … endRow − 1` of the sample whose gradient starts at `dyBatch`. A
 * function of its own, called once a row: a loop nest inside a longer kernel
 * makes V8 (Chromium's newer versions) compile the inner loop alone and throw
 * that code away where it ends, on every call, so it ran mostly unoptimized in
 * the app's worker.
 */
function inputRowGradient(row: RowContext, dxOffset: number, dyBatch: number, firstRow: number, endRow: number): void {
  const { dx, dy, cols, inWidth, outWidth, inChannels, multiplier, sum } = row;
  let offset = dxOffset;
  for (let c = 0; c < inWidth; c++) {
    const firstCol = cols.first[c];
    const endCol = cols.end[c];
    const windows = (endRow - firstRow) * (endCol - firstCol);
    if (windows <= 1) {
      // Windows that do not overlap (the usual 2×2 stride 2) cover each position once, or not at all.
      const window = dyBatch + (firstRow * outWidth + firstCol) * inChannels;
      for (let ch = 0; ch < inChannels; ch++) dx[offset + ch] = windows ? dy[window + ch] * multiplier : 0;
    } else {
      sum.fill(0);
      for (let o = firstRow; o < endRow; o++) {
        for (let p = firstCol; p < endCol; p++) {
          const window = dyBatch + (o * outWidth + p) * inChannels;
          for (let ch = 0; ch < inChannels; ch++) sum[ch] += dy[window + ch];
        }
      }
      for (let ch = 0; ch < inChannels; ch++) dx[offset + ch] = sum[ch] * multiplier;
    }
    offset += inChannels;
  }
}

/**
 * Whether the windows tile the input exactly: as wide as their stride, no
 * padding, no rows or columns left over (LeNet-5's 2×2 stride 2 on even maps).
 */
function tilesInput(info: backend_util.Conv2DInfo): boolean {
  return (
    info.strideHeight === info.filterHeight &&
    info.strideWidth === info.filterWidth &&
    info.outHeight * info.filterHeight === info.inHeight &&
    info.outWidth * info.filterWidth === info.inWidth &&
    info.padInfo.top === 0 &&
    info.padInfo.left === 0
  );
}

/**
 * For windows that tile the input: the first input row of window row
 * `windowRow` of sample `b` (each position its window's gradient times the
 * multiplier), then the window's other rows as copies of it. A function of
 * its own, called once a window row (see {@link inputRowGradient}).
 */
function tiledRows(
  dx: Float32Array,
  dy: Float32Array,
  info: backend_util.Conv2DInfo,
  b: number,
  windowRow: number,
  multiplier: number,
): void {
  const { inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const rowLength = inWidth * inChannels;
  const start = (b * outHeight + windowRow) * filterHeight * rowLength;
  let src = (b * outHeight + windowRow) * outWidth * inChannels;
  let dst = start;
  for (let q = 0; q < outWidth; q++, src += inChannels) {
    for (let j = 0; j < filterWidth; j++) {
      for (let ch = 0; ch < inChannels; ch++) dx[dst++] = dy[src + ch] * multiplier;
    }
  }
  for (let i = 1; i < filterHeight; i++) dx.copyWithin(start + i * rowLength, start, start + rowLength);
}

/**
 * The gradient of windows that tile the input, a window row at a time: a
 * window's input rows get the same values, so one is computed and the others
 * copied. Half the time of the general loop on LeNet-5's first pooling
 * (32×24×24×6: 0.24 → 0.13 ms, the same values).
 */
function tiledGradient(backend: BackendWasm, dy: TensorInfo, info: backend_util.Conv2DInfo): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, filterHeight, filterWidth } = info;
  const out = backend.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
  // Views only after the allocation above: it may have grown the heap.
  const dx = heapFloat32(backend, out, 'dx');
  const dyValues = heapFloat32(backend, dy, 'dy');
  const multiplier = 1 / (filterHeight * filterWidth);
  for (let b = 0; b < batchSize; b++) {
    for (let windowRow = 0; windowRow < outHeight; windowRow++) tiledRows(dx, dyValues, info, b, windowRow, multiplier);
  }
  return out;
}

/** The gradient of average pooling with respect to its NHWC input. */
function avgPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo };
  backend: BackendWasm;
  attrs: AvgPoolGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    attrs.filterSize,
    attrs.strides,
    1,
    attrs.pad,
  );
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  if (tilesInput(info)) return tiledGradient(backend, dy, info);
  const rows = coveringWindows(inHeight, outHeight, filterHeight, info.strideHeight, info.padInfo.top);
  const cols = coveringWindows(inWidth, outWidth, filterWidth, info.strideWidth, info.padInfo.left);
  const multiplier = 1 / (filterHeight * filterWidth);
  const out = backend.makeOutput([...input.shape], 'float32');
  // Views only after the allocation above: it may have grown the heap.
  const dx = heapFloat32(backend, out, 'dx');
  const dyValues = heapFloat32(backend, dy, 'dy');
  // Sums in float64 and one rounding at the end, as cpu does.
  const sum = new Float64Array(inChannels);
  const row = { dx, dy: dyValues, cols, inWidth, outWidth, inChannels, multiplier, sum };
  for (let b = 0; b < batchSize; b++) {
    for (let r = 0; r < inHeight; r++) {
      const dyBatch = b * outHeight * outWidth * inChannels;
      inputRowGradient(row, (b * inHeight + r) * inWidth * inChannels, dyBatch, rows.first[r], rows.end[r]);
    }
  }
  return out;
}

/** Registration record for {@link avgPoolGrad} on the `wasm` backend. */
export const wasmAvgPoolGradConfig: KernelConfig = {
  kernelName: AvgPoolGrad,
  backendName: 'wasm',
  kernelFunc: avgPoolGrad as unknown as KernelFunc,
};
