import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerWasmTrainingKernels } from '../../../core/train/wasm-kernels/register';

/** Uniform values in [-scale, scale) from a fixed seed. */
function seeded(size: number, seed: number, scale = 1): Float32Array {
  let state = seed >>> 0;
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = (state / 2 ** 31 - 1) * scale;
  }
  return values;
}

/**
 * A small CNN using every trainable building block NetCanvas offers: padding,
 * strided and 1×1 convolutions, batch norm, depthwise convolution, add and
 * concatenate merges, max and average pooling, global pooling, dropout (seeded,
 * so both backends drop the same units) and a softmax classifier.
 */
function buildNet(): tf.LayersModel {
  const input = tf.input({ shape: [12, 12, 3] });
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) =>
    layer.apply(x) as tf.SymbolicTensor;
  let x = apply(tf.layers.zeroPadding2d({ padding: 1 }), input);
  x = apply(tf.layers.conv2d({ filters: 6, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' }), x);
  x = apply(tf.layers.batchNormalization(), x);
  const depthwise = apply(tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same', activation: 'relu' }), x);
  const pointwise = apply(tf.layers.conv2d({ filters: 6, kernelSize: 1 }), x);
  x = apply(tf.layers.add(), [depthwise, pointwise]);
  const maxPooled = apply(tf.layers.maxPooling2d({ poolSize: 2 }), x);
  const avgPooled = apply(tf.layers.averagePooling2d({ poolSize: 2 }), x);
  x = apply(tf.layers.concatenate(), [maxPooled, avgPooled]);
  x = apply(tf.layers.conv2d({ filters: 8, kernelSize: 2, activation: 'relu' }), x);
  const flat = apply(tf.layers.flatten(), x);
  const global = apply(tf.layers.globalAveragePooling2d({}), x);
  x = apply(tf.layers.concatenate(), [flat, global]);
  x = apply(tf.layers.dropout({ rate: 0.25, seed: 7 }), x);
  const output = apply(tf.layers.dense({ units: 4, activation: 'softmax' }), x);
  return tf.model({ inputs: input, outputs: output });
}

/** Loss after each of `steps` full-batch steps of model.fit, from fixed weights and data. */
async function lossTrajectory(backend: 'cpu' | 'wasm', optimizer: 'adam' | 'sgd', steps: number): Promise<number[]> {
  await tf.setBackend(backend);
  const model = buildNet();
  model.setWeights(model.getWeights().map((w, i) => tf.tensor(seeded(w.size, 100 + i, 0.5), w.shape)));
  model.compile({
    optimizer: optimizer === 'adam' ? tf.train.adam(0.01) : tf.train.sgd(0.1),
    loss: 'categoricalCrossentropy',
  });
  const samples = 16;
  const xs = tf.tensor4d(seeded(samples * 12 * 12 * 3, 1), [samples, 12, 12, 3]);
  const labels = Array.from({ length: samples }, (_, i) => i % 4);
  const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), 4);
  const history = await model.fit(xs, ys, { epochs: steps, batchSize: samples, shuffle: false, verbose: 0 });
  tf.dispose([xs, ys]);
  model.dispose();
  return history.history.loss as number[];
}

beforeAll(async () => {
  await import('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
});

describe('model.fit of a CNN on wasm', () => {
  it.each(['adam', 'sgd'] as const)('follows the cpu loss trajectory with %s', async (optimizer) => {
    const cpu = await lossTrajectory('cpu', optimizer, 3);
    const wasm = await lossTrajectory('wasm', optimizer, 3);
    expect(wasm).toHaveLength(3);
    for (let step = 0; step < 3; step++) {
      expect(Math.abs(wasm[step] - cpu[step]) / cpu[step]).toBeLessThan(1e-4);
    }
    // Training moved the weights: a trajectory of identical losses would match trivially.
    expect(cpu[2]).not.toBeCloseTo(cpu[0], 3);
  });

  it('frees every scratch tensor its kernels make on the wasm heap', async () => {
    await tf.setBackend('wasm');
    const model = buildNet();
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const xs = tf.tensor4d(seeded(8 * 12 * 12 * 3, 1), [8, 12, 12, 3]);
    const ys = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4);
    const backend = tf.backend() as unknown as { numDataIds(): number };
    await model.trainOnBatch(xs, ys);
    const afterFirstStep = backend.numDataIds();
    for (let step = 0; step < 3; step++) await model.trainOnBatch(xs, ys);
    expect(backend.numDataIds()).toBe(afterFirstStep);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
