/**
 * MaxPoolGrad for the tfjs wasm backend, replacing the one
 * @tensorflow/tfjs-backend-wasm 4.22 ships: that one sends the gradient of a
 * window whose inputs are all negative to the window's first element instead
 * of its maximum (a running maximum that starts at 0, by its behaviour), so any
 * max pooling not directly after a ReLU trains on wrong gradients.
 *
 * Like tfjs's cpu kernel, the whole gradient of each window goes to the first
 * (row-major) position holding its maximum; padding never wins.
 */
import {
  backend_util,
  MaxPoolGrad,
  type KernelConfig,
  type KernelFunc,
  type MaxPoolGradAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapFloat32, zeroedOutput } from './wasm-heap';

/** What {@link windowRowGradient} reads and writes, the same for every row of windows. */
interface RowContext {
  x: Float32Array;
  dx: Float32Array;
  dy: Float32Array;
  info: backend_util.Conv2DInfo;
}

/**
 * Sends the gradient of each window of output row `outRow` of sample `b` to
 * its maximum, one channel at a time (the window's positions read at NHWC's
 * pixel stride). A function of its own, called once a row of windows: a loop
 * nest inside a longer kernel makes V8 (Chromium's newer versions, the app's
 * worker) compile the inner loop alone and throw that code away where it ends.
 * 2×2 windows inside the input take {@link twoByTwoWindow}; the rest (larger
 * or overlapping windows, windows cut by padding) scan.
 */
function windowRowGradient(row: RowContext, b: number, outRow: number): void {
  const { x, dx, dy, info } = row;
  const { inHeight, inWidth, inChannels, outWidth, filterHeight, filterWidth, strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const rowStart = Math.max(0, outRow * strideHeight - top);
  const rowEnd = Math.min(inHeight, outRow * strideHeight - top + filterHeight);
  const rowStep = inWidth * inChannels;
  let dyOffset = (b * info.outHeight + outRow) * outWidth * inChannels;
  for (let outCol = 0; outCol < outWidth; outCol++, dyOffset += inChannels) {
    const colStart = Math.max(0, outCol * strideWidth - left);
    const colEnd = Math.min(inWidth, outCol * strideWidth - left + filterWidth);
    const corner = ((b * inHeight + rowStart) * inWidth + colStart) * inChannels;
    const rowSpan = (rowEnd - rowStart) * rowStep;
    const colSpan = (colEnd - colStart) * inChannels;
    if (rowEnd - rowStart === 2 && colEnd - colStart === 2) {
      twoByTwoWindow(row, corner, rowStep, dyOffset);
      continue;
    }
    for (let c = 0; c < inChannels; c++) {
      let best = Number.NEGATIVE_INFINITY;
      // -1 only for a window of NaNs, whose gradient cpu drops as well.
      let bestAt = -1;
      for (let rowAt = corner + c; rowAt < corner + c + rowSpan; rowAt += rowStep) {
        for (let at = rowAt; at < rowAt + colSpan; at += inChannels) {
          const value = x[at];
          if (value > best) {
            best = value;
            bestAt = at;
          }
        }
      }
      if (bestAt >= 0) dx[bestAt] += dy[dyOffset + c];
    }
  }
}

/**
 * One 2×2 window (top-left pixel at `corner`), every channel, without a
 * branch on the data: which of four random values is largest is a coin toss
 * the processor mispredicts, and a running-maximum scan (or `Math.max`, or a
 * `?:`) cost ~7 ns a value for it. Here each comparison becomes 0 or 1 and
 * picks an offset by arithmetic: the kernel takes 2.8 ms instead of 7.7 for
 * the CIFAR-10 CNN's first pooling (32×32×32, batch 32; restructuring the
 * scan alone gave 7.4). Strict comparisons keep the first
 * (row-major) of equal maxima, as cpu's scan does.
 */
function twoByTwoWindow(row: RowContext, corner: number, rowStep: number, dyOffset: number): void {
  const { x, dx, dy } = row;
  const { inChannels } = row.info;
  for (let c = 0, at = corner; c < inChannels; c++, at++) {
    const v0 = x[at];
    const v1 = x[at + inChannels];
    const v2 = x[at + rowStep];
    const v3 = x[at + rowStep + inChannels];
    const sum = v0 + v1 + v2 + v3;
    if (sum !== sum) {
      // A NaN among them (or both infinities): cpu's scan, where NaN never wins.
      scanWindow(row, at, rowStep, dyOffset + c);
      continue;
    }
    const top = at + +(v1 > v0) * inChannels;
    const bottom = at + rowStep + +(v3 > v2) * inChannels;
    dx[top + +(x[bottom] > x[top]) * (bottom - top)] += dy[dyOffset + c];
  }
}

/** One channel of a 2×2 window by cpu's running-maximum scan, for windows holding a NaN. */
function scanWindow(row: RowContext, at: number, rowStep: number, dyAt: number): void {
  const { x, dx, dy } = row;
  const { inChannels } = row.info;
  let best = Number.NEGATIVE_INFINITY;
  let bestAt = -1;
  for (const position of [at, at + inChannels, at + rowStep, at + rowStep + inChannels]) {
    if (x[position] > best) {
      best = x[position];
      bestAt = position;
    }
  }
  // -1 only for a window of NaNs, whose gradient cpu drops as well.
  if (bestAt >= 0) dx[bestAt] += dy[dyAt];
}

/** The gradient of max pooling with respect to its NHWC input. */
function maxPoolGrad(args: {
  inputs: { dy: TensorInfo; input: TensorInfo; output: TensorInfo };
  backend: BackendWasm;
  attrs: MaxPoolGradAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, input } = inputs;
  const { filterSize, strides, pad, dimRoundingMode } = attrs;
  const info = backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const out = zeroedOutput(backend, [...input.shape]);
  // Views only after the allocation above: it may have grown the heap.
  const row: RowContext = {
    x: heapFloat32(backend, input, 'input'),
    dx: heapFloat32(backend, out, 'dx'),
    dy: heapFloat32(backend, dy, 'dy'),
    info,
  };
  for (let b = 0; b < info.batchSize; b++) {
    for (let outRow = 0; outRow < info.outHeight; outRow++) windowRowGradient(row, b, outRow);
  }
  return out;
}

/** Registration record for {@link maxPoolGrad} on the `wasm` backend. */
export const wasmMaxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
