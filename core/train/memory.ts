/**
 * How much memory one training step needs, from a model summary, a batch size
 * and an optimizer. It lives in train/, not beside the summary in graph/,
 * because it depends on the optimizer: core is layered
 * `layers → graph → compile → formats → train`, and the graph knows nothing
 * of training. `netcanvas summary` and the settings panel both call it.
 */
import { BYTES_PER_VALUE, type ModelSummary } from '../graph/summary';
import { OPTIMIZER_SLOTS, type OptimizerName } from './optimizers';

/** An estimate of the memory one training step needs, in bytes. */
export interface TrainingMemory {
  weights: number;
  gradients: number;
  optimizerState: number;
  /** Layer outputs kept for the backward pass plus their gradients, for the whole batch. */
  activations: number;
  total: number;
}

/**
 * Estimates training memory at `batchSize`: weights, one gradient per
 * trainable weight, the optimizer's slots, and every layer's output kept for
 * back-propagation together with its gradient (hence ×2). Backends add
 * workspace on top, so treat it as a lower bound.
 *
 * @example
 * estimateTrainingMemory(summarize(lenet5()), 32, 'adam').total // 3_423_904
 */
export function estimateTrainingMemory(
  summary: ModelSummary,
  batchSize: number,
  optimizer: OptimizerName,
): TrainingMemory {
  const { params, trainableParams, activationBytes } = summary.totals;
  const weights = params * BYTES_PER_VALUE;
  const gradients = trainableParams * BYTES_PER_VALUE;
  const optimizerState = trainableParams * OPTIMIZER_SLOTS[optimizer] * BYTES_PER_VALUE;
  const activations = 2 * activationBytes * batchSize;
  return { weights, gradients, optimizerState, activations, total: weights + gradients + optimizerState + activations };
}

/**
 * The largest power-of-two batch size whose estimated training memory fits
 * in `budgetBytes`, or 0 when even one sample does not fit.
 */
export function largestBatchThatFits(summary: ModelSummary, optimizer: OptimizerName, budgetBytes: number): number {
  let batch = 0;
  for (let b = 1; b <= 65536; b *= 2) {
    if (estimateTrainingMemory(summary, b, optimizer).total > budgetBytes) break;
    batch = b;
  }
  return batch;
}
