/** The activation layers: a named function, and the parametrised ReLU family. */
import { ACTIVATIONS, defineLayer, float, oneOf } from './layer-spec';
import { kerasActivation, kerasNumber, requireValue } from './keras-config';
import { onnxActivation } from './nchw-export';

const anyRank = { min: 1, max: 1, minRank: 2 } as const;
const same = ([input]: readonly (readonly (number | null)[])[]) => input;

/** Applies a named function element by element; the shape does not change. */
export const activation = defineLayer({
  type: 'Activation',
  label: 'Activation',
  category: 'activation',
  description:
    'Applies a non-linear function to every value. Without non-linearities a stack of layers is still one linear map.',
  namePrefix: 'act',
  params: { activation: oneOf(ACTIVATIONS, 'relu') },
  inputs: anyRank,
  inferShape: same,
  summarize: (p) => p.activation,
  fromKeras: (c) => ({ activation: kerasActivation(c) }),
  toTfjs: (p, tf, name) => tf.layers.activation({ activation: p.activation, name }),
  pytorch: ({ params: p }) => ({ forward: ([x]) => x, activation: p.activation }),
  onnx: ({ params: p, inputs: [input] }, [x], onnx) =>
    p.activation === 'linear' ? onnx.node('Identity', [x]) : onnxActivation(p.activation, x, input.length, onnx),
});

/** max(0, x), optionally capped at `maxValue`. */
export const relu = defineLayer({
  type: 'ReLU',
  label: 'ReLU',
  category: 'activation',
  description:
    'max(0, x): passes positive values and zeroes the rest. Optionally capped at a maximum (ReLU6 caps at 6).',
  namePrefix: 'relu',
  params: {
    maxValue: float({
      default: null,
      min: 0,
      nullable: true,
      label: 'Max value',
      help: 'Cap on the output; empty for none.',
    }),
  },
  inputs: anyRank,
  inferShape: same,
  summarize: (p) => (p.maxValue === null ? '' : `≤ ${p.maxValue}`),
  outputActivation: (p) => (p.maxValue === 6 ? 'relu6' : 'relu'),
  fromKeras: (c) => {
    requireValue(c, 'negative_slope', 0, 'a slope below zero is a Leaky ReLU; use a LeakyReLU layer');
    requireValue(c, 'threshold', 0, "NetCanvas's ReLU switches at zero");
    return { maxValue: c.max_value === undefined || c.max_value === null ? null : kerasNumber(c, 'max_value') };
  },
  toTfjs: (p, tf, name) => tf.layers.reLU({ ...(p.maxValue === null ? {} : { maxValue: p.maxValue }), name }),
  pytorch: ({ params: p }) => ({
    module:
      p.maxValue === null
        ? { ctor: 'nn.ReLU', args: [] }
        : p.maxValue === 6
          ? { ctor: 'nn.ReLU6', args: [] }
          : {
              ctor: 'nn.Hardtanh',
              args: [
                ['min_val', 0],
                ['max_val', p.maxValue],
              ],
            },
    forward: ([x], m) => `${m}(${x})`,
  }),
  onnx: ({ params: p }, [x], onnx) =>
    p.maxValue === null
      ? onnx.node('Relu', [x])
      : onnx.node('Clip', [x, onnx.constant([0], [], 'float'), onnx.constant([p.maxValue], [], 'float')]),
});

/** x for positive x, αx otherwise. */
export const leakyRelu = defineLayer({
  type: 'LeakyReLU',
  label: 'Leaky ReLU',
  category: 'activation',
  description: 'Like ReLU but lets a small slope α through for negative values, so units never go fully silent.',
  namePrefix: 'lrelu',
  params: { alpha: float({ default: 0.3, min: 0, label: 'Slope α' }) },
  inputs: anyRank,
  inferShape: same,
  summarize: (p) => `α ${p.alpha}`,
  // Keras 2 and tfjs call the slope `alpha`, Keras 3 `negative_slope`; both default to 0.3.
  fromKeras: (c) => ({ alpha: kerasNumber(c, c.negative_slope !== undefined ? 'negative_slope' : 'alpha', 0.3) }),
  toTfjs: (p, tf, name) => tf.layers.leakyReLU({ alpha: p.alpha ?? 0.3, name }),
  pytorch: ({ params: p }) => ({
    module: { ctor: 'nn.LeakyReLU', args: [['negative_slope', p.alpha ?? 0.3]] },
    forward: ([x], m) => `${m}(${x})`,
  }),
  onnx: ({ params: p }, [x], onnx) => onnx.node('LeakyRelu', [x], { alpha: { float: p.alpha ?? 0.3 } }),
});

/** x for positive x, α(eˣ − 1) otherwise. */
export const elu = defineLayer({
  type: 'ELU',
  label: 'ELU',
  category: 'activation',
  description:
    'Exponential linear unit: x for positive values, α(eˣ − 1) below zero, a smooth curve that keeps mean activations near zero.',
  namePrefix: 'elu',
  // tfjs 4.22's ELU layer throws NotImplementedError for any α but 1.
  params: {
    alpha: float({
      default: 1,
      min: 1,
      max: 1,
      label: 'α',
      help: 'Slope of the negative part; TensorFlow.js supports only 1.',
    }),
  },
  inputs: anyRank,
  inferShape: same,
  summarize: (p) => `α ${p.alpha}`,
  fromKeras: (c) => ({ alpha: kerasNumber(c, 'alpha', 1) }),
  toTfjs: (p, tf, name) => tf.layers.elu({ alpha: p.alpha ?? 1, name }),
  pytorch: ({ params: p }) => ({
    module: { ctor: 'nn.ELU', args: [['alpha', p.alpha ?? 1]] },
    forward: ([x], m) => `${m}(${x})`,
  }),
  onnx: ({ params: p }, [x], onnx) => onnx.node('Elu', [x], { alpha: { float: p.alpha ?? 1 } }),
});
