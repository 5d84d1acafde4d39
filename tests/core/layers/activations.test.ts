import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../../../core/layers/layer-spec';
import { layerFace, runLayer } from './layer-harness';

describe.each([
  ['Activation', { activation: 'softmax' }],
  ['ReLU', {}],
  ['ReLU', { maxValue: 6 }],
  ['LeakyReLU', { alpha: 0.1 }],
  ['ELU', { alpha: 1 }],
])('%s %j', (type, params) => {
  it.each([[[10]], [[4, 6]], [[8, 8, 3]]])('keeps the shape of %j and has no weights', (input) => {
    const run = runLayer(type, params, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual([null, ...input]);
    expect(run.row).toMatchObject({ trainableParams: 0, nonTrainableParams: 0, macs: 0 });
  });
});

describe('activation layer problems', () => {
  it.each([
    {
      type: 'Activation',
      params: { activation: 'gelu' },
      message: /^Activation "layer": activation must be one of "linear", .*"swish", got "gelu"$/,
      fix: 'Reset activation to "relu"',
    },
    {
      type: 'ReLU',
      params: { maxValue: -1 },
      message: /^ReLU "layer": maxValue must be a number ≥ 0, got -1$/,
      fix: 'Reset maxValue to null',
    },
    {
      type: 'LeakyReLU',
      params: { alpha: -0.1 },
      message: /^LeakyReLU "layer": alpha must be a number ≥ 0, got -0\.1$/,
      fix: 'Reset alpha to 0.3',
    },
    {
      type: 'LeakyReLU',
      params: { alpha: null },
      message: /alpha must be a number ≥ 0, got null/,
      fix: 'Reset alpha to 0.3',
    },
    {
      type: 'ELU',
      params: { alpha: Number.NaN },
      message: /alpha must be a number from 1 to 1, got NaN$/,
      fix: 'Reset alpha to 1',
    },
    {
      type: 'LeakyReLU',
      params: { alpha: Number.POSITIVE_INFINITY },
      message: /alpha must be a number ≥ 0, got Infinity$/,
      fix: 'Reset alpha to 0.3',
    },
    // tfjs 4.22 implements ELU only with α = 1.
    {
      type: 'ELU',
      params: { alpha: 0.5 },
      message: /^ELU "layer": alpha must be a number from 1 to 1, got 0\.5$/,
      fix: 'Reset alpha to 1',
    },
  ])('$type $params → param-invalid', ({ type, params, message, fix }) => {
    const run = runLayer(type, params, [[10]]);
    expect(run.shape).toBeNull();
    expect(run.diagnostics).toHaveLength(1);
    expect(run.diagnostics[0]).toMatchObject({ code: 'param-invalid', severity: 'error', fix: { label: fix } });
    expect(run.diagnostics[0].message).toMatch(message);
  });

  it('every activation in ACTIVATIONS is accepted', () => {
    for (const activation of ACTIVATIONS) expect(runLayer('Activation', { activation }, [[4]]).all).toEqual([]);
  });

  it.each([
    ['Activation', { activation: 'tanh' }, 'tanh'],
    ['ReLU', {}, ''],
    ['ReLU', { maxValue: 6 }, '≤ 6'],
    ['LeakyReLU', {}, 'α 0.3'],
    ['ELU', {}, 'α 1'],
  ])('%s %j face is %j', (type, params, text) => {
    expect(layerFace(type, params)).toBe(text);
  });
});
