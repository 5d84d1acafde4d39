/**
 * Conv2DBackpropFilter for the tfjs wasm backend, which (as of
 * @tensorflow/tfjs-backend-wasm 4.22) registers none: without it, the gradient
 * of every Conv2D layer fails and `model.fit` of any convolutional network
 * throws on wasm.
 *
 * The filter gradient is one matrix product per chunk of samples,
 * `dW[patch × outC] = patchesᵀ[patch × n] · dy[n × outC]`, where column r of
 * `patchesᵀ` is the input window output position r saw (im2col). TypeScript
 * only builds `patchesᵀ`, gathering it value by value; for stride 1 on
 * large maps with 8 channels or more it lays the input out as channel planes
 * instead, whose shifted rows are each tap's patch rows, read in place by one
 * product a tap ({@link viaShiftedPlanes}). The multiply-adds run in wasm (see
 * `./matmul`).
 * Small stride-1 convolutions with few output channels (LeNet-5's) skip the
 * patch matrix: there the gradient is one forward convolution
 * (`./filter-gradient-by-convolution`). 3×3 stride-1 filters, the CIFAR-10
 * CNN's, go to Winograd (`winogradFilterGradient` in ./winograd), 4–5× faster.
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
import { disposeScratch, heapAlias, heapFloat32, releaseAlias } from './wasm-heap';
import { winogradFilterGradient, winogradRuns } from './winograd';

/**
 * Where a chunk of samples lies on the grid {@link viaShiftedPlanes} lays its
 * input out on: each sample's rows `rowStride` cells apart, samples
 * `sampleRows` rows apart, zeros in between. One gap column between rows (and
 * gap rows between samples) serves as the padding on both sides, since a tap
 * reading past a row's right end lands in the next row's gap: 33×33 cells a
 * 32×32 map with 3×3 "same" instead of 34×34.
 */
interface Grid {
  rowStride: number;
  sampleRows: number;
  cellsPerSample: number;
  /** How far the last tap reads past a cell: the zeros each plane needs after it. */
  maxShift: number;
}

function gridFor(info: backend_util.Conv2DInfo): Grid {
  const { top, bottom, left, right } = info.padInfo;
  const rowStride = info.inWidth + Math.max(left, right);
  const sampleRows = info.inHeight + Math.max(top, bottom);
  return {
    rowStride,
    sampleRows,
    cellsPerSample: rowStride * sampleRows,
    maxShift: (info.filterHeight - 1) * rowStride + info.filterWidth - 1,
  };
}

/**
 * Most extra work {@link viaShiftedPlanes} may do over the gather: grid cells
 * per output. With 3×3 "same" it is 1.06 on 32×32 maps and 1.13 on 16×16,
 * where the planes beat the gather (CIFAR-10 CNN, CPU fastest of 9: 29.7 →
 * 26.4 ms on 32×32×32→32, 31.8 → 24.4 on 16×16×64→64, 13.9 → 13.2 on
 * 16×16×32→64); 1.27 on 8×8, where the gather wins (11.4 against 12.6 ms on
 * 8×8×64→128, 22.6 against 23.3 on 8×8×128→128). Measured before 3×3 filters
 * went to Winograd: the planes now serve the other stride-1 filters (5×5,
 * 3×2, …), and 3×3 ones where the Winograd module cannot run.
 */
const MAX_GRID_OVERHEAD = 1.15;

/**
 * Each tap's product has one row per input channel: below this many, the
 * products are too thin for XNNPACK (its tiles are 4 rows high) and the
 * gather wins (an RGB image's first convolution: 3.7 ms gathered; 7.0 ms with
 * the shifted rows copied into one product of 27 rows).
 */
const MIN_IN_CHANNELS = 8;

/** Whether {@link viaShiftedPlanes} beats the gather for this convolution. */
function suitsShiftedPlanes(info: backend_util.Conv2DInfo): boolean {
  const { top, bottom, left, right } = info.padInfo;
  const grid = gridFor(info);
  return (
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.inChannels >= MIN_IN_CHANNELS &&
    // Outputs must fit in a row and a sample of the grid: padding at most the filter's size less one on one side.
    Math.min(top, bottom) <= info.filterHeight - 1 &&
    Math.min(left, right) <= info.filterWidth - 1 &&
    grid.cellsPerSample <= MAX_GRID_OVERHEAD * info.outHeight * info.outWidth
  );
}

/** What {@link planeRow} reads and writes, the same for every input row of a chunk. */
interface PlaneContext {
  x: Float32Array;
  planes: Float32Array;
  info: backend_util.Conv2DInfo;
  grid: Grid;
  /** Grid cells in the chunk: the distance between two channels' planes. */
  cells: number;
}

