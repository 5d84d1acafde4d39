/**
 * Conv2DBackpropFilter for the tfjs wasm backend, which (as of
 * @tensorflow/tfjs-backend-wasm 4.22) registers none: without it, the gradient
 * of every Conv2D layer fails and `model.fit` of any convolutional network
 * throws on wasm.
 *
 * The filter gradient is one matrix product per chunk of samples,
 * `dWᵀ[outC × patch] = dyᵀ[outC × n] · patches[n × patch]`, where each of the
 * n rows of `patches` is the input window one output position saw (im2col).
 * TypeScript only gathers the windows (memory copies); the multiply-adds run in
 * the wasm backend's own BatchMatMul (XNNPACK, SIMD), some 30× faster than the
 * same sums written as plain loops.
 */
import {
  backend_util,
  Conv2DBackpropFilter,
  getKernel,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { disposeScratch, heapFloat32 } from './wasm-heap';

/**
 * Most floats one chunk's patch matrix may hold (16 MiB). Big inputs (a
 * CIFAR-sized VGG block has 32·32·576 floats per sample) are processed a few
 * samples at a time so the scratch memory stays bounded.
 */
const MAX_PATCH_FLOATS = 1 << 22;

/** Below this many floats, an element loop beats creating a subarray to copy. */
const BULK_COPY_MIN = 24;

/**
 * Writes, for samples `first … first + count - 1`, one row per output position
 * holding the input window it saw, in the filter's `[row, col, inChannel]`
 * order; taps that fall in the padding read as 0.
 */
function gatherPatches(
  x: Float32Array,
  patches: Float32Array,
  info: backend_util.Conv2DInfo,
  first: number,
  count: number,
): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const { strideHeight, strideWidth, dilationHeight, dilationWidth } = info;
  const { top, left } = info.padInfo;
  const rowLength = filterWidth * inChannels;
  const xRowStride = inWidth * inChannels;
  let dst = 0;
  for (let b = first; b < first + count; b++) {
    const xSample = b * inHeight * xRowStride;
    for (let outRow = 0; outRow < outHeight; outRow++) {
      const xRowStart = outRow * strideHeight - top;
      for (let outCol = 0; outCol < outWidth; outCol++) {
        const xColStart = outCol * strideWidth - left;
        // A window row that lies wholly inside the input is one contiguous run in NHWC.
        const contiguous = dilationWidth === 1 && xColStart >= 0 && xColStart + filterWidth <= inWidth;
        for (let fr = 0; fr < filterHeight; fr++) {
          const xr = xRowStart + fr * dilationHeight;
          if (xr < 0 || xr >= inHeight) {
            patches.fill(0, dst, dst + rowLength);
            dst += rowLength;
            continue;
          }
          const xRow = xSample + xr * xRowStride;
          if (contiguous) {
            const src = xRow + xColStart * inChannels;
            if (rowLength >= BULK_COPY_MIN) {
              patches.set(x.subarray(src, src + rowLength), dst);
            } else {
              for (let i = 0; i < rowLength; i++) patches[dst + i] = x[src + i];
            }
            dst += rowLength;
            continue;
          }
          for (let fc = 0; fc < filterWidth; fc++) {
            const xc = xColStart + fc * dilationWidth;
            if (xc < 0 || xc >= inWidth) {
              for (let i = 0; i < inChannels; i++) patches[dst + i] = 0;
            } else {
              const src = xRow + xc * inChannels;
              for (let i = 0; i < inChannels; i++) patches[dst + i] = x[src + i];
            }
            dst += inChannels;
          }
        }
      }
    }
  }
}

/** Copies `rows × channels` of dy, starting at row `firstRow`, into `channels × rows` order. */
function transposeRows(dy: Float32Array, dyT: Float32Array, firstRow: number, rows: number, channels: number): void {
  let src = firstRow * channels;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < channels; c++) dyT[c * rows + r] = dy[src + c];
    src += channels;
  }
}

