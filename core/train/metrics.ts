/** Loss and accuracy of a classifier's outputs, shared by training and evaluation. */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tfjs } from '../layers/layer-spec';

/**
 * Whether the model's (single) output is already a probability distribution,
 * i.e. its last layer applies softmax. Otherwise its outputs are treated as
 * logits and softmax is applied inside the loss.
 */
export function outputIsProbability(model: tfjs.LayersModel): boolean {
  const config = model.outputs[0].sourceLayer.getConfig() as { activation?: unknown };
  return config.activation === 'softmax';
}

/** Class probabilities from the model's raw outputs. */
export function probabilities(tf: Tfjs, outputs: tfjs.Tensor, alreadyProbabilities: boolean): tfjs.Tensor {
  return alreadyProbabilities ? outputs : tf.softmax(outputs);
}

/** Per-sample categorical cross-entropy of one-hot `labels` against class `probs` (clipped as Keras does). */
export function crossEntropy(tf: Tfjs, labels: tfjs.Tensor, probs: tfjs.Tensor): tfjs.Tensor1D {
  return tf.metrics.categoricalCrossentropy(labels, probs) as tfjs.Tensor1D;
}

/**
 * The batch's mean categorical cross-entropy of `labels` against class
 * `probs`, for training: the value of `mean(crossEntropy(labels, probs))`,
 * op for op (Keras's: normalise each row to sum 1, clip to [ε, 1 − ε], −Σ
 * labels · log), with its gradient as one formula instead of backpropagation
 * through those ops. Taped op by op, the loss and its gradient were some 40
 * kernel calls on a `[batch, classes]` tensor, each costing the engine more
 * than its arithmetic; here the forward ops run untaped and the gradient takes
 * 11. The gradient is the chain's up to float rounding:
 *
 * with s = Σₖ pₖ, q = p / s, c = clip(q): ∂L/∂q = −labels / (n · c) where the
 * clip let q through (c = q), 0 where it cut it; ∂L/∂p = (∂L/∂q − Σₖ ∂L/∂qₖ ·
 * pₖ / s) / s.
 */
export function meanCrossEntropy(tf: Tfjs, labels: tfjs.Tensor, probs: tfjs.Tensor): tfjs.Scalar {
  const epsilon = tf.backend().epsilon();
  const target = labels.dtype === 'float32' ? labels : tf.cast(labels, 'float32');
  const lossOf = tf.customGrad((...args: (tfjs.Tensor | tfjs.GradSaveFunc)[]) => {
    const [p, save] = args as [tfjs.Tensor, tfjs.GradSaveFunc];
    const total = tf.sum(p, -1, true);
    const normalised = tf.div(p, total);
    const clipped = tf.clipByValue(normalised, epsilon, 1 - epsilon);
    const perSample = tf.neg(tf.sum(tf.mul(target, tf.log(clipped)), -1));
    save([p, total, normalised, clipped]);
    return {
      value: tf.mean(perSample) as tfjs.Scalar,
      gradFunc: (dy: tfjs.Tensor, saved: tfjs.Tensor[]) => {
        const [inputs, total, normalised, clipped] = saved;
        const scale = tf.div(dy, -inputs.shape[0]);
        const passed = tf.cast(tf.equal(clipped, normalised), 'float32');
        const byNormalised = tf.mul(tf.div(tf.mul(target, scale), clipped), passed);
        const throughTotal = tf.div(tf.sum(tf.mul(byNormalised, inputs), -1, true), total);
        return tf.div(tf.sub(byNormalised, throughTotal), total);
      },
    };
  });
  // Named as an op (tfjs's `__op` scope), as tfjs's own composite ops are: tf.profile then lists the
  // custom-gradient kernel under that name, which profiles skip as a wrapper, not as the caller's scope.
  return tf.tidy(`meanCrossEntropy${tf.OP_SCOPE_SUFFIX}`, () => lossOf(probs) as tfjs.Scalar);
}

/** Per-sample 1 when the most probable class is the label, else 0. */
export function correct(tf: Tfjs, labels: tfjs.Tensor, probs: tfjs.Tensor): tfjs.Tensor1D {
  return tf.cast(tf.equal(tf.argMax(labels, -1), tf.argMax(probs, -1)), 'float32') as tfjs.Tensor1D;
}
