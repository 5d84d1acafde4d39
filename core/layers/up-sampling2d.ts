import { defineLayer, intPair, oneOf } from './layer-spec';
import { pairText } from './window-math';
import { kerasChoice, kerasPair, requireChannelsLast } from './keras-config';

const times = (n: number | null, s: number): string =>
  n === null ? 'unknown until run time' : `${n} × ${s} = ${n * s}`;

/** Repeats each row and column `size` times (or interpolates between them): the map grows, there are no weights. */
export const upSampling2d = defineLayer({
  type: 'UpSampling2D',
  label: 'Up-Sampling 2D',
  category: 'reshape',
  description:
    'Enlarges each feature map by a whole factor, repeating every value (nearest) or blending neighbours (bilinear). It has no weights; a convolution after it learns what to do with the larger map.',
  namePrefix: 'up',
  params: {
    size: intPair({ min: 1, default: [2, 2], help: 'How many times to repeat each row and each column.' }),
    interpolation: oneOf(['nearest', 'bilinear'] as const, 'nearest', {
      help: '"nearest" copies each value; "bilinear" blends the nearest four.',
    }),
  },
  inputs: { min: 1, max: 1, rank: 4, describe: 'a feature map (batch, height, width, channels)' },
  inferShape: ([[batch, h, w, c]], p) => [
    batch,
    h === null ? null : h * p.size[0],
    w === null ? null : w * p.size[1],
    c,
  ],
  // Nearest copies one input position; bilinear blends two neighbours (a 2·size kernel) unless it repeats nothing.
  window: (p) => {
    const span = (s: number) => (p.interpolation === 'bilinear' && s > 1 ? 2 * s : 1);
    return { kernel: [span(p.size[0]), span(p.size[1])], strides: p.size, transposed: true };
  },
  summarize: (p) => `×${p.size[0] === p.size[1] ? p.size[0] : pairText(p.size)} ${p.interpolation}`,
  explain: ([[, h, w, c]], p) => [
    `height: ${times(h, p.size[0])}`,
    `width: ${times(w, p.size[1])}`,
    `depth: ${c ?? '?'} (up-sampling keeps the channels)`,
  ],
  fromKeras: (c) => {
    requireChannelsLast(c);
    return {
      size: kerasPair(c, 'size', [2, 2]),
      interpolation: kerasChoice(c, 'interpolation', ['nearest', 'bilinear'] as const, 'nearest'),
    };
  },
  toTfjs: (p, tf, name) => tf.layers.upSampling2d({ size: [...p.size], interpolation: p.interpolation, name }),
  // tfjs samples output row i at input row i / size (no half-pixel shift): nearest repeats each row, bilinear
  // blends from there, which F.interpolate does not offer, so model.py has a helper for it.
  pytorch: ({ params: p }) => ({
    forward: ([x]) =>
      p.interpolation === 'bilinear'
        ? `tf_bilinear_upsample(${x}, ${p.size[0]}, ${p.size[1]})`
        : [2, 3].reduce(
            (expr, dim, a) => (p.size[a] === 1 ? expr : `${expr}.repeat_interleave(${p.size[a]}, dim=${dim})`),
            x,
          ),
    ...(p.interpolation === 'bilinear' ? { helpers: ['tf_bilinear_upsample'] as const } : {}),
  }),
  onnx: ({ params: p }, [x], onnx) =>
    onnx.node('Resize', [x, '', onnx.constant([1, 1, p.size[0], p.size[1]], [4], 'float')], {
      mode: { string: p.interpolation === 'bilinear' ? 'linear' : 'nearest' },
      coordinate_transformation_mode: { string: 'asymmetric' },
      nearest_mode: { string: 'floor' },
    }),
});
