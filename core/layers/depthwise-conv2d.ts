import { ACTIVATIONS, bool, defineLayer, int, intPair, oneOf } from './layer-spec';
import { explainWindowAxis, pairText, windowOutput } from './window-math';
import {
  kernelAndBias,
  onnxActivation,
  onnxPads,
  torchConvModule,
  torchWindowPadding,
  windowPadding,
} from './nchw-export';
import { kerasConvWindow, kerasInt, kerasPair } from './keras-config';

/** Depthwise 2-D convolution: one kernel (or `depthMultiplier` kernels) per input channel, channels kept apart. */
export const depthwiseConv2d = defineLayer({
  type: 'DepthwiseConv2D',
  label: 'Depthwise Conv 2D',
  category: 'convolution',
  description:
    'Convolves each input channel with its own kernel instead of mixing channels: far fewer weights than Conv2D. MobileNet pairs it with a 1×1 Conv2D.',
  namePrefix: 'dwconv',
  params: {
    kernelSize: intPair({ min: 1, default: [3, 3] }),
    strides: intPair({ min: 1, default: [1, 1] }),
    padding: oneOf(['valid', 'same'] as const, 'valid'),
    depthMultiplier: int({ min: 1, default: 1, help: 'Output channels per input channel.' }),
    // tfjs 4.22's DepthwiseConv2D ignores dilationRate in both its shape rule
    // and its kernel, so a dilated design would train a different network.
    dilationRate: intPair({
      min: 1,
      max: 1,
      default: [1, 1],
      help: 'Spacing between kernel taps; TensorFlow.js supports only 1 here.',
    }),
    activation: oneOf(ACTIVATIONS, 'linear'),
    useBias: bool(true),
  },
  inputs: { min: 1, max: 1, rank: 4, describe: 'a feature map (batch, height, width, channels)' },
  inferShape: ([[batch, h, w, c]], p, ctx) => {
    const [outH, outW] = windowOutput('kernel', [h, w], p.kernelSize, p.strides, p.padding, ctx, p.dilationRate);
    return [batch, outH, outW, c === null ? null : c * p.depthMultiplier];
  },
  countParams: ({ inputs: [input], params: p }) => {
    const out = (input[3] as number) * p.depthMultiplier;
    return { trainable: p.kernelSize[0] * p.kernelSize[1] * out + (p.useBias ? out : 0), nonTrainable: 0 };
  },
  explainParams: ({ inputs: [input], params: p }) => {
    const maps = (input[3] as number) * p.depthMultiplier;
    const total = p.kernelSize[0] * p.kernelSize[1] * maps + (p.useBias ? maps : 0);
    const each = `${p.kernelSize[0]}·${p.kernelSize[1]}`;
    const count = `${input[3]}·${p.depthMultiplier}`;
    return p.useBias
      ? `(${each} + 1)·${count} = ${total.toLocaleString('en-US')}`
      : `${each}·${count} = ${total.toLocaleString('en-US')} (no bias)`;
  },
  window: (p) => ({ kernel: p.kernelSize, strides: p.strides, dilation: p.dilationRate }),
  macs: ({ output, params: p }) =>
    (output[1] ?? 0) * (output[2] ?? 0) * (output[3] ?? 0) * p.kernelSize[0] * p.kernelSize[1],
  summarize: (p) =>
    [
      pairText(p.kernelSize),
      p.depthMultiplier !== 1 ? `×${p.depthMultiplier}` : '',
      p.strides[0] !== 1 ? `/${p.strides[0]}` : '',
      p.padding,
    ]
      .filter(Boolean)
      .join(' '),
  explain: ([[, h, w, c]], p) => [
    `height: ${explainWindowAxis(h, p.kernelSize[0], p.strides[0], p.padding, p.dilationRate[0])}`,
    `width: ${explainWindowAxis(w, p.kernelSize[1], p.strides[1], p.padding, p.dilationRate[1])}`,
    `depth: ${c ?? '?'} channels × ${p.depthMultiplier}`,
  ],
  fromKeras: (c) => {
    return {
      ...kerasConvWindow(c),
      depthMultiplier: kerasInt(c, 'depth_multiplier', 1),
      dilationRate: kerasPair(c, 'dilation_rate', [1, 1]),
    };
  },
  toTfjs: (p, tf, name) => tf.layers.depthwiseConv2d({ ...p, name }),
  exportedWeights: (p) => kernelAndBias('depthwise', p.useBias),
  // A grouped convolution with one group per input channel; tfjs orders the
  // outputs channel by channel (c·M + m), which is PyTorch's group order.
  pytorch: ({ params: p, inputs: [input] }) => {
    const channels = input[3] as number;
    const { padding, pad } = torchWindowPadding(windowPadding(input, p.kernelSize, p.strides, p.padding));
    return {
      module: torchConvModule('nn.Conv2d', {
        inChannels: channels,
        outChannels: channels * p.depthMultiplier,
        kernel: p.kernelSize,
        strides: p.strides,
        padding,
        extra: [['groups', channels]],
        useBias: p.useBias,
      }),
      forward: ([x], m) => `${m}(${pad(x)})`,
      activation: p.activation,
    };
  },
  onnx: ({ params: p, inputs: [input] }, [x], onnx) => {
    const [height, width] = windowPadding(input, p.kernelSize, p.strides, p.padding);
    const y = onnx.node('Conv', [x, onnx.weight('weight'), ...(p.useBias ? [onnx.weight('bias')] : [])], {
      kernel_shape: { ints: p.kernelSize },
      strides: { ints: p.strides },
      pads: onnxPads(height, width),
      group: { int: input[3] as number },
    });
    return onnxActivation(p.activation, y, 4, onnx);
  },
});
