/** The optimizers a training session offers, built from tfjs's `tf.train`. */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tfjs } from '../layers/layer-spec';

/** Optimizers NetCanvas trains with, by the names the training session uses. */
export const OPTIMIZERS = ['sgd', 'momentum', 'nesterov', 'adagrad', 'adadelta', 'adam', 'adamax', 'rmsprop'] as const;
/** One of {@link OPTIMIZERS}. */
export type OptimizerName = (typeof OPTIMIZERS)[number];

/**
 * Extra float32 values each optimizer keeps per trainable weight, as tfjs
 * implements them: momentum keeps a velocity; adagrad a sum of squares;
 * adadelta, adam and adamax two moments; rmsprop a mean square and a momentum.
 */
export const OPTIMIZER_SLOTS: Record<OptimizerName, number> = {
  sgd: 0,
  momentum: 1,
  nesterov: 1,
  adagrad: 1,
  adadelta: 2,
  adam: 2,
  adamax: 2,
  rmsprop: 2,
};

/** Momentum used by `momentum` and `nesterov`: the usual 0.9. */
export const MOMENTUM = 0.9;

/**
 * A tfjs optimizer for `name` at `learningRate`, with Keras's defaults for
 * everything else. The caller owns it and must `dispose()` it.
 */
export function createOptimizer(tf: Tfjs, name: OptimizerName, learningRate: number): tfjs.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, MOMENTUM);
    case 'nesterov':
      return tf.train.momentum(learningRate, MOMENTUM, true);
    case 'adagrad':
      return tf.train.adagrad(learningRate);
    case 'adadelta':
      return tf.train.adadelta(learningRate);
    case 'adam':
      return tf.train.adam(learningRate);
    case 'adamax':
      return tf.train.adamax(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
  }
}

/**
 * Changes an optimizer's learning rate between steps. SGD and momentum keep
 * the negated rate as a tensor (`setLearningRate` replaces it); the others
 * read their `learningRate` field on every step.
 */
export function setLearningRate(optimizer: tfjs.Optimizer, learningRate: number): void {
  const target = optimizer as unknown as { learningRate: number; setLearningRate?: (rate: number) => void };
  if (typeof target.setLearningRate === 'function') target.setLearningRate(learningRate);
  else target.learningRate = learningRate;
}

/** The optimizer's current learning rate. */
export function getLearningRate(optimizer: tfjs.Optimizer): number {
  return (optimizer as unknown as { learningRate: number }).learningRate;
}

/**
 * Releases an optimizer's tensors. tfjs 4.22's momentum optimizer forgets the
 * learning-rate scalar it inherits from SGD, so that one is released here too.
 */
export function disposeOptimizer(optimizer: tfjs.Optimizer): void {
  optimizer.dispose();
  const inherited = (optimizer as unknown as { c?: tfjs.Tensor }).c;
  if (inherited && !inherited.isDisposed) inherited.dispose();
}
