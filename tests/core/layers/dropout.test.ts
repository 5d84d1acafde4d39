import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { getLayerSpec } from '../../../core/layers/registry';
import { layerFace, runLayer } from './layer-harness';

describe('Dropout', () => {
  it.each([
    { input: [4096], rate: 0.5 },
    { input: [8, 8, 16], rate: 0 },
    { input: [4, 6], rate: 0.99 },
  ])('keeps $input at rate $rate, no weights', ({ input, rate }) => {
    const run = runLayer('Dropout', { rate }, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual([null, ...input]);
    expect(run.row).toMatchObject({ trainableParams: 0, nonTrainableParams: 0, macs: 0 });
  });

  it.each([
    { rate: 1, message: /^Dropout "layer": rate must be a number from 0 to below 1, got 1$/ },
    { rate: -0.1, message: /rate must be a number from 0 to below 1, got -0\.1/ },
    { rate: '0.5', message: /rate must be a number from 0 to below 1, got "0\.5"/ },
  ])('rate $rate → param-invalid', ({ rate, message }) => {
    const run = runLayer('Dropout', { rate }, [[10]]);
    expect(run.shape).toBeNull();
    expect(run.diagnostics).toHaveLength(1);
    expect(run.diagnostics[0]).toMatchObject({ code: 'param-invalid', fix: { label: 'Reset rate to 0.5' } });
    expect(run.diagnostics[0].message).toMatch(message);
  });

  it('face is the rate', () => expect(layerFace('Dropout', { rate: 0.25 })).toBe('0.25'));
});

describe('Dropout in tfjs (FastDropout)', () => {
  /** The layer as the compiler builds it, on `backend`, applied in training to `x` with `seed`. */
  async function trainingOutput(backend: 'cpu' | 'wasm', values: Float32Array, rate: number, seed: number) {
    await tf.setBackend(backend);
    const layer = getLayerSpec('Dropout').toTfjs({ rate }, tf, 'drop') as tf.layers.Layer & { seed?: number };
    layer.seed = seed;
    const x = tf.tensor1d(values);
    const y = layer.apply(x, { training: true }) as tf.Tensor;
    // The gradient of sum(y) is the multiplier itself: 0 where dropped, 1/keep where kept.
    const dx = tf.grad((v: tf.Tensor) => (layer.apply(v, { training: true }) as tf.Tensor).sum())(x);
    const out = { y: y.dataSync() as Float32Array, dx: dx.dataSync() as Float32Array, layer };
    tf.dispose([x, y, dx]);
    return out;
  }

  const values = Float32Array.from({ length: 100_000 }, (_, i) => ((i % 997) - 498) / 37);

  it.each([
    ['cpu', 0.25],
    ['wasm', 0.25],
    ['wasm', 0.5],
    ['cpu', 0.9],
  ] as const)(
    'on %s at rate %s drops that share, scales the rest as tfjs does, and its gradient follows the mask',
    async (backend, rate) => {
      const { y, dx, layer } = await trainingOutput(backend, values, rate, 7);
      // tfjs's multiplier: floor(uniform + keep) / keep, a float32 division by the float32 keep probability.
      const scale = Math.fround(1 / Math.fround(1 - rate));
      let dropped = 0;
      const wrong: number[] = [];
      for (let i = 0; i < values.length; i++) {
        const kept = dx[i] !== 0;
        if (!kept) dropped++;
        // A dropped value is 0 (−0 for a negative one, as tfjs's product gives).
        if ((dx[i] !== 0 && dx[i] !== scale) || y[i] !== (kept ? Math.fround(values[i] * scale) : 0)) wrong.push(i);
      }
      expect(wrong).toEqual([]);
      // 100,000 draws: the dropped share is within 0.5 percentage points of the rate (≥ 3.6 standard deviations).
      expect(Math.abs(dropped / values.length - rate)).toBeLessThan(0.005);
      // A saved model holds tfjs's own Dropout, with its configuration.
      expect(layer.getClassName()).toBe('Dropout');
      expect(layer.getConfig()).toMatchObject({ rate, seed: 7, name: 'drop' });
    },
  );

  it('repeats its mask for a seed and draws another for the next one', async () => {
    const a = await trainingOutput('wasm', values, 0.5, 11);
    const again = await trainingOutput('wasm', values, 0.5, 11);
    const next = await trainingOutput('wasm', values, 0.5, 12);
    expect(again.y).toEqual(a.y);
    const differ = a.dx.filter((v, i) => v !== next.dx[i]).length;
    // Independent masks at rate 0.5 differ in half the values.
    expect(Math.abs(differ / values.length - 0.5)).toBeLessThan(0.01);
  });

  it('passes its input through unchanged outside training', async () => {
    await tf.setBackend('wasm');
    const layer = getLayerSpec('Dropout').toTfjs({ rate: 0.5 }, tf, 'drop') as tf.layers.Layer;
    const x = tf.tensor1d(values.subarray(0, 1000));
    const y = layer.apply(x) as tf.Tensor;
    expect(y.dataSync()).toEqual(x.dataSync());
    tf.dispose([x, y]);
  });
});
