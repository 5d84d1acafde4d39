/**
 * Max and average pooling share everything but the reduction, so both specs
 * come from one builder.
 */
import type { Tfjs } from './layer-spec';
import { defineLayer, intPair, oneOf } from './layer-spec';
import { explainWindowAxis, pairText, windowOutput } from './window-math';
import { kerasPadding, kerasPair, requireChannelsLast } from './keras-config';

const poolParams = {
  poolSize: intPair({ min: 1, default: [2, 2], help: 'Height and width of the pooling window.' }),
  strides: intPair({ min: 1, default: [2, 2], help: 'Step between windows; usually equal to the pool size.' }),
  padding: oneOf(['valid', 'same'] as const, 'valid'),
};

function poolingLayer(
  type: 'MaxPooling2D' | 'AveragePooling2D',
  label: string,
  description: string,
  namePrefix: string,
  build: (
    tf: Tfjs,
  ) => (
    args: Parameters<Tfjs['layers']['maxPooling2d']>[0],
  ) => ReturnType<Tfjs['layers']['maxPooling2d'] | Tfjs['layers']['averagePooling2d']>,
) {
  return defineLayer({
    type,
    label,
    category: 'pooling',
    description,
    namePrefix,
    params: poolParams,
    inputs: { min: 1, max: 1, rank: 4, describe: 'a feature map (batch, height, width, channels)' },
    inferShape: ([[batch, h, w, c]], p, ctx) => {
      const [outH, outW] = windowOutput('pool window', [h, w], p.poolSize, p.strides, p.padding, ctx);
      return [batch, outH, outW, c];
    },
    summarize: (p) =>
      [
        pairText(p.poolSize),
        p.strides[0] !== p.poolSize[0] || p.strides[1] !== p.poolSize[1] ? `/${p.strides[0]}` : '',
        p.padding === 'same' ? 'same' : '',
      ]
        .filter(Boolean)
        .join(' '),
    explain: ([[, h, w, c]], p) => [
      `height: ${explainWindowAxis(h, p.poolSize[0], p.strides[0], p.padding)}`,
      `width: ${explainWindowAxis(w, p.poolSize[1], p.strides[1], p.padding)}`,
      `depth: ${c ?? '?'} (pooling keeps the channels)`,
    ],
    fromKeras: (c) => {
      requireChannelsLast(c);
      const poolSize = kerasPair(c, 'pool_size', [2, 2]);
      // Keras's strides default to the pool size, not to NetCanvas's palette default.
      return { poolSize, strides: kerasPair(c, 'strides', poolSize), padding: kerasPadding(c) };
    },
    toTfjs: (p, tf, name) => build(tf)({ ...p, name }),
  });
}

/** Keeps the largest value in each window: downsamples and adds a little translation invariance. No weights. */
export const maxPooling2d = poolingLayer(
  'MaxPooling2D',
  'Max Pool 2D',
  'Keeps the largest value in each window of each channel, shrinking height and width. It has no weights.',
  'pool',
  (tf) => tf.layers.maxPooling2d,
);

/** Averages each window. No weights. */
export const averagePooling2d = poolingLayer(
  'AveragePooling2D',
  'Avg Pool 2D',
  'Averages each window of each channel, shrinking height and width. It has no weights.',
  'avgpool',
  (tf) => tf.layers.averagePooling2d,
);
