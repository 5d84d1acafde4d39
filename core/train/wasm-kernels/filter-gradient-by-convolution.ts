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
 * a filter-sized one, all three the backend's own Transpose kernel.
 *
 * Why only small convolutions: the gather of the matrix-product path costs
 * one move per patch value (taps × channels × positions), which is most of a
 * LeNet-5 step's filter gradients (their products have only 6 or 16 outputs
 * per patch value); but XNNPACK's convolution streams the whole dy (its
 * filter) once per few output rows, which on maps above 28×28 or with more
 * output channels than 16 is slower than the product (see {@link suitsConvolution}).
 */
import { backend_util, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { viewAs } from './matmul';
import { disposeScratch, wasmKernel } from './wasm-heap';

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
  const conv2d = wasmKernel(backend, 'Conv2D', 'Conv2DBackpropFilter');
  const transpose = wasmKernel(backend, 'Transpose', 'Conv2DBackpropFilter');
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = info;
  const { filterHeight, filterWidth } = info;
  // x [b, pixel, c] → [c, pixel, b]; dy [b, position, o] → [position, b, o]. The backend's Transpose moves
  // them 2–3× faster than TypeScript loops did (dy of LeNet-5's first layer: 0.19 → 0.10 ms).
  const samples = transpose({ x: viewAs(x, [batchSize, inHeight * inWidth, inChannels]) }, { perm: [2, 1, 0] });
  const kernel = transpose({ x: viewAs(dy, [batchSize, outHeight * outWidth, outChannels]) }, { perm: [1, 0, 2] });
  const { top, bottom, left, right } = info.padInfo;
  const byChannel = conv2d(
    {
      x: viewAs(samples, [inChannels, inHeight, inWidth, batchSize]),
      filter: viewAs(kernel, [outHeight, outWidth, batchSize, outChannels]),
    },
    {
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
  );
  disposeScratch(backend, samples);
  disposeScratch(backend, kernel);
  // [inC, fh, fw, outC] → the filter's [fh, fw, inC, outC]; one input channel is both.
  if (inChannels === 1) return viewAs(byChannel, [...info.filterShape]);
  const gradient = transpose(
    { x: viewAs(byChannel, [inChannels, filterHeight * filterWidth, outChannels]) },
    { perm: [1, 0, 2] },
  );
  disposeScratch(backend, byChannel);
  return viewAs(gradient, [...info.filterShape]);
}
