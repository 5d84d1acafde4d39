import { describe, expect, it } from 'vitest';
import { effectiveKernel, explainWindowAxis, samePadding, windowOutputLength } from '../../../core/layers/window-math';

describe('sliding-window arithmetic', () => {
  it.each([
    // n, k, s, padding, d → out (Keras: valid ⌊(n − k′)/s⌋ + 1, same ⌈n/s⌉)
    [32, 5, 1, 'valid', 1, 28],
    [227, 11, 4, 'valid', 1, 55],
    [7, 3, 3, 'valid', 1, 2],
    [7, 3, 2, 'same', 1, 4],
    [8, 1, 3, 'same', 1, 3],
    [2, 3, 1, 'same', 1, 2],
    [32, 3, 1, 'valid', 2, 28],
    [32, 3, 1, 'valid', 4, 24],
    [null, 3, 1, 'valid', 1, null],
  ] as const)('n=%s k=%s s=%s %s d=%s → %s', (n, k, s, padding, d, out) => {
    expect(windowOutputLength(n, k, s, padding, d)).toBe(out);
  });

  it('dilation spreads the kernel: (k − 1)·d + 1', () => {
    expect(effectiveKernel(3, 1)).toBe(3);
    expect(effectiveKernel(3, 2)).toBe(5);
    expect(effectiveKernel(5, 3)).toBe(13);
  });

  it.each([
    // TensorFlow puts the odd zero after: total = max((out − 1)·s + k − n, 0).
    [7, 3, 2, [1, 1]],
    [8, 3, 2, [0, 1]],
    [224, 7, 2, [2, 3]],
    [8, 1, 3, [0, 0]],
    [5, 3, 1, [1, 1]],
  ] as const)('"same" pads n=%s k=%s s=%s with %j', (n, k, s, pads) => {
    expect(samePadding(n, k, s)).toEqual(pads);
  });

  it.each([
    [[32, 5, 1, 'valid'], '(32 − 5 + 2·0) / 1 + 1 = 28'],
    [[28, 2, 2, 'valid'], '(28 − 2 + 2·0) / 2 + 1 = 14'],
    [[7, 3, 3, 'valid'], '(7 − 3 + 2·0) / 3 + 1 = 2.33 → 2'],
    [[224, 7, 2, 'same'], '(224 − 7 + 2 + 3) / 2 + 1 = 112  (padding "same": ⌈224 / 2⌉)'],
    [[null, 3, 1, 'valid'], 'unknown until run time'],
  ] as const)('explains %j as %s', ([n, k, s, padding], text) => {
    expect(explainWindowAxis(n, k, s, padding)).toBe(text);
  });

  it('every "same" explanation is arithmetic that checks out', () => {
    for (let n = 1; n <= 12; n++)
      for (let k = 1; k <= 5; k++)
        for (let s = 1; s <= 4; s++) {
          const text = explainWindowAxis(n, k, s, 'same');
          const [, before, after, result] =
            text.match(/^\(\d+ − \d+ \+ (?:2·(\d+)|(\d+) \+ \d+)\) \/ \d+ \+ 1 = ([\d.]+)/) ?? [];
          expect(result, text).toBeDefined();
          const [b, a] = samePadding(n, k, s);
          if (before !== undefined) expect(Number(before)).toBe(b);
          if (after !== undefined) expect(Number(after)).toBe(b);
          expect(Number(result)).toBeCloseTo((n - k + b + a) / s + 1, 2);
        }
  });
});
