import { describe, expect, it } from 'vitest';
import { explainLayer, layerFace, runLayer } from './layer-harness';

// One kH×kW kernel per input channel and multiplier: params = kH·kW·C·m (+ C·m biases),
// MACs = outH·outW·C·m·kH·kW.
describe('DepthwiseConv2D shape, parameters and MACs', () => {
  it.each([
    { why: '3×3 valid', input: [32, 32, 3], params: {}, shape: [null, 30, 30, 3], trainable: 30, macs: 24_300 },
    {
      why: 'MobileNet v1 first depthwise layer (3.61 M MACs)',
      input: [112, 112, 32],
      params: { padding: 'same', useBias: false },
      shape: [null, 112, 112, 32],
      trainable: 288,
      macs: 3_612_672,
    },
    {
      why: 'multiplier 2, stride 2 "same" on an odd size',
      input: [7, 7, 4],
      params: { depthMultiplier: 2, strides: [2, 2], padding: 'same' },
      shape: [null, 4, 4, 8],
      trainable: 80,
      macs: 1152,
    },
    {
      why: 'stride 2 valid',
      input: [9, 9, 2],
      params: { strides: [2, 2] },
      shape: [null, 4, 4, 2],
      trainable: 20,
      macs: 288,
    },
  ])('$why', ({ input, params, shape, trainable, macs }) => {
    const run = runLayer('DepthwiseConv2D', params, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual(shape);
    expect(run.row).toMatchObject({ trainableParams: trainable, nonTrainableParams: 0, macs });
  });

  it.each([
    {
      why: 'kernel larger than the input',
      input: [2, 2, 3],
      params: {},
      code: 'kernel-too-large',
      message: /^DepthwiseConv2D "layer": 3×3 kernel does not fit a 2×2 input with padding "valid"$/,
    },
    {
      why: 'dilation, which tfjs 4.22 silently ignores here',
      input: [16, 16, 3],
      params: { dilationRate: [2, 2] },
      code: 'param-invalid',
      message: /^DepthwiseConv2D "layer": dilationRate must be two whole numbers from 1 to 1, got \[2,2\]$/,
    },
    {
      why: 'multiplier 0',
      input: [8, 8, 3],
      params: { depthMultiplier: 0 },
      code: 'param-invalid',
      message: /depthMultiplier must be a whole number ≥ 1, got 0/,
    },
    {
      why: 'a flat input',
      input: [12],
      params: {},
      code: 'wrong-rank',
      message: /expects a 4-D input.* but it is 2-D \(batch×12\)/,
    },
  ])('$why → $code', ({ input, params, code, message }) => {
    const run = runLayer('DepthwiseConv2D', params, [input]);
    expect(run.shape).toBeNull();
    expect(run.diagnostics).toHaveLength(1);
    expect(run.diagnostics[0]).toMatchObject({ code, severity: 'error' });
    expect(run.diagnostics[0].message).toMatch(message);
  });

  it('warns when the stride drops a row and a column', () => {
    const run = runLayer('DepthwiseConv2D', { strides: [2, 2] }, [[8, 8, 1]]);
    expect(run.shape).toEqual([null, 3, 3, 1]);
    expect(run.diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'uneven-stride',
        'DepthwiseConv2D "layer": (8 − 3) / 2 + 1 = 3.50 along height and width: the last row and column are dropped',
      ],
    ]);
  });

  it('explains the arithmetic and keeps the channel count in words', () => {
    expect(explainLayer('DepthwiseConv2D', { depthMultiplier: 2 }, [[32, 32, 3]])).toEqual([
      'height: (32 − 3 + 2·0) / 1 + 1 = 30',
      'width: (32 − 3 + 2·0) / 1 + 1 = 30',
      'depth: 3 channels × 2',
    ]);
    expect(layerFace('DepthwiseConv2D', { depthMultiplier: 2, strides: [2, 2], padding: 'same' })).toBe(
      '3×3 ×2 /2 same',
    );
  });
});
