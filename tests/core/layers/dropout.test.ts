import { describe, expect, it } from 'vitest';
import { layerFace, runLayer } from './layer-harness';

describe('Dropout', () => {
  it.each([
    { input: [4096], rate: 0.5 },
    { input: [8, 8, 16], rate: 0 },
    { input: [4, 6], rate: 0.99 },
  ])('keeps $input at rate $rate, no weights', ({ input, rate }) => {
    const run = runLayer('Dropout', { rate }, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual([null, ...input]);
    expect(run.row).toMatchObject({ trainableParams: 0, nonTrainableParams: 0, macs: 0 });
  });

  it.each([
    { rate: 1, message: /^Dropout "layer": rate must be a number from 0 to below 1, got 1$/ },
    { rate: -0.1, message: /rate must be a number from 0 to below 1, got -0\.1/ },
    { rate: '0.5', message: /rate must be a number from 0 to below 1, got "0\.5"/ },
  ])('rate $rate → param-invalid', ({ rate, message }) => {
    const run = runLayer('Dropout', { rate }, [[10]]);
    expect(run.shape).toBeNull();
    expect(run.diagnostics).toHaveLength(1);
    expect(run.diagnostics[0]).toMatchObject({ code: 'param-invalid', fix: { label: 'Reset rate to 0.5' } });
    expect(run.diagnostics[0].message).toMatch(message);
  });

  it('face is the rate', () => expect(layerFace('Dropout', { rate: 0.25 })).toBe('0.25'));
});
