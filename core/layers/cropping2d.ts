import { ShapeError } from '../errors';
import { defineLayer, fourEdges } from './layer-spec';
import { kerasZeroPadding, requireChannelsLast } from './keras-config';

/** `n − a − b`, worked out, or why it leaves nothing. */
function cropAxis(n: number | null, before: number, after: number): string {
  return n === null ? 'unknown until run time' : `${n} − ${before} − ${after} = ${n - before - after}`;
}

/**
 * Cuts rows and columns off the edges of each feature map: the inverse of
 * ZeroPadding2D. U-Net's original form crops the encoder's maps to the
 * decoder's size before joining them.
 */
export const cropping2d = defineLayer({
  type: 'Cropping2D',
  label: 'Cropping 2D',
  category: 'reshape',
  description:
    'Cuts rows off the top and bottom and columns off the left and right of each feature map, so it lines up with a smaller one (the original U-Net crops its skip connections this way). No weights.',
  namePrefix: 'crop',
  params: {
    cropping: fourEdges('Cropping'),
  },
  inputs: { min: 1, max: 1, rank: 4, describe: 'a feature map (batch, height, width, channels)' },
  inferShape: ([[batch, h, w, c]], p) => {
    const [top, bottom, left, right] = p.cropping;
    for (const [n, cut, what] of [
      [h, top + bottom, 'rows'],
      [w, left + right, 'columns'],
    ] as const) {
      if (n !== null && cut >= n)
        throw new ShapeError(
          'empty-output',
          `cropping ${cut} ${what} from a ${n}-${what.slice(0, -1)} input leaves nothing; crop fewer than ${n}`,
        );
    }
    return [batch, h === null ? null : h - top - bottom, w === null ? null : w - left - right, c];
  },
  summarize: (p) => (new Set(p.cropping).size === 1 ? `${p.cropping[0]}` : p.cropping.join(',')),
  explain: ([[, h, w, c]], p) => [
    `height: ${cropAxis(h, p.cropping[0], p.cropping[1])}`,
    `width: ${cropAxis(w, p.cropping[2], p.cropping[3])}`,
    `depth: ${c ?? '?'} (cropping keeps the channels)`,
  ],
  fromKeras: (c) => {
    requireChannelsLast(c);
    return { cropping: kerasZeroPadding(c, 'cropping', 0) };
  },
  toTfjs: (p, tf, name) =>
    tf.layers.cropping2D({
      cropping: [
        [p.cropping[0], p.cropping[1]],
        [p.cropping[2], p.cropping[3]],
      ],
      name,
    }),
  pytorch: ({ params: p, inputs: [input] }) => {
    const [top, bottom, left, right] = p.cropping;
    const [, h, w] = input as number[];
    return { forward: ([x]) => `${x}[:, :, ${top}:${h - bottom}, ${left}:${w - right}]` };
  },
  onnx: ({ params: p, inputs: [input] }, [x], onnx) => {
    const [top, bottom, left, right] = p.cropping;
    const [, h, w] = input as number[];
    return onnx.node('Slice', [
      x,
      onnx.constant([top, left], [2], 'int64'),
      onnx.constant([h - bottom, w - right], [2], 'int64'),
      onnx.constant([2, 3], [2], 'int64'),
    ]);
  },
});
