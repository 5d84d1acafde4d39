import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createOptimizer, disposeOptimizer, setLearningRate } from '../../../core/train/optimizers';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../../../core/train/wasm-kernels/register';
import {
  tileSide,
  winogradConv3x3,
  winogradFilterGradient,
  winogradPays,
  winogradRuns,
} from '../../../core/train/wasm-kernels/winograd';

type Shape4 = [number, number, number, number];
type Pad = 'valid' | 'same' | [[number, number], [number, number], [number, number], [number, number]];

/** Uniform values in [-1, 1) from a fixed seed, so both backends see the same data. */
function seeded(shape: readonly number[], seed: number): Float32Array {
  let state = seed >>> 0;
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 31 - 1;
  }
  return values;
}

/** Largest absolute difference, relative to the largest reference magnitude. */
function relativeError(actual: ArrayLike<number>, reference: ArrayLike<number>): number {
  expect(actual.length).toBe(reference.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - reference[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return diff / scale;
}

/**
 * Gradients of `sum(op(x, filter) * r)` for a random r, on one backend: the
 * upstream gradient is r, so this is one backward pass with real data.
 */
async function gradients(
  backend: 'cpu' | 'wasm',
  op: (x: tf.Tensor4D, filter: tf.Tensor4D) => tf.Tensor4D,
  xShape: Shape4,
  filterShape: Shape4,
): Promise<{ dx: Float32Array; dFilter: Float32Array }> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const x = tf.tensor4d(seeded(xShape, 1), xShape);
    const filter = tf.tensor4d(seeded(filterShape, 2), filterShape);
    const outShape = op(x, filter).shape;
    const r = tf.tensor(seeded(outShape, 3), outShape);
    const [dx, dFilter] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      op(a as tf.Tensor4D, b as tf.Tensor4D)
        .mul(r)
        .sum(),
    )([x, filter]);
    return { dx: dx.dataSync() as Float32Array, dFilter: dFilter.dataSync() as Float32Array };
  });
}

const TOLERANCE = 1e-4;

/** The CIFAR-10 CNN's second convolution as the Winograd routing rule sees it: 3×3, stride 1, 32 → 32 on 32×32. */
const CIFAR_3X3 = {
  filterHeight: 3,
  filterWidth: 3,
  strideHeight: 1,
  strideWidth: 1,
  dilationHeight: 1,
  dilationWidth: 1,
  inChannels: 32,
  outChannels: 32,
  outHeight: 32,
  outWidth: 32,
};

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-wasm');
});

