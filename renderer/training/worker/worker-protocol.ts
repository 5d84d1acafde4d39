/**
 * The messages between the Train view and the training worker. Everything
 * crossing is structured-cloneable; sample bytes go over as transferred
 * ArrayBuffers so a 47 MB MNIST split is moved, not copied.
 */
import type { Graph } from '../../../core/graph/graph';
import type { EvaluationResult } from '../../../core/train/evaluate';
import type { BackendName, PassedOverBackend } from '../../../core/train/backends';
import type { BoundaryGrid, DecisionBoundary } from '../../../core/train/decision-boundary';
import type { LayerHealthReport } from '../../../core/train/layer-health';
import type { BatchEvent, EpochEvent } from '../../../core/train/session';
import type { TrainingSettings } from '../../../core/train/settings';
import type { Normalization } from '../../../core/train/preprocess';
import type { RateRange, Trial } from '../../../core/train/lr-search';

/** One split of the dataset as sent to the worker. */
export interface SplitPayload {
  images: Uint8Array | Float32Array;
  labels: Int32Array;
  count: number;
}

/** The data a run trains and tests on, already limited and split. */
export interface DatasetPayload {
  name: string;
  inputShape: number[];
  classNames: string[];
  train: SplitPayload;
  /** Held out by the panel (seeded), so the worker knows the exact training split and its normalization. */
  validation?: SplitPayload;
  test: SplitPayload;
}

/** Main thread → worker. */
export type ToWorker =
  | {
      type: 'start';
      graph: Graph;
      settings: TrainingSettings;
      dataset: DatasetPayload;
      /** The backend asked for; null: the best that can train here. */
      backend: BackendName | null;
      /** Base URL of the wasm backend's binaries. */
      wasmBinaries: Record<string, string>;
      /**
       * Threads for the wasm backend when it starts (more than 1 only in a cross-origin-isolated page). A
       * worker's wasm module starts once: the controller sends a worker one count only.
       */
      wasmThreads: number;
      /** Draw the decision boundary on this grid after every epoch (2-D toy sets). */
      boundary?: BoundaryGrid;
      /** How many test predictions to send back for the gallery. */
      predictionSamples: number;
    }
  /**
   * A learning-rate search: `trials` short runs of `settings.epochs` epochs each, one after another, at rates
   * drawn log-uniformly over `range` and then around the best (core/train/lr-search.ts). `stop` cancels it.
   */
  | {
      type: 'search';
      graph: Graph;
      settings: TrainingSettings;
      dataset: DatasetPayload;
      backend: BackendName | null;
      wasmBinaries: Record<string, string>;
      wasmThreads: number;
      trials: number;
      range: RateRange;
    }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  /** Activations of `layer` for test sample `sample`. */
  | { type: 'feature-maps'; layer: string; sample: number; requestId: number };

/** A layer's output for one image: `height × width × channels` values, channels last. */
export interface FeatureMaps {
  layer: string;
  sample: number;
  height: number;
  width: number;
  channels: number;
  values: Float32Array;
  requestId: number;
}

/** The first convolution's kernels, `[kh, kw, inChannels, outChannels]` as tfjs stores them. */
export interface FirstLayerFilters {
  layer: string;
  kernelHeight: number;
  kernelWidth: number;
  inChannels: number;
  outChannels: number;
  values: Float32Array;
}

/** What a fault is about, so the panel can say what to do. */
export type FaultKind = 'nan' | 'out-of-memory' | 'incompatible' | 'other';

/** Worker → main thread. */
export type FromWorker =
  /**
   * The backend chosen, and those tried before it with why each was passed over; for wasm, the threads it
   * computes with (more than 1 only in a cross-origin-isolated page).
   */
  | {
      type: 'backend';
      backend: BackendName;
      requested: BackendName | null;
      passedOver: PassedOverBackend[];
      wasmThreads?: number;
    }
  | { type: 'started'; trainCount: number; validationCount: number; normalization: Normalization }
  | { type: 'batch'; event: BatchEvent }
  | { type: 'epoch'; event: EpochEvent }
  /** Every layer's health at the end of an epoch. */
  | { type: 'health'; report: LayerHealthReport }
  /** The model's class on every cell of the boundary grid, after an epoch. */
  | { type: 'boundary'; boundary: DecisionBoundary }
  | { type: 'paused' }
  | { type: 'resumed' }
  /** Training is over; the test set is being evaluated (seconds on a large one). */
  | { type: 'evaluating'; testCount: number }
  | {
      type: 'done';
      status: 'completed' | 'cancelled';
      evaluation: EvaluationResult;
      samplesPerSecond: number;
      filters: FirstLayerFilters | null;
      /** The trained model as TensorFlow.js Layers files. */
      modelJson: string;
      weightData: ArrayBuffer;
    }
  | { type: 'feature-maps'; maps: FeatureMaps }
  /** A search's trial `trial` (0-based) finished epoch `epoch` (0-based) of `epochs`. */
  | { type: 'search-progress'; trial: number; learningRate: number; epoch: number; epochs: number }
  /** A search's trial ended: its rate and validation figures. */
  | { type: 'search-trial'; trial: Trial }
  | {
      type: 'search-done';
      status: 'completed' | 'cancelled';
      best: Trial | null;
      ranges: { round: 1 | 2; range: RateRange }[];
    }
  | { type: 'error'; kind: FaultKind; message: string };
