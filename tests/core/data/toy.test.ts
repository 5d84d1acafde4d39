import { describe, expect, it } from 'vitest';
import { classCounts } from '../../../core/data/dataset';
import { MODES_CENTRES, TOY_DATASET_NAMES, toyDataset, toyLabel } from '../../../core/data/toy';

describe.each(TOY_DATASET_NAMES)('toy:%s', (name) => {
  const data = toyDataset(name, { trainCount: 1000, testCount: 301, seed: 5 });

  it('has 2-D inputs, two classes and balanced counts', () => {
    expect(data.name).toBe(`toy:${name}`);
    expect(data.inputShape).toEqual([2]);
    expect(data.classNames).toHaveLength(2);
    expect(data.train.images).toBeInstanceOf(Float32Array);
    expect(classCounts(data.train, 2)).toEqual([500, 500]);
    expect(classCounts(data.test, 2)).toEqual([151, 150]);
  });

  it('labels every point by its rule and keeps points in [-3, 3]²', () => {
    for (const split of [data.train, data.test]) {
      for (let i = 0; i < split.count; i++) {
        const x = split.images[2 * i];
        const y = split.images[2 * i + 1];
        expect(Math.abs(x)).toBeLessThanOrEqual(3);
        expect(Math.abs(y)).toBeLessThanOrEqual(3);
        expect(split.labels[i]).toBe(toyLabel(name, x, y));
      }
    }
  });

  it('mixes the classes rather than listing them in blocks', () => {
    const firstHundred = Array.from(data.train.labels.subarray(0, 100));
    expect(firstHundred.filter((label) => label === 1).length).toBeGreaterThan(30);
    expect(firstHundred.filter((label) => label === 1).length).toBeLessThan(70);
    expect(firstHundred.join('')).not.toBe('01'.repeat(50));
  });

  it('repeats for a seed, differs across seeds, and keeps test points when the training count changes', () => {
    const again = toyDataset(name, { trainCount: 1000, testCount: 301, seed: 5 });
    expect(Array.from(again.train.images)).toEqual(Array.from(data.train.images));
    expect(Array.from(toyDataset(name, { trainCount: 1000, testCount: 301, seed: 6 }).train.images)).not.toEqual(
      Array.from(data.train.images),
    );
    const moreTraining = toyDataset(name, { trainCount: 50, testCount: 301, seed: 5 });
    expect(Array.from(moreTraining.test.images)).toEqual(Array.from(data.test.images));
  });
});

describe('toyLabel', () => {
  it.each([
    ['quadrants', 1, 1, 1],
    ['quadrants', -1, -2, 1],
    ['quadrants', -1, 2, 0],
    ['quadrants', 0.5, -0.1, 0],
    ['ring', 0, 0, 0],
    ['ring', 1, 0, 1],
    ['ring', 0, -2, 1],
    ['ring', 1.2, 1.2, 1],
    ['ring', 2.5, 0, 0],
    ['ring', 0.6, 0.6, 0],
    ['modes', 0, 0, 0],
    ['modes', 0, 1.8, 1],
    ['modes', 0, 2.7, 0],
    ['modes', -3, -3, 0],
  ] as const)('%s (%d, %d) is class %d', (name, x, y, expected) => {
    expect(toyLabel(name, x, y)).toBe(expected);
  });

  it('puts the modes discs 120° apart on a circle of radius 1.8', () => {
    for (const [cx, cy] of MODES_CENTRES) {
      expect(Math.hypot(cx, cy)).toBeCloseTo(1.8, 12);
      expect(toyLabel('modes', cx, cy)).toBe(1);
    }
    const [a, b] = MODES_CENTRES;
    expect(Math.hypot(a[0] - b[0], a[1] - b[1])).toBeCloseTo(1.8 * Math.sqrt(3), 12);
  });
});

describe('toyDataset', () => {
  it('defaults to 2000 training and 1000 test points', () => {
    const data = toyDataset('ring');
    expect([data.train.count, data.test.count]).toEqual([2000, 1000]);
  });

  it('refuses counts below two', () => {
    expect(() => toyDataset('ring', { trainCount: 1 })).toThrow('trainCount must be an integer ≥ 2, got 1');
    expect(() => toyDataset('ring', { testCount: 2.5 })).toThrow(RangeError);
  });
});

/**
 * Training accuracy of the best logistic regression on the given features,
 * fitted by Newton's method (exact for this convex problem in a few steps; a
 * touch of L2 keeps the weights finite when the classes separate).
 */
function logisticAccuracy(features: number[][], labels: Int32Array): number {
  const rows = features.map((f) => [...f, 1]);
  const size = rows[0].length;
  let weights = new Array<number>(size).fill(0);
  const score = (row: number[]) => row.reduce((sum, value, d) => sum + value * weights[d], 0);
  for (let step = 0; step < 30; step++) {
    const gradient = weights.map((w) => 1e-3 * w);
    const hessian = Array.from({ length: size }, (_, a) =>
      Array.from({ length: size }, (_, b) => (a === b ? 1e-3 : 0)),
    );
    rows.forEach((row, i) => {
      const p = 1 / (1 + Math.exp(-score(row)));
      for (let a = 0; a < size; a++) {
        gradient[a] += (p - labels[i]) * row[a];
        for (let b = 0; b < size; b++) hessian[a][b] += p * (1 - p) * row[a] * row[b];
      }
    });
    weights = weights.map((w, d) => w - solve(hessian, gradient)[d]);
  }
  return rows.filter((row, i) => (score(row) > 0 ? 1 : 0) === labels[i]).length / rows.length;
}

/** Solves the small linear system `matrix · x = vector` by Gaussian elimination with partial pivoting. */
function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const m = matrix.map((row, i) => [...row, vector[i]]);
  for (let col = 0; col < n; col++) {
    const pivot = m
      .slice(col)
      .reduce((best, row, k) => (Math.abs(row[col]) > Math.abs(m[best][col]) ? col + k : best), col);
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let row = col + 1; row < n; row++) {
      const factor = m[row][col] / m[col][col];
      for (let k = col; k <= n; k++) m[row][k] -= factor * m[col][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    let sum = m[row][n];
    for (let k = row + 1; k < n; k++) sum -= m[row][k] * x[k];
    x[row] = sum / m[row][row];
  }
  return x;
}

describe('the lecture point: no straight line separates the toy sets', () => {
  it.each([
    ['quadrants', (x: number, y: number) => [x * y]],
    // A band 1 ≤ r ≤ 2 is where a parabola in r is positive, so it needs r and r² together.
    ['ring', (x: number, y: number) => [Math.hypot(x, y), x * x + y * y]],
  ] as const)('%s: a linear classifier stays near chance, one nonlinear feature separates it', (name, feature) => {
    const { train } = toyDataset(name, { trainCount: 1000, seed: 1 });
    const points = Array.from({ length: train.count }, (_, i) => [train.images[2 * i], train.images[2 * i + 1]]);
    expect(logisticAccuracy(points, train.labels)).toBeLessThan(0.65);
    expect(
      logisticAccuracy(
        points.map(([x, y]) => feature(x, y)),
        train.labels,
      ),
    ).toBeGreaterThan(0.95);
  });
});

describe('modes', () => {
  it('defeats a linear classifier too', () => {
    const { train } = toyDataset('modes', { trainCount: 1000, seed: 1 });
    const points = Array.from({ length: train.count }, (_, i) => [train.images[2 * i], train.images[2 * i + 1]]);
    expect(logisticAccuracy(points, train.labels)).toBeLessThan(0.65);
  });
});
