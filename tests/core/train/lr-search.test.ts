import { describe, expect, it } from 'vitest';
import {
  compareTrials,
  DEFAULT_RATE_RANGE,
  logUniformRates,
  narrowedRange,
  roundSizes,
  searchLearningRate,
  type Trial,
  type TrialOutcome,
} from '../../../core/train/lr-search';
import { mulberry32 } from '../../../core/data/random';

/**
 * A stand-in for a short training run whose validation accuracy peaks at a
 * rate of 0.02 and falls off with the distance in decades, diverging above
 * 0.5: the shape real searches show. The planner's logic is what is tested
 * here; `tests/cli/search.test.ts` runs real training.
 */
function accuracyCurve(learningRate: number): TrialOutcome {
  const decades = Math.abs(Math.log10(learningRate / 0.02));
  if (learningRate > 0.5) return { valAccuracy: NaN, valLoss: NaN, diverged: true, seconds: 0.1 };
  return { valAccuracy: 1 - 0.2 * decades, valLoss: 0.1 + decades, diverged: false, seconds: 0.1 };
}

describe('learning-rate search', () => {
  it('splits the trials two thirds broad, one third narrow', () => {
    expect([1, 2, 3, 6, 10].map(roundSizes)).toEqual([
      [1, 0],
      [2, 0],
      [2, 1],
      [4, 2],
      [7, 3],
    ]);
    expect(() => roundSizes(0)).toThrow('trials must be a whole number ≥ 1, got 0');
  });

  it('draws rates uniformly in log space: as many per decade across the range', () => {
    const rates = logUniformRates(4000, { low: 1e-4, high: 1 }, mulberry32(7));
    const perDecade = [0, 0, 0, 0];
    for (const rate of rates) {
      expect(rate).toBeGreaterThanOrEqual(1e-4);
      expect(rate).toBeLessThanOrEqual(1);
      perDecade[Math.min(3, Math.floor(Math.log10(rate) + 4))]++;
    }
    for (const count of perDecade) expect(count).toBeGreaterThan(900); // 1,000 expected in each
    expect(() => logUniformRates(1, { low: 0, high: 1 }, Math.random)).toThrow(/0 < low ≤ high/);
  });

  it('runs a broad round, then a narrower round around the best, and names the best trial', async () => {
    const seen: number[] = [];
    const result = await searchLearningRate({
      trials: 6,
      seed: 3,
      range: { low: 1e-4, high: 1 },
      runTrial: async (rate) => accuracyCurve(rate),
      onTrial: (trial) => void seen.push(trial.learningRate),
    });
    expect(result.status).toBe('completed');
    expect(result.trials.map((t) => t.round)).toEqual([1, 1, 1, 1, 2, 2]);
    expect(seen).toEqual(result.trials.map((t) => t.learningRate));
    const firstBest = [...result.trials.filter((t) => t.round === 1)].sort(compareTrials)[0];
    expect(result.ranges[1].range).toEqual(narrowedRange(firstBest.learningRate));
    for (const trial of result.trials.filter((t) => t.round === 2)) {
      expect(trial.learningRate).toBeGreaterThanOrEqual(result.ranges[1].range.low);
      expect(trial.learningRate).toBeLessThanOrEqual(result.ranges[1].range.high);
    }
    const best = [...result.trials].sort(compareTrials)[0];
    expect(result.best).toBe(best);
    // The narrow round is where it pays: the best rate is within a decade of the peak.
    expect(Math.abs(Math.log10(result.best!.learningRate / 0.02))).toBeLessThan(1);
    // The same seed repeats the same search.
    const again = await searchLearningRate({
      trials: 6,
      seed: 3,
      range: { low: 1e-4, high: 1 },
      runTrial: async (rate) => accuracyCurve(rate),
    });
    expect(again.trials.map((t) => t.learningRate)).toEqual(result.trials.map((t) => t.learningRate));
  });

  it('ranks diverged trials last and stops before the next trial when aborted', async () => {
    const diverged: Trial = { round: 1, index: 0, learningRate: 1, ...accuracyCurve(1) };
    const poor: Trial = { round: 1, index: 1, learningRate: 1e-4, ...accuracyCurve(1e-4) };
    expect([diverged, poor].sort(compareTrials)).toEqual([poor, diverged]);

    const controller = new AbortController();
    const result = await searchLearningRate({
      trials: 6,
      seed: 1,
      range: DEFAULT_RATE_RANGE,
      signal: controller.signal,
      runTrial: async (rate) => {
        controller.abort();
        return accuracyCurve(rate);
      },
    });
    expect(result.status).toBe('cancelled');
    expect(result.trials).toHaveLength(1);
    expect(result.best).toBe(result.trials[0]);
  });
});
