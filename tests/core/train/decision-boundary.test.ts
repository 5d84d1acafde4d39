import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decisionBoundary, gridPoints } from '../../../core/train/decision-boundary';
import type { Normalization } from '../../../core/train/preprocess';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('gridPoints', () => {
  it('gives cell centres row by row from the top, left to right', () => {
    expect([...gridPoints({ resolution: 2, halfSide: 1 })]).toEqual([-0.5, 0.5, 0.5, 0.5, -0.5, -0.5, 0.5, -0.5]);
    const points = gridPoints({ resolution: 48, halfSide: 3 });
    expect(points).toHaveLength(48 * 48 * 2);
    // First cell: top-left, half a cell (6 / 48 / 2 = 0.0625) in from the corner; last: bottom-right.
    expect([points[0], points[1]]).toEqual([-2.9375, 2.9375]);
    expect([points.at(-2), points.at(-1)]).toEqual([2.9375, -2.9375]);
  });
});

describe('decisionBoundary', () => {
  /** Dense(2, softmax) with logits (x, −x): class 0 where x > 0, with probability σ(2x). */
  function signOfX(): tf.LayersModel {
    const input = tf.input({ shape: [2] });
    const dense = tf.layers.dense({ units: 2, activation: 'softmax' });
    const model = tf.model({ inputs: input, outputs: dense.apply(input) as tf.SymbolicTensor });
    dense.setWeights([
      tf.tensor2d([
        [1, -1],
        [0, 0],
      ]),
      tf.tensor1d([0, 0]),
    ]);
    return model;
  }
  const none: Normalization = { mode: 'none', scale: 1, mean: [0, 0], std: [1, 1] };
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

  it("gives each cell the model's class and its probability", async () => {
    const boundary = await decisionBoundary(tf, signOfX(), { resolution: 4, halfSide: 2 }, none, 3);
    // Columns at x = −1.5, −0.5, 0.5, 1.5 in every row.
    expect([...boundary.classes]).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0]);
    expect(boundary.confidence[0]).toBeCloseTo(sigmoid(3), 6);
    expect(boundary.confidence[1]).toBeCloseTo(sigmoid(1), 6);
    expect(boundary).toMatchObject({ resolution: 4, halfSide: 2, epochs: 3, classCount: 2 });
  });

  it('prepares the grid as training prepared the samples', async () => {
    // Standardized with mean 1 and std 2 along x, the model sees (x − 1) / 2: class 0 only right of x = 1.
    const standardized: Normalization = { mode: 'standardize', scale: 1, mean: [1, 0], std: [2, 1] };
    const model = signOfX();
    const before = tf.memory().numTensors;
    const boundary = await decisionBoundary(tf, model, { resolution: 4, halfSide: 2 }, standardized, 1);
    expect([...boundary.classes.subarray(0, 4)]).toEqual([1, 1, 1, 0]);
    expect(boundary.confidence[3]).toBeCloseTo(sigmoid(0.5), 6);
    expect(tf.memory().numTensors).toBe(before);
  });
});
