import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../core/compile/compile';
import { GraphBuilder } from '../../../core/graph/builder';
import { makeBatch } from '../../../core/train/batches';
import { computeNormalization } from '../../../core/train/preprocess';
import { train } from '../../../core/train/session';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** 2×1 pixel RGB images whose channels hold known values. */
const pixels = (values: number[][]) => new Uint8Array(values.flat());

describe('preprocessing', () => {
  it('scales raw pixels to 0–1 and leaves stored floats as they are', () => {
    expect(computeNormalization(new Uint8Array(6), [1, 2, 3], 'scale')).toEqual({
      mode: 'scale',
      scale: 1 / 255,
      mean: [0, 0, 0],
      std: [1, 1, 1],
    });
    expect(computeNormalization(new Float32Array(4), [2], 'scale').scale).toBe(1);
    expect(computeNormalization(new Uint8Array(6), [1, 2, 3], 'none').scale).toBe(1);
  });

  it('computes per-channel mean and standard deviation of the scaled values', () => {
    // Two images, two pixels each: red is 0, 255, 0, 255; green always 51; blue 0, 0, 0, 255.
    const values = pixels([
      [0, 51, 0],
      [255, 51, 0],
      [0, 51, 0],
      [255, 51, 255],
    ]);
    const n = computeNormalization(values, [1, 2, 3], 'standardize');
    expect(n.mean[0]).toBeCloseTo(0.5, 6);
    expect(n.mean[1]).toBeCloseTo(0.2, 6);
    expect(n.mean[2]).toBeCloseTo(0.25, 6);
    expect(n.std[0]).toBeCloseTo(0.5, 6);
    expect(n.std[1]).toBe(1); // no spread: left alone rather than divided by zero
    expect(n.std[2]).toBeCloseTo(Math.sqrt(0.1875), 6);
    const centered = computeNormalization(values, [1, 2, 3], 'center');
    expect(centered.mean).toEqual(n.mean);
    expect(centered.std).toEqual([1, 1, 1]);
  });

  it('gives standardized training batches zero mean and unit spread per channel', () => {
    const count = 50;
    const images = new Uint8Array(count * 4 * 4 * 2);
    for (let i = 0; i < images.length; i++) images[i] = (i * 37 + (i % 2) * 100) % 256;
    const split = { images, labels: new Int32Array(count), count };
    const normalization = computeNormalization(images, [4, 4, 2], 'standardize');
    const { xs, ys } = makeBatch(tf, split, [...Array(count).keys()], {
      inputShape: [4, 4, 2],
      classCount: 3,
      normalization,
    });
    const moments = tf.moments(xs, [0, 1, 2]);
    expect(Array.from(moments.mean.dataSync()).map((v) => Math.abs(v) < 1e-4)).toEqual([true, true]);
    expect(Array.from(moments.variance.dataSync()).map((v) => Math.abs(v - 1) < 1e-3)).toEqual([true, true]);
    expect(ys.shape).toEqual([count, 3]);
    tf.dispose([xs, ys, moments.mean, moments.variance]);
  });

  it('takes its statistics from the training split only, not from validation data', async () => {
    const b = new GraphBuilder();
    let x = b.input([1, 1, 1]);
    x = b.layer('Flatten', {}, x);
    b.layer('Dense', { units: 2, activation: 'softmax' }, x);
    const model = compileGraph(b.build(), tf, { seed: 1 });
    // Training pixels are 0 or 102 (mean 51/255 = 0.2); validation pixels are all 255.
    const trainImages = new Uint8Array(40).map((_, i) => (i % 2 ? 102 : 0));
    const data = {
      inputShape: [1, 1, 1],
      classNames: ['dark', 'bright'],
      train: { images: trainImages, labels: new Int32Array(40).map((_, i) => i % 2), count: 40 },
      validation: { images: new Uint8Array(20).fill(255), labels: new Int32Array(20).fill(1), count: 20 },
    };
    const result = await train(tf, model, data, { epochs: 1, preprocessing: 'standardize', seed: 1 });
    expect(result.normalization.mean[0]).toBeCloseTo(0.2, 6);
    expect(result.normalization.std[0]).toBeCloseTo(0.2, 6);

    model.dispose();
  });
});
