import { defineLayer, fourEdges } from './layer-spec';
import { kerasZeroPadding, requireChannelsLast } from './keras-config';

/** Adds rows and columns of zeros around each feature map; torchvision's `padding=` becomes this in Keras. */
export const zeroPadding2d = defineLayer({
  type: 'ZeroPadding2D',
  label: 'Zero Padding 2D',
  category: 'reshape',
  description:
    'Adds a border of zeros around each feature map, so a following convolution can keep the size or cover the edges.',
  namePrefix: 'pad',
  params: {
    padding: fourEdges('Padding'),
  },
  inputs: { min: 1, max: 1, rank: 4, describe: 'a feature map (batch, height, width, channels)' },
  inferShape: ([[batch, h, w, c]], p) => {
    const [top, bottom, left, right] = p.padding;
    return [batch, h === null ? null : h + top + bottom, w === null ? null : w + left + right, c];
  },
  summarize: (p) => (new Set(p.padding).size === 1 ? `${p.padding[0]}` : p.padding.join(',')),
  fromKeras: (c) => {
    requireChannelsLast(c);
    return { padding: kerasZeroPadding(c) };
  },
  toTfjs: (p, tf, name) =>
    tf.layers.zeroPadding2d({
      padding: [
        [p.padding[0], p.padding[1]],
        [p.padding[2], p.padding[3]],
      ],
      name,
    }),
  pytorch: ({ params: p }) => {
    const [top, bottom, left, right] = p.padding;
    return {
      module: { ctor: 'nn.ZeroPad2d', args: [['padding', [left, right, top, bottom]]] },
      forward: ([x], m) => `${m}(${x})`,
    };
  },
  onnx: ({ params: p }, [x], onnx) => {
    const [top, bottom, left, right] = p.padding;
    return onnx.node('Pad', [x, onnx.constant([0, 0, top, left, 0, 0, bottom, right], [8], 'int64')]);
  },
});
