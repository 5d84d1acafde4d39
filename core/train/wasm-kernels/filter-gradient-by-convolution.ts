/**
 * The stride-1 filter gradient of a small convolution as one forward
 * convolution on the wasm backend (XNNPACK), with no patch matrix at all.
 *
 * `dW[fr, fc, c, o] = Σ_b Σ_(r, q) x[b, r + fr − top, q + fc − left, c] · dy[b, r, q, o]`
 * is a forward convolution in which each input channel c is an "image" whose
 * channels are the batch's samples, `x'[c, row, col, b]`, and dy is the
 * filter, `dy'[r, q, b, o]` (its spatial size the output map's): convolving x'
 * padded as the layer pads x gives `[c, fr, fc, o]`, an `fh × fw` map for each
 * input channel. The only data movement left is two transposes (x and dy) and
 * a filter-sized one.
 *
 * Why only small convolutions: the gather of the matrix-product path costs
 * one move per patch value (taps × channels × positions), which is most of a
 * LeNet-5 step's filter gradients (their products have only 6 or 16 outputs
 * per patch value); but XNNPACK's convolution streams the whole dy (its
 * filter) once per few output rows, which on maps above 28×28 or with more
 * output channels than 16 is slower than the product (see {@link suitsConvolution}).
 */
import { backend_util, getKernel, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { disposeScratch, heapFloat32 } from './wasm-heap';

/**
 * Most output channels for which {@link filterGradientByConvolution} pays:
 * the product path does `outC` multiply-adds for every patch value it gathers,
 * so the fewer output channels, the more the gather weighs. Measured (CPU,
 * fastest of 90 interleaved calls, batch 32): LeNet-5's 1→6 on 28×28 1.57 →
 * 1.07 ms, 6→16 on 12×12 1.01 → 0.64 ms; 3×3 6→16 on 14×14 1.37 → 1.04 ms.
 * With 32 output channels every CIFAR-sized shape tried was slower (16×16
 * 16→32: 5.6 → 6.6 ms; 32×32 3→32: 7.4 → 16.2 ms).
 */
const MAX_OUT_CHANNELS = 16;

/**
 * Most output positions a sample for which it pays: on 32×32 maps it lost
 * even with 8 or 16 output channels (3×3 8→8: 3.65 → 3.81 ms, 16→16: 10.0 →
 * 11.6 ms), on 28×28 (LeNet-5's first layer, 32×32 input) it won (2.0 → 1.3 ms).
 */
const MAX_OUT_POSITIONS = 28 * 28;

/** Whether {@link filterGradientByConvolution} computes this convolution's filter gradient faster than the product. */
export function suitsConvolution(info: backend_util.Conv2DInfo): boolean {
  return (
    info.strideHeight === 1 &&
    info.strideWidth === 1 &&
    info.dilationHeight === 1 &&
    info.dilationWidth === 1 &&
    info.outChannels <= MAX_OUT_CHANNELS &&
    info.outHeight * info.outWidth <= MAX_OUT_POSITIONS
  );
}

/**
 * The filter gradient `[fh, fw, inC, outC]` of a stride-1, undilated NHWC
 * convolution with the geometry of `info`, for input `x` and output gradient
 * `dy`, computed by the backend's forward Conv2D as the module comment says.
 */
export function filterGradientByConvolution(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  info: backend_util.Conv2DInfo,
): TensorInfo {
  const conv2d = getKernel('Conv2D', 'wasm');
  if (conv2d == null) throw new Error('the wasm backend has no Conv2D kernel to build Conv2DBackpropFilter on');
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth } = info;
  const samples = backend.makeOutput([inChannels, inHeight, inWidth, batchSize], 'float32');
  const kernel = backend.makeOutput([outHeight, outWidth, batchSize, outChannels], 'float32');
  // Views only after the allocations above: they may have grown the heap.
  const xValues = heapFloat32(backend, x, 'x');
  const sampleValues = heapFloat32(backend, samples, 'x by channel');
  const pixels = inHeight * inWidth;
  for (let c = 0; c < inChannels; c++) {
    for (let b = 0; b < batchSize; b++) channelOfSample(xValues, sampleValues, b, c, batchSize, pixels, inChannels);
  }
  const dyValues = heapFloat32(backend, dy, 'dy');
  const kernelValues = heapFloat32(backend, kernel, 'dy by position');
  const positions = outHeight * outWidth;
  for (let b = 0; b < batchSize; b++) gradientOfSample(dyValues, kernelValues, b, batchSize, positions, outChannels);

  const { top, bottom, left, right } = info.padInfo;
  const byChannel = conv2d.kernelFunc({
    inputs: { x: samples, filter: kernel },
    backend,
    attrs: {
      strides: 1,
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: 1,
    },
  }) as TensorInfo;
  disposeScratch(backend, samples);
  disposeScratch(backend, kernel);
  // [inC, fh, fw, outC] → the filter's [fh, fw, inC, outC]; one input channel is both.
  if (inChannels === 1) return { dataId: byChannel.dataId, shape: [...info.filterShape], dtype: 'float32' };
  const gradient = backend.makeOutput([...info.filterShape], 'float32');
  const from = heapFloat32(backend, byChannel, 'gradient by channel');
  const to = heapFloat32(backend, gradient, 'filter gradient');
  const taps = filterHeight * filterWidth;
  for (let c = 0; c < inChannels; c++) tapsOfChannel(from, to, c, taps, inChannels, outChannels);
  disposeScratch(backend, byChannel);
  return gradient;
}

/*
 * The three moves below are functions of their own, each called many times a
 * kernel: as loops nested in one long function, Chromium's V8 (the app's
 * worker) compiles the inner loop alone and throws it away where it ends.
 */

/** Channel c of sample b, `x[b, pixel, c]`, into `to[c, pixel, b]`. */
function channelOfSample(
  from: Float32Array,
  to: Float32Array,
  b: number,
  c: number,
  batchSize: number,
  pixels: number,
  channels: number,
): void {
  for (let p = 0, src = b * pixels * channels + c, dst = c * pixels * batchSize + b; p < pixels; p++) {
    to[dst] = from[src];
    src += channels;
    dst += batchSize;
  }
}

/** Sample b's output gradient, `dy[b, position, o]`, into `to[position, b, o]`. */
function gradientOfSample(
  from: Float32Array,
  to: Float32Array,
  b: number,
  batchSize: number,
  positions: number,
  channels: number,
): void {
  const rowStep = batchSize * channels;
  for (let p = 0, src = b * positions * channels, dst = b * channels; p < positions; p++, dst += rowStep) {
    for (let o = 0; o < channels; o++) to[dst + o] = from[src++];
  }
}

/** Input channel c's gradient, `from[c, tap, o]`, into `to[tap, c, o]`. */
function tapsOfChannel(
  from: Float32Array,
  to: Float32Array,
  c: number,
  taps: number,
  inChannels: number,
  outChannels: number,
): void {
  for (let t = 0, src = c * taps * outChannels; t < taps; t++) {
    const dst = (t * inChannels + c) * outChannels;
    for (let o = 0; o < outChannels; o++) to[dst + o] = from[src++];
  }
}
