import { describe, expect, it } from 'vitest';
import { runLayer } from './layer-harness';

// Keras: γ and β are trainable (C each), the moving mean and variance are not (2·C).
describe('BatchNormalization', () => {
  it.each([
    { why: 'after a 64-channel conv', input: [8, 8, 64], params: {}, trainable: 128, nonTrainable: 128 },
    { why: 'after a Dense layer', input: [10], params: {}, trainable: 20, nonTrainable: 20 },
    { why: 'without the shift β', input: [4, 4, 32], params: { center: false }, trainable: 32, nonTrainable: 64 },
    {
      why: 'without β and γ',
      input: [4, 4, 32],
      params: { center: false, scale: false },
      trainable: 0,
      nonTrainable: 64,
    },
  ])('$why', ({ input, params, trainable, nonTrainable }) => {
    const run = runLayer('BatchNormalization', params, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual([null, ...input]);
    expect(run.row).toMatchObject({ trainableParams: trainable, nonTrainableParams: nonTrainable, macs: 0 });
  });

  it.each([
    { params: { momentum: 2 }, message: /^BatchNormalization "layer": momentum must be a number from 0 to 1, got 2$/ },
    { params: { epsilon: -1 }, message: /epsilon must be a number ≥ 0, got -1/ },
    { params: { center: 1 }, message: /center must be true or false, got 1/ },
  ])('$params → param-invalid', ({ params, message }) => {
    const run = runLayer('BatchNormalization', params, [[8, 8, 4]]);
    expect(run.shape).toBeNull();
    expect(run.diagnostics).toHaveLength(1);
    expect(run.diagnostics[0].code).toBe('param-invalid');
    expect(run.diagnostics[0].message).toMatch(message);
  });
});