/**
 * Input row `row` of the chunk's sample `b` (the batch's sample `first + b`)
 * copied into every channel's plane: reads at the pixel stride within one
 * row (a few KiB, in cache), writes in runs. A function of its own, called
 * once a row: a loop nest inside a longer kernel makes V8 (Chromium's newer
 * versions, the app's worker) compile the inner loop alone and throw that
 * code away where it ends.
 */
function planeRow(plane: PlaneContext, first: number, b: number, row: number): void {
  const { x, planes, info, grid, cells } = plane;
  const { inHeight, inWidth, inChannels } = info;
  const src = ((first + b) * inHeight + row) * inWidth * inChannels;
  const cellStart = (b * grid.sampleRows + row + info.padInfo.top) * grid.rowStride + info.padInfo.left;
  for (let c = 0, dst = cellStart; c < inChannels; c++, dst += cells) {
    for (let col = 0, at = src + c; col < inWidth; col++, at += inChannels) planes[dst + col] = x[at];
  }
}

/**
 * The stride-1 filter gradient from channel planes instead of a gathered patch
 * matrix. Each chunk's input is laid out as one plane per channel over a grid
 * ({@link gridFor}, zeros in the gaps) and dy over the same grid (zeros where
 * no output is). For the tap at (fr, fc), the value channel c gave each grid
 * position's output is then the plane read `fr · rowStride + fc` further on,
 * so the tap's `inC × cells` patch rows are the planes themselves, shifted,
 * and each tap is its own product `dW[tap] = planes(shifted) · dyGrid`: the
 * planes are read in place (an alias tensor, no copy) and dyGrid is packed by
 * XNNPACK once for all the taps. Grid cells without an output multiply zeros:
 * `cellsPerSample / (outHeight · outWidth)` times the work, which is why
 * small padded maps keep the gather.
 *
 * Before (a9564d2), a 34×34 grid for 32×32 maps and the nine shifted copies
 * of the input made for one product: those copies were a third of the
 * kernel's time (29.7 ms against a product of 19 on the CIFAR-10 CNN's second
 * convolution; 26.4 now).
 */
function viaShiftedPlanes(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const { batchSize, inChannels, outHeight, outWidth, outChannels, filterHeight, filterWidth } = info;
  const grid = gridFor(info);
  const chunk = samplesPerChunk(batchSize, grid.cellsPerSample * (inChannels + outChannels));
  const result = backend.makeOutput([filterHeight, filterWidth, inChannels, outChannels], 'float32');
  for (let first = 0; first < batchSize; first += chunk) {
    const count = Math.min(chunk, batchSize - first);
    const cells = count * grid.cellsPerSample;
    const planes = backend.makeOutput([inChannels * cells + grid.maxShift], 'float32');
    const dyGrid = backend.makeOutput([1, cells, outChannels], 'float32');
    // Views only after the allocations above: they may have grown the heap.
    const planeValues = heapFloat32(backend, planes, 'planes');
    planeValues.fill(0);
    const plane: PlaneContext = { x: heapFloat32(backend, x, 'x'), planes: planeValues, info, grid, cells };
    for (let b = 0; b < count; b++) {
      for (let row = 0; row < info.inHeight; row++) planeRow(plane, first, b, row);
    }
    const dyValues = heapFloat32(backend, dy, 'dy');
    const dyGridValues = heapFloat32(backend, dyGrid, 'dy grid');
    dyGridValues.fill(0);
    const run = outWidth * outChannels;
    for (let b = 0, src = first * outHeight * run; b < count; b++) {
      for (let row = 0; row < outHeight; row++, src += run) {
        dyGridValues.set(dyValues.subarray(src, src + run), (b * grid.sampleRows + row) * grid.rowStride * outChannels);
      }
    }
    // Tap by tap, in the filter's [fh, fw, inC, outC] order: each product is the next inC × outC block.
    for (let fr = 0, at = 0; fr < filterHeight; fr++) {
      for (let fc = 0; fc < filterWidth; fc++, at += inChannels * outChannels) {
        const rows = heapAlias(backend, planes, fr * grid.rowStride + fc, [1, inChannels, cells]);
        const product = wasmMatMul(backend, rows, dyGrid);
        releaseAlias(backend, rows);
        // Views only after the product: it may have grown the heap.
        const values = heapFloat32(backend, product, 'product');
        const sum = heapFloat32(backend, result, 'filter gradient');
        if (first === 0) sum.set(values, at);
        else for (let i = 0; i < values.length; i++) sum[at + i] += values[i];
        disposeScratch(backend, product);
      }
    }
    disposeScratch(backend, planes);
    disposeScratch(backend, dyGrid);
  }
  return result;
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
  if (winogradRuns(backend, info, 'filter gradient')) {
    const { top, left } = info.padInfo;
    const geometry = { padTop: top, padLeft: left, outHeight: info.outHeight, outWidth: info.outWidth };
    return winogradFilterGradient(backend, x, dy, geometry);
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
