import { defineLayer, float } from './layer-spec';
import { kerasNumber } from './keras-config';

/** Multiplies every value by noise around 1 while training (dropout's smooth cousin); nothing at test time. */
export const gaussianDropout = defineLayer({
  type: 'GaussianDropout',
  label: 'Gaussian Dropout',
  category: 'regularization',
  description:
    'While training, multiplies every value by random noise with mean 1 and standard deviation √(rate / (1 − rate)): dropout without hard zeros (Srivastava et al. 2014). Does nothing at test time.',
  namePrefix: 'gdropout',
  params: {
    rate: float({ default: 0.5, min: 0, max: 1, maxExclusive: true, help: 'The dropout rate the noise matches.' }),
  },
  inputs: { min: 1, max: 1, minRank: 2 },
  inferShape: ([input]) => input,
  summarize: (p) => `${p.rate}`,
  fromKeras: (c) => ({ rate: kerasNumber(c, 'rate') }),
  toTfjs: (p, tf, name) => tf.layers.gaussianDropout({ rate: p.rate ?? 0.5, name }),
  pytorch: ({ params: p }) => ({
    module: { ctor: 'GaussianDropout', args: [['rate', p.rate ?? 0.5]] },
    forward: ([x], m) => `${m}(${x})`,
    helpers: ['GaussianDropout'],
  }),
  // An inference graph: the noise is for training only.
  onnx: (_io, [x], onnx) => onnx.node('Identity', [x]),
});