/** Gradient of `sum(maxPool(x))` for one 2×2 window: 1 where the maximum is, 0 elsewhere. */
function maxPoolWindowGradient(values: number[]): number[] {
  return tf.tidy(() => {
    const x = tf.tensor4d(values, [1, 2, 2, 1]);
    return Array.from(
      tf
        .grad((a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid').sum())(x)
        .dataSync(),
    );
  });
}

describe('registerWasmTrainingKernels', () => {
  it('adds the gradient kernels tfjs-backend-wasm lacks and replaces its wrong MaxPoolGrad, once', async () => {
    const missing = [
      'Conv2DBackpropFilter',
      'DepthwiseConv2dNativeBackpropFilter',
      'DepthwiseConv2dNativeBackpropInput',
    ];
    // These are the kernels a CNN training step asked for on wasm 4.22; they exist on cpu.
    for (const name of missing) {
      expect(tf.getKernel(name, 'wasm')).toBeUndefined();
      expect(tf.getKernel(name, 'cpu')).toBeDefined();
    }
    await tf.setBackend('wasm');
    // The built-in MaxPoolGrad sends an all-negative window's gradient to its first element.
    expect(maxPoolWindowGradient([-3, -1, -2, -4])).toEqual([1, 0, 0, 0]);

    expect(registerWasmTrainingKernels()).toEqual([
      ...missing,
      'MaxPoolGrad',
      'Conv2DBackpropInput',
      'Tanh',
      'AvgPoolGrad',
      'NetCanvasAdamUpdate',
      'BatchMatMul',
      'Sum',
      'FusedConv2D',
      'Identity',
      'Cast',
    ]);
    for (const name of missing) expect(tf.getKernel(name, 'wasm')).toBeDefined();
    expect(maxPoolWindowGradient([-3, -1, -2, -4])).toEqual([0, 1, 0, 0]);
    expect(maxPoolWindowGradient([3, 1, 2, 4])).toEqual([0, 0, 0, 1]);
    expect(registerWasmTrainingKernels()).toEqual([]);
  });
});

describe('Identity and Cast on wasm', () => {
  it('share the tensor they are given instead of copying it, and free it with the last reference', async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    const backend = tf.backend() as BackendWasm;
    const dataIdsBefore = backend.numDataIds();
    const x = tf.tensor2d([1.5, -2.25, 3, 4.75], [2, 2]);
    const clone = tf.clone(x); // the Identity kernel, as the engine runs it for the tape
    const cast = tf.cast(x, 'float32');
    expect(clone.dataId).toBe(x.dataId);
    expect(cast.dataId).toBe(x.dataId);
    expect(backend.numDataIds()).toBe(dataIdsBefore + 1);
    x.dispose();
    // The copies outlive the original: their values are still there.
    expect(Array.from(clone.dataSync())).toEqual([1.5, -2.25, 3, 4.75]);
    clone.dispose();
    expect(Array.from(cast.dataSync())).toEqual([1.5, -2.25, 3, 4.75]);
    cast.dispose();
    expect(backend.numDataIds()).toBe(dataIdsBefore);
  });

  it('converts between dtypes as cpu does', async () => {
    await tf.setBackend('wasm');
    registerWasmTrainingKernels();
    const x = tf.tensor1d([1.75, -2.5, 3]);
    const asInt = tf.cast(x, 'int32');
    const back = tf.cast(asInt, 'float32');
    expect(asInt.dataId).not.toBe(x.dataId);
    expect(Array.from(asInt.dataSync())).toEqual([1, -2, 3]);
    expect(back.dtype).toBe('float32');
    expect(Array.from(back.dataSync())).toEqual([1, -2, 3]);
    // As cpu and WebGL give it: any value but 0 is true (tfjs-backend-wasm's own Cast gave 2 and 255 here).
    expect(Array.from(tf.cast(tf.tensor1d([0, 2, -1, 0.5]), 'bool').dataSync())).toEqual([0, 1, 1, 1]);
    expect(Array.from(tf.cast(tf.tensor1d([0, 7, -3], 'int32'), 'bool').dataSync())).toEqual([0, 1, 1]);
    tf.dispose([x, asInt, back]);
  });
});

describe('Conv2D gradients on wasm match cpu', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  it.each<[string, Shape4, Shape4, number | [number, number], Pad]>([
    ['3×3, stride 1, valid', [2, 9, 9, 3], [3, 3, 3, 4], 1, 'valid'],
    ['3×3, stride 2, same', [2, 9, 9, 3], [3, 3, 3, 4], 2, 'same'],
    ['5×5, stride 2, valid, uneven size', [3, 8, 7, 5], [5, 5, 5, 6], 2, 'valid'],
    ['4×2, strides 2×1, same, even kernel', [2, 7, 6, 2], [4, 2, 2, 3], [2, 1], 'same'],
    ['1×1, stride 1 (input is the patch matrix)', [2, 6, 6, 8], [1, 1, 8, 4], 1, 'valid'],
    ['1×1, stride 2, same', [2, 7, 7, 4], [1, 1, 4, 3], 2, 'same'],
    [
      'explicit asymmetric padding',
      [2, 9, 8, 3],
      [3, 3, 3, 4],
      1,
      [
        [0, 0],
        [1, 2],
        [2, 0],
        [0, 0],
      ],
    ],
    ['one input channel, batch 1', [1, 12, 12, 1], [5, 5, 1, 6], 1, 'same'],
    ['4×2, stride 1, same, even kernel (uneven padding)', [2, 7, 6, 3], [4, 2, 3, 5], 1, 'same'],
    [
      'explicit padding wider than the kernel',
      [2, 6, 6, 2],
      [3, 3, 2, 3],
      1,
      [
        [0, 0],
        [3, 0],
        [0, 4],
        [0, 0],
      ],
    ],
    // Stride 1 with at most 16 output channels on maps up to 28×28: the filter gradient is one forward
    // convolution (the cases above with stride 1 take it too); 17 output channels keep the gathered product.
    ["LeNet-5's first convolution (one channel, 5×5, valid, 28×28)", [3, 28, 28, 1], [5, 5, 1, 6], 1, 'valid'],
    ["LeNet-5's second convolution on an uneven map", [3, 13, 11, 6], [5, 5, 6, 16], 1, 'valid'],
    ['5×5, stride 1, same, 16 output channels, batch 1', [1, 9, 10, 4], [5, 5, 4, 16], 1, 'same'],
    ['3×2, stride 1, valid, 17 output channels (gathered)', [2, 9, 9, 3], [3, 2, 3, 17], 1, 'valid'],
    ['3×3, stride 1, valid, 3 → 17 channels (Winograd filter gradient)', [2, 9, 9, 3], [3, 3, 3, 17], 1, 'valid'],
    // Stride 1 on maps large enough that the filter gradient copies shifted channel planes instead of gathering
    // (3×3 filters go to Winograd, so these are 3×2 and 2×3).
    ['3×2, stride 1, same, 31×29 map (shifted planes)', [2, 31, 29, 8], [3, 2, 8, 5], 1, 'same'],
    ['2×3, stride 1, valid, 33×31 map (shifted planes)', [2, 33, 31, 9], [2, 3, 9, 4], 1, 'valid'],
    [
      'explicit asymmetric padding, 30×29 map (shifted planes)',
      [2, 30, 29, 8],
      [3, 2, 8, 3],
      1,
      [
        [0, 0],
        [0, 2],
        [1, 1],
        [0, 0],
      ],
    ],
    ['2×3, stride 1, same, 16×16 map, 8 channels (shifted planes)', [3, 16, 16, 8], [2, 3, 8, 5], 1, 'same'],
    [
      '5×4, stride 1, explicit padding wider on one side, 44×41 map (shifted planes)',
      [2, 44, 41, 9],
      [5, 4, 9, 3],
      1,
      [
        [0, 0],
        [4, 1],
        [0, 3],
        [0, 0],
      ],
    ],
    // 3×3 stride 1 with at least 8 channels each way: the input gradient is a Winograd convolution (and the
    // filter gradient is Winograd's for every 3×3 stride-1 filter).
    ['3×3, stride 1, same, odd 7×9 map, 9 → 10 channels (Winograd)', [2, 7, 9, 9], [3, 3, 9, 10], 1, 'same'],
    ['3×3, stride 1, valid, batch 1, 12 → 8 channels (Winograd)', [1, 10, 11, 12], [3, 3, 12, 8], 1, 'valid'],
    [
      '3×3, stride 1, explicit asymmetric padding, 8 → 11 channels (Winograd)',
      [2, 9, 8, 8],
      [3, 3, 8, 11],
      1,
      [
        [0, 0],
        [0, 2],
        [2, 1],
        [0, 0],
      ],
    ],
  ])('%s', async (_label, xShape, filterShape, strides, pad) => {
    const op = (x: tf.Tensor4D, filter: tf.Tensor4D) => tf.conv2d(x, filter, strides, pad);
    const cpu = await gradients('cpu', op, xShape, filterShape);
    const wasm = await gradients('wasm', op, xShape, filterShape);
    expect(relativeError(wasm.dFilter, cpu.dFilter)).toBeLessThan(TOLERANCE);
    expect(relativeError(wasm.dx, cpu.dx)).toBeLessThan(TOLERANCE);
  });

  // The gradients of a batch are the sum (filter) and concatenation (input) of its samples' gradients.
  it.each<[string, Shape4, Shape4, number]>([
    // 65·65 positions × 7·7·27 taps = 5.6 M floats per sample, so a batch of two takes two chunks while each
    // sample alone is one. Stride 2, so the input gradient takes the product path, not a convolution.
    ['a batch whose patch matrix exceeds 16 MiB, for both gradients', [2, 130, 130, 27], [7, 7, 27, 2], 2],
    // Shifted planes: 481·481 grid cells × (8 + 2) channels = 2.3 M floats per sample, one chunk each.
    ['a batch whose channel planes exceed 16 MiB (shifted planes)', [2, 480, 480, 8], [3, 2, 8, 2], 1],
    // Winograd's filter gradient: F(4×4)'s 120·120 tiles × 36 positions × (8 + 8) padded channels = 8.3 M
    // floats per sample, one chunk each (and each over the 16 MiB the other kernels' chunks hold).
    ["a batch whose Winograd tile planes exceed 16 MiB (the filter gradient's)", [2, 480, 480, 8], [3, 3, 8, 2], 1],
  ])('splits %s into chunks of samples', async (_label, xShape, filterShape, strides) => {
    await tf.setBackend('wasm');
    // tidy returns the tensors, not their values: it walks what it returns, every element of a typed array too.
    const tensors = tf.tidy(() => {
      const x = tf.tensor4d(seeded(xShape, 1), xShape);
      const filter = tf.tensor4d(seeded(filterShape, 2), filterShape);
      const outShape = tf.conv2d(x, filter, strides, 'same').shape;
      const r = tf.tensor4d(seeded(outShape, 3), outShape);
      const grads = (xs: tf.Tensor4D, rs: tf.Tensor4D) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) =>
          tf
            .conv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, 'same')
            .mul(rs)
            .sum(),
        )([xs, filter]);
      const split = (t: tf.Tensor4D, i: number) => t.slice([i, 0, 0, 0], [1, -1, -1, -1]);
      return [grads(x, r), grads(split(x, 0), split(r, 0)), grads(split(x, 1), split(r, 1))];
    });
    const [batch, ...samples] = tensors.map(([dx, dFilter]) => ({
      dx: dx.dataSync() as Float32Array,
      dFilter: dFilter.dataSync() as Float32Array,
    }));
    tf.dispose(tensors);
    const summed = samples[0].dFilter.map((v, i) => v + samples[1].dFilter[i]);
    expect(relativeError(batch.dFilter, summed)).toBeLessThan(TOLERANCE);
    const joined = new Float32Array(batch.dx.length);
    joined.set(samples[0].dx);
    joined.set(samples[1].dx, samples[0].dx.length);
    expect(relativeError(batch.dx, joined)).toBeLessThan(TOLERANCE);
  });
});

