import { describe, expect, it } from 'vitest';
import { explainLayer, importOne, layerFace, runLayer } from './layer-harness';

describe('UpSampling2D', () => {
  it.each([
    [{}, [14, 14, 64], [null, 28, 28, 64]],
    [{ size: [2, 3], interpolation: 'bilinear' }, [3, 4, 2], [null, 6, 12, 2]],
    [{ size: [1, 1] }, [5, 5, 1], [null, 5, 5, 1]],
  ])('%j on %j gives %j, with no weights and no MACs', (params, input, shape) => {
    const run = runLayer('UpSampling2D', params, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual(shape);
    expect([run.row.trainableParams, run.row.nonTrainableParams, run.row.macs]).toEqual([0, 0, 0]);
  });

  it.each([
    [{ size: [0, 2] }, [4, 4, 1], 'param-invalid', /size must be two whole numbers ≥ 1, got \[0,2\]/],
    [{ interpolation: 'bicubic' }, [4, 4, 1], 'param-invalid', /interpolation must be one of "nearest", "bilinear"/],
    [{}, [16], 'wrong-rank', /^UpSampling2D "layer": expects a 4-D input/],
  ])('%j on %j → %s', (params, input, code, message) => {
    const run = runLayer('UpSampling2D', params, [input]);
    expect(run.diagnostics.map((d) => d.code)).toEqual([code]);
    expect(run.diagnostics[0].message).toMatch(message);
  });

  it('explains and shows its factor', () => {
    expect(explainLayer('UpSampling2D', { size: [2, 3] }, [[14, 7, 8]])).toEqual([
      'height: 14 × 2 = 28',
      'width: 7 × 3 = 21',
      'depth: 8 (up-sampling keeps the channels)',
    ]);
    expect(layerFace('UpSampling2D', {})).toBe('×2 nearest');
    expect(layerFace('UpSampling2D', { size: [2, 3], interpolation: 'bilinear' })).toBe('×2×3 bilinear');
  });

  it('imports size and interpolation, refusing methods tfjs lacks', () => {
    expect(importOne('UpSampling2D', { size: 3 }, [4, 4, 1])).toEqual({ size: [3, 3], interpolation: 'nearest' });
    expect(importOne('UpSampling2D', { size: [2, 2], interpolation: 'bilinear' }, [4, 4, 1])).toEqual({
      size: [2, 2],
      interpolation: 'bilinear',
    });
    expect(importOne('UpSampling2D', { interpolation: 'area' }, [4, 4, 1])).toMatch(
      /config\.interpolation: UpSampling2D "layer": "area" is not supported; NetCanvas offers "nearest", "bilinear"/,
    );
  });
});
