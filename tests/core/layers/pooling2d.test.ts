import { describe, expect, it } from 'vitest';
import { explainLayer, layerFace, runLayer } from './layer-harness';

describe.each(['MaxPooling2D', 'AveragePooling2D'])('%s', (type) => {
  it.each([
    { why: 'LeNet S2: 2×2/2 halves 28 to 14', input: [28, 28, 6], params: {}, shape: [null, 14, 14, 6] },
    {
      why: 'AlexNet overlapping 3×3/2 on 55 gives 27',
      input: [55, 55, 96],
      params: { poolSize: [3, 3], strides: [2, 2] },
      shape: [null, 27, 27, 96],
    },
    {
      why: '"same" on an odd size rounds up: ⌈7 / 2⌉ = 4',
      input: [7, 7, 3],
      params: { padding: 'same' },
      shape: [null, 4, 4, 3],
    },
    {
      why: '3×3 stride 1 "same" keeps the size',
      input: [5, 5, 2],
      params: { poolSize: [3, 3], strides: [1, 1], padding: 'same' },
      shape: [null, 5, 5, 2],
    },
    {
      why: 'non-square window',
      input: [8, 6, 1],
      params: { poolSize: [4, 2], strides: [4, 2] },
      shape: [null, 2, 3, 1],
    },
  ])('$why', ({ input, params, shape }) => {
    const run = runLayer(type, params, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual(shape);
    // Pooling has no weights and, by torchvision's convention, no MACs.
    expect(run.row).toMatchObject({ trainableParams: 0, nonTrainableParams: 0, macs: 0 });
  });

  it('warns that 2×2/2 on 7 drops the last row and column, and still gives 3', () => {
    const run = runLayer(type, {}, [[7, 7, 3]], 'pool1');
    expect(run.shape).toEqual([null, 3, 3, 3]);
    // One warning for one cause, both axes in it, with the lecture's three repairs and the size each gives.
    expect(run.diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`)).toEqual([
      `warning uneven-stride: ${type} "pool1": (7 − 2) / 2 + 1 = 3.50 along height and width: the last row and column are dropped`,
    ]);
    const [d] = run.diagnostics;
    expect([d.fix, ...(d.alternatives ?? [])].map((f) => f?.label)).toEqual([
      'Pad to fit (padding "same") → 4×4',
      'Stride 1 → 6×6',
      'Pool window 3×3 → 3×3',
    ]);
  });

  it.each([
    {
      why: 'window larger than the map',
      input: [1, 1, 8],
      params: {},
      code: 'kernel-too-large',
      message: /^\w+ "layer": 2×2 pool window does not fit a 1×1 input with padding "valid"$/,
    },
    {
      why: 'zero window',
      input: [8, 8, 1],
      params: { poolSize: [0, 2] },
      code: 'param-invalid',
      message: /poolSize must be two whole numbers ≥ 1, got \[0,2\]/,
    },
    {
      why: 'a flat input',
      input: [16],
      params: {},
      code: 'wrong-rank',
      message: /expects a 4-D input, a feature map .* but it is 2-D \(batch×16\)/,
    },
  ])('$why → $code', ({ input, params, code, message }) => {
    const run = runLayer(type, params, [input]);
    expect(run.shape).toBeNull();
    expect(run.diagnostics).toHaveLength(1);
    expect(run.diagnostics[0]).toMatchObject({ code, severity: 'error' });
    expect(run.diagnostics[0].message).toMatch(message);
    expect(run.diagnostics[0].message.startsWith(`${type} "layer": `)).toBe(true);
  });

  it('explains the arithmetic', () => {
    expect(explainLayer(type, {}, [[28, 28, 6]])).toEqual([
      'height: (28 − 2 + 2·0) / 2 + 1 = 14',
      'width: (28 − 2 + 2·0) / 2 + 1 = 14',
      'depth: 6 (pooling keeps the channels)',
    ]);
  });

  it.each([
    [{}, '2×2'],
    [{ poolSize: [3, 3], strides: [2, 2] }, '3×3 /2'],
    [{ padding: 'same' }, '2×2 same'],
  ])('face of %j is %s', (params, text) => {
    expect(layerFace(type, params)).toBe(text);
  });
});