describe('3×3 convolutions by Winograd on wasm', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  /**
   * `tf.fused.conv2d` (bias, activation) on one backend, and on wasm also
   * `winogradConv3x3` itself with the tile it would choose, F(2×2) and F(4×4).
   */
  async function fusedConv(
    backend: 'cpu' | 'wasm',
    xShape: Shape4,
    filterShape: Shape4,
    pad: Pad,
    activation: 'linear' | 'relu',
  ): Promise<{ y: Float32Array; shape: number[]; winograd: Record<'chosen' | 2 | 4, Float32Array> | null }> {
    await tf.setBackend(backend);
    const x = tf.tensor4d(seeded(xShape, 1), xShape);
    const filter = tf.tensor4d(seeded(filterShape, 2), filterShape);
    const bias = tf.tensor1d(seeded([filterShape[3]], 3));
    const y = tf.fused.conv2d({ x, filter, bias, strides: 1, pad, activation });
    const result = { y: y.dataSync() as Float32Array, shape: y.shape };
    let winograd = null;
    if (backend === 'wasm') {
      const wasm = tf.backend() as unknown as BackendWasm;
      const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, 1, 1, pad);
      const geometry = {
        padTop: info.padInfo.top,
        padLeft: info.padInfo.left,
        outHeight: info.outHeight,
        outWidth: info.outWidth,
      };
      const run = (m?: 2 | 4) => {
        const out = winogradConv3x3(wasm, x, filter, geometry, bias, activation === 'relu', m);
        const values = (wasm.typedArrayFromHeap(out) as Float32Array).slice();
        wasm.disposeData(out.dataId);
        return values;
      };
      winograd = { chosen: run(), 2: run(2), 4: run(4) };
    }
    tf.dispose([x, filter, bias, y]);
    return { ...result, winograd };
  }

  it.each<[string, Shape4, Shape4, Pad, 'linear' | 'relu']>([
    ['same, ReLU, odd 7×9 map, channels not a multiple of 4', [2, 7, 9, 9], [3, 3, 9, 10], 'same', 'relu'],
    ['valid, linear, batch 1, odd 13×10 map', [1, 13, 10, 12], [3, 3, 12, 8], 'valid', 'linear'],
    [
      'explicit asymmetric padding, ReLU',
      [2, 9, 8, 8],
      [3, 3, 8, 11],
      [
        [0, 0],
        [0, 2],
        [2, 1],
        [0, 0],
      ],
      'relu',
    ],
    ["the CIFAR-10 CNN's 16×16×32 → 64 layer", [2, 16, 16, 32], [3, 3, 32, 64], 'same', 'relu'],
    ['a 2×2 map, 3 samples: 3 tiles, padded to the product’s 4', [3, 2, 2, 8], [3, 3, 8, 16], 'same', 'linear'],
    // Chunks hold 256 K floats: 10·10 F(4×4) tiles × 36 positions × (8 + 64) channels = 259 K floats a sample,
    // 461 K for F(2×2)'s 20·20 × 16 × 72: one sample a chunk, four chunks.
    ['chunks of samples', [4, 40, 40, 8], [3, 3, 8, 64], 'same', 'linear'],
  ])('runs FusedConv2D %s as cpu does', async (_label, xShape, filterShape, pad, activation) => {
    const cpu = await fusedConv('cpu', xShape, filterShape, pad, activation);
    const wasm = await fusedConv('wasm', xShape, filterShape, pad, activation);
    expect(wasm.shape).toEqual(cpu.shape);
    // Winograd adds the products in another order than cpu's direct sums, and F(4×4)'s transforms scale
    // values by up to 8 and back: a few 1e-6 of the largest value.
    expect(relativeError(wasm.y, cpu.y)).toBeLessThan(TOLERANCE);
    expect(relativeError(wasm.winograd![2], cpu.y)).toBeLessThan(TOLERANCE);
    expect(relativeError(wasm.winograd![4], cpu.y)).toBeLessThan(TOLERANCE);
    // The kernel took the Winograd path: its bits are winogradConv3x3's own.
    expect(wasm.y).toEqual(wasm.winograd!.chosen);
    if (activation === 'relu') expect(Math.min(...wasm.y)).toBe(0);
  });

  it('chooses Winograd only where it measured faster', () => {
    expect(winogradPays(32, 32)).toBe(true);
    expect(winogradPays(8, 8)).toBe(true);
    expect(winogradPays(3, 32)).toBe(false); // an RGB input: products too thin to pay for the transforms
    expect(winogradPays(32, 3)).toBe(false);
  });

  it('routes only 3×3, stride-1, undilated convolutions to Winograd, by one rule for every kernel', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const conv = CIFAR_3X3;
    expect(winogradRuns(backend, conv)).toBe(true);
    expect(winogradRuns(backend, { ...conv, filterHeight: 5, filterWidth: 5 })).toBe(false);
    expect(winogradRuns(backend, { ...conv, strideHeight: 2, strideWidth: 2 })).toBe(false);
    expect(winogradRuns(backend, { ...conv, dilationWidth: 2 })).toBe(false);
    expect(winogradRuns(backend, { ...conv, inChannels: 3 })).toBe(false);
  });

  it('leaves a 3-channel input to the built-in convolution, within the same tolerance', async () => {
    const cpu = await fusedConv('cpu', [2, 8, 8, 3], [3, 3, 3, 16], 'same', 'relu');
    const wasm = await fusedConv('wasm', [2, 8, 8, 3], [3, 3, 3, 16], 'same', 'relu');
    expect(relativeError(wasm.y, cpu.y)).toBeLessThan(TOLERANCE);
    expect(wasm.y).not.toEqual(wasm.winograd!.chosen);
  });

  it('frees its scratch tensors', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(seeded([2, 8, 8, 8], 1), [2, 8, 8, 8]);
    const filter = tf.tensor4d(seeded([3, 3, 8, 8], 2), [3, 3, 8, 8]);
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const ids = backend.numDataIds();
    tf.fused.conv2d({ x, filter, strides: 1, pad: 'same', activation: 'relu' }).dispose();
    expect(backend.numDataIds()).toBe(ids);
    tf.dispose([x, filter]);
  });
});

