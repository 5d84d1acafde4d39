/**
 * Conv2DBackpropInput for the tfjs wasm backend, replacing the one
 * @tensorflow/tfjs-backend-wasm 4.22 ships. That one is correct but a direct
 * scalar loop, and was the slowest kernel of a LeNet training step. Here:
 *
 * - stride 1 (most convolutions): the input gradient is itself a convolution,
 *   of dy with the filter flipped in space and with in/out channels swapped,
 *   padded by `filter − 1 − pad` on each side; computed as the forward pass
 *   is, by Winograd for 3×3 filters where it pays (./winograd), else by the
 *   wasm backend's own Conv2D (XNNPACK);
 * - otherwise: one matrix product per chunk of samples, `dPatches[n × patch] =
 *   dy[n × outC] · Wᵀ[outC × patch]` in wasm (see `./matmul`), then each
 *   patch's gradient added back onto the input pixels it covered (col2im).
 *
 * It also serves Conv2DTranspose layers, whose forward pass is this kernel.
 */
import {
  backend_util,
  Conv2DBackpropInput,
  type Conv2DBackpropInputAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { samplesPerChunk, viewAs, wasmMatMul } from './matmul';
import { scatterPatches } from './patches';
import { disposeScratch, heapFloat32, wasmKernel, zeroedOutput } from './wasm-heap';
import { winogradConv3x3, winogradRuns } from './winograd';

/** True when the gradient can be phrased as a stride-1 forward convolution with non-negative padding. */
function isForwardConvolution(info: backend_util.Conv2DInfo): boolean {
  const { top, bottom, left, right } = info.padInfo;
  const maxRowPad = info.filterHeight - 1;
  const maxColPad = info.filterWidth - 1;
  return (
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    Math.max(top, bottom) <= maxRowPad &&
    Math.max(left, right) <= maxColPad
  );
}

/**
 * Row `dst` of the flipped filter: the weights of one output channel at one
 * tap (from `from`, every input channel, `outChannels` apart). A function of
 * its own, called once a row: as loops nested in a longer function, Chromium's
 * V8 (the app's worker) compiled the inner loop alone and threw that code away
 * where it ended ('exit from OSR'd inner loop', 9 times in 45 CIFAR-10 CNN steps).
 */
function flippedRow(
  weights: Float32Array,
  flipped: Float32Array,
  from: number,
  dst: number,
  info: backend_util.Conv2DInfo,
): void {
  const { inChannels, outChannels } = info;
  for (let c = 0; c < inChannels; c++) flipped[dst + c] = weights[from + c * outChannels];
}

/** The stride-1 input gradient as the wasm backend's forward Conv2D of dy with the flipped, transposed filter. */
function viaForwardConvolution(
  backend: BackendWasm,
  dy: TensorInfo,
  filter: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const conv2d = wasmKernel(backend, 'Conv2D', 'Conv2DBackpropInput');
  const { filterHeight, filterWidth, inChannels, outChannels } = info;
  const flipped = backend.makeOutput([filterHeight, filterWidth, outChannels, inChannels], 'float32');
  const weights = heapFloat32(backend, filter, 'filter');
  const flippedValues = heapFloat32(backend, flipped, 'flipped filter');
  for (let fr = 0, dst = 0; fr < filterHeight; fr++) {
    for (let fc = 0; fc < filterWidth; fc++) {
      const tap = ((filterHeight - 1 - fr) * filterWidth + (filterWidth - 1 - fc)) * inChannels * outChannels;
      for (let o = 0; o < outChannels; o++, dst += inChannels) flippedRow(weights, flippedValues, tap + o, dst, info);
    }
  }
  const { top, bottom, left, right } = info.padInfo;
  // dy (outChannels) convolved onto the input's size (inChannels); called for stride 1 and no dilation only.
  const forward = {
    ...info,
    inChannels: outChannels,
    outChannels: inChannels,
    outHeight: info.inHeight,
    outWidth: info.inWidth,
  };
  if (winogradRuns(backend, forward)) {
    // The same 3×3 stride-1 convolution as the forward pass, so the same Winograd path (see ./fused-conv2d).
    const geometry = { padTop: 2 - top, padLeft: 2 - left, outHeight: info.inHeight, outWidth: info.inWidth };
    const dx = winogradConv3x3(backend, dy, flipped, geometry, null, false);
    disposeScratch(backend, flipped);
    return dx;
  }
  const pad = [
    [0, 0],
    [filterHeight - 1 - top, filterHeight - 1 - bottom],
    [filterWidth - 1 - left, filterWidth - 1 - right],
    [0, 0],
  ];
  const dx = conv2d({ x: dy, filter: flipped }, { strides: 1, pad, dataFormat: 'NHWC', dilations: 1 });
  disposeScratch(backend, flipped);
  return dx;
}

/** The gradient of a 2-D convolution with respect to its NHWC input. */
function conv2dBackpropInput(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = attrs;
  const info = backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    1, // no dilations attribute, as for the built-in kernel
    pad,
    dimRoundingMode,
    false,
    backend_util.convertConv2DDataFormat(dataFormat),
  );
  if (info.dataFormat !== 'channelsLast') {
    throw new Error(`wasm Conv2DBackpropInput supports dataFormat "NHWC" only, got "${dataFormat}"`);
  }
  if (isForwardConvolution(info)) return viaForwardConvolution(backend, dy, filter, info);
  const { batchSize, outHeight, outWidth, outChannels, filterHeight, filterWidth, inChannels } = info;
  const patchSize = filterHeight * filterWidth * inChannels;
  const positions = outHeight * outWidth;
  const chunk = samplesPerChunk(batchSize, positions * patchSize);
  // Wᵀ as its own [outC, patch] matrix: the wasm BatchMatMul is ~4× slower
  // when asked to transpose its second operand than on a plain product.
  const weightsT = backend.makeOutput([1, outChannels, patchSize], 'float32');
  const out = zeroedOutput(backend, [...inputShape]);
  const filterValues = heapFloat32(backend, filter, 'filter');
  const weightsTValues = heapFloat32(backend, weightsT, 'filterT');
  for (let k = 0; k < patchSize; k++) {
    for (let c = 0; c < outChannels; c++) weightsTValues[c * patchSize + k] = filterValues[k * outChannels + c];
  }
  for (let first = 0; first < batchSize; first += chunk) {
    const count = Math.min(chunk, batchSize - first);
    const rows = count * positions;
    let dyChunk = viewAs(dy, [1, rows, outChannels]);
    if (chunk !== batchSize) {
      dyChunk = backend.makeOutput([1, rows, outChannels], 'float32');
      const dyStart = first * positions * outChannels;
      heapFloat32(backend, dyChunk, 'dy').set(
        heapFloat32(backend, dy, 'dy').subarray(dyStart, dyStart + rows * outChannels),
      );
    }
    const patchGradients = wasmMatMul(backend, dyChunk, weightsT);
    // Views only after the allocations above: they may have grown the heap.
    scatterPatches(
      heapFloat32(backend, patchGradients, 'dPatches'),
      heapFloat32(backend, out, 'dx'),
      info,
      first,
      count,
    );
    disposeScratch(backend, patchGradients);
    if (chunk !== batchSize) disposeScratch(backend, dyChunk);
  }
  disposeScratch(backend, weightsT);
  return out;
}

/** Registration record for {@link conv2dBackpropInput} on the `wasm` backend. */
export const wasmConv2dBackpropInputConfig: KernelConfig = {
  kernelName: Conv2DBackpropInput,
  backendName: 'wasm',
  kernelFunc: conv2dBackpropInput as unknown as KernelFunc,
};