/** True when the patch matrix is the input itself: a 1×1 filter, stride 1, no padding. */
function patchesAreInput(info: backend_util.Conv2DInfo): boolean {
  const { top, bottom, left, right } = info.padInfo;
  return (
    info.filterHeight === 1 &&
    info.filterWidth === 1 &&
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    top === 0 &&
    bottom === 0 &&
    left === 0 &&
    right === 0
  );
}

/** Runs the wasm backend's BatchMatMul kernel on two rank-3 tensors already on its heap. */
function wasmMatMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  const matMul = getKernel('BatchMatMul', 'wasm');
  if (matMul == null) throw new Error('wasm backend has no BatchMatMul kernel to build Conv2DBackpropFilter on');
  return matMul.kernelFunc({
    inputs: { a, b },
    backend,
    attrs: { transposeA: false, transposeB: false },
  }) as TensorInfo;
}

/**
 * The gradient of a 2-D convolution with respect to its filter, for NHWC
 * input `x` and output gradient `dy`; padding, strides and output size follow
 * `backend_util.computeConv2DInfo`, exactly as the forward Conv2D computed them.
 */
function conv2dBackpropFilter(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1, // the kernel has no dilations attribute: tfjs rejects gradients of dilated Conv2D before reaching it
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') {
    // Same limit as the wasm backend's forward Conv2D, so this is never reached through a gradient.
    throw new Error(`wasm Conv2DBackpropFilter supports dataFormat "NHWC" only, got "${dataFormat}"`);
  }
  const { batchSize, outHeight, outWidth, outChannels, filterHeight, filterWidth, inChannels } = info;
  const patchSize = filterHeight * filterWidth * inChannels;
  const positions = outHeight * outWidth;
  const inputIsPatches = patchesAreInput(info);
  const samplesPerChunk = inputIsPatches
    ? batchSize
    : Math.max(1, Math.min(batchSize, Math.floor(MAX_PATCH_FLOATS / (positions * patchSize))));

  // dWᵀ, summed over chunks; small (outC × patch), so it lives outside the heap.
  const gradientT = new Float32Array(outChannels * patchSize);
  for (let first = 0; first < batchSize; first += samplesPerChunk) {
    const count = Math.min(samplesPerChunk, batchSize - first);
    const rows = count * positions;
    const dyT = backend.makeOutput([1, outChannels, rows], 'float32');
    const patches = inputIsPatches
      ? { dataId: x.dataId, shape: [1, rows, patchSize], dtype: x.dtype }
      : backend.makeOutput([1, rows, patchSize], 'float32');
    // Views only after the allocations above: they may have grown the heap.
    if (!inputIsPatches) {
      gatherPatches(heapFloat32(backend, x, 'x'), heapFloat32(backend, patches, 'patches'), info, first, count);
    }
    transposeRows(
      heapFloat32(backend, dy, 'dy'),
      heapFloat32(backend, dyT, 'dyT'),
      first * positions,
      rows,
      outChannels,
    );
    const product = wasmMatMul(backend, dyT, patches);
    const productValues = heapFloat32(backend, product, 'product');
    for (let i = 0; i < gradientT.length; i++) gradientT[i] += productValues[i];
    disposeScratch(backend, product);
    disposeScratch(backend, dyT);
    if (!inputIsPatches) disposeScratch(backend, patches);
  }

  const out = backend.makeOutput([...filterShape], 'float32');
  const outValues = heapFloat32(backend, out, 'dW');
  // [outC, patch] → the filter's [fh, fw, inC, outC] layout.
  for (let k = 0; k < patchSize; k++) {
    for (let c = 0; c < outChannels; c++) outValues[k * outChannels + c] = gradientT[c * patchSize + k];
  }
  return out;
}

/** Registration record for {@link conv2dBackpropFilter} on the `wasm` backend. */
export const wasmConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
