/**
 * Conv2DBackpropFilter for the tfjs wasm backend, which (as of
 * @tensorflow/tfjs-backend-wasm 4.22) registers none: without it, the gradient
 * of every Conv2D layer fails and `model.fit` of any convolutional network
 * throws on wasm.
 *
 * The filter gradient is one matrix product per chunk of samples,
 * `dW[patch × outC] = patchesᵀ[patch × n] · dy[n × outC]`, where column r of
 * `patchesᵀ` is the input window output position r saw (im2col). TypeScript
 * only gathers the windows; the multiply-adds run in wasm (see `./matmul`).
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
import { samplesPerChunk, viewAs, wasmMatMul } from './matmul';
import { gatherPatchesTransposed } from './patches';
import { disposeScratch, heapFloat32 } from './wasm-heap';

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
