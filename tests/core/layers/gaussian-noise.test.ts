import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getLayerSpec } from '../../../core/layers/registry';
import { importOne, layerFace, runLayer } from './layer-harness';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each([
  ['GaussianNoise', { stddev: 0.5 }, { stddev: 0.5 }, 'σ 0.5'],
  ['GaussianDropout', { rate: 0.3 }, { rate: 0.3 }, '0.3'],
])('%s', (type, params, keras, face) => {
  it('keeps the shape and has no weights', () => {
    const run = runLayer(type, params, [[6, 6, 2]]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual([null, 6, 6, 2]);
    expect(run.row.trainableParams).toBe(0);
    expect(layerFace(type, params)).toBe(face);
  });

  it('changes values while training and passes them through at test time', () => {
    const layer = getLayerSpec(type).toTfjs(params, tf, `${type}_run`);
    const x = tf.ones([2, 8]);
    const tested = layer.apply(x) as tf.Tensor;
    const trained = layer.apply(x, { training: true }) as tf.Tensor;
    expect(Array.from(tested.dataSync())).toEqual(Array(16).fill(1));
    expect(Array.from(trained.dataSync()).some((v) => v !== 1)).toBe(true);
    tf.dispose([x, tested, trained]);
  });

  it('imports its Keras config and refuses a bad value', () => {
    expect(importOne(type, keras, [4])).toEqual(params);
    const [key] = Object.keys(keras);
    expect(importOne(type, { [key]: -1 }, [4])).toMatch(new RegExp(`${key} must be a number`));
  });
});
