import { ACTIVATIONS, bool, defineLayer, int, oneOf } from './layer-spec';
import { kerasActivation, kerasBool, kerasInt } from './keras-config';
import { kernelAndBias, onnxActivation } from './nchw-export';

/** Fully connected layer: every output is a weighted sum of every input, f = Wx + b. */
export const dense = defineLayer({
  type: 'Dense',
  label: 'Dense',
  category: 'dense',
  description:
    'A fully connected layer: each of its outputs (units) is a weighted sum of every input plus a bias, f = Wx + b.',
  namePrefix: 'dense',
  params: {
    units: int({ min: 1, default: 10, help: 'Number of outputs (neurons).' }),
    activation: oneOf(ACTIVATIONS, 'linear'),
    useBias: bool(true),
  },
  inputs: {
    min: 1,
    max: 1,
    rank: 2,
    describe: 'a flat vector (batch, features)',
    wrongRankFix: (rank) =>
      rank > 2
        ? { label: 'Insert a Flatten before it', edit: { kind: 'insert-before', input: 0, type: 'Flatten' } }
        : undefined,
  },
  inferShape: ([[batch]], p) => [batch, p.units],
  countParams: ({ inputs: [input], params: p }) => ({
    trainable: (input[1] as number) * p.units + (p.useBias ? p.units : 0),
    nonTrainable: 0,
  }),
  macs: ({ inputs: [input], params: p }) => (input[1] as number) * p.units,
  explainParams: ({ inputs: [input], params: p }) => {
    const total = (input[1] as number) * p.units + (p.useBias ? p.units : 0);
    return p.useBias
      ? `(${input[1]} + 1)·${p.units} = ${total.toLocaleString('en-US')}`
      : `${input[1]}·${p.units} = ${total.toLocaleString('en-US')} (no bias)`;
  },
  window: () => 'global',
  summarize: (p) => [`${p.units}`, p.activation !== 'linear' ? p.activation : ''].filter(Boolean).join(' '),
  fromKeras: (c) => ({
    units: kerasInt(c, 'units'),
    activation: kerasActivation(c),
    useBias: kerasBool(c, 'use_bias', true),
  }),
  toTfjs: (p, tf, name) => tf.layers.dense({ ...p, name }),
  exportedWeights: (p) => kernelAndBias('dense', p.useBias),
  pytorch: ({ params: p, inputs: [input] }) => ({
    module: {
      ctor: 'nn.Linear',
      args: [
        ['in_features', input[1] as number],
        ['out_features', p.units],
      ],
      kwargs: p.useBias ? [] : [['bias', false]],
    },
    forward: ([x], m) => `${m}(${x})`,
    activation: p.activation,
  }),
  onnx: ({ params: p }, [x], onnx) => {
    const y = onnx.node('Gemm', [x, onnx.weight('weight'), ...(p.useBias ? [onnx.weight('bias')] : [])], {
      transB: { int: 1 },
    });
    return onnxActivation(p.activation, y, 2, onnx);
  },
});
