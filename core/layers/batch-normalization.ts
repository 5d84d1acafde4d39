import { bool, defineLayer, float } from './layer-spec';
import { kerasBool, kerasLastAxis, kerasNumber, requireValue } from './keras-config';

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
});
