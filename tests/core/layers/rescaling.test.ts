import { describe, expect, it } from 'vitest';
import { importOne, layerFace, runLayer } from './layer-harness';

describe('Rescaling', () => {
  it.each([
    [{}, [32, 32, 3]],
    [{ scale: 1 / 127.5, offset: -1 }, [10]],
  ])('%j keeps the %j shape and has no weights', (params, input) => {
    const run = runLayer('Rescaling', params, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual([null, ...input]);
    expect([run.row.trainableParams, run.row.nonTrainableParams, run.row.macs]).toEqual([0, 0, 0]);
  });

  it('refuses a scale that is not a number', () => {
    const run = runLayer('Rescaling', { scale: 'half' }, [[4]]);
    expect(run.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['param-invalid', 'Rescaling "layer": scale must be a number, got "half"'],
    ]);
  });

  it('shows the scale as a fraction where it is one', () => {
    expect(layerFace('Rescaling', {})).toBe('×1/255');
    expect(layerFace('Rescaling', { scale: 1 / 127.5, offset: -1 })).toBe('×0.00784313725490196 − 1');
    expect(layerFace('Rescaling', { scale: 2, offset: 0.5 })).toBe('×2 + 0.5');
  });

  it('imports Keras 2.6+ configs; one scale per channel is refused', () => {
    expect(importOne('Rescaling', { scale: 0.00392156862745098, offset: 0.0 }, [8, 8, 3])).toEqual({
      scale: 0.00392156862745098,
      offset: 0,
    });
    expect(importOne('Rescaling', { scale: 2 }, [8])).toEqual({ scale: 2, offset: 0 });
    expect(importOne('Rescaling', { scale: [1, 2, 3], offset: 0 }, [8, 8, 3])).toMatch(
      /config\.scale: Rescaling "layer": expected a number, got \[1,2,3\]/,
    );
  });
});
