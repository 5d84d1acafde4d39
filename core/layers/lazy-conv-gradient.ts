/**
 * Conv2D layers whose gradient computes only what training asks for.
 *
 * tfjs 4.22's Conv2D layer convolves, with a linear activation or one tfjs
 * cannot fuse (tanh, sigmoid, …), through `tf.fused.conv2d`, whose gradient is
 * a `customGrad`: it computes the gradients of the input, the filter and the
 * bias together, whichever of them backpropagation needs. A network's first
 * convolution reads the training images, whose gradient nothing needs, and
 * computing it anyway was a sixth of a LeNet-5 training step on wasm.
 *
 * Here the same convolution runs as the same `FusedConv2D` kernel with the same
 * attributes, but recorded on tfjs's tape as a kernel whose gradient
 * ({@link registerLazyConvGradient}) gives each input's gradient as its own
 * function, as tfjs's other kernels do: the tape calls only those on the path
 * from the weights to the loss. Each is the op tfjs's fused gradient runs, so
 * every number is the same as before; only the unused one is no longer made.
 *
 * ReLU convolutions, which tfjs runs unfused while training (Conv2D, then an
 * Add for the bias and a Relu, each a kernel and a tensor the size of the
 * output), run as one `FusedConv2D` with the bias and ReLU inside too: the
 * gradient first masks dy where the output is 0 (ReLU's gradient, read from
 * the output), then continues as for a linear one. On the CPU backend the
 * numbers are tfjs's own; on wasm XNNPACK adds the bias inside the
 * convolution's sums, a different rounding of the same values.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tfjs } from './layer-spec';

/** tfjs's name for the fused convolution kernel; tfjs 4.22 registers no gradient for it. */
const FUSED_CONV_2D = 'FusedConv2D';

/** What the tfjs Conv2D layer keeps that its `call` reads (protected in tfjs's types). */
interface ConvInternals {
  kernel: { read(): tfjs.Tensor };
  bias: { read(): tfjs.Tensor } | null;
  strides: [number, number];
  padding: 'valid' | 'same' | 'causal';
  dataFormat: 'channelsFirst' | 'channelsLast';
  dilationRate: [number, number];
  activation: { getClassName(): string; apply(x: tfjs.Tensor): tfjs.Tensor };
}

/** The activations {@link lazyGradientConv2d} runs inside the `FusedConv2D` kernel. */
type FusedActivation = 'linear' | 'relu';

/** Attributes of the `FusedConv2D` kernel as `tf.fused.conv2d` passes them, for the activations above. */
interface FusedConvAttrs {
  strides: [number, number];
  pad: 'valid' | 'same';
  dataFormat: 'NHWC';
  dilations: [number, number];
  activation: FusedActivation;
}

const registered = new WeakSet<Tfjs>();

/**
 * Registers the gradient of the `FusedConv2D` kernel for linear and ReLU
 * convolutions: each input's gradient computed only when asked for, by the ops
 * tfjs's own fused gradient uses (conv2DBackpropInput, conv2DBackpropFilter, a
 * sum over every axis but the channels), after ReLU's mask `dy · step(y)`
 * where there is one (tfjs's Relu gradient, on the output: y > 0 exactly where
 * the convolution was). Only convolutions run by {@link lazyGradientConv2d}
 * reach it: tfjs runs the kernel inside its own custom gradient, where the
 * tape does not record it.
 */
