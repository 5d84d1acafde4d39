import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyFix } from '../../../core/graph/fixes';
import { inferShapes } from '../../../core/graph/infer';
import { getLayerSpec } from '../../../core/layers/registry';
import { explainLayer, importOne, layerFace, runLayer } from './layer-harness';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Maxout', () => {
  it.each([
    ['after a Dense(240): 2 pieces give 120 units', {}, [240], [null, 120]],
    ['after a Conv2D with 96 filters: 3 pieces give 32 channels', { pieces: 3 }, [8, 8, 96], [null, 8, 8, 32]],
    ['k equal to the channels leaves one unit', { pieces: 4 }, [4], [null, 1]],
  ])('%s', (_why, params, input, shape) => {
    const run = runLayer('Maxout', params, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual(shape);
    expect([run.row.trainableParams, run.row.macs]).toEqual([0, 0]);
  });

  it('refuses channels that do not split into k pieces, offering the nearest k that does', () => {
    const run = runLayer('Maxout', { pieces: 4 }, [[30]], 'mo');
    expect(run.diagnostics.map((d) => [d.code, d.message, d.fix?.label])).toEqual([
      [
        'param-invalid',
        'Maxout "mo": 30 channels do not split into groups of 4 pieces; the layer before must give a multiple of 4',
        'Set pieces to 3',
      ],
    ]);
    const fixed = inferShapes(applyFix(run.graph, run.diagnostics[0].fix!));
    expect(fixed.shapes.get(run.nodeId)).toEqual([null, 10]);
    expect(runLayer('Maxout', { pieces: 1 }, [[4]]).diagnostics[0].message).toMatch(
      /pieces must be a whole number ≥ 2/,
    );
  });

  it('explains the channel count and shows k', () => {
    expect(explainLayer('Maxout', { pieces: 3 }, [[8, 8, 96]])).toEqual([
      'channels: 96 / 3 pieces = 32 units, each the largest of 3 consecutive channels',
    ]);
    expect(layerFace('Maxout', {})).toBe('k = 2');
  });

  it('computes the maximum of each group of consecutive channels, as the lecture writes max(w₁ᵀx + b₁, w₂ᵀx + b₂)', () => {
    const spec = getLayerSpec('Maxout');
    const layer = spec.toTfjs({ pieces: 2 }, tf, 'mo');
    const x = tf.tensor2d([[1, -5, 3, 7, -2, -1]]);
    const y = layer.apply(x) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([1, 7, -1]);
    const maps = tf.tensor4d([1, 9, 4, 2, 0, 0, -3, -8], [1, 1, 2, 4]);
    const pooled = spec.toTfjs({ pieces: 4 }, tf, 'mo4').apply(maps) as tf.Tensor;
    expect(pooled.shape).toEqual([1, 1, 2, 1]);
    expect(Array.from(pooled.dataSync())).toEqual([9, 0]);
    tf.dispose([x, y, maps, pooled]);
  });

  it('reads its own exported config back', () => {
    expect(importOne('Maxout', { pieces: 3 }, [9])).toEqual({ pieces: 3 });
  });
});
