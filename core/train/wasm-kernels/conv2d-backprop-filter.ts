/**
 * Conv2DBackpropFilter for the tfjs wasm backend, which (as of
 * @tensorflow/tfjs-backend-wasm 4.22) registers none: without it, the gradient
 * of every Conv2D layer fails and `model.fit` of any convolutional network
 * throws on wasm.
 *
 * The filter gradient is one matrix product per chunk of samples,
 * `dW[patch × outC] = patchesᵀ[patch × n] · dy[n × outC]`, where column r of
 * `patchesᵀ` is the input window output position r saw (im2col). TypeScript
 * only builds `patchesᵀ`, gathering it value by value or, for stride 1 on
 * large maps, copying it in long runs from channel planes
 * ({@link viaShiftedPlanes}); the multiply-adds run in wasm (see `./matmul`).
 * Small stride-1 convolutions with few output channels (LeNet-5's) skip the
 * patch matrix: there the gradient is one forward convolution
 * (`./filter-gradient-by-convolution`).
 */
import {
  backend_util,
  Conv2DBackpropFilter,
  type Conv2DBackpropFilterAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { filterGradientByConvolution, suitsConvolution } from './filter-gradient-by-convolution';
import { samplesPerChunk, viewAs, wasmMatMul } from './matmul';
import { gatherPatchesTransposed } from './patches';
import { disposeScratch, heapFloat32 } from './wasm-heap';

/**
 * Most extra work {@link viaShiftedPlanes} may do over the gather: the padded
 * grid's cells per output. 3×3 "same" on 32×32 maps is 1.13 and measured
 * 25–30 % faster than the gather (CIFAR-10 CNN's second convolution, 42–47 →
 * 30–36 ms of CPU); on 16×16 (1.27) the two were even, on 8×8 (1.56) the
 * gather won.
 */
const MAX_GRID_OVERHEAD = 1.15;

/**
 * Products with fewer rows than this (the filter's taps × input channels /
 * taps) run far below XNNPACK's speed whatever their length: the first
 * convolution of an RGB image (3 channels) measured 4 ms gathered, 8–10 ms as
 * shifted planes.
 */
const MIN_IN_CHANNELS = 8;

/** Whether {@link viaShiftedPlanes} beats the gather for this convolution. */
function suitsShiftedPlanes(info: backend_util.Conv2DInfo): boolean {
  const cells = (info.outHeight + info.filterHeight - 1) * (info.outWidth + info.filterWidth - 1);
  return (
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.inChannels >= MIN_IN_CHANNELS &&
    cells <= MAX_GRID_OVERHEAD * info.outHeight * info.outWidth
  );
}

/**
 * The stride-1 filter gradient with the patch matrix copied in long runs
 * instead of gathered value by value. Lay each chunk's input out as one plane
 * per channel over the padded grid of its samples (`planes[c][b, row, col]`,
 * zeros in the padding) and dy over the same grid (zeros where no output is).
 * For the tap at (fr, fc), the value channel c gave each grid position's
 * output is then the plane read `fr · paddedWidth + fc` further on, so row
 * (tap, c) of `patchesᵀ` is one contiguous slice of a plane, and
 * `dW = patchesᵀ · dyGrid` as before. Grid positions without an output
 * multiply zeros (reads past a sample's grid land there too): the product does
 * `paddedHeight · paddedWidth / (outHeight · outWidth)` times the work, which
 * is why small padded maps keep the gather.
 */
function viaShiftedPlanes(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const paddedHeight = outHeight + filterHeight - 1;
  const paddedWidth = outWidth + filterWidth - 1;
  const cellsPerSample = paddedHeight * paddedWidth;
  const patchSize = filterHeight * filterWidth * inChannels;
  // The last tap's slice of the last plane reads this far past the grid.
  const maxShift = (filterHeight - 1) * paddedWidth + filterWidth - 1;
  const chunk = samplesPerChunk(batchSize, cellsPerSample * patchSize);
  const sum = chunk === batchSize ? null : new Float32Array(patchSize * outChannels);
  let result: TensorInfo | null = null;
  for (let first = 0; first < batchSize; first += chunk) {
    const count = Math.min(chunk, batchSize - first);
    const grid = count * cellsPerSample;
    const planes = backend.makeOutput([inChannels * grid + maxShift], 'float32');
    const dyGrid = backend.makeOutput([1, grid, outChannels], 'float32');
    const patchesT = backend.makeOutput([1, patchSize, grid], 'float32');
    // Views only after the allocations above: they may have grown the heap.
    const planeValues = heapFloat32(backend, planes, 'planes');
    planeValues.fill(0);
    const xValues = heapFloat32(backend, x, 'x');
    for (let b = 0, src = first * inHeight * inWidth * inChannels; b < count; b++) {
      for (let row = 0; row < inHeight; row++) {
        const cellStart = (b * paddedHeight + row + top) * paddedWidth + left;
        for (let col = 0; col < inWidth; col++, src += inChannels) {
          for (let c = 0, dst = cellStart + col; c < inChannels; c++, dst += grid) planeValues[dst] = xValues[src + c];
        }
      }
    }
    const dyValues = heapFloat32(backend, dy, 'dy');
    const dyGridValues = heapFloat32(backend, dyGrid, 'dy grid');
    dyGridValues.fill(0);
    const run = outWidth * outChannels;
    for (let b = 0, src = first * outHeight * run; b < count; b++) {
      for (let row = 0; row < outHeight; row++, src += run) {
        dyGridValues.set(dyValues.subarray(src, src + run), (b * paddedHeight + row) * paddedWidth * outChannels);
      }
    }
    const patchValues = heapFloat32(backend, patchesT, 'patches');
    for (let fr = 0, k = 0; fr < filterHeight; fr++) {
      for (let fc = 0; fc < filterWidth; fc++) {
        const shift = fr * paddedWidth + fc;
        for (let c = 0; c < inChannels; c++, k++) {
          const start = c * grid + shift;
          patchValues.set(planeValues.subarray(start, start + grid), k * grid);
        }
      }
    }
    disposeScratch(backend, planes);
    const product = wasmMatMul(backend, patchesT, dyGrid);
    disposeScratch(backend, patchesT);
    disposeScratch(backend, dyGrid);
    if (sum === null) {
      result = product;
    } else {
      const values = heapFloat32(backend, product, 'product');
      for (let i = 0; i < sum.length; i++) sum[i] += values[i];
      disposeScratch(backend, product);
    }
  }
  // [patch, outC] is already the filter's [fh, fw, inC, outC] layout.
  if (result) return viewAs(result, [...info.filterShape]);
  return backend.makeOutput([filterHeight, filterWidth, inChannels, outChannels], 'float32', undefined, sum!);
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
    // Same limit as the wasm backend's forward Conv2D, so never reached through a gradient.
    throw new Error(`wasm Conv2DBackpropFilter supports dataFormat "NHWC" only, got "${dataFormat}"`);
  }
  if (suitsShiftedPlanes(info)) return viaShiftedPlanes(backend, x, dy, info);
  if (suitsConvolution(info)) return filterGradientByConvolution(backend, x, dy, info);
  const { batchSize, outHeight, outWidth, outChannels, filterHeight, filterWidth, inChannels } = info;
  const patchSize = filterHeight * filterWidth * inChannels;
  const positions = outHeight * outWidth;
  const chunk = samplesPerChunk(batchSize, positions * patchSize);

  if (chunk === batchSize) {
    const rows = batchSize * positions;
    const patchesT = backend.makeOutput([1, patchSize, rows], 'float32');
    // Views only after the allocation above: it may have grown the heap.
    gatherPatchesTransposed(
      heapFloat32(backend, x, 'x'),
      heapFloat32(backend, patchesT, 'patches'),
      info,
      0,
      batchSize,
    );
    const product = wasmMatMul(backend, patchesT, viewAs(dy, [1, rows, outChannels]));
    disposeScratch(backend, patchesT);
    // [patch, outC] is already the filter's [fh, fw, inC, outC] layout.
    return viewAs(product, [...filterShape]);
  }

  const sum = new Float32Array(patchSize * outChannels);
  for (let first = 0; first < batchSize; first += chunk) {
    const count = Math.min(chunk, batchSize - first);
    const rows = count * positions;
    const patchesT = backend.makeOutput([1, patchSize, rows], 'float32');
    const dyChunk = backend.makeOutput([1, rows, outChannels], 'float32');
    gatherPatchesTransposed(
      heapFloat32(backend, x, 'x'),
      heapFloat32(backend, patchesT, 'patches'),
      info,
      first,
      count,
    );
    const dyStart = first * positions * outChannels;
    heapFloat32(backend, dyChunk, 'dy').set(
      heapFloat32(backend, dy, 'dy').subarray(dyStart, dyStart + rows * outChannels),
    );
    const product = wasmMatMul(backend, patchesT, dyChunk);
    const values = heapFloat32(backend, product, 'product');
    for (let i = 0; i < sum.length; i++) sum[i] += values[i];
    disposeScratch(backend, product);
    disposeScratch(backend, dyChunk);
    disposeScratch(backend, patchesT);
  }
  return backend.makeOutput([...filterShape], 'float32', undefined, sum);
}

/** Registration record for {@link conv2dBackpropFilter} on the `wasm` backend. */
export const wasmConv2dBackpropFilterConfig: KernelConfig = {
  kernelName: Conv2DBackpropFilter,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter as unknown as KernelFunc,
};
