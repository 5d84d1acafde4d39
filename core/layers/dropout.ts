import { defineLayer, float } from './layer-spec';
import { kerasNumber, requireValue } from './keras-config';
import { fastDropout } from './fast-dropout';

/** During training, zeroes a random fraction `rate` of values (and scales the rest); does nothing at test time. */
export const dropout = defineLayer({
  type: 'Dropout',
  label: 'Dropout',
  category: 'regularization',
  description:
    'While training, sets a random fraction of values to zero (and scales the rest up), so the network cannot rely on any one unit. Does nothing at test time.',
  namePrefix: 'dropout',
  params: { rate: float({ default: 0.5, min: 0, max: 1, maxExclusive: true, help: 'Fraction of values dropped.' }) },
  inputs: { min: 1, max: 1, minRank: 2 },
  inferShape: ([input]) => input,
  summarize: (p) => `${p.rate}`,
  fromKeras: (c) => {
    requireValue(c, 'noise_shape', undefined, 'NetCanvas drops every value independently');
    return { rate: kerasNumber(c, 'rate') };
  },
  toTfjs: (p, tf, name) => new (fastDropout(tf))({ rate: p.rate ?? 0.5, name }),
  pytorch: ({ params: p }) => ({
    module: { ctor: 'nn.Dropout', args: [['p', p.rate ?? 0.5]] },
    forward: ([x], m) => `${m}(${x})`,
  }),
  // Inference ignores dropout; the node stays so the file shows the design's layers.
  // The ratio is a float32 there, and a rate just below 1 must not round up to 1, which ONNX refuses.
  onnx: ({ params: p }, [x], onnx) =>
    onnx.node('Dropout', [x, onnx.constant([Math.min(p.rate ?? 0.5, 1 - 2 ** -24)], [], 'float')]),
});
