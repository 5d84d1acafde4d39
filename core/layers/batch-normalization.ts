import { bool, defineLayer, float } from './layer-spec';
import { kerasBool, kerasLastAxis, kerasNumber, requireValue } from './keras-config';
import { ExportRefusal, requireAffinePair, type ExportedWeight } from './nchw-export';

const statistics: ExportedWeight[] = [
  { tfjs: 'moving_mean', torch: 'running_mean', layout: 'vector', role: 'buffer' },
  { tfjs: 'moving_variance', torch: 'running_var', layout: 'vector', role: 'buffer' },
];

const checkAffine = (p: { center: boolean; scale: boolean }): void => requireAffinePair(p, 'BatchNorm');

/**
 * Normalises each channel with the batch's mean and variance, then scales by
 * γ and shifts by β. Keras counts γ and β as trainable and the moving mean
 * and variance as non-trainable.
 */
export const batchNormalization = defineLayer({
  type: 'BatchNormalization',
  label: 'Batch Norm',
  category: 'normalization',
  description:
    'Normalises each channel to zero mean and unit variance over the batch, then scales (γ) and shifts (β). Steadies and speeds up training; keeps moving averages for test time.',
  namePrefix: 'bn',
  params: {
    momentum: float({
      default: 0.99,
      min: 0,
      max: 1,
      help: 'How slowly the moving mean and variance follow the batches.',
    }),
    epsilon: float({ default: 0.001, min: 0, help: 'Added to the variance to avoid dividing by zero.' }),
    center: bool(true, { label: 'Learn shift β' }),
    scale: bool(true, { label: 'Learn scale γ' }),
  },
  inputs: { min: 1, max: 1, minRank: 2 },
  inferShape: ([input]) => input,
  explainParams: ({ inputs: [input], params: p }) => {
    const c = input[input.length - 1] as number;
    const learned = (p.center ? 1 : 0) + (p.scale ? 1 : 0);
    const which = [p.scale ? 'γ' : '', p.center ? 'β' : ''].filter(Boolean).join(', ');
    return `${learned + 2}·${c} = ${((learned + 2) * c).toLocaleString('en-US')} (${learned ? `${which} learned, ` : ''}moving mean and variance kept)`;
  },
  countParams: ({ inputs: [input], params: p }) => {
    const channels = input[input.length - 1] as number;
    return { trainable: channels * ((p.center ? 1 : 0) + (p.scale ? 1 : 0)), nonTrainable: 2 * channels };
  },
  fromKeras: (c, { inputShapes }) => {
    kerasLastAxis(c, inputShapes[0]);
    requireValue(c, 'renorm', false, 'batch renormalization is not offered');
    return {
      momentum: kerasNumber(c, 'momentum', 0.99),
      epsilon: kerasNumber(c, 'epsilon', 0.001),
      center: kerasBool(c, 'center', true),
      scale: kerasBool(c, 'scale', true),
    };
  },
  toTfjs: (p, tf, name) =>
    tf.layers.batchNormalization({
      momentum: p.momentum ?? 0.99,
      epsilon: p.epsilon ?? 0.001,
      center: p.center,
      scale: p.scale,
      name,
    }),
  exportedWeights: (p) => [
    ...(p.scale ? [{ tfjs: 'gamma', torch: 'weight', layout: 'vector', role: 'parameter' } as const] : []),
    ...(p.center ? [{ tfjs: 'beta', torch: 'bias', layout: 'vector', role: 'parameter' } as const] : []),
    ...statistics,
  ],
  // Keras's momentum weighs the old average (0.99), PyTorch's the new batch (0.01).
  pytorch: ({ params: p, inputs: [input] }) => {
    checkAffine(p);
    const rank = input.length;
    if (rank > 4) throw new ExportRefusal(`has a ${rank}-D input; PyTorch's BatchNorm takes 2-D to 4-D tensors`);
    const channels = input[rank - 1] as number;
    const kwargs = [
      ['eps', p.epsilon ?? 0.001],
      ['momentum', Number((1 - (p.momentum ?? 0.99)).toPrecision(12))],
      ...(p.center ? [] : [['affine', false] as const]),
    ] as const;
    return {
      module: { ctor: rank === 4 ? 'nn.BatchNorm2d' : 'nn.BatchNorm1d', args: [['num_features', channels]], kwargs },
      // A 3-D tensor keeps its channels last, where BatchNorm1d wants them second.
      forward: ([x], m) => (rank === 3 ? `${m}(${x}.transpose(1, 2)).transpose(1, 2)` : `${m}(${x})`),
    };
  },
  onnx: ({ params: p, inputs: [input] }, [x], onnx) => {
    checkAffine(p);
    const rank = input.length;
    const channels = input[rank - 1] as number;
    // Without γ and β the layer uses 1 and 0: constants, not weights, so the file's weight count stays the design's.
    const scale = p.scale ? onnx.weight('weight') : onnx.constant(new Array(channels).fill(1), [channels], 'float');
    const shift = p.center ? onnx.weight('bias') : onnx.constant(new Array(channels).fill(0), [channels], 'float');
    const perm = rank === 3 ? [0, 2, 1] : undefined;
    const before = perm ? onnx.node('Transpose', [x], { perm: { ints: perm } }) : x;
    const y = onnx.node(
      'BatchNormalization',
      [before, scale, shift, onnx.weight('running_mean'), onnx.weight('running_var')],
      {
        epsilon: { float: p.epsilon ?? 0.001 },
        momentum: { float: p.momentum ?? 0.99 },
      },
    );
    return perm ? onnx.node('Transpose', [y], { perm: { ints: perm } }) : y;
  },
});
