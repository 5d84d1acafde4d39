/**
 * One trial of a learning-rate search, as the app's training worker and
 * `netcanvas search` both run it: the design compiled afresh at the trial's
 * rate (the settings' seed gives every trial the same initial weights,
 * shuffling and split, so only the rate differs), trained, and scored by its
 * last epoch's validation figures. A loss that blows up is a result (the rate
 * diverged), not an error.
 */
import { compileGraph } from '../compile/compile';
import type { Graph } from '../graph/graph';
import type { Tfjs } from '../layers/layer-spec';
import type { TrainingData } from './batches';
import type { TrialOutcome } from './lr-search';
import { train, TrainingDivergedError, type TrainCallbacks } from './session';
import { compileOptionsFor, parseTrainingSettings, type TrainingSettings } from './settings';

/** A trial's outcome, and whether the caller's signal stopped it before its last epoch (then it is no score). */
export type RateTrialResult = TrialOutcome & { cancelled: boolean };

/**
 * Trains `graph` on `data` with `settings` at `learningRate` and returns the
 * trial's validation figures; the model is released however the trial ends.
 *
 * @example
 * const outcome = await runRateTrial(tf, graph, data, settings, 0.01, { signal });
 * if (!outcome.cancelled) console.log(outcome.valAccuracy);
 */
export async function runRateTrial(
  tf: Tfjs,
  graph: Graph,
  data: TrainingData,
  settings: TrainingSettings,
  learningRate: number,
  callbacks: TrainCallbacks = {},
): Promise<RateTrialResult> {
  const trialSettings = parseTrainingSettings({ ...settings, learningRate });
  const model = compileGraph(graph, tf, compileOptionsFor(trialSettings));
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const result = await train(tf, model, data, trialSettings, callbacks);
    const last = result.history.at(-1);
    return {
      valAccuracy: last?.valAccuracy ?? NaN,
      valLoss: last?.valLoss ?? NaN,
      diverged: false,
      seconds: seconds(),
      cancelled: result.status === 'cancelled',
    };
  } catch (e) {
    if (!(e instanceof TrainingDivergedError)) throw e;
    return { valAccuracy: NaN, valLoss: NaN, diverged: true, seconds: seconds(), cancelled: false };
  } finally {
    model.dispose();
  }
}
