import { describe, expect, it } from 'vitest';
import { runLayer } from './layer-harness';

describe.each(['GlobalAveragePooling2D', 'GlobalMaxPooling2D'])('%s', (type) => {
  it.each([
    { why: 'ResNet head: 7×7×512 becomes 512', input: [7, 7, 512], shape: [null, 512] },
    { why: 'a 1×1 map', input: [1, 1, 3], shape: [null, 3] },
    { why: 'non-square map', input: [5, 9, 16], shape: [null, 16] },
  ])('$why', ({ input, shape }) => {
    const run = runLayer(type, {}, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual(shape);
    expect(run.row).toMatchObject({
      trainableParams: 0,
      nonTrainableParams: 0,
      macs: 0,
      activationBytes: (shape[1] as number) * 4,
    });
  });

  it.each([
    {
      input: [10],
      message: new RegExp(
        `^${type} "layer": expects a 4-D input, a feature map \\(batch, height, width, channels\\), but it is 2-D \\(batch×10\\)$`,
      ),
    },
    { input: [4, 4], message: /but it is 3-D \(batch×4×4\)/ },
  ])('refuses a $input.length-D sample', ({ input, message }) => {
    const run = runLayer(type, {}, [input]);
    expect(run.shape).toBeNull();
    expect(run.diagnostics).toHaveLength(1);
    expect(run.diagnostics[0]).toMatchObject({ code: 'wrong-rank', severity: 'error' });
    expect(run.diagnostics[0].message).toMatch(message);
  });
});