describe('3×3 filter gradients by Winograd on wasm', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  /**
   * Conv2DBackpropFilter of seeded x and dy on one backend, and on wasm also
   * `winogradFilterGradient` itself with the tile it would choose, F(2×2) and F(4×4).
   */
  async function filterGradient(
    backend: 'cpu' | 'wasm',
    xShape: Shape4,
    filterShape: Shape4,
    pad: Pad,
  ): Promise<{ dFilter: Float32Array; winograd: Record<'chosen' | 2 | 4, Float32Array> | null }> {
    await tf.setBackend(backend);
    const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, 1, 1, pad);
    const dyShape: Shape4 = [xShape[0], info.outHeight, info.outWidth, filterShape[3]];
    const x = tf.tensor4d(seeded(xShape, 1), xShape);
    const dy = tf.tensor4d(seeded(dyShape, 3), dyShape);
    const attrs = { strides: 1, pad, dataFormat: 'NHWC', filterShape };
    const dFilter = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor;
    const result = {
      dFilter: dFilter.dataSync() as Float32Array,
      winograd: null as Record<'chosen' | 2 | 4, Float32Array> | null,
    };
    if (backend === 'wasm') {
      const wasm = tf.backend() as unknown as BackendWasm;
      const geometry = {
        padTop: info.padInfo.top,
        padLeft: info.padInfo.left,
        outHeight: info.outHeight,
        outWidth: info.outWidth,
      };
      const run = (m?: 2 | 4) => {
        const out = winogradFilterGradient(wasm, x, dy, geometry, m);
        expect(out.shape).toEqual(filterShape);
        const values = (wasm.typedArrayFromHeap(out) as Float32Array).slice();
        wasm.disposeData(out.dataId);
        return values;
      };
      result.winograd = { chosen: run(), 2: run(2), 4: run(4) };
    }
    tf.dispose([x, dy, dFilter]);
    return result;
  }

  it.each<[string, Shape4, Shape4, Pad]>([
    ['same, odd 7×9 map, 9 → 10 channels (neither a multiple of 4)', [2, 7, 9, 9], [3, 3, 9, 10], 'same'],
    ['valid, batch 1, odd 13×10 map', [1, 13, 10, 12], [3, 3, 12, 8], 'valid'],
    [
      'explicit asymmetric padding',
      [2, 9, 8, 8],
      [3, 3, 8, 11],
      [
        [0, 0],
        [0, 2],
        [2, 1],
        [0, 0],
      ],
    ],
    ['an RGB input', [3, 12, 12, 3], [3, 3, 3, 16], 'same'],
    ["the CIFAR-10 CNN's 16×16×32 → 64 layer", [2, 16, 16, 32], [3, 3, 32, 64], 'same'],
    ['a 2×2 map, one F(4×4) tile mostly past the edge', [2, 2, 2, 8], [3, 3, 8, 8], 'same'],
    // Chunks hold 256 K floats. F(4×4): 12·12 tiles × 36 positions × (8 + 8) channels = 83 K floats a sample,
    // three samples a chunk; F(2×2): 24·24 × 16 × 16 = 147 K, one a chunk. The product accumulates across chunks.
    ['chunks of samples', [4, 48, 48, 8], [3, 3, 8, 8], 'same'],
  ])('runs Conv2DBackpropFilter %s as cpu does', async (_label, xShape, filterShape, pad) => {
    const cpu = await filterGradient('cpu', xShape, filterShape, pad);
    const wasm = await filterGradient('wasm', xShape, filterShape, pad);
    // Sums over every tile of the batch in another order than cpu's, through F(4×4)'s transforms that scale
    // values by up to 8 and back: 2e-6 of the largest value here, 2.3e-5 for a CIFAR-10 layer at batch 32.
    expect(relativeError(wasm.dFilter, cpu.dFilter)).toBeLessThan(TOLERANCE);
    expect(relativeError(wasm.winograd![2], cpu.dFilter)).toBeLessThan(TOLERANCE);
    expect(relativeError(wasm.winograd![4], cpu.dFilter)).toBeLessThan(TOLERANCE);
    // The kernel took the Winograd path: its bits are winogradFilterGradient's own.
    expect(wasm.dFilter).toEqual(wasm.winograd!.chosen);
  });

  it('takes the tile whose product is shorter', () => {
    expect(tileSide(32, 32)).toBe(4);
    expect(tileSide(8, 8)).toBe(4);
    expect(tileSide(4, 4)).toBe(4);
    expect(tileSide(6, 6)).toBe(2); // a tie: 36 · 4 tiles = 16 · 9
    expect(tileSide(2, 2)).toBe(2);
    expect(tileSide(7, 32)).toBe(4);
  });

  it('routes every 3×3, stride-1, undilated filter gradient to Winograd, an RGB input too', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const conv = { ...CIFAR_3X3, inChannels: 3 };
    expect(winogradRuns(backend, conv, 'filter gradient')).toBe(true);
    expect(winogradRuns(backend, conv)).toBe(false); // the forward's products are too thin
    expect(winogradRuns(backend, { ...conv, outHeight: 2, outWidth: 2 }, 'filter gradient')).toBe(true);
    expect(winogradRuns(backend, { ...conv, filterHeight: 5, filterWidth: 5 }, 'filter gradient')).toBe(false);
    expect(winogradRuns(backend, { ...conv, strideHeight: 2, strideWidth: 2 }, 'filter gradient')).toBe(false);
    expect(winogradRuns(backend, { ...conv, dilationHeight: 2 }, 'filter gradient')).toBe(false);
  });

  it('frees its scratch tensors', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor4d(seeded([2, 8, 8, 9], 1), [2, 8, 8, 9]);
    const dy = tf.tensor4d(seeded([2, 8, 8, 10], 2), [2, 8, 8, 10]);
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 9, 10] };
    const ids = backend.numDataIds();
    (tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs) as tf.Tensor).dispose();
    expect(backend.numDataIds()).toBe(ids);
    tf.dispose([x, dy]);
  });
});