export function registerLazyConvGradient(tf: Tfjs): void {
  if (registered.has(tf)) return;
  registered.add(tf);
  tf.registerGradient({
    kernelName: FUSED_CONV_2D,
    inputsToSave: ['x', 'filter'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter, y] = saved as [tfjs.Tensor4D, tfjs.Tensor4D, tfjs.Tensor4D];
      const { strides, pad, dilations, activation } = attrs as unknown as FusedConvAttrs;
      if (activation !== 'linear' && activation !== 'relu')
        throw new Error(`FusedConv2D's gradient: activation ${activation} is neither linear nor relu`);
      if (dilations[0] !== 1 || dilations[1] !== 1)
        throw new Error(`FusedConv2D's gradient: dilation rates greater than 1 have none (got ${dilations})`);
      // Made here, not in the functions below: each runs in a scope of its own that would free it.
      const grad = (activation === 'relu' ? tf.mul(dy as tfjs.Tensor, tf.step(y)) : dy) as tfjs.Tensor4D;
      return {
        x: () => tf.conv2dTranspose(grad, filter, x.shape, strides, pad),
        filter: () =>
          tf
            .engine()
            .runKernel(
              'Conv2DBackpropFilter',
              { x, dy: grad },
              { strides, pad, dataFormat: 'NHWC', filterShape: filter.shape },
            ) as tfjs.Tensor,
        // A Conv2D layer's bias is one value per filter; the tape asks for this only where there is one.
        bias: () => tf.sum(grad, [0, 1, 2]),
      };
    },
  });
}

/** tfjs's Conv2D layer options, as `tf.layers.conv2d` takes them. */
export type Conv2DArgs = Parameters<Tfjs['layers']['conv2d']>[0];

type Conv2DClass = new (args: Conv2DArgs) => tfjs.layers.Layer;

const classes = new WeakMap<Tfjs, Conv2DClass>();

/**
 * tfjs's Conv2D layer class with its linear and ReLU convolutions taken by
 * the `FusedConv2D` kernel directly (ReLU inside it), so their gradient is the
 * lazy one of {@link registerLazyConvGradient}; other activations are applied
 * after the linear convolution. ELU (which tfjs, like ReLU, runs unfused while
 * training), channels-first data and dilated ones keep tfjs's own `call`. It keeps tfjs's
 * class name (Conv2D) and is not registered for serialization: a saved model
 * holds a plain Conv2D, and a model rebuilt from a layer's constructor (as
 * compiling with a seed does) keeps the subclass. One class per tfjs namespace.
 *
 * @example
 * const layer = new (lazyGradientConv2d(tf))({ filters: 6, kernelSize: 5, activation: 'tanh' });
 */
export function lazyGradientConv2d(tf: Tfjs): Conv2DClass {
  const known = classes.get(tf);
  if (known) return known;
  registerLazyConvGradient(tf);
  const [TfjsConv2D] = tf.serialization.SerializationMap.getMap().classNameMap.Conv2D as unknown as [Conv2DClass];
  class LazyGradientConv2D extends TfjsConv2D {
    override call(inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: Record<string, unknown>): tfjs.Tensor | tfjs.Tensor[] {
      const conv = this as unknown as ConvInternals;
      const activation = conv.activation.getClassName();
      // ELU: tfjs-layers fuses it for inference (mapActivationToFusedKernel) but this gradient has no ELU.
      const dilated = conv.dilationRate[0] !== 1 || conv.dilationRate[1] !== 1;
      if (activation === 'elu' || dilated || conv.dataFormat !== 'channelsLast' || conv.padding === 'causal')
        return super.call(inputs, kwargs);
      const fused: FusedActivation = activation === 'relu' ? 'relu' : 'linear';
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const attrs: FusedConvAttrs = {
          strides: conv.strides,
          pad: conv.padding as 'valid' | 'same',
          dataFormat: 'NHWC',
          dilations: conv.dilationRate,
          activation: fused,
        };
        const kernelInputs = { x, filter: conv.kernel.read(), ...(conv.bias ? { bias: conv.bias.read() } : {}) };
        const y = tf
          .engine()
          .runKernel(FUSED_CONV_2D, kernelInputs, attrs as unknown as tfjs.NamedAttrMap) as tfjs.Tensor;
        return activation === 'linear' || fused === 'relu' ? y : conv.activation.apply(y);
      });
    }
  }
  classes.set(tf, LazyGradientConv2D);
  return LazyGradientConv2D;
}
