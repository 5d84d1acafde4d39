import { defineLayer } from './layer-spec';
import { requireChannelsLast, requireValue } from './keras-config';
import type { TorchLayer } from './nchw-export';

/** torchvision's form: an adaptive pool to 1×1, flattened to (N, C). */
const adaptivePool = (ctor: string): TorchLayer => ({
  module: { ctor, args: [['output_size', [1, 1]]] },
  forward: ([x], m) => `torch.flatten(${m}(${x}), 1)`,
});

const rule = { min: 1, max: 1, rank: 4, describe: 'a feature map (batch, height, width, channels)' } as const;

/** Averages each channel over all positions: H×W×C becomes C. */
export const globalAveragePooling2d = defineLayer({
  type: 'GlobalAveragePooling2D',
  label: 'Global Avg Pool',
  category: 'pooling',
  description:
    'Averages each channel over the whole map, turning H×W×C into a vector of C. ResNet uses it before its classifier.',
  namePrefix: 'gap',
  params: {},
  inputs: rule,
  inferShape: ([[batch, , , c]]) => [batch, c],
  window: () => 'global',
  fromKeras: (c) => {
    requireChannelsLast(c);
    requireValue(c, 'keepdims', false, 'keeping the pooled axes changes the output shape');
    return {};
  },
  toTfjs: (_p, tf, name) => tf.layers.globalAveragePooling2d({ name }),
  pytorch: () => adaptivePool('nn.AdaptiveAvgPool2d'),
  onnx: (_io, [x], onnx) => onnx.node('Flatten', [onnx.node('GlobalAveragePool', [x])], { axis: { int: 1 } }),
});

/** Takes each channel's maximum over all positions: H×W×C becomes C. */
export const globalMaxPooling2d = defineLayer({
  type: 'GlobalMaxPooling2D',
  label: 'Global Max Pool',
  category: 'pooling',
  description: 'Takes the largest value of each channel over the whole map, turning H×W×C into a vector of C.',
  namePrefix: 'gmp',
  params: {},
  inputs: rule,
  inferShape: ([[batch, , , c]]) => [batch, c],
  window: () => 'global',
  fromKeras: (c) => {
    requireChannelsLast(c);
    requireValue(c, 'keepdims', false, 'keeping the pooled axes changes the output shape');
    return {};
  },
  toTfjs: (_p, tf, name) => tf.layers.globalMaxPooling2d({ name }),
  pytorch: () => adaptivePool('nn.AdaptiveMaxPool2d'),
  onnx: (_io, [x], onnx) => onnx.node('Flatten', [onnx.node('GlobalMaxPool', [x])], { axis: { int: 1 } }),
});
