import { describe, expect, it } from 'vitest';
import { importOne, layerFace, runLayer } from './layer-harness';

// Slopes learned: one per channel (He et al. 2015), one per value (Keras's default), one in all (PyTorch's nn.PReLU()).
describe('PReLU', () => {
  it.each([
    ['channel', [28, 28, 32], 32],
    ['value', [28, 28, 32], 28 * 28 * 32],
    ['layer', [28, 28, 32], 1],
    ['channel', [10], 10],
    ['value', [10], 10],
    ['layer', [10], 1],
    ['channel', [5, 6], 6],
  ])('one α per %s on %j: %i weights', (alphaPer, input, weights) => {
    const run = runLayer('PReLU', { alphaPer }, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual([null, ...input]);
    expect([run.row.trainableParams, run.row.nonTrainableParams, run.row.macs]).toEqual([weights, 0, 0]);
  });

  it('refuses a choice it does not offer', () => {
    const run = runLayer('PReLU', { alphaPer: 'row' }, [[4]]);
    expect(run.diagnostics[0].message).toMatch(/alphaPer must be one of "channel", "value", "layer", got "row"/);
    expect(layerFace('PReLU', {})).toBe('α per channel');
  });

  it.each([
    [null, [8, 8, 3], 'value'],
    [[1, 2], [8, 8, 3], 'channel'],
    [[2, 1], [8, 8, 3], 'channel'],
    [[1, 2, 3], [8, 8, 3], 'layer'],
    [[1], [6], 'layer'],
    [[1], [4, 6], 'channel'],
  ])('imports shared_axes %j on %j as one α per %s', (sharedAxes, input, alphaPer) => {
    expect(importOne('PReLU', { shared_axes: sharedAxes }, input)).toEqual({ alphaPer });
  });

  it('refuses shared axes it cannot represent', () => {
    expect(importOne('PReLU', { shared_axes: [1] }, [8, 8, 3])).toMatch(
      /config\.shared_axes: PReLU "layer": sharing α over axes \[1\] is not offered; .*per channel \(shared_axes \[1,2\]\)/,
    );
  });
});
