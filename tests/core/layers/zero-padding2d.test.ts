import { describe, expect, it } from 'vitest';
import { layerFace, runLayer } from './layer-harness';

describe('ZeroPadding2D', () => {
  it.each([
    { why: 'one pixel all round', input: [28, 28, 1], padding: [1, 1, 1, 1], shape: [null, 30, 30, 1] },
    { why: 'top, bottom, left, right', input: [5, 5, 2], padding: [1, 2, 3, 4], shape: [null, 8, 12, 2] },
    { why: 'nothing', input: [3, 3, 3], padding: [0, 0, 0, 0], shape: [null, 3, 3, 3] },
  ])('$why', ({ input, padding, shape }) => {
    const run = runLayer('ZeroPadding2D', { padding }, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual(shape);
    expect(run.row).toMatchObject({ trainableParams: 0, nonTrainableParams: 0, macs: 0 });
  });

  it.each([
    {
      params: { padding: [-1, 0, 0, 0] },
      input: [4, 4, 1],
      code: 'param-invalid',
      message: /^ZeroPadding2D "layer": padding entries must be ≥ 0, got \[-1,0,0,0\]$/,
    },
    {
      params: { padding: [1, 1] },
      input: [4, 4, 1],
      code: 'param-invalid',
      message: /padding must have at least 4 entries, got \[1,1\]/,
    },
    {
      params: {},
      input: [16],
      code: 'wrong-rank',
      message: /expects a 4-D input, a feature map .* but it is 2-D \(batch×16\)/,
    },
  ])('$params on $input → $code', ({ params, input, code, message }) => {
    const run = runLayer('ZeroPadding2D', params, [input]);
    expect(run.shape).toBeNull();
    expect(run.diagnostics).toHaveLength(1);
    expect(run.diagnostics[0].code).toBe(code);
    expect(run.diagnostics[0].message).toMatch(message);
  });

  it('face is one number when all sides agree', () => {
    expect(layerFace('ZeroPadding2D', { padding: [2, 2, 2, 2] })).toBe('2');
    expect(layerFace('ZeroPadding2D', { padding: [1, 2, 3, 4] })).toBe('1,2,3,4');
  });
});
