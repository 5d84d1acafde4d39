import { describe, expect, it } from 'vitest';
import { layerFace, runLayer } from './layer-harness';

describe('Reshape', () => {
  it.each([
    {
      why: 'a flat MNIST vector back to an image',
      input: [784],
      params: { targetShape: [28, 28, 1] },
      shape: [null, 28, 28, 1],
    },
    { why: '-1 takes everything', input: [4, 4, 2], params: { targetShape: [-1] }, shape: [null, 32] },
    { why: '-1 takes what is left', input: [8, 8, 3], params: { targetShape: [-1, 3] }, shape: [null, 64, 3] },
    { why: '-1 first or last', input: [12], params: { targetShape: [3, -1] }, shape: [null, 3, 4] },
  ])('$why', ({ input, params, shape }) => {
    const run = runLayer('Reshape', params, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual(shape);
    expect(run.row).toMatchObject({ trainableParams: 0, nonTrainableParams: 0, macs: 0 });
  });

  it.each([
    {
      why: 'a different number of values',
      input: [10],
      targetShape: [3, 3],
      code: 'reshape-mismatch',
      message: /^Reshape "layer": target \[3, 3\] holds 9 values but the input 10 has 10$/,
    },
    {
      why: 'a feature map into too few values',
      input: [4, 4, 3],
      targetShape: [7, 7],
      code: 'reshape-mismatch',
      message: /target \[7, 7\] holds 49 values but the input 4×4×3 has 48/,
    },
    {
      why: '-1 with a remainder',
      input: [10],
      targetShape: [3, -1],
      code: 'reshape-mismatch',
      message: /^Reshape "layer": cannot fit 10 values into \[3, -1\]: 10 is not a multiple of 3$/,
    },
    {
      why: 'two -1 entries',
      input: [12],
      targetShape: [-1, -1],
      code: 'param-invalid',
      message: /targetShape may use -1 for at most one entry, got \[-1,-1\]/,
    },
    {
      why: 'a zero entry',
      input: [12],
      targetShape: [0, 12],
      code: 'param-invalid',
      message: /targetShape entries must be ≥ 1, got \[0,12\]/,
    },
    {
      why: 'an empty shape',
      input: [12],
      targetShape: [],
      code: 'param-invalid',
      message: /targetShape must have at least 1 entries, got \[\]/,
    },
    {
      why: 'four axes',
      input: [16],
      targetShape: [1, 2, 2, 4],
      code: 'param-invalid',
      message: /targetShape must have at most 3 entries/,
    },
    {
      why: 'fractions',
      input: [12],
      targetShape: [1.5, 8],
      code: 'param-invalid',
      message: /targetShape must be a list of whole numbers, got \[1\.5,8\]/,
    },
  ])('$why → $code', ({ input, targetShape, code, message }) => {
    const run = runLayer('Reshape', { targetShape }, [input]);
    expect(run.shape).toBeNull();
    expect(run.diagnostics).toHaveLength(1);
    expect(run.diagnostics[0]).toMatchObject({ code, severity: 'error' });
    expect(run.diagnostics[0].message).toMatch(message);
  });

  it('face shows -1 as ?', () => {
    expect(layerFace('Reshape', { targetShape: [-1, 3] })).toBe('?×3');
  });
});
