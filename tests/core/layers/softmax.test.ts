import { describe, expect, it } from 'vitest';
import { importOne, runLayer } from './layer-harness';

describe('Softmax', () => {
  it.each([[[10]], [[4, 4, 3]]])('keeps the shape of %j and has no weights', (input) => {
    const run = runLayer('Softmax', {}, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual([null, ...input]);
    expect([run.row.trainableParams, run.row.macs]).toEqual([0, 0]);
  });

  it('imports the last axis however written, and refuses another (tfjs runs softmax over the last only)', () => {
    expect(importOne('Softmax', { axis: -1 }, [10])).toEqual({});
    expect(importOne('Softmax', { axis: 3 }, [4, 4, 3])).toEqual({});
    expect(importOne('Softmax', { axis: [1] }, [10])).toEqual({});
    expect(importOne('Softmax', { axis: 1 }, [4, 4, 3])).toMatch(
      /config\.axis: Softmax "layer": softmax over axis 1 is not supported; NetCanvas works on the last axis/,
    );
  });
});