describe('Tanh on wasm', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  it('is within 2.5e-7 of float64 tanh from -20 to 20, and keeps NaN and ±Infinity', async () => {
    await tf.setBackend('wasm');
    const inputs = new Float32Array(80_001).map((_, i) => (i - 40_000) / 2000);
    const outputs = tf.tidy(() => tf.tanh(tf.tensor1d(inputs)).dataSync());
    let worst = 0;
    for (let i = 0; i < inputs.length; i++) worst = Math.max(worst, Math.abs(outputs[i] - Math.tanh(inputs[i])));
    expect(worst).toBeLessThan(2.5e-7);
    expect(Array.from(tf.tidy(() => tf.tanh(tf.tensor1d([NaN, Infinity, -Infinity, 0])).dataSync()))).toEqual([
      NaN,
      1,
      -1,
      0,
    ]);
  });

  it('gives a tanh layer the gradient cpu gives it', async () => {
    const gradients: Float32Array[] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await tf.setBackend(backend);
      gradients.push(
        tf.tidy(() => {
          const x = tf.tensor(seeded([4, 50], 3), [4, 50]).mul(3);
          return tf
            .grad((v: tf.Tensor) =>
              tf
                .tanh(v)
                .mul(tf.tensor(seeded([4, 50], 4), [4, 50]))
                .sum(),
            )(x)
            .dataSync() as Float32Array;
        }),
      );
    }
    expect(relativeError(gradients[1], gradients[0])).toBeLessThan(TOLERANCE);
  });
});

