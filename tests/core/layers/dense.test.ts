import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../core/graph/builder';
import { applyFix } from '../../../core/graph/fixes';
import { summarize } from '../../../core/graph/summary';
import { layerFace, runLayer } from './layer-harness';

describe('Dense', () => {
  it.each([
    {
      why: 'LeNet F5: 400 → 120',
      input: [400],
      params: { units: 120 },
      shape: [null, 120],
      trainable: 48_120,
      macs: 48_000,
    },
    {
      why: 'AlexNet/VGG classifier: 4096 → 1000',
      input: [4096],
      params: { units: 1000 },
      shape: [null, 1000],
      trainable: 4_097_000,
      macs: 4_096_000,
    },
    { why: 'no bias', input: [10], params: { units: 5, useBias: false }, shape: [null, 5], trainable: 50, macs: 50 },
    {
      why: 'one unit (logistic regression)',
      input: [3],
      params: { units: 1, activation: 'sigmoid' },
      shape: [null, 1],
      trainable: 4,
      macs: 3,
    },
  ])('$why', ({ input, params, shape, trainable, macs }) => {
    const run = runLayer('Dense', params, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual(shape);
    expect(run.row).toMatchObject({ trainableParams: trainable, nonTrainableParams: 0, macs });
  });

  it.each([
    {
      why: 'a 4-D feature map',
      input: [5, 5, 16],
      params: { units: 120 },
      code: 'wrong-rank',
      message:
        /^Dense "layer": expects a 2-D input, a flat vector \(batch, features\), but it is 4-D \(batch×5×5×16\)$/,
      fix: 'Insert a Flatten before it',
    },
    {
      why: 'a 3-D sequence',
      input: [4, 6],
      params: {},
      code: 'wrong-rank',
      message: /but it is 3-D \(batch×4×6\)/,
      fix: 'Insert a Flatten before it',
    },
    {
      why: 'zero units',
      input: [8],
      params: { units: 0 },
      code: 'param-invalid',
      message: /^Dense "layer": units must be a whole number ≥ 1, got 0$/,
      fix: 'Reset units to 10',
    },
    {
      why: 'units as text',
      input: [8],
      params: { units: '10' },
      code: 'param-invalid',
      message: /units must be a whole number ≥ 1, got "10"/,
      fix: 'Reset units to 10',
    },
  ])('$why → $code', ({ input, params, code, message, fix }) => {
    const run = runLayer('Dense', params, [input]);
    expect(run.shape).toBeNull();
    expect(run.diagnostics).toHaveLength(1);
    expect(run.diagnostics[0]).toMatchObject({ code, severity: 'error', fix: { label: fix, nodeId: run.nodeId } });
    expect(run.diagnostics[0].message).toMatch(message);
  });

  it('the Flatten fix gives a valid LeNet head with the right counts', () => {
    const b = new GraphBuilder();
    const x = b.input([5, 5, 16]);
    const fc = b.layer('Dense', { units: 120 }, x, 'f5');
    const out = b.layer('Dense', { units: 10 }, fc, 'out');
    const broken = summarize(b.build());
    // Only the Dense fed a 4-D tensor is blamed, not the one after it.
    expect(broken.diagnostics.map((d) => [d.nodeId, d.code])).toEqual([[fc, 'wrong-rank']]);
    const fixed = summarize(applyFix(b.build(), broken.diagnostics[0].fix!));
    expect(fixed.diagnostics).toEqual([]);
    expect(fixed.layers.map((l) => [l.type, l.outputShape])).toEqual([
      ['InputLayer', [null, 5, 5, 16]],
      ['Flatten', [null, 400]],
      ['Dense', [null, 120]],
      ['Dense', [null, 10]],
    ]);
    expect(fixed.totals.trainableParams).toBe(48_120 + 1210);
    expect(fixed.layers.find((l) => l.nodeId === out)?.macs).toBe(1200);
  });

  it.each([
    [{ units: 120, activation: 'relu' }, '120 relu'],
    [{ units: 10 }, '10'],
  ])('face of %j is %s', (params, text) => {
    expect(layerFace('Dense', params)).toBe(text);
  });
});
