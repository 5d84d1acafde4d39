import { defineLayer, float } from './layer-spec';
import { kerasNumber } from './keras-config';

/** Adds zero-mean Gaussian noise while training, as a regulariser or data augmentation; nothing at test time. */
export const gaussianNoise = defineLayer({
  type: 'GaussianNoise',
  label: 'Gaussian Noise',
  category: 'regularization',
  description:
    'While training, adds random noise drawn from a normal distribution with mean 0 to every value, so the network learns to ignore small disturbances. Does nothing at test time.',
  namePrefix: 'noise',
  params: { stddev: float({ default: 0.1, min: 0, label: 'Standard deviation', help: 'Spread σ of the noise.' }) },
  inputs: { min: 1, max: 1, minRank: 2 },
  inferShape: ([input]) => input,
  summarize: (p) => `σ ${p.stddev}`,
  fromKeras: (c) => ({ stddev: kerasNumber(c, 'stddev') }),
  toTfjs: (p, tf, name) => tf.layers.gaussianNoise({ stddev: p.stddev ?? 0.1, name }),
  pytorch: ({ params: p }) => ({
    module: { ctor: 'GaussianNoise', args: [['stddev', p.stddev ?? 0.1]] },
    forward: ([x], m) => `${m}(${x})`,
    helpers: ['GaussianNoise'],
  }),
  // An inference graph: the noise is for training only.
  onnx: (_io, [x], onnx) => onnx.node('Identity', [x]),
});
