import { defineLayer } from './layer-spec';
import { kerasLastAxis } from './keras-config';
import { onnxActivation } from './nchw-export';

/** Softmax as a layer: exponentiates each value and divides by the sum over the last axis, so each row sums to 1. */
export const softmax = defineLayer({
  type: 'Softmax',
  label: 'Softmax',
  category: 'activation',
  description:
    'Turns scores into probabilities over the last axis: eˣ of each value divided by the sum of all of them, so they are positive and add up to 1. The same as a Dense layer with activation "softmax", as a layer of its own.',
  namePrefix: 'softmax',
  params: {},
  inputs: { min: 1, max: 1, minRank: 2 },
  inferShape: ([input]) => input,
  // TensorFlow.js runs softmax over the last axis only.
  fromKeras: (c, { inputShapes }) => {
    kerasLastAxis(c, inputShapes[0], 'axis', 'softmax over');
    return {};
  },
  // tfjs's Softmax layer defaults to axis 1, not the last axis as Keras does, so the axis is given.
  toTfjs: (_p, tf, name) => tf.layers.softmax({ axis: -1, name }),
  pytorch: () => ({ forward: ([x]) => x, activation: 'softmax' }),
  onnx: ({ inputs: [input] }, [x], onnx) => onnxActivation('softmax', x, input.length, onnx),
});
