/**
 * Learning-rate search the way CS231n teaches it: a few short runs at rates
 * drawn at random, uniformly on a log scale (a rate of 0.001 is as far from
 * 0.01 as 0.01 is from 0.1), judged by validation accuracy; then a second,
 * narrower round around the best. Random search rather than a grid, because
 * with the same number of runs it tries more distinct values of what matters
 * (Bergstra & Bengio 2012).
 *
 * This module plans the rates and keeps the score; running a trial is the
 * caller's (`runTrial`), so the app's training worker and `netcanvas search`
 * run the same search with their own engines, one trial after another.
 */
import { mulberry32 } from '../data/random';

/** The range the first round draws from, both ends included. */
export interface RateRange {
  low: number;
  high: number;
}

/**
 * Adam's useful rates for the networks NetCanvas teaches with lie well inside
 * this range: at 1e-4 a few epochs barely move the weights, at 0.3 the MLP on
 * the toy sets starts to diverge. The lecture's point is seeing both ends.
 */
export const DEFAULT_RATE_RANGE: RateRange = { low: 1e-4, high: 0.3 };

/** The second round searches this factor either side of the best rate: half a decade each way. */
export const SECOND_ROUND_SPAN = Math.sqrt(10);

/** What one trial's run reports. */
export interface TrialOutcome {
  /** Validation accuracy after the last epoch (NaN when the run diverged before one). */
  valAccuracy: number;
  valLoss: number;
  /** True when the loss became NaN or infinite: the rate is too high. */
  diverged: boolean;
  seconds: number;
}

/** One trial: where it came from, the rate, and how the run went. */
export interface Trial extends TrialOutcome {
  /** 1 for the broad round, 2 for the narrow one around the best. */
  round: 1 | 2;
  /** 0-based, in the order trials ran. */
  index: number;
  learningRate: number;
}

/** The search's result: every trial in the order it ran, and the best one. */
export interface LrSearchResult {
  trials: Trial[];
  /** Highest validation accuracy (lower validation loss breaks a tie); null when every trial diverged. */
  best: Trial | null;
  /** The range each round drew from. */
  ranges: { round: 1 | 2; range: RateRange }[];
  status: 'completed' | 'cancelled';
}

/** How the trials are split: two thirds in the broad round (at least one), the rest around the best. */
export function roundSizes(trials: number): [number, number] {
  if (!Number.isInteger(trials) || trials < 1) throw new RangeError(`trials must be a whole number ≥ 1, got ${trials}`);
  const second = Math.floor(trials / 3);
  return [trials - second, second];
}

/**
 * `count` rates drawn uniformly in log space over `range`, from `random`
 * (a function returning [0, 1)). Rates are rounded to 3 significant digits,
 * as a user would type them.
 */
export function logUniformRates(count: number, range: RateRange, random: () => number): number[] {
  if (!(range.low > 0 && range.high >= range.low))
    throw new RangeError(`a learning-rate range needs 0 < low ≤ high, got ${range.low}…${range.high}`);
  const [a, b] = [Math.log(range.low), Math.log(range.high)];
  return Array.from({ length: count }, () => Number(Math.exp(a + (b - a) * random()).toPrecision(3)));
}

/** The narrower range around the best rate for the second round. */
export function narrowedRange(best: number): RateRange {
  return {
    low: Number((best / SECOND_ROUND_SPAN).toPrecision(3)),
    high: Number((best * SECOND_ROUND_SPAN).toPrecision(3)),
  };
}

/** Orders trials best first: higher validation accuracy, then lower validation loss; diverged trials last. */
export function compareTrials(a: Trial, b: Trial): number {
  const score = (t: Trial) => (t.diverged || !Number.isFinite(t.valAccuracy) ? -Infinity : t.valAccuracy);
  const loss = (t: Trial) => (Number.isFinite(t.valLoss) ? t.valLoss : Infinity);
  return score(b) - score(a) || loss(a) - loss(b);
}

/** Options for {@link searchLearningRate}. */
export interface LrSearchOptions {
  /** Short runs in all, both rounds together. */
  trials: number;
  range?: RateRange;
  /** Seeds the draw of rates, so a search can be repeated. */
  seed: number;
  /** Runs one short training at `learningRate`; trials run one after another. */
  runTrial(learningRate: number, index: number): Promise<TrialOutcome>;
  /** Called after each trial, for a table row or a point on the plot. */
  onTrial?(trial: Trial): void | Promise<void>;
  /** Aborting stops the search before its next trial. */
  signal?: AbortSignal;
}

/**
 * Runs the two-round search and returns every trial with the best one.
 *
 * @example
 * const result = await searchLearningRate({ trials: 6, seed: 1, runTrial: (lr) => shortRun(lr) });
 * result.best?.learningRate; // e.g. 0.0213
 */
export async function searchLearningRate(options: LrSearchOptions): Promise<LrSearchResult> {
  const range = options.range ?? DEFAULT_RATE_RANGE;
  const random = mulberry32(options.seed >>> 0);
  const [firstCount, secondCount] = roundSizes(options.trials);
  const trials: Trial[] = [];
  const ranges: LrSearchResult['ranges'] = [{ round: 1, range }];
  const best = () => [...trials].sort(compareTrials).find((t) => !t.diverged) ?? null;

  const runRound = async (round: 1 | 2, rates: number[]): Promise<boolean> => {
    for (const learningRate of rates) {
      if (options.signal?.aborted) return false;
      const outcome = await options.runTrial(learningRate, trials.length);
      const trial: Trial = { round, index: trials.length, learningRate, ...outcome };
      trials.push(trial);
      await options.onTrial?.(trial);
    }
    return true;
  };

  // Sorted, so the broad round sweeps from small to large rates (a table reads in order).
  if (
    !(await runRound(
      1,
      logUniformRates(firstCount, range, random).sort((a, b) => a - b),
    ))
  )
    return { trials, best: best(), ranges, status: 'cancelled' };
  const leader = best();
  if (secondCount > 0 && leader) {
    const narrow = narrowedRange(leader.learningRate);
    ranges.push({ round: 2, range: narrow });
    if (
      !(await runRound(
        2,
        logUniformRates(secondCount, narrow, random).sort((a, b) => a - b),
      ))
    )
      return { trials, best: best(), ranges, status: 'cancelled' };
  }
  return { trials, best: best(), ranges, status: 'completed' };
}