describe('BatchMatMul on wasm', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  // A Dense layer's gradients are products with a transposed operand; the
  // wrapped kernel reorders that operand (or, for a result much wider than
  // tall, takes the product the other way round) and hands it to XNNPACK.
  it.each<[string, number[], number[], boolean, boolean]>([
    ['a·b', [5, 7], [7, 3], false, false],
    ['aᵀ·b (a weight gradient)', [7, 5], [7, 3], true, false],
    ['a·bᵀ (an input gradient)', [5, 7], [3, 7], false, true],
    ['aᵀ·bᵀ', [7, 5], [3, 7], true, true],
    ['a·bᵀ with a wide result (taken as (b·aᵀ)ᵀ)', [2, 7], [9, 7], false, true],
    ['aᵀ·b with a wide result', [7, 2], [7, 40], true, false],
    ['aᵀ·bᵀ with a wide result', [7, 3], [70, 7], true, true],
    ['batched aᵀ·b (left to the built-in)', [2, 7, 5], [2, 7, 3], true, false],
  ])('computes %s as cpu does', async (_label, aShape, bShape, transposeA, transposeB) => {
    const results: Float32Array[] = [];
    const shapes: number[][] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await tf.setBackend(backend);
      results.push(
        tf.tidy(() => {
          const a = tf.tensor(seeded(aShape, 1), aShape);
          const b = tf.tensor(seeded(bShape, 2), bShape);
          const product = tf.matMul(a, b, transposeA, transposeB);
          shapes.push(product.shape);
          return product.dataSync() as Float32Array;
        }),
      );
    }
    expect(shapes[1]).toEqual(shapes[0]);
    expect(relativeError(results[1], results[0])).toBeLessThan(TOLERANCE);
  });

  it('frees the transposed copies it makes', async () => {
    await tf.setBackend('wasm');
    const a = tf.tensor(seeded([64, 9], 1), [64, 9]);
    const b = tf.tensor(seeded([64, 4], 2), [64, 4]);
    const before = tf.memory().numTensors;
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const ids = backend.numDataIds();
    tf.matMul(a, b, true, false).dispose();
    tf.matMul(b, a, true, false).dispose(); // 4 × 9: taken the other way round
    expect(tf.memory().numTensors).toBe(before);
    expect(backend.numDataIds()).toBe(ids);
    tf.dispose([a, b]);
  });
});

