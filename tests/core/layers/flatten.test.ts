import { describe, expect, it } from 'vitest';
import { explainLayer, runLayer } from './layer-harness';

describe('Flatten', () => {
  it.each([
    { input: [5, 5, 16], shape: [null, 400], explain: '5 × 5 × 16 = 400' },
    { input: [28, 28, 1], shape: [null, 784], explain: '28 × 28 × 1 = 784' },
    { input: [4, 6], shape: [null, 24], explain: '4 × 6 = 24' },
  ])('unrolls $input into $shape', ({ input, shape, explain }) => {
    const run = runLayer('Flatten', {}, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual(shape);
    expect(run.row).toMatchObject({ trainableParams: 0, nonTrainableParams: 0, macs: 0 });
    expect(explainLayer('Flatten', {}, [input])).toEqual([explain]);
  });

  it('refuses an input that is already flat (tfjs needs at least 3 dimensions)', () => {
    const run = runLayer('Flatten', {}, [[10]], 'flat');
    expect(run.shape).toBeNull();
    expect(run.diagnostics).toHaveLength(1);
    expect(run.diagnostics[0]).toMatchObject({ code: 'wrong-rank', severity: 'error' });
    expect(run.diagnostics[0].message).toMatch(
      /^Flatten "flat": expects an input of at least 3 dimensions, .* but it is 2-D \(batch×10\)$/,
    );
    // Its one-click fix removes it, so a design retargeted to flat data never ends in an error without a fix.
    expect(run.diagnostics[0].fix).toMatchObject({
      label: 'Remove it: its input is already flat',
      edit: { kind: 'remove' },
    });
  });
});
