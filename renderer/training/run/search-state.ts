/**
 * The state of a learning-rate search as the Train view shows it, and the
 * pure reducer that folds the worker's search messages into it: the trials
 * so far (each a point on the plot), the one running, the best, and how the
 * search ended. Kept apart from a training run's state: a search leaves the
 * last run's curves and results where they are.
 */
import type { BackendName } from '../../../core/train/backends';
import { compareTrials, type RateRange, type Trial } from '../../../core/train/lr-search';
import type { FaultKind, FromWorker } from '../worker/worker-protocol';

/** Where a search is. */
export type SearchPhase = 'idle' | 'searching' | 'stopping' | 'done' | 'failed';

/** What the Train view knows about the current (or last) search. */
export interface SearchState {
  phase: SearchPhase;
  /** Trials asked for, both rounds together. */
  total: number;
  /** Epochs each trial trains. */
  epochsPerTrial: number;
  /** The first round's range, the plot's x extent before any trial is in. */
  range: RateRange | null;
  backend: BackendName | null;
  /** Finished trials, in the order they ran. */
  trials: Trial[];
  /** The trial under way: its index, rate and epochs done. */
  current: { trial: number; learningRate: number; epochsDone: number } | null;
  best: Trial | null;
  status: 'completed' | 'cancelled' | null;
  fault: { kind: FaultKind; message: string } | null;
}

/** Before any search. */
export const NO_SEARCH: SearchState = {
  phase: 'idle',
  total: 0,
  epochsPerTrial: 0,
  range: null,
  backend: null,
  trials: [],
  current: null,
  best: null,
  status: null,
  fault: null,
};

/** A search just asked for. */
export function startingSearch(total: number, epochsPerTrial: number, range: RateRange): SearchState {
  return { ...NO_SEARCH, phase: 'searching', total, epochsPerTrial, range };
}

/** Whether a search is under way (the worker busy with it). */
export const isSearching = (phase: SearchPhase): boolean => phase === 'searching' || phase === 'stopping';

/** The best finished trial so far (diverged ones never), by core's ranking. */
export const bestSoFar = (trials: readonly Trial[]): Trial | null =>
  [...trials].sort(compareTrials).find((t) => !t.diverged) ?? null;

/** Folds one worker message into the search state; messages of a training run leave it as it is. */
export function reduceSearch(state: SearchState, message: FromWorker): SearchState {
  switch (message.type) {
    case 'backend':
      return { ...state, backend: message.backend };
    case 'search-progress':
      return {
        ...state,
        current: { trial: message.trial, learningRate: message.learningRate, epochsDone: message.epoch + 1 },
      };
    case 'search-trial': {
      const trials = [...state.trials, message.trial];
      return { ...state, trials, current: null, best: bestSoFar(trials) };
    }
    case 'search-done':
      return { ...state, phase: 'done', current: null, best: message.best, status: message.status };
    case 'error':
      return { ...state, phase: 'failed', current: null, fault: { kind: message.kind, message: message.message } };
    default:
      return state;
  }
}

/** Fraction of the search done, 0–1: finished trials plus the running one's epochs. */
export function searchFraction(state: SearchState): number {
  if (state.phase === 'done' && state.status === 'completed') return 1;
  if (state.total === 0) return 0;
  const partial = state.current && state.epochsPerTrial > 0 ? state.current.epochsDone / state.epochsPerTrial : 0;
  return Math.min(1, (state.trials.length + partial) / state.total);
}

/** The progress line: `Trial 3/6 · lr 0.0123 · epoch 2/5`. */
export function searchProgressText(state: SearchState): string {
  if (state.phase === 'idle') return '';
  if (state.phase === 'failed') return 'The search stopped on an error.';
  if (state.phase === 'done') {
    const ran = `${state.trials.length} of ${state.total} trials`;
    return state.status === 'cancelled' ? `Cancelled after ${ran}.` : `Done: ${ran}.`;
  }
  const running = state.current;
  const trial = (running?.trial ?? state.trials.length) + 1;
  const rate = running ? ` · lr ${running.learningRate}` : '';
  const epoch = running ? ` · epoch ${running.epochsDone}/${state.epochsPerTrial}` : '';
  return `Trial ${Math.min(trial, state.total)}/${state.total}${rate}${epoch}${state.phase === 'stopping' ? ' · cancelling…' : ''}`;
}
