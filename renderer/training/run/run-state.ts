/**
 * The state of a training run as the Train view shows it, and the pure
 * reducer that folds the worker's messages into it. Kept free of React and of
 * the worker so its bookkeeping (histories, pause, faults, results) is tested
 * on its own.
 */
import type { BackendName, PassedOverBackend } from '../../../core/train/backends';
import type { Graph } from '../../../core/graph/graph';
import { snapshotDesign, type EpochRow, type RunRecord } from '../../../core/train/run-record';
import type { TrainingSettings } from '../../../core/train/settings';
import type { DecisionBoundary } from '../../../core/train/decision-boundary';
import type { EvaluationResult } from '../../../core/train/evaluate';
import type { BatchEvent, EpochEvent } from '../../../core/train/session';
import type { FaultKind, FeatureMaps, FirstLayerFilters, FromWorker } from '../worker/worker-protocol';

/** Where a run is. */
export type RunPhase = 'idle' | 'starting' | 'training' | 'paused' | 'stopping' | 'evaluating' | 'done' | 'failed';

/** One point of the per-batch curves. */
export interface BatchPoint {
  /** Batches since the run started (1-based), the x axis of the batch curves. */
  step: number;
  /** Epochs as a fraction, e.g. 1.5 half-way through the second epoch. */
  epochs: number;
  loss: number;
  accuracy: number;
}

/** The decision boundary of a 2-D toy set after the latest epoch: the model's class per grid cell. */
export type Boundary = DecisionBoundary;

/** What the Train view knows about the current (or last) run. */
export interface RunState {
  phase: RunPhase;
  /** The backend the run asked for; null: the best that can train here (and before any run). */
  requestedBackend: BackendName | null;
  backend: BackendName | null;
  /** The backends tried before {@link backend} and why each was passed over. */
  passedOver: PassedOverBackend[];
  /** Threads the wasm backend computes with, when it is the one chosen. */
  wasmThreads: number | null;
  trainCount: number;
  validationCount: number;
  batches: BatchPoint[];
  epochs: EpochEvent[];
  last: BatchEvent | null;
  boundary: Boundary | null;
  result: {
    status: 'completed' | 'cancelled';
    evaluation: EvaluationResult;
    samplesPerSecond: number;
    filters: FirstLayerFilters | null;
  } | null;
  fault: { kind: FaultKind; message: string } | null;
  featureMaps: FeatureMaps | null;
  /** Samples in the test set being evaluated, while the phase is `evaluating`. */
  testCount: number;
  /** The key of this run's record in the project once it has ended (see `runKey`), else null. */
  keptAs: string | null;
}

/** Before any run. */
export const IDLE: RunState = {
  phase: 'idle',
  requestedBackend: null,
  backend: null,
  passedOver: [],
  wasmThreads: null,
  trainCount: 0,
  validationCount: 0,
  batches: [],
  epochs: [],
  last: null,
  boundary: null,
  result: null,
  fault: null,
  featureMaps: null,
  testCount: 0,
  keptAs: null,
};

/**
 * A run just asked for: earlier curves and results cleared. The histories are
 * new arrays: the reducer appends to them in place, so sharing IDLE's would
 * carry every earlier run's points into this one's charts.
 */
export function startingRun(requestedBackend: BackendName | null): RunState {
  return { ...IDLE, phase: 'starting', requestedBackend, batches: [], epochs: [] };
}

/**
 * What the Train view says about the backend of the run: `Training on wasm,
 * 2 threads`, with the backend asked for when another was chosen.
 */
export function backendSentence(run: Pick<RunState, 'backend' | 'requestedBackend' | 'wasmThreads'>): string {
  if (!run.backend) return '';
  const threads =
    run.backend === 'wasm' && run.wasmThreads ? `, ${run.wasmThreads} thread${run.wasmThreads === 1 ? '' : 's'}` : '';
  const fellBack =
    run.requestedBackend && run.backend !== run.requestedBackend ? ` (${run.requestedBackend} unavailable)` : '';
  return `Training on ${run.backend}${threads}${fellBack}`;
}

/**
 * Why the backends tried before the one running were passed over, for the
 * Train view: `Passed over: webgpu (no WebGPU adapter …)`; empty when the
 * first one tried runs.
 */
export function passedOverSentence(run: Pick<RunState, 'passedOver'>): string {
  if (run.passedOver.length === 0) return '';
  return `Passed over: ${run.passedOver.map(({ backend, reason }) => `${backend} (${reason})`).join('; ')}`;
}

/** Whether a run is under way (its worker busy). */
export const isRunning = (phase: RunPhase): boolean =>
  phase === 'starting' || phase === 'training' || phase === 'paused' || phase === 'stopping' || phase === 'evaluating';

