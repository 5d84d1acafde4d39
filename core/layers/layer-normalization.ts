import { bool, defineLayer, float } from './layer-spec';
import { kerasBool, kerasLastAxis, kerasNumber, requireValue } from './keras-config';
import { requireAffinePair, torchAxis } from './nchw-export';

const checkAffine = (p: { center: boolean; scale: boolean }): void => requireAffinePair(p, 'LayerNorm');

/**
 * Normalises each sample over its last axis (its channels) to zero mean and
 * unit variance, then scales by γ and shifts by β, one of each per channel.
 * Unlike BatchNormalization it keeps no batch statistics.
 */
export const layerNormalization = defineLayer({
  type: 'LayerNormalization',
  label: 'Layer Norm',
  category: 'normalization',
  description:
    'Normalises each sample on its own over its channels to zero mean and unit variance, then scales (γ) and shifts (β). Works the same in training and at test time, with any batch size, and keeps no moving averages.',
  namePrefix: 'ln',
  params: {
    // Not below 1e-12: tfjs adds ε in double precision, PyTorch and ONNX in
    // float32, where a smaller ε vanishes and a constant row divides 0 by 0.
    epsilon: float({
      default: 0.001,
      min: 1e-12,
      help: 'Added to the variance to avoid dividing by zero (at least 1e-12, which float32 still holds).',
    }),
    center: bool(true, { label: 'Learn shift β' }),
    scale: bool(true, { label: 'Learn scale γ' }),
  },
  inputs: { min: 1, max: 1, minRank: 2 },
  inferShape: ([input]) => input,
  countParams: ({ inputs: [input], params: p }) => ({
    trainable: (input[input.length - 1] as number) * ((p.center ? 1 : 0) + (p.scale ? 1 : 0)),
    nonTrainable: 0,
  }),
  summarize: (p) => (p.center && p.scale ? '' : [p.scale ? 'γ' : '', p.center ? 'β' : ''].join('') || 'no γ, β'),
  fromKeras: (c, { inputShapes }) => {
    kerasLastAxis(c, inputShapes[0]);
    requireValue(c, 'rms_scaling', false, 'RMS normalisation is not offered');
    return {
      epsilon: kerasNumber(c, 'epsilon', 0.001),
      center: kerasBool(c, 'center', true),
      scale: kerasBool(c, 'scale', true),
    };
  },
  toTfjs: (p, tf, name) =>
    tf.layers.layerNormalization({ axis: -1, epsilon: p.epsilon ?? 0.001, center: p.center, scale: p.scale, name }),
  exportedWeights: (p) => [
    ...(p.scale ? [{ tfjs: 'gamma', torch: 'weight', layout: 'vector', role: 'parameter' } as const] : []),
    ...(p.center ? [{ tfjs: 'beta', torch: 'bias', layout: 'vector', role: 'parameter' } as const] : []),
  ],
  // LayerNorm normalises the last dims; a feature map's channels are PyTorch's dim 1, so it visits channels-last.
  pytorch: ({ params: p, inputs: [input] }) => {
    checkAffine(p);
    return {
      module: {
        ctor: 'nn.LayerNorm',
        args: [['normalized_shape', input[input.length - 1] as number]],
        kwargs: [['eps', p.epsilon ?? 0.001], ...(p.scale ? [] : [['elementwise_affine', false] as const])],
      },
      forward: ([x], m) => (input.length === 4 ? `${m}(${x}.permute(0, 2, 3, 1)).permute(0, 3, 1, 2)` : `${m}(${x})`),
    };
  },
  // Opset 13 has no LayerNormalization: (x − mean) / √(variance + ε) over the channels, then γ and β.
  onnx: ({ params: p, inputs: [input] }, [x], onnx) => {
    checkAffine(p);
    const rank = input.length;
    const axes = { ints: [torchAxis(-1, rank)] };
    const mean = onnx.node('ReduceMean', [x], { axes, keepdims: { int: 1 } });
    const centred = onnx.node('Sub', [x, mean]);
    const variance = onnx.node('ReduceMean', [onnx.node('Mul', [centred, centred])], { axes, keepdims: { int: 1 } });
    const spread = onnx.node('Sqrt', [onnx.node('Add', [variance, onnx.constant([p.epsilon ?? 0.001], [], 'float')])]);
    let y = onnx.node('Div', [centred, spread]);
    if (!p.scale) return y;
    const channels = input[rank - 1] as number;
    // γ and β are per channel: along dim 1 of a feature map they need a (C, 1, 1) shape to broadcast.
    const perChannel = (w: string) =>
      rank === 4 ? onnx.node('Reshape', [w, onnx.constant([channels, 1, 1], [3], 'int64')]) : w;
    y = onnx.node('Mul', [y, perChannel(onnx.weight('weight'))]);
    return onnx.node('Add', [y, perChannel(onnx.weight('bias'))]);
  },
});
