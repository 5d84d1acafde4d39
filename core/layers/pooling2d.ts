/**
 * Max and average pooling share everything but the reduction, so both specs
 * come from one builder.
 */
import type { Shape, Tfjs } from './layer-spec';
import { defineLayer, intPair, oneOf } from './layer-spec';
import { explainWindowAxis, pairText, windowOutput } from './window-math';
import { kerasPadding, kerasPair, requireChannelsLast } from './keras-config';
import { onnxPads, torchPair, torchWindowPadding, windowPadding, type TorchLayer } from './nchw-export';

type PoolParams = { poolSize: [number, number]; strides: [number, number]; padding: 'valid' | 'same' };

/**
 * Max pooling ignores TensorFlow's "same" padding (it pads with −∞, as
 * PyTorch's own `padding=` does); uneven padding is an explicit −∞ `F.pad`.
 */
function torchMaxPool(p: PoolParams, input: Shape): TorchLayer {
  const { padding, pad } = torchWindowPadding(windowPadding(input, p.poolSize, p.strides, p.padding), "float('-inf')");
  return {
    module: {
      ctor: 'nn.MaxPool2d',
      args: [['kernel_size', torchPair(p.poolSize)]],
      kwargs: [['stride', torchPair(p.strides)], ...(padding === undefined ? [] : [['padding', padding] as const])],
    },
    forward: ([x], m) => `${m}(${pad(x)})`,
  };
}

/**
 * Average pooling leaves TensorFlow's "same" padding out of each average:
 * PyTorch's `count_include_pad=False` when the padding is even, a helper when not.
 */
function torchAvgPool(p: PoolParams, input: Shape): TorchLayer {
  const [height, width] = windowPadding(input, p.poolSize, p.strides, p.padding);
  if (height[0] !== height[1] || width[0] !== width[1]) {
    const amounts = `(${width[0]}, ${width[1]}, ${height[0]}, ${height[1]})`;
    return {
      forward: ([x]) => `tf_same_avg_pool2d(${x}, ${pyPair(p.poolSize)}, ${pyPair(p.strides)}, ${amounts})`,
      helpers: ['tf_same_avg_pool2d'],
    };
  }
  const padded = height[0] > 0 || width[0] > 0;
  return {
    module: {
      ctor: 'nn.AvgPool2d',
      args: [['kernel_size', torchPair(p.poolSize)]],
      kwargs: [
        ['stride', torchPair(p.strides)],
        ...(padded
          ? [['padding', torchPair([height[0], width[0]])] as const, ['count_include_pad', false] as const]
          : []),
      ],
    },
    forward: ([x], m) => `${m}(${x})`,
  };
}

const pyPair = ([a, b]: readonly [number, number]): string => (a === b ? `${a}` : `(${a}, ${b})`);

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
  torch: (p: PoolParams, input: Shape) => TorchLayer,
  onnxOp: 'MaxPool' | 'AveragePool',
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
    window: (p) => ({ kernel: p.poolSize, strides: p.strides }),
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
    pytorch: ({ params: p, inputs: [input] }) => torch(p, input),
    // ONNX pads unevenly itself; MaxPool ignores the padding, AveragePool leaves it out of the count by default.
    onnx: ({ params: p, inputs: [input] }, [x], onnx) => {
      const [height, width] = windowPadding(input, p.poolSize, p.strides, p.padding);
      return onnx.node(onnxOp, [x], {
        kernel_shape: { ints: p.poolSize },
        strides: { ints: p.strides },
        pads: onnxPads(height, width),
      });
    },
  });
}

/** Keeps the largest value in each window: downsamples and adds a little translation invariance. No weights. */
export const maxPooling2d = poolingLayer(
  'MaxPooling2D',
  'Max Pool 2D',
  'Keeps the largest value in each window of each channel, shrinking height and width. It has no weights.',
  'pool',
  torchMaxPool,
  'MaxPool',
  (tf) => tf.layers.maxPooling2d,
);

/** Averages each window. No weights. */
export const averagePooling2d = poolingLayer(
  'AveragePooling2D',
  'Avg Pool 2D',
  'Averages each window of each channel, shrinking height and width. It has no weights.',
  'avgpool',
  torchAvgPool,
  'AveragePool',
  (tf) => tf.layers.averagePooling2d,
);
