import type * as tfjs from '@tensorflow/tfjs';
import { ACTIVATIONS, bool, defineLayer, int, intPair, oneOf, type Tfjs } from './layer-spec';
import { convSummary, explainWindow2d, pairText, windowOutput, windowParams } from './window-math';
import { onnxActivation, onnxPads, torchConvModule, torchWindowPadding, windowPadding } from './nchw-export';
import { kerasConvWindow, kerasInt, refuseDilation } from './keras-config';

/**
 * Depthwise separable convolution: a depthwise convolution (one kernel per
 * input channel, `depthMultiplier` of them) followed by a 1×1 convolution
 * that mixes the channels into `filters` outputs. Keras counts the depthwise
 * kernel, the pointwise kernel and one bias per filter.
 */
export const separableConv2d = defineLayer({
  type: 'SeparableConv2D',
  label: 'Separable Conv 2D',
  category: 'convolution',
  description:
    'Filters each input channel on its own with a small kernel, then mixes the channels with a 1×1 convolution into its filters: close to what a Conv2D computes with far fewer weights. Xception is built from it.',
  namePrefix: 'sepconv',
  params: {
    filters: int({ min: 1, default: 32, help: 'Number of output channels of the 1×1 mixing step.' }),
    kernelSize: intPair({ min: 1, default: [3, 3], help: 'Height and width F of each per-channel kernel.' }),
    ...windowParams,
    depthMultiplier: int({ min: 1, default: 1, help: 'Per-channel kernels for each input channel.' }),
    activation: oneOf(ACTIVATIONS, 'linear'),
    useBias: bool(true, { help: 'Add one learned bias per filter.' }),
  },
  inputs: { min: 1, max: 1, rank: 4, describe: 'a feature map (batch, height, width, channels)' },
  inferShape: ([[batch, h, w]], p, ctx) => {
    const [outH, outW] = windowOutput('kernel', [h, w], p.kernelSize, p.strides, p.padding, ctx);
    return [batch, outH, outW, p.filters];
  },
  countParams: ({ inputs: [input], params: p }) => {
    const mid = (input[3] as number) * p.depthMultiplier;
    return {
      trainable: p.kernelSize[0] * p.kernelSize[1] * mid + mid * p.filters + (p.useBias ? p.filters : 0),
      nonTrainable: 0,
    };
  },
  // The depthwise step costs F·F per intermediate value, the 1×1 step `filters` per intermediate value.
  macs: ({ inputs: [input], output, params: p }) =>
    (output[1] ?? 0) *
    (output[2] ?? 0) *
    (input[3] as number) *
    p.depthMultiplier *
    (p.kernelSize[0] * p.kernelSize[1] + p.filters),
  window: (p) => ({ kernel: p.kernelSize, strides: p.strides }),
  summarize: convSummary,
  explain: ([[, h, w, c]], p) => [
    ...explainWindow2d([h, w], p.kernelSize, p.strides, p.padding),
    `depth: ${c ?? '?'} channels × ${p.depthMultiplier} filtered apart by ${pairText(p.kernelSize)} kernels, then mixed by 1×1 into ${p.filters} filters`,
  ],
  fromKeras: (c) => {
    const window = kerasConvWindow(c);
    refuseDilation(c, 'dilated separable convolution is not offered');
    return { filters: kerasInt(c, 'filters'), ...window, depthMultiplier: kerasInt(c, 'depth_multiplier', 1) };
  },
  toTfjs: (p, tf, name) => new (separableConv2dClass(tf))({ ...p, name }),
  exportedWeights: (p) => [
    { tfjs: 'depthwise_kernel', torch: 'depthwise.weight', layout: 'depthwise', role: 'parameter', kernel: true },
    { tfjs: 'pointwise_kernel', torch: 'pointwise.weight', layout: 'conv', role: 'parameter', kernel: true },
    ...(p.useBias ? [{ tfjs: 'bias', torch: 'pointwise.bias', layout: 'vector', role: 'parameter' } as const] : []),
  ],
  // PyTorch has no separable convolution module: model.py defines one (depthwise then 1×1, as tfjs computes it).
  pytorch: ({ params: p, inputs: [input] }) => {
    const { padding, pad } = torchWindowPadding(windowPadding(input, p.kernelSize, p.strides, p.padding));
    return {
      module: torchConvModule('SeparableConv2d', {
        inChannels: input[3] as number,
        outChannels: p.filters,
        kernel: p.kernelSize,
        strides: p.strides,
        padding,
        extra: p.depthMultiplier !== 1 ? [['depth_multiplier', p.depthMultiplier]] : [],
        useBias: p.useBias,
      }),
      forward: ([x], m) => `${m}(${pad(x)})`,
      activation: p.activation,
      helpers: ['SeparableConv2d'],
    };
  },
  onnx: ({ params: p, inputs: [input] }, [x], onnx) => {
    const [height, width] = windowPadding(input, p.kernelSize, p.strides, p.padding);
    const filtered = onnx.node('Conv', [x, onnx.weight('depthwise.weight')], {
      kernel_shape: { ints: p.kernelSize },
      strides: { ints: p.strides },
      pads: onnxPads(height, width),
      group: { int: input[3] as number },
    });
    const mixed = onnx.node(
      'Conv',
      [filtered, onnx.weight('pointwise.weight'), ...(p.useBias ? [onnx.weight('pointwise.bias')] : [])],
      { kernel_shape: { ints: [1, 1] } },
    );
    return onnxActivation(p.activation, mixed, 4, onnx);
  },
});

type LayerClass = new (args: Parameters<Tfjs['layers']['separableConv2d']>[0]) => tfjs.layers.Layer;
const fixedClasses = new WeakMap<Tfjs, LayerClass>();

/**
 * tfjs's SeparableConv2D class with its `depthMultiplier` kept in the
 * config: tfjs 4.22 leaves it out, so a saved model, or a layer rebuilt from
 * its config, comes back with a multiplier of 1 and different weights. The
 * class replaces tfjs's own under the same name, so loading a model.json
 * uses it too; made once per tfjs namespace.
 */
function separableConv2dClass(tf: Tfjs): LayerClass {
  let fixed = fixedClasses.get(tf);
  if (!fixed) {
    const Base = tf.layers.separableConv2d({ filters: 1, kernelSize: 1 }).constructor as LayerClass;
    class SeparableConv2D extends Base {
      static className = 'SeparableConv2D';
      override getConfig(): tfjs.serialization.ConfigDict {
        const own = this as unknown as { depthMultiplier: number };
        return { ...super.getConfig(), depthMultiplier: own.depthMultiplier };
      }
    }
    // The class inherits tfjs's static fromConfig; its type here only knows the constructor.
    tf.serialization.registerClass(SeparableConv2D as unknown as Parameters<Tfjs['serialization']['registerClass']>[0]);
    fixedClasses.set(tf, (fixed = SeparableConv2D));
  }
  return fixed;
}
