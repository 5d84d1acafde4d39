import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { lazyGradientConv2d, type Conv2DArgs } from '../../../core/layers/lazy-conv-gradient';

/** Deterministic values in [-1, 1). */
const values = (count: number, seed: number): Float32Array => {
  let state = seed;
  return Float32Array.from({ length: count }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 31 - 1;
  });
};

/**
 * The same convolution as tfjs's Conv2D and as the lazy-gradient one, with
 * equal weights, on the same input: outputs, and the gradients of a loss
 * with respect to the weights (and, when asked, the input), with the kernels
 * run to get them.
 */
async function both(args: Conv2DArgs, inputShape: number[], withInput: boolean) {
  const run = (layer: tf.layers.Layer) => {
    layer.build([null, ...inputShape.slice(1)]);
    layer.setWeights(layer.getWeights().map((w, i) => tf.tensor(values(w.size, 7 + i), w.shape)));
    const x = tf.tensor(
      values(
        inputShape.reduce((a, b) => a * b, 1),
        3,
      ),
      inputShape,
    );
    const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    // A loss whose gradient differs at every output position, so a wrong gradient cannot pass by symmetry.
    const loss = (input: tf.Tensor) => {
      const y = layer.apply(input) as tf.Tensor;
      return tf.sum(tf.mul(y, tf.tensor(values(y.size, 11), y.shape))) as tf.Scalar;
    };
    let gradients: tf.Tensor[] = [];
    return tf
      .profile(() => {
        const { grads } = tf.variableGrads(() => loss(x), weights);
        gradients = weights.map((w) => grads[w.name]);
        if (withInput) gradients.push(tf.grad(loss)(x));
      })
      .then((profile) => ({
        output: Array.from((layer.apply(x) as tf.Tensor).dataSync()),
        gradients: gradients.map((g) => Array.from(g.dataSync())),
        kernels: profile.kernels.map((k) => k.name),
      }));
  };
  const tfjs = await run(tf.layers.conv2d(args));
  const lazy = await run(new (lazyGradientConv2d(tf))(args));
  return { tfjs, lazy };
}

const count = (kernels: string[], name: string) => kernels.filter((k) => k === name).length;

describe('Conv2D with lazy gradients', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    {
      why: 'LeNet C1: 5×5 valid, tanh',
      args: { filters: 6, kernelSize: 5, activation: 'tanh' },
      input: [2, 12, 12, 1],
    },
    {
      why: '3×3 same, stride 2 on an odd size, linear',
      args: { filters: 4, kernelSize: 3, strides: 2, padding: 'same' },
      input: [3, 7, 9, 2],
    },
    {
      why: 'no bias, sigmoid',
      args: { filters: 3, kernelSize: [2, 3], useBias: false, activation: 'sigmoid' },
      input: [2, 6, 5, 3],
    },
    {
      why: 'ReLU, fused into the convolution (tfjs runs Conv2D, Add and Relu while training)',
      args: { filters: 4, kernelSize: 3, activation: 'relu' },
      input: [2, 6, 6, 2],
    },
  ] as { why: string; args: Conv2DArgs; input: number[] }[])(
    '$why: same output and weight gradients, no input gradient unless asked',
    async ({ args, input }) => {
      const { tfjs, lazy } = await both(args, input, false);
      expect(lazy.output).toEqual(tfjs.output);
      expect(lazy.gradients).toEqual(tfjs.gradients);
      expect(lazy.gradients).toHaveLength((args.useBias ?? true) ? 2 : 1);
      // tfjs's fused gradient computes the input's gradient that nothing asked for; the lazy one does not.
      if (args.activation !== 'relu') expect(count(tfjs.kernels, 'Conv2DBackpropInput')).toBe(1);
      expect(count(lazy.kernels, 'Conv2DBackpropInput')).toBe(0);
      // One kernel for the convolution, its bias and its activation where tfjs fuses them.
      if (args.activation === 'relu') expect(lazy.kernels.filter((k) => ['Add', 'Relu'].includes(k))).toEqual([]);
    },
  );

  it.each(['tanh', 'relu'] as const)(
    'computes the input gradient when asked, equal to tfjs’s (%s)',
    async (activation) => {
      const { tfjs, lazy } = await both({ filters: 5, kernelSize: 3, strides: 2, activation }, [2, 9, 8, 3], true);
      expect(lazy.gradients).toEqual(tfjs.gradients);
      expect(count(lazy.kernels, 'Conv2DBackpropInput')).toBe(1);
    },
  );

  it('saves as a plain Conv2D', () => {
    const layer = new (lazyGradientConv2d(tf))({ filters: 2, kernelSize: 3, name: 'c1' });
    expect(layer.getClassName()).toBe('Conv2D');
    expect(tf.serialization.SerializationMap.getMap().classNameMap.Conv2D[0]).not.toBe(layer.constructor);
  });
});
