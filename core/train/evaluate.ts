/**
 * Evaluating a trained classifier on held-out data: loss, accuracy, the
 * confusion matrix, accuracy per class and a few predictions to show.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { DatasetSplit } from '../data/dataset';
import type { Tfjs } from '../layers/layer-spec';
import { batchRanges, makeBatch } from './batches';
import { correct, crossEntropy, outputIsProbability, probabilities } from './metrics';
import type { Normalization } from './preprocess';

/** One sample's prediction, for a gallery of examples. */
export interface SamplePrediction {
  /** Index of the sample in the evaluated split. */
  index: number;
  label: number;
  predicted: number;
  /** Probability of each class. */
  probabilities: number[];
}

/** What an evaluation reports. */
export interface EvaluationResult {
  /** Mean categorical cross-entropy. */
  loss: number;
  /** Fraction of samples whose most probable class is the label. */
  accuracy: number;
  /** `confusion[label][predicted]` = number of samples. */
  confusion: number[][];
  /** Accuracy within each class; `null` for a class with no samples. */
  perClassAccuracy: (number | null)[];
  /** The first samples' predictions (as many as asked for). */
  predictions: SamplePrediction[];
  count: number;
}

/** Options for {@link evaluate}. */
export interface EvaluateOptions {
  inputShape: readonly number[];
  classCount: number;
  /** The training run's normalization (from its result), so test data is preprocessed the same way. */
  normalization: Normalization;
  batchSize?: number;
  /** How many sample predictions to return; 8 by default. */
  samples?: number;
}

/**
 * Runs the model over `split` in inference mode, batch by batch, and
 * summarises how well it classifies.
 *
 * @example
 * const test = await evaluate(tf, model, dataset.test, { inputShape, classCount: 10, normalization: result.normalization });
 * test.accuracy // 0.981
 */
export async function evaluate(
  tf: Tfjs,
  model: tfjs.LayersModel,
  split: DatasetSplit,
  options: EvaluateOptions,
): Promise<EvaluationResult> {
  const { classCount } = options;
  const batchSize = options.batchSize ?? 256;
  const wanted = Math.min(options.samples ?? 8, split.count);
  const isProbability = outputIsProbability(model);
  const confusion = Array.from({ length: classCount }, () => new Array<number>(classCount).fill(0));
  const predictions: SamplePrediction[] = [];
  let lossSum = 0;
  let correctCount = 0;
  for (const [start, end] of batchRanges(split.count, batchSize)) {
    const indices = Array.from({ length: end - start }, (_, i) => start + i);
    const [losses, predicted, probs] = tf.tidy(() => {
      const { xs, ys } = makeBatch(tf, split, indices, options);
      const p = probabilities(tf, model.predict(xs) as tfjs.Tensor, isProbability);
      const keepProbs =
        start < wanted ? p.slice([0, 0], [Math.min(wanted - start, end - start), classCount]) : tf.zeros([0]);
      return [crossEntropy(tf, ys, p), tf.argMax(p, -1), keepProbs];
    });
    const [lossValues, predictedValues, probValues] = await Promise.all([
      losses.data(),
      predicted.data(),
      probs.data(),
    ]);
    tf.dispose([losses, predicted, probs]);
    for (let i = 0; i < indices.length; i++) {
      const label = split.labels[indices[i]];
      const guess = predictedValues[i];
      lossSum += lossValues[i];
      confusion[label][guess]++;
      if (label === guess) correctCount++;
      if (indices[i] < wanted) {
        predictions.push({
          index: indices[i],
          label,
          predicted: guess,
          probabilities: Array.from(probValues.subarray(i * classCount, (i + 1) * classCount)),
        });
      }
    }
  }
  const count = split.count;
  return {
    loss: count ? lossSum / count : NaN,
    accuracy: count ? correctCount / count : NaN,
    confusion,
    perClassAccuracy: confusion.map((row, c) => {
      const total = row.reduce((a, b) => a + b, 0);
      return total ? row[c] / total : null;
    }),
    predictions,
    count,
  };
}

/** Mean loss and accuracy over a split, for validation after each epoch. */
export async function lossAndAccuracy(
  tf: Tfjs,
  model: tfjs.LayersModel,
  split: DatasetSplit,
  options: EvaluateOptions,
): Promise<{ loss: number; accuracy: number }> {
  const batchSize = options.batchSize ?? 256;
  const isProbability = outputIsProbability(model);
  let lossSum = 0;
  let correctSum = 0;
  for (const [start, end] of batchRanges(split.count, batchSize)) {
    const indices = Array.from({ length: end - start }, (_, i) => start + i);
    const sums = tf.tidy(() => {
      const { xs, ys } = makeBatch(tf, split, indices, options);
      const p = probabilities(tf, model.predict(xs) as tfjs.Tensor, isProbability);
      return tf.stack([tf.sum(crossEntropy(tf, ys, p)), tf.sum(correct(tf, ys, p))]);
    });
    const [loss, right] = await sums.data();
    sums.dispose();
    lossSum += loss;
    correctSum += right;
  }
  return { loss: lossSum / split.count, accuracy: correctSum / split.count };
}