describe('DepthwiseConv2D gradients on wasm match cpu', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  it.each<[string, Shape4, Shape4, number, 'valid' | 'same']>([
    ['3×3, stride 1, valid', [2, 8, 8, 3], [3, 3, 3, 1], 1, 'valid'],
    ['3×3, stride 2, same', [2, 9, 9, 4], [3, 3, 4, 1], 2, 'same'],
    ['channel multiplier 2, stride 1, same', [3, 7, 6, 3], [3, 3, 3, 2], 1, 'same'],
    ['5×5, multiplier 3, stride 2, valid', [2, 11, 10, 2], [5, 5, 2, 3], 2, 'valid'],
  ])('%s', async (_label, xShape, filterShape, strides, pad) => {
    const op = (x: tf.Tensor4D, filter: tf.Tensor4D) => tf.depthwiseConv2d(x, filter, strides, pad);
    const cpu = await gradients('cpu', op, xShape, filterShape);
    const wasm = await gradients('wasm', op, xShape, filterShape);
    expect(relativeError(wasm.dFilter, cpu.dFilter)).toBeLessThan(TOLERANCE);
    expect(relativeError(wasm.dx, cpu.dx)).toBeLessThan(TOLERANCE);
  });

  it.each<['valid' | 'same', number]>([
    ['valid', 1],
    ['same', 2],
  ])('honours dilation 2 (padding %s, multiplier %i)', async (pad, multiplier) => {
    // tfjs refuses gradients of dilated convolutions and its cpu kernels ignore
    // `dilations`, so the reference is the undilated convolution with the filter
    // spread out by zeros: the same function, whose gradients cpu computes right.
    const xShape: Shape4 = [2, 9, 8, 3];
    const filterShape: Shape4 = [3, 2, 3, multiplier];
    const spreadShape: Shape4 = [5, 3, 3, multiplier];
    const filter = seeded(filterShape, 2);
    const spread = new Float32Array(spreadShape.reduce((a, b) => a * b, 1));
    const tap = 3 * multiplier;
    for (let fr = 0; fr < 3; fr++) {
      for (let fc = 0; fc < 2; fc++) {
        spread.set(filter.subarray((fr * 2 + fc) * tap, (fr * 2 + fc + 1) * tap), (fr * 2 * 3 + fc * 2) * tap);
      }
    }
    await tf.setBackend('cpu');
    const reference = tf.tidy(() => {
      const x = tf.tensor4d(seeded(xShape, 1), xShape);
      const w = tf.tensor4d(spread, spreadShape);
      const outShape = tf.depthwiseConv2d(x, w, 1, pad).shape;
      const dy = seeded(outShape, 3);
      const r = tf.tensor(dy, outShape);
      const [dx, dSpread] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf
          .depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad)
          .mul(r)
          .sum(),
      )([x, w]);
      const spreadGrad = dSpread.dataSync();
      const dFilter = new Float32Array(filter.length);
      for (let fr = 0; fr < 3; fr++) {
        for (let fc = 0; fc < 2; fc++) {
          const from = (fr * 2 * 3 + fc * 2) * tap;
          dFilter.set(spreadGrad.subarray(from, from + tap), (fr * 2 + fc) * tap);
        }
      }
      return { dx: dx.dataSync() as Float32Array, dFilter, dy, outShape };
    });

    await tf.setBackend('wasm');
    const attrs = { strides: 1, dilations: 2, pad };
    const [dFilter, dx] = tf.tidy(() => {
      const x = tf.tensor4d(seeded(xShape, 1), xShape);
      const dy = tf.tensor(reference.dy, reference.outShape);
      const w = tf.tensor4d(filter, filterShape);
      return [
        tf.engine().runKernel('DepthwiseConv2dNativeBackpropFilter', { x, dy }, { ...attrs, filterShape }),
        tf
          .engine()
          .runKernel('DepthwiseConv2dNativeBackpropInput', { dy, filter: w }, { ...attrs, inputShape: xShape }),
      ] as tf.Tensor[];
    });
    expect(relativeError(dFilter.dataSync(), reference.dFilter)).toBeLessThan(TOLERANCE);
    expect(relativeError(dx.dataSync(), reference.dx)).toBeLessThan(TOLERANCE);
    tf.dispose([dFilter, dx]);
  });
});

describe('pooling gradients on wasm match cpu', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  // Inputs in [-1, 1): many windows hold only negative values, the case the built-in MaxPoolGrad gets wrong.
  it.each<[string, Shape4, number, number, 'valid' | 'same']>([
    ['2×2, stride 2, valid', [2, 8, 8, 5], 2, 2, 'valid'],
    ['3×3, stride 2, same (windows cut by padding)', [2, 7, 9, 3], 3, 2, 'same'],
    ['3×3, stride 1, same (overlapping windows)', [3, 6, 6, 4], 3, 1, 'same'],
    ['2×2, stride 2, valid, odd size', [1, 9, 7, 1], 2, 2, 'valid'],
    // Windows that tile the input exactly (average pooling copies each window's first row to the others).
    ['3×3, stride 3, valid, tiling a 9×6 map', [2, 9, 6, 7], 3, 3, 'valid'],
    ['2×2, stride 2, same on an even map (no padding: tiling)', [3, 6, 10, 2], 2, 2, 'same'],
  ])('%s', async (_label, xShape, size, strides, pad) => {
    for (const pool of [tf.maxPool, tf.avgPool]) {
      const op = (x: tf.Tensor4D) => pool(x, size, strides, pad);
      const results = [];
      for (const backend of ['cpu', 'wasm'] as const) {
        await tf.setBackend(backend);
        results.push(
          tf.tidy(() => {
            const x = tf.tensor4d(seeded(xShape, 1), xShape);
            const outShape = op(x).shape;
            const r = tf.tensor(seeded(outShape, 3), outShape);
            return tf
              .grad((a: tf.Tensor) =>
                op(a as tf.Tensor4D)
                  .mul(r)
                  .sum(),
              )(x)
              .dataSync();
          }),
        );
      }
      expect(relativeError(results[1], results[0])).toBeLessThan(TOLERANCE);
    }
  });
});

