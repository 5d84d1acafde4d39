/** The optimizers a training session offers, built from tfjs's `tf.train`. */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tfjs } from '../layers/layer-spec';
import { ADAM_UPDATE, adamAttrs } from './wasm-kernels/optimizer-steps';

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
      return new (fusedAdamClass(tf))(learningRate, ADAM_BETA1, ADAM_BETA2);
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

/** tfjs's Adam defaults (`tf.train.adam`), which Keras shares. */
const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;

/** The private state of tfjs 4.22's `AdamOptimizer` that a subclass updates. */
interface AdamState {
  accBeta1: tfjs.Variable;
  accBeta2: tfjs.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tfjs.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tfjs.Variable }[];
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  incrementIterations(): void;
}

const fusedAdamClasses = new WeakMap<Tfjs, typeof tfjs.AdamOptimizer>();

/**
 * tfjs's `AdamOptimizer` with each weight's update taken as one kernel
 * ({@link ADAM_UPDATE}) where the backend has it (wasm, once
 * `registerWasmTrainingKernels` ran), giving the same numbers as tfjs's own
 * 14 element-wise kernels a weight; on other backends it is tfjs's Adam. Its
 * state (moments, β powers, iterations) is tfjs's, so saving, loading and
 * disposing work as for tfjs's Adam. One class per tfjs namespace.
 */
function fusedAdamClass(tf: Tfjs): typeof tfjs.AdamOptimizer {
  const known = fusedAdamClasses.get(tf);
  if (known) return known;
  class FusedAdam extends tf.AdamOptimizer {
    override applyGradients(variableGradients: Parameters<tfjs.AdamOptimizer['applyGradients']>[0]): void {
      const engine = tf.engine();
      if (tf.getKernel(ADAM_UPDATE, tf.getBackend()) == null) {
        super.applyGradients(variableGradients);
        return;
      }
      const state = this as unknown as AdamState;
      const named = Array.isArray(variableGradients)
        ? variableGradients
        : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
      // The bias corrections as tfjs computes them: 1 − β^t in float32, from its float32 β^t variables.
      const attrs = adamAttrs({
        learningRate: state.learningRate,
        beta1: state.beta1,
        beta2: state.beta2,
        epsilon: state.epsilon,
        biasCorrection1: Math.fround(1 - state.accBeta1.dataSync()[0]),
        biasCorrection2: Math.fround(1 - state.accBeta2.dataSync()[0]),
      });
      tf.tidy(() => {
        named.forEach(({ name, tensor: gradient }, i) => {
          const value = engine.registeredVariables[name];
          state.accumulatedFirstMoment[i] ??= {
            originalName: `${name}/m`,
            variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
          };
          state.accumulatedSecondMoment[i] ??= {
            originalName: `${name}/v`,
            variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
          };
          if (gradient == null) return;
          const firstMoment = state.accumulatedFirstMoment[i].variable;
          const secondMoment = state.accumulatedSecondMoment[i].variable;
          const inputs = { value, gradient, firstMoment, secondMoment };
          const [newValue, newFirst, newSecond] = engine.runKernel(ADAM_UPDATE, inputs, attrs) as tfjs.Tensor[];
          firstMoment.assign(newFirst);
          secondMoment.assign(newSecond);
          value.assign(newValue);
        });
        state.accBeta1.assign(tf.mul(state.accBeta1, state.beta1));
        state.accBeta2.assign(tf.mul(state.accBeta2, state.beta2));
      });
      state.incrementIterations();
    }
  }
  fusedAdamClasses.set(tf, FusedAdam);
  return FusedAdam;
}
