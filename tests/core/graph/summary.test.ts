import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../core/graph/builder';
import { connect } from '../../../core/graph/graph';
import { BYTES_PER_VALUE, summarize } from '../../../core/graph/summary';
import { estimateTrainingMemory, largestBatchThatFits } from '../../../core/train/memory';
import { OPTIMIZERS } from '../../../core/train/optimizers';

/** LeNet-5 as LeCun et al. 1998 (average pooling, 32×32×1 input): 61,706 parameters. */
function lenet5() {
  const b = new GraphBuilder();
  let x = b.input([32, 32, 1], 'image');
  x = b.layer('Conv2D', { filters: 6, kernelSize: [5, 5], activation: 'tanh' }, x, 'c1');
  x = b.layer('AveragePooling2D', {}, x, 's2');
  x = b.layer('Conv2D', { filters: 16, kernelSize: [5, 5], activation: 'tanh' }, x, 'c3');
  x = b.layer('AveragePooling2D', {}, x, 's4');
  x = b.layer('Flatten', {}, x, 'flat');
  x = b.layer('Dense', { units: 120, activation: 'tanh' }, x, 'f5');
  x = b.layer('Dense', { units: 84, activation: 'tanh' }, x, 'f6');
  b.layer('Dense', { units: 10, activation: 'softmax' }, x, 'out');
  return b.build();
}

// Values per sample of every layer output: 1024 + 4704 + 1176 + 1600 + 400 + 400 + 120 + 84 + 10.
const LENET_VALUES = 9518;

describe('summarize', () => {
  it('gives Keras-style rows and totals for LeNet-5', () => {
    const s = summarize(lenet5());
    expect(s.diagnostics).toEqual([]);
    expect(s.layers.map((l) => [l.name, l.outputShape, l.trainableParams, l.macs])).toEqual([
      ['image', [null, 32, 32, 1], 0, 0],
      ['c1', [null, 28, 28, 6], 156, 117_600],
      ['s2', [null, 14, 14, 6], 0, 0],
      ['c3', [null, 10, 10, 16], 2416, 240_000],
      ['s4', [null, 5, 5, 16], 0, 0],
      ['flat', [null, 400], 0, 0],
      ['f5', [null, 120], 48_120, 48_000],
      ['f6', [null, 84], 10_164, 10_080],
      ['out', [null, 10], 850, 840],
    ]);
    expect(s.totals).toEqual({
      params: 61_706,
      trainableParams: 61_706,
      nonTrainableParams: 0,
      macs: 416_520,
      activationBytes: LENET_VALUES * BYTES_PER_VALUE,
    });
  });

  it('counts batch-norm moving statistics as non-trainable', () => {
    const b = new GraphBuilder();
    let x = b.input([8, 8, 3]);
    x = b.layer('Conv2D', { filters: 16, kernelSize: [3, 3], padding: 'same', useBias: false }, x);
    x = b.layer('BatchNormalization', {}, x);
    b.layer('ReLU', {}, x);
    const s = summarize(b.build());
    expect(s.totals).toMatchObject({
      trainableParams: 432 + 32,
      nonTrainableParams: 32,
      params: 496,
      macs: 64 * 16 * 27,
    });
  });

  it('a failed layer has no shape and no counts, and nodes on a cycle are left out', () => {
    const b = new GraphBuilder();
    const x = b.input([4], 'x');
    const bad = b.layer('Dense', { units: 0 }, x, 'bad');
    const after = b.layer('Dense', { units: 3 }, bad, 'after');
    const add = b.layer('Add', {}, [x], 'loop');
    const r = b.layer('ReLU', {}, add, 'r');
    const s = summarize(connect(b.build(), r, add, 1));
    expect(s.layers.map((l) => l.name)).toEqual(['x', 'bad', 'after']);
    for (const id of [bad, after]) {
      expect(s.layers.find((l) => l.nodeId === id)).toMatchObject({
        outputShape: null,
        trainableParams: 0,
        macs: 0,
        activationBytes: 0,
      });
    }
    expect(s.totals.params).toBe(0);
    expect(s.diagnostics.map((d) => d.code).sort()).toEqual(['cycle', 'param-invalid']);
  });
});

describe('training memory', () => {
  const s = summarize(lenet5());
  const weights = 61_706 * 4;

  it.each([
    ['sgd', 0],
    ['momentum', 1],
    ['adam', 2],
    ['rmsprop', 2],
  ] as const)('%s at batch 32: weights, gradients, %i optimizer slots and activations ×2', (optimizer, slots) => {
    const m = estimateTrainingMemory(s, 32, optimizer);
    expect(m).toEqual({
      weights,
      gradients: weights,
      optimizerState: slots * weights,
      activations: 2 * LENET_VALUES * 4 * 32,
      total: weights * (2 + slots) + 2 * LENET_VALUES * 4 * 32,
    });
  });

  it('adam at batch 32 needs 3,423,904 bytes', () => {
    expect(estimateTrainingMemory(s, 32, 'adam').total).toBe(3_423_904);
  });

  it('only trainable weights get gradients and optimizer state', () => {
    const b = new GraphBuilder();
    const x = b.input([10]);
    b.layer('BatchNormalization', {}, x);
    const bn = summarize(b.build());
    expect(estimateTrainingMemory(bn, 1, 'adam')).toMatchObject({
      weights: 40 * 4,
      gradients: 20 * 4,
      optimizerState: 40 * 4,
    });
  });

  it('largestBatchThatFits picks the largest power of two under the budget', () => {
    const at32 = estimateTrainingMemory(s, 32, 'adam').total;
    expect(largestBatchThatFits(s, 'adam', at32)).toBe(32);
    expect(largestBatchThatFits(s, 'adam', at32 - 1)).toBe(16);
    expect(largestBatchThatFits(s, 'adam', weights)).toBe(0);
    expect(largestBatchThatFits(s, 'sgd', 2 ** 40)).toBe(65_536);
    // More optimizer state never allows a larger batch.
    for (const budget of [2e6, 8e6, 64e6]) {
      const batches = OPTIMIZERS.map((o) => largestBatchThatFits(s, o, budget));
      expect(largestBatchThatFits(s, 'sgd', budget)).toBe(Math.max(...batches));
    }
  });
});