/** Folds one worker message into the state. */
export function reduceRun(state: RunState, message: FromWorker): RunState {
  switch (message.type) {
    case 'backend':
      return {
        ...state,
        backend: message.backend,
        passedOver: message.passedOver,
        wasmThreads: message.wasmThreads ?? null,
      };
    case 'started':
      return {
        ...state,
        phase: state.phase === 'stopping' ? 'stopping' : 'training',
        trainCount: message.trainCount,
        validationCount: message.validationCount,
      };
    case 'batch': {
      const e = message.event;
      const point: BatchPoint = {
        step: e.epoch * e.batchesPerEpoch + e.batch + 1,
        epochs: e.epoch + (e.batch + 1) / e.batchesPerEpoch,
        loss: e.loss,
        accuracy: e.accuracy,
      };
      // Arrays are appended in place: a run has thousands of batches and the charts read the same arrays.
      state.batches.push(point);
      return { ...state, last: e };
    }
    case 'epoch':
      state.epochs.push(message.event);
      return { ...state };
    case 'boundary':
      return { ...state, boundary: message.boundary };
    case 'health':
      // Layer health is the editor's (the canvas marks the layers): the controller hands it to the store.
      return state;
    case 'paused':
      return state.phase === 'stopping' ? state : { ...state, phase: 'paused' };
    case 'resumed':
      return state.phase === 'stopping' ? state : { ...state, phase: 'training' };
    case 'evaluating':
      return { ...state, phase: 'evaluating', testCount: message.testCount };
    case 'done':
      return {
        ...state,
        phase: 'done',
        result: {
          status: message.status,
          evaluation: message.evaluation,
          samplesPerSecond: message.samplesPerSecond,
          filters: message.filters,
        },
      };
    case 'feature-maps':
      return { ...state, featureMaps: message.maps };
    // A learning-rate search has its own state (search-state.ts).
    case 'search-progress':
    case 'search-trial':
    case 'search-done':
      return state;
    case 'error':
      // A failed feature-map request after a finished run leaves the results in place.
      if (state.phase === 'done') return { ...state, fault: { kind: message.kind, message: message.message } };
      return { ...state, phase: 'failed', fault: { kind: message.kind, message: message.message } };
  }
}

/** What a run's record needs that the worker does not report: what was trained, on what, when. */
export interface RunSetup {
  graph: Graph;
  /** The design's name when it has one: the project's file name, else the template's title. */
  title?: string;
  /** The settings with the seed the run used. */
  settings: TrainingSettings & { seed: number };
  /** `mnist`, `toy:ring`, …: the dataset's own name. */
  dataset: string;
  /** Date.now() at Start. */
  startedAt: number;
}

const finite = (value: number | undefined): number | null =>
  value !== undefined && Number.isFinite(value) ? value : null;

/**
 * The record kept with the project for a run that has ended: completed or
 * stopped (with its test result) or diverged (with the epochs before it). A
 * run that failed for another reason (no memory, a design tfjs refused)
 * taught nothing to compare and is not kept. Non-finite figures are left out,
 * as JSON cannot hold them.
 */
export function runRecordOf(
  setup: RunSetup,
  state: RunState,
  ended: Extract<FromWorker, { type: 'done' | 'error' }>,
  now: number,
): Omit<RunRecord, 'id'> | null {
  if (ended.type === 'error' && ended.kind !== 'nan') return null;
  const history: EpochRow[] = [];
  for (const e of state.epochs) {
    const [loss, accuracy] = [finite(e.loss), finite(e.accuracy)];
    if (loss === null || accuracy === null) continue;
    history.push({
      epoch: e.epoch + 1,
      loss,
      accuracy,
      valLoss: finite(e.valLoss),
      valAccuracy: finite(e.valAccuracy),
      seconds: e.seconds,
    });
  }
  const evaluation = ended.type === 'done' ? ended.evaluation : null;
  const testLoss = finite(evaluation?.loss);
  const testAccuracy = finite(evaluation?.accuracy);
  return {
    startedAt: new Date(setup.startedAt).toISOString(),
    design: snapshotDesign(setup.graph, setup.title),
    dataset: { id: setup.dataset, trainCount: state.trainCount, validationCount: state.validationCount },
    settings: setup.settings,
    seed: setup.settings.seed,
    history,
    test:
      evaluation && testLoss !== null && testAccuracy !== null
        ? { loss: testLoss, accuracy: testAccuracy, count: evaluation.count }
        : null,
    backend: state.backend ?? state.requestedBackend ?? 'unknown',
    seconds: Math.max(0, (now - setup.startedAt) / 1000),
    status: ended.type === 'error' ? 'diverged' : ended.status,
  };
}

/** `97.8%` */
export const percent = (fraction: number, digits = 1): string => `${(fraction * 100).toFixed(digits)}%`;

/** `1 min 05 s`, `42 s` */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** The progress line: epoch, batch, samples/s, ETA. */
export function progressText(state: RunState, epochsTotal: number): string {
  // The last batch's ETA reads 0 s by now, and evaluating a large test set takes seconds.
  if (state.phase === 'evaluating')
    return `Evaluating on the test set (${state.testCount.toLocaleString('en-US')} samples)…`;
  const e = state.last;
  if (!e) return state.phase === 'starting' ? 'Starting…' : '';
  // A finished run has nothing left to wait for; the view adds its overall speed.
  if (state.phase === 'done' || state.phase === 'failed')
    return `Epoch ${e.epoch + 1}/${epochsTotal} · batch ${e.batch + 1}/${e.batchesPerEpoch}`;
  return `Epoch ${e.epoch + 1}/${epochsTotal} · batch ${e.batch + 1}/${e.batchesPerEpoch} · ${Math.round(e.samplesPerSecond)} samples/s · ETA ${duration(e.etaSeconds)}`;
}

/** Fraction of the run done, 0–1. */
export function progressFraction(state: RunState, epochsTotal: number): number {
  if (state.phase === 'done' && state.result?.status === 'completed') return 1;
  const e = state.last;
  if (!e) return 0;
  return Math.min(1, (e.epoch * e.batchesPerEpoch + e.batch + 1) / (epochsTotal * e.batchesPerEpoch));
}
