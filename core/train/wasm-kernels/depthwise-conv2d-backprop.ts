/**
 * The two gradients of a depthwise 2-D convolution for the tfjs wasm backend,
 * which (as of @tensorflow/tfjs-backend-wasm 4.22) registers neither, so a
 * DepthwiseConv2D layer cannot train there without them.
 *
 * A depthwise convolution does `channelMultiplier` multiply-adds per input
 * channel and tap, so its gradients are cheap next to a full convolution's;
 * they are written as direct loops over NHWC data, innermost over channels so
 * every access is sequential. Unlike tfjs's cpu kernels (which ignore
 * `dilations` in both of these gradients), they honour dilation.
 */
import {
  backend_util,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  type DepthwiseConv2dNativeBackpropFilterAttrs,
  type DepthwiseConv2dNativeBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapFloat32, zeroedOutput } from './wasm-heap';

/**
 * For every (sample, output position, filter tap) whose input pixel lies
 * inside the input, three offsets: of that pixel's channels in x, of the
 * output position's channels in dy, and of the tap's `[inChannel, multiplier]`
 * block in the filter. Listing them once lets each kernel run its channel
 * loop inline (a callback per tap would be a megamorphic call, ~4× slower).
 */
function tapOffsets(info: backend_util.Conv2DInfo): Int32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth, strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const offsets = new Int32Array(3 * batchSize * outHeight * outWidth * filterHeight * filterWidth);
  let n = 0;
  for (let b = 0; b < batchSize; b++) {
    for (let outRow = 0; outRow < outHeight; outRow++) {
      for (let fr = 0; fr < filterHeight; fr++) {
        const xr = outRow * strideHeight - top + fr * dilationHeight;
        if (xr < 0 || xr >= inHeight) continue;
        const xRow = (b * inHeight + xr) * inWidth;
        for (let outCol = 0; outCol < outWidth; outCol++) {
          const dyOffset = ((b * outHeight + outRow) * outWidth + outCol) * outChannels;
          const xColStart = outCol * strideWidth - left;
          for (let fc = 0; fc < filterWidth; fc++) {
            const xc = xColStart + fc * dilationWidth;
            if (xc < 0 || xc >= inWidth) continue;
            offsets[n++] = (xRow + xc) * inChannels;
            offsets[n++] = dyOffset;
            offsets[n++] = (fr * filterWidth + fc) * outChannels;
          }
        }
      }
    }
  }
  return offsets.subarray(0, n);
}

/** The gradient of a depthwise convolution with respect to its `[fh, fw, inC, multiplier]` filter. */
function depthwiseConv2dBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: DepthwiseConv2dNativeBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const { strides, dilations, pad, dimRoundingMode, filterShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const { inChannels, outChannels } = info;
  const multiplier = outChannels / inChannels;
  // Each weight sums batch × outH × outW products; float64 keeps that sum as exact as the cpu kernel's.
  const sums = new Float64Array(outChannels * info.filterHeight * info.filterWidth);
  const xValues = heapFloat32(backend, x, 'x');
  const dyValues = heapFloat32(backend, dy, 'dy');
  const taps = tapOffsets(info);
  for (let t = 0; t < taps.length; t += 3) {
    const xOffset = taps[t];
    const dyOffset = taps[t + 1];
    const tapOffset = taps[t + 2];
    if (multiplier === 1) {
      for (let c = 0; c < inChannels; c++) sums[tapOffset + c] += xValues[xOffset + c] * dyValues[dyOffset + c];
      continue;
    }
    for (let c = 0; c < inChannels; c++) {
      const xv = xValues[xOffset + c];
      const base = c * multiplier;
      for (let m = 0; m < multiplier; m++) sums[tapOffset + base + m] += xv * dyValues[dyOffset + base + m];
    }
  }
  return backend.makeOutput([...filterShape], 'float32', undefined, Float32Array.from(sums));
}

/** The gradient of a depthwise convolution with respect to its NHWC input. */
function depthwiseConv2dBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: DepthwiseConv2dNativeBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const { strides, dilations, pad, dimRoundingMode, inputShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const { inChannels, outChannels } = info;
  const multiplier = outChannels / inChannels;
  const out = zeroedOutput(backend, [...inputShape]);
  // Views only after the allocation above: it may have grown the heap.
  const dx = heapFloat32(backend, out, 'dx');
  const dyValues = heapFloat32(backend, dy, 'dy');
  const weights = heapFloat32(backend, filter, 'filter');
  // Scatter: each (output position, tap) adds its share back to the input pixel it read.
  const taps = tapOffsets(info);
  for (let t = 0; t < taps.length; t += 3) {
    const xOffset = taps[t];
    const dyOffset = taps[t + 1];
    const tapOffset = taps[t + 2];
    if (multiplier === 1) {
      for (let c = 0; c < inChannels; c++) dx[xOffset + c] += dyValues[dyOffset + c] * weights[tapOffset + c];
      continue;
    }
    for (let c = 0; c < inChannels; c++) {
      const base = c * multiplier;
      let sum = 0;
      for (let m = 0; m < multiplier; m++) sum += dyValues[dyOffset + base + m] * weights[tapOffset + base + m];
      dx[xOffset + c] += sum;
    }
  }
  return out;
}

/** Registration record for the filter gradient of DepthwiseConv2D on the `wasm` backend. */
export const wasmDepthwiseConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropFilter,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropFilter as unknown as KernelFunc,
};

/** Registration record for the input gradient of DepthwiseConv2D on the `wasm` backend. */
export const wasmDepthwiseConv2dBackpropInputConfig: KernelConfig = {
  kernelName: DepthwiseConv2dNativeBackpropInput,
  backendName: 'wasm',
  kernelFunc: depthwiseConv2dBackpropInput as unknown as KernelFunc,
};
