import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossEntropy, meanCrossEntropy } from '../../../core/train/metrics';
import { registerWasmTrainingKernels } from '../../../core/train/wasm-kernels/register';

/**
 * Rows of class scores a classifier can give: a softmax row, a row that does
 * not sum to 1 (Keras normalises it), a row whose label is below ε (the clip
 * cuts it: no gradient from that sample), a confident row whose label is
 * above 1 − ε, and rows where non-label classes are clipped.
 */
const PROBS = [
  [0.7, 0.2, 0.1, 0],
  [0.5, 0.5, 0.5, 0.5],
  [1e-9, 0.6, 0.3, 0.1],
  [1 - 1e-9, 1e-9, 0, 0],
  [0.25, 0.25, 0.25, 0.25],
  [0.05, 0.05, 0.1, 0.8],
];
/** One-hot labels, and one soft row (as mixing two samples gives) to show the formula does not assume one-hot. */
const LABELS = [
  [1, 0, 0, 0],
  [0, 0, 1, 0],
  [1, 0, 0, 0],
  [1, 0, 0, 0],
  [0, 0.3, 0.7, 0],
  [0, 0, 0, 1],
];

/** Loss and gradient with respect to the logits of `softmax(logits) → loss`, as a training step sees them. */
function lossAndGradient(loss: (labels: tf.Tensor, probs: tf.Tensor) => tf.Scalar, probs: number[][]) {
  return tf.tidy(() => {
    const labels = tf.tensor2d(LABELS);
    const direct = tf.valueAndGrad((p: tf.Tensor) => loss(labels, p))(tf.tensor2d(probs));
    const logits = tf.tensor2d(probs.map((row) => row.map((v) => Math.log(v + 1e-12) * 3)));
    const throughSoftmax = tf.valueAndGrad((z: tf.Tensor) => loss(labels, tf.softmax(z)))(logits);
    return {
      value: direct.value.dataSync()[0],
      grad: Array.from(direct.grad.dataSync()),
      softmaxValue: throughSoftmax.value.dataSync()[0],
      softmaxGrad: Array.from(throughSoftmax.grad.dataSync()),
    };
  });
}

const tfjsChain = (labels: tf.Tensor, probs: tf.Tensor) => tf.mean(crossEntropy(tf, labels, probs)) as tf.Scalar;
const fused = (labels: tf.Tensor, probs: tf.Tensor) => meanCrossEntropy(tf, labels, probs);

describe('meanCrossEntropy', () => {
  beforeAll(async () => {
    await import('@tensorflow/tfjs-backend-wasm');
    registerWasmTrainingKernels();
  });

  it.each(['cpu', 'wasm'])(
    'gives the value of the mean of crossEntropy and the gradient backpropagation through it gives (%s)',
    async (backend) => {
      await tf.setBackend(backend);
      const expected = lossAndGradient(tfjsChain, PROBS);
      const actual = lossAndGradient(fused, PROBS);
      // The forward pass is the same ops in the same order: the same float32 value.
      expect(actual.value).toBe(expected.value);
      expect(actual.softmaxValue).toBe(expected.softmaxValue);
      for (const [got, want] of [
        [actual.grad, expected.grad],
        [actual.softmaxGrad, expected.softmaxGrad],
      ]) {
        const scale = Math.max(...want.map(Math.abs));
        got.forEach((v, i) => expect(Math.abs(v - want[i])).toBeLessThanOrEqual(scale * 1e-6));
      }
      // The sample whose label probability the clip cut contributes nothing, as through tfjs's clip.
      expect(actual.grad.slice(8, 12).map(Math.abs)).toEqual([0, 0, 0, 0]);
    },
  );

  it('leaves no tensors behind, forward or backward', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    lossAndGradient(fused, PROBS);
    expect(tf.memory().numTensors).toBe(before);
  });
});
