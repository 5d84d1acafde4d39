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

/** Per-sample 1 when the most probable class is the label, else 0. */
export function correct(tf: Tfjs, labels: tfjs.Tensor, probs: tfjs.Tensor): tfjs.Tensor1D {
  return tf.cast(tf.equal(tf.argMax(labels, -1), tf.argMax(probs, -1)), 'float32') as tfjs.Tensor1D;
}