describe('Sum on wasm', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  // Leading axes (a bias gradient's [0, 1, 2]) are summed by the wrapper, the rest by the built-in kernel.
  it.each<[string, number[], number | number[], boolean]>([
    ['a bias gradient: all but the channels', [3, 5, 7, 6], [0, 1, 2], false],
    ['the first axis of a matrix, rows not a multiple of four', [37, 13], 0, false],
    ['negative and unordered axes, dimensions kept', [4, 3, 5, 2], [-3, 0], true],
    ['inner axes (the built-in kernel)', [4, 3, 5, 2], [1, 2], false],
    ['every axis (the built-in kernel)', [4, 3, 5], [0, 1, 2], false],
  ])('%s', async (_label, shape, axis, keepDims) => {
    const results = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await tf.setBackend(backend);
      results.push(tf.tidy(() => tf.sum(tf.tensor(seeded(shape, 6), shape), axis, keepDims)));
    }
    const [cpu, wasm] = results;
    expect(wasm.shape).toEqual(cpu.shape);
    expect(relativeError(wasm.dataSync(), cpu.dataSync())).toBeLessThan(1e-6);
    tf.dispose(results);
  });

  it('leaves integer sums to the built-in kernel, exact', async () => {
    await tf.setBackend('wasm');
    const sum = tf.tidy(() => tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0));
    expect(sum.dtype).toBe('int32');
    expect(Array.from(sum.dataSync())).toEqual([9, 12]);
    sum.dispose();
  });
});

describe('MaxPoolGrad on wasm', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  it('gives each window’s gradient to its first maximum, never to a NaN, as cpu does', async () => {
    // Values from {-1, 0, 1} (most windows hold equal maxima), ±Infinity, and a NaN in some windows: the
    // 2×2 windows take the branch-free path, the NaN windows and the cut windows of the odd edge the scan.
    const xShape: Shape4 = [2, 7, 6, 5];
    const values = Array.from(seeded(xShape, 4), (v, i) =>
      i % 37 === 0 ? NaN : i % 53 === 0 ? Infinity : i % 59 === 0 ? -Infinity : Math.round(v),
    );
    const results = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await tf.setBackend(backend);
      results.push(
        tf.tidy(() => {
          const x = tf.tensor4d(values, xShape);
          const r = tf.tensor4d(seeded([2, 4, 3, 5], 5), [2, 4, 3, 5]);
          return tf
            .grad((a: tf.Tensor) =>
              tf
                .maxPool(a as tf.Tensor4D, 2, 2, 'same')
                .mul(r)
                .sum(),
            )(x)
            .dataSync();
        }),
      );
    }
    expect(Array.from(results[1])).toEqual(Array.from(results[0]));
  });
});

describe('Adam on wasm, one kernel a weight', () => {
  beforeAll(() => {
    registerWasmTrainingKernels();
  });

  /**
   * Weights of odd sizes after `steps` Adam steps on the given seeded
   * gradients (the second weight gets none at step 2, as `minimize` passes a
   * weight off the loss's path), with the rate changed halfway as a schedule does; and the
   * kernels the last step ran.
   */
  async function adamRun(backend: 'cpu' | 'wasm', optimizer: () => tf.Optimizer, steps = 6) {
    await tf.setBackend(backend);
    // The last is large enough for the fused kernel to run the backend's SIMD kernels instead of its loop.
    const shapes = [[3, 5], [7], [2, 3, 3, 4], [67, 71]];
    const weights = shapes.map((shape, i) => tf.variable(tf.tensor(seeded(shape, 10 + i), shape), true, `w${i}`));
    const adam = optimizer();
    let kernels: string[] = [];
    for (let step = 0; step < steps; step++) {
      if (step === steps / 2) setLearningRate(adam, 0.004);
      const gradients = weights.map((w, i) => ({
        name: w.name,
        tensor: (step === 2 && i === 1 ? null : tf.tensor(seeded(w.shape, 100 * step + i), w.shape)) as tf.Tensor,
      }));
      kernels = (await tf.profile(() => adam.applyGradients(gradients))).kernels.map((k) => k.name);
      tf.dispose(gradients.flatMap((g) => (g.tensor ? [g.tensor] : [])));
    }
    const state = await adam.getWeights();
    const result = {
      weights: weights.map((w) => Array.from(w.dataSync())),
      state: state.map((s) => [s.name, Array.from(s.tensor.dataSync())]),
      kernels,
    };
    disposeOptimizer(adam);
    tf.dispose(weights);
    return result;
  }

  it('gives the weights and moments tfjs’s Adam gives, step by step, bias correction and rate changes included', async () => {
    const reference = await adamRun('cpu', () => tf.train.adam(0.01));
    const fused = await adamRun('wasm', () => createOptimizer(tf, 'adam', 0.01));
    // Every operation is float32 in tfjs's order on both sides: equal to the last bit.
    expect(fused.weights).toEqual(reference.weights);
    expect(fused.state).toEqual(reference.state);
    expect(fused.kernels.filter((k) => k === 'NetCanvasAdamUpdate')).toHaveLength(4);
    expect(reference.weights[0]).not.toEqual(Array.from(seeded([3, 5], 10)));
  });

  it('is tfjs’s own Adam on a backend without the kernel', async () => {
    const reference = await adamRun('cpu', () => tf.train.adam(0.01), 2);
    const plain = await adamRun('cpu', () => createOptimizer(tf, 'adam', 0.01), 2);
    expect(plain).toEqual(reference);
  });
});
