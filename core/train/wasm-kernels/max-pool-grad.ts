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
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth } = info;
  const { top, left } = info.padInfo;
  const out = zeroedOutput(backend, [...input.shape]);
  // Views only after the allocation above: it may have grown the heap.
  const dx = heapFloat32(backend, out, 'dx');
  const x = heapFloat32(backend, input, 'input');
  const dyValues = heapFloat32(backend, dy, 'dy');
  // Per-channel running maximum and its offset in x, so the window is walked
  // once with the channel loop innermost (sequential NHWC access).
  const best = new Float32Array(inChannels);
  const bestAt = new Int32Array(inChannels);
  let dyOffset = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let outRow = 0; outRow < outHeight; outRow++) {
      const rowStart = Math.max(0, outRow * strideHeight - top);
      const rowEnd = Math.min(inHeight, outRow * strideHeight - top + filterHeight);
      for (let outCol = 0; outCol < outWidth; outCol++) {
        const colStart = Math.max(0, outCol * strideWidth - left);
        const colEnd = Math.min(inWidth, outCol * strideWidth - left + filterWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        bestAt.fill(-1);
        for (let xr = rowStart; xr < rowEnd; xr++) {
          for (let xc = colStart; xc < colEnd; xc++) {
            const pixel = ((b * inHeight + xr) * inWidth + xc) * inChannels;
            for (let c = 0; c < inChannels; c++) {
              const value = x[pixel + c];
              if (value > best[c]) {
                best[c] = value;
                bestAt[c] = pixel + c;
              }
            }
          }
        }
        for (let c = 0; c < inChannels; c++) {
          // -1 only for a window of NaNs, whose gradient cpu drops as well.
          if (bestAt[c] >= 0) dx[bestAt[c]] += dyValues[dyOffset + c];
        }
        dyOffset += inChannels;
      }
    }
  }
  return out;
}

/** Registration record for {@link maxPoolGrad} on the `wasm` backend. */
export const wasmMaxPoolGradConfig: KernelConfig = {
  kernelName: MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
