import { defineLayer } from './layer-spec';
import { requireChannelsLast, requireValue } from './keras-config';
import type { TorchLayer } from './nchw-export';

/** torchvision's form: an adaptive pool to 1×1, flattened to (N, C). */
const adaptivePool = (ctor: string): TorchLayer => ({
  module: { ctor, args: [['output_size', [1, 1]]] },
  forward: ([x], m) => `torch.flatten(${m}(${x}), 1)`,
});

/**
 * A global pooling layer: the two differ only in the reduction, named here
 * once per framework (tfjs layer, torch module, ONNX operator).
 */
function globalPooling2d<const T extends string>(layer: {
  type: T;
  label: string;
  description: string;
  namePrefix: string;
  tfjs: 'globalAveragePooling2d' | 'globalMaxPooling2d';
  torch: string;
  onnxOp: string;
}) {
  return defineLayer({
    type: layer.type,
    label: layer.label,
    category: 'pooling',
    description: layer.description,
    namePrefix: layer.namePrefix,
    params: {},
    inputs: { min: 1, max: 1, rank: 4, describe: 'a feature map (batch, height, width, channels)' },
    inferShape: ([[batch, , , c]]) => [batch, c],
    window: () => 'global',
    fromKeras: (c) => {
      requireChannelsLast(c);
      requireValue(c, 'keepdims', false, 'keeping the pooled axes changes the output shape');
      return {};
    },
    toTfjs: (_p, tf, name) => tf.layers[layer.tfjs]({ name }),
    pytorch: () => adaptivePool(layer.torch),
    onnx: (_io, [x], onnx) => onnx.node('Flatten', [onnx.node(layer.onnxOp, [x])], { axis: { int: 1 } }),
  });
}

/** Averages each channel over all positions: H×W×C becomes C. */
export const globalAveragePooling2d = globalPooling2d({
  type: 'GlobalAveragePooling2D',
  label: 'Global Avg Pool',
  description:
    'Averages each channel over the whole map, turning H×W×C into a vector of C. ResNet uses it before its classifier.',
  namePrefix: 'gap',
  tfjs: 'globalAveragePooling2d',
  torch: 'nn.AdaptiveAvgPool2d',
  onnxOp: 'GlobalAveragePool',
});

/** Takes each channel's maximum over all positions: H×W×C becomes C. */
export const globalMaxPooling2d = globalPooling2d({
  type: 'GlobalMaxPooling2D',
  label: 'Global Max Pool',
  description: 'Takes the largest value of each channel over the whole map, turning H×W×C into a vector of C.',
  namePrefix: 'gmp',
  tfjs: 'globalMaxPooling2d',
  torch: 'nn.AdaptiveMaxPool2d',
  onnxOp: 'GlobalMaxPool',
});
