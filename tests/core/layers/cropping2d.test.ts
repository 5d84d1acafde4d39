import { describe, expect, it } from 'vitest';
import { explainLayer, importOne, layerFace, runLayer } from './layer-harness';

describe('Cropping2D', () => {
  it.each([
    ['the original U-Net crop: 64 − 4 − 4 = 56', { cropping: [4, 4, 4, 4] }, [64, 64, 512], [null, 56, 56, 512]],
    ['each side on its own', { cropping: [0, 2, 3, 1] }, [6, 7, 2], [null, 4, 3, 2]],
    ['the default crops one all round', {}, [5, 5, 1], [null, 3, 3, 1]],
  ])('%s', (_why, params, input, shape) => {
    const run = runLayer('Cropping2D', params, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual(shape);
    expect([run.row.trainableParams, run.row.macs]).toEqual([0, 0]);
  });

  it.each([
    [
      { cropping: [3, 2, 0, 0] },
      [5, 5, 1],
      'empty-output',
      /^Cropping2D "layer": cropping 5 rows from a 5-row input leaves nothing; crop fewer than 5$/,
    ],
    [{ cropping: [0, 0, 4, 4] }, [5, 6, 1], 'empty-output', /cropping 8 columns from a 6-column input leaves nothing/],
    [{ cropping: [1, 1] }, [5, 5, 1], 'param-invalid', /cropping must have at least 4 entries/],
    [{ cropping: [1, -1, 0, 0] }, [5, 5, 1], 'param-invalid', /entries must be ≥ 0/],
  ])('%j on %j → %s', (params, input, code, message) => {
    const run = runLayer('Cropping2D', params, [input]);
    expect(run.shape).toBeNull();
    expect(run.diagnostics.map((d) => d.code)).toEqual([code]);
    expect(run.diagnostics[0].message).toMatch(message);
  });

  it('explains and shows its cropping', () => {
    expect(explainLayer('Cropping2D', { cropping: [4, 4, 2, 0] }, [[64, 30, 8]])).toEqual([
      'height: 64 − 4 − 4 = 56',
      'width: 30 − 2 − 0 = 28',
      'depth: 8 (cropping keeps the channels)',
    ]);
    expect(layerFace('Cropping2D', { cropping: [2, 2, 2, 2] })).toBe('2');
    expect(layerFace('Cropping2D', { cropping: [0, 1, 2, 3] })).toBe('0,1,2,3');
  });

  it.each([
    [{ cropping: 2 }, [2, 2, 2, 2]],
    [{ cropping: [1, 3] }, [1, 1, 3, 3]],
    [
      {
        cropping: [
          [0, 1],
          [2, 3],
        ],
      },
      [0, 1, 2, 3],
    ],
    [{}, [0, 0, 0, 0]],
  ])('imports %j as %j', (config, cropping) => {
    expect(importOne('Cropping2D', config, [9, 9, 1])).toEqual({ cropping });
  });
});
