import { ACTIVATIONS, bool, defineLayer, int, intPair, oneOf } from './layer-spec';
import { convSummary, explainWindow2d, windowOutput, windowParams } from './window-math';
import {
  kernelAndBias,
  onnxActivation,
  onnxPads,
  torchConvModule,
  torchPair,
  torchWindowPadding,
  windowPadding,
} from './nchw-export';
import { kerasConvWindow, kerasInt, kerasPair, requireValue } from './keras-config';
import { lazyGradientConv2d } from './lazy-conv-gradient';

/** 2-D convolution over [batch, height, width, channels]: `filters` learned kernels slid over the input. */
export const conv2d = defineLayer({
  type: 'Conv2D',
  label: 'Conv 2D',
  category: 'convolution',
  description:
    'Slides each of its filters (small kernels) over the whole depth of its input; each kernel gives one activation map, and the maps stack into the output volume. Weights are shared across positions.',
  namePrefix: 'conv',
  params: {
    filters: int({ min: 1, default: 32, help: 'Number of kernels, and so the depth of the output.' }),
    kernelSize: intPair({ min: 1, default: [3, 3], help: 'Height and width F of each kernel.' }),
    ...windowParams,
    dilationRate: intPair({ min: 1, default: [1, 1], help: 'Spacing between kernel taps (atrous convolution).' }),
    activation: oneOf(ACTIVATIONS, 'linear'),
    useBias: bool(true, { help: 'Add one learned bias per filter.' }),
  },
  inputs: { min: 1, max: 1, rank: 4, describe: 'a feature map (batch, height, width, channels)' },
  inferShape: ([[batch, h, w]], p, ctx) => {
    const [outH, outW] = windowOutput('kernel', [h, w], p.kernelSize, p.strides, p.padding, ctx, p.dilationRate);
    // tfjs 4.22 runs dilated convolutions but has no gradient for them, so
    // say so at design time rather than when training fails.
    if (p.dilationRate[0] > 1 || p.dilationRate[1] > 1)
      ctx.warn(
        'cannot-train-in-browser',
        `dilation ${p.dilationRate[0]}×${p.dilationRate[1]}: TensorFlow.js can run and export this layer but cannot train it (it has no gradient for dilated convolutions)`,
        { label: 'Set dilation to 1×1', edit: { kind: 'set-param', param: 'dilationRate', value: [1, 1] } },
      );
    return [batch, outH, outW, p.filters];
  },
  countParams: ({ inputs: [input], params: p }) => ({
    trainable: p.kernelSize[0] * p.kernelSize[1] * (input[3] as number) * p.filters + (p.useBias ? p.filters : 0),
    nonTrainable: 0,
  }),
  macs: ({ inputs: [input], output, params: p }) =>
    (output[1] ?? 0) * (output[2] ?? 0) * p.filters * p.kernelSize[0] * p.kernelSize[1] * (input[3] as number),
  explainParams: ({ inputs: [input], params: p }) => {
    const perFilter = `${p.kernelSize[0]}·${p.kernelSize[1]}·${input[3]}`;
    const total = p.kernelSize[0] * p.kernelSize[1] * (input[3] as number) * p.filters + (p.useBias ? p.filters : 0);
    return p.useBias
      ? `(${perFilter} + 1)·${p.filters} = ${total.toLocaleString('en-US')}`
      : `${perFilter}·${p.filters} = ${total.toLocaleString('en-US')} (no bias)`;
  },
  window: (p) => ({ kernel: p.kernelSize, strides: p.strides, dilation: p.dilationRate }),
  summarize: convSummary,
  explain: ([[, h, w]], p) => [
    ...explainWindow2d([h, w], p.kernelSize, p.strides, p.padding, p.dilationRate),
    `depth: ${p.filters} filters`,
  ],
  fromKeras: (c) => {
    const window = kerasConvWindow(c);
    requireValue(c, 'groups', 1, 'grouped convolution is not offered');
    return {
      filters: kerasInt(c, 'filters'),
      ...window,
      dilationRate: kerasPair(c, 'dilation_rate', [1, 1]),
    };
  },
  toTfjs: (p, tf, name) => new (lazyGradientConv2d(tf))({ ...p, name }),
  exportedWeights: (p) => kernelAndBias('conv', p.useBias),
  pytorch: ({ params: p, inputs: [input] }) => {
    const { padding, pad } = torchWindowPadding(
      windowPadding(input, p.kernelSize, p.strides, p.padding, p.dilationRate),
    );
    const dilated = p.dilationRate[0] !== 1 || p.dilationRate[1] !== 1;
    return {
      module: torchConvModule('nn.Conv2d', {
        inChannels: input[3] as number,
        outChannels: p.filters,
        kernel: p.kernelSize,
        strides: p.strides,
        padding,
        extra: dilated ? [['dilation', torchPair(p.dilationRate)]] : [],
        useBias: p.useBias,
      }),
      forward: ([x], m) => `${m}(${pad(x)})`,
      activation: p.activation,
    };
  },
  onnx: ({ params: p, inputs: [input] }, [x], onnx) => {
    const [height, width] = windowPadding(input, p.kernelSize, p.strides, p.padding, p.dilationRate);
    const y = onnx.node('Conv', [x, onnx.weight('weight'), ...(p.useBias ? [onnx.weight('bias')] : [])], {
      kernel_shape: { ints: p.kernelSize },
      strides: { ints: p.strides },
      dilations: { ints: p.dilationRate },
      pads: onnxPads(height, width),
    });
    return onnxActivation(p.activation, y, 4, onnx);
  },
});
