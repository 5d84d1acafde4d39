import { describe, expect, it } from 'vitest';
import { bool, float, int, intList, intPair, oneOf } from '../../../core/layers/layer-spec';
import { checkParams, checkParamValue, defaultParams, paramLabel, resolveParams } from '../../../core/layers/params';

describe('parameter checks quote the bad value', () => {
  it.each([
    [int({ min: 1, default: 32 }), 0, 'must be a whole number ≥ 1, got 0'],
    [int({ min: -4, max: 3, default: -1 }), 4, 'must be a whole number from -4 to 3, got 4'],
    [int({ default: 0 }), 1.5, 'must be a whole number, got 1.5'],
    [float({ min: 0, max: 1, maxExclusive: true, default: 0.5 }), 1, 'must be a number from 0 to below 1, got 1'],
    [float({ min: 0, default: 1 }), Number.NaN, 'must be a number ≥ 0, got NaN'],
    [float({ max: 1, maxExclusive: true, default: 0 }), 2, 'must be a number < 1, got 2'],
    [intPair({ min: 1, default: [1, 1] }), [1, 0], 'must be two whole numbers ≥ 1, got [1,0]'],
    [intPair({ min: 1, default: [1, 1] }), 3, 'must be two whole numbers ≥ 1, got 3'],
    [intList({ min: 1, minLength: 1, default: [1] }), 'abc', 'must be a list of whole numbers, got "abc"'],
    [oneOf(['valid', 'same'], 'valid'), 'full', 'must be one of "valid", "same", got "full"'],
    [bool(true), 'true', 'must be true or false, got "true"'],
  ])('%j refuses %j', (spec, value, reason) => {
    expect(checkParamValue(spec, value)).toBe(reason);
  });

  it.each([
    [int({ min: 1, default: 32 }), 1],
    [float({ default: null, nullable: true, min: 0 }), null],
    [float({ min: 0, max: 1, default: 0.5 }), 1],
    [intList({ min: 1, allowInferred: true, default: [-1] }), [-1, 4]],
    [intPair({ min: 1, max: 1, default: [1, 1] }), [1, 1]],
  ])('%j accepts %j', (spec, value) => {
    expect(checkParamValue(spec, value)).toBeNull();
  });

  it('resolveParams fills defaults (copied) and drops unknown keys; checkParams lists every bad one', () => {
    const specs = {
      kernelSize: intPair({ min: 1, default: [3, 3] }),
      filters: int({ min: 1, default: 32 }),
      useBias: bool(true),
    };
    const resolved = resolveParams(specs, { filters: 0, extra: 1, useBias: 'no' });
    expect(resolved).toEqual({ kernelSize: [3, 3], filters: 0, useBias: 'no' });
    expect(resolved.kernelSize).not.toBe(specs.kernelSize.default);
    expect(checkParams(specs, resolved).map(([name]) => name)).toEqual(['filters', 'useBias']);
    expect(checkParams(specs, defaultParams(specs))).toEqual([]);
  });

  it('labels come from the name unless given', () => {
    expect(paramLabel('kernelSize', int({ default: 1 }))).toBe('Kernel size');
    expect(paramLabel('alpha', float({ default: 1, label: 'α' }))).toBe('α');
  });
});
