/** The merge layers: they take two or more tensors and make one. */
import { ShapeError } from '../errors';
import type * as tfjs from '@tensorflow/tfjs';
import { customLayerClass, type CustomLayerDefinition } from './custom-tfjs';
import type { CustomClassNote, Shape, Tfjs } from './layer-spec';
import { defineLayer, int } from './layer-spec';
import { kerasInt } from './keras-config';
import { torchAxis, type OnnxEmitter } from './nchw-export';

const shapeText = (s: Shape): string =>
  s
    .slice(1)
    .map((d) => d ?? '?')
    .join('×');

/**
 * The shape rule every element-wise merge shares: all inputs the same shape
 * (unknown sizes match anything). Two feature maps that differ only in their
 * channels get a fix: a 1×1 Conv2D that matches them.
 */
function sameShapes(type: string, inputs: readonly Shape[]): Shape {
  const [first] = inputs;
  for (let i = 1; i < inputs.length; i++) {
    const other = inputs[i];
    const differs =
      other.length !== first.length ||
      other.some((d, axis) => axis > 0 && d !== null && first[axis] !== null && d !== first[axis]);
    if (differs) {
      const channelsOnly =
        other.length === first.length && other.length === 4 && other[1] === first[1] && other[2] === first[2];
      throw new ShapeError(
        'shape-mismatch',
        `input 1 is ${shapeText(first)} but input ${i + 1} is ${shapeText(other)}; ${type} needs equal shapes`,
        channelsOnly && first[3] !== null
          ? {
              label: `Match the channels: insert a 1×1 Conv2D with ${first[3]} filters on input ${i + 1}`,
              edit: {
                kind: 'insert-before',
                input: i,
                type: 'Conv2D',
                params: { filters: first[3], kernelSize: [1, 1] },
              },
            }
          : undefined,
      );
    }
  }
  return first.map((d, axis) => (d === null ? (inputs.find((s) => s[axis] !== null)?.[axis] ?? null) : d));
}

type ElementwiseType = 'Add' | 'Multiply' | 'Average' | 'Maximum' | 'Minimum' | 'Subtract';

/** An element-wise merge: same-shaped inputs in, one tensor of that shape out, no weights. */
function elementwiseMerge<T extends ElementwiseType>(o: {
  type: T;
  description: string;
  namePrefix: string;
  face: string;
  /** Most inputs: Subtract takes exactly two. */
  max?: number;
  toTfjs: (tf: Tfjs, name: string) => tfjs.layers.Layer;
  /** The PyTorch expression for the input expressions. */
  torch: (xs: readonly string[]) => string;
  /** The ONNX nodes for the input values. */
  onnx: (xs: readonly string[], onnx: OnnxEmitter) => string;
  customClass?: CustomClassNote;
}) {
  return defineLayer({
    type: o.type,
    label: o.type,
    category: 'merge',
    description: o.description,
    namePrefix: o.namePrefix,
    params: {},
    inputs: { min: 2, max: o.max ?? Infinity, minRank: 2 },
    inferShape: (inputs) => sameShapes(o.type, inputs),
    summarize: () => o.face,
    fromKeras: () => ({}),
    toTfjs: (_p, tf, name) => o.toTfjs(tf, name),
    pytorch: () => ({ forward: o.torch }),
    onnx: (_io, xs, onnx) => o.onnx(xs, onnx),
    ...(o.customClass ? { customClass: o.customClass } : {}),
  });
}

/** Element-wise sum of same-shaped tensors: the skip connection of a residual block. */
export const add = elementwiseMerge({
  type: 'Add',
  description:
    'Adds tensors of the same shape element by element. A residual block adds its input back to its output this way.',
  namePrefix: 'add',
  face: '+',
  toTfjs: (tf, name) => tf.layers.add({ name }),
  torch: (xs) => xs.join(' + '),
  onnx: (xs, g) => g.node(xs.length === 2 ? 'Add' : 'Sum', xs),
});

/** Element-wise product: a gate that scales one branch by another (squeeze-and-excitation, attention). */
export const multiply = elementwiseMerge({
  type: 'Multiply',
  description:
    'Multiplies tensors of the same shape element by element: one branch gates another, as in squeeze-and-excitation blocks.',
  namePrefix: 'mul',
  face: '×',
  toTfjs: (tf, name) => tf.layers.multiply({ name }),
  torch: (xs) => xs.join(' * '),
  // ONNX's Mul takes two inputs.
  onnx: (xs, g) => xs.slice(1).reduce((acc, x) => g.node('Mul', [acc, x]), xs[0]),
});

/** Element-wise mean: averages branches, e.g. an ensemble inside one model. */
export const average = elementwiseMerge({
  type: 'Average',
  description:
    'Averages tensors of the same shape element by element, for instance the predictions of several branches.',
  namePrefix: 'avg',
  face: 'mean',
  toTfjs: (tf, name) => tf.layers.average({ name }),
  torch: (xs) => `(${xs.join(' + ')}) / ${xs.length}`,
  onnx: (xs, g) => g.node('Mean', xs),
});

/** Element-wise maximum of same-shaped tensors. */
export const maximum = elementwiseMerge({
  type: 'Maximum',
  description: 'Keeps, at every position, the largest value among tensors of the same shape.',
  namePrefix: 'max',
  face: 'max',
  toTfjs: (tf, name) => tf.layers.maximum({ name }),
  torch: (xs) => xs.slice(1).reduce((acc, x) => `torch.maximum(${acc}, ${x})`, xs[0]),
  onnx: (xs, g) => g.node('Max', xs),
});

/** Element-wise minimum of same-shaped tensors. */
export const minimum = elementwiseMerge({
  type: 'Minimum',
  description: 'Keeps, at every position, the smallest value among tensors of the same shape.',
  namePrefix: 'min',
  face: 'min',
  toTfjs: (tf, name) => tf.layers.minimum({ name }),
  torch: (xs) => xs.slice(1).reduce((acc, x) => `torch.minimum(${acc}, ${x})`, xs[0]),
  onnx: (xs, g) => g.node('Min', xs),
});

/** TensorFlow.js has no Subtract layer; NetCanvas adds one (Keras's Subtract: exactly two inputs, first − second). */
const SUBTRACT: CustomLayerDefinition<Record<string, unknown>> = {
  className: 'Subtract',
  pick: () => ({}),
  outputShape: (inputs) => (inputs as Shape[])[0],
  call: (tf, [first, second]) => tf.sub(first, second),
};

const SUBTRACT_TFJS = `class Subtract extends tf.layers.Layer {
  static className = 'Subtract';
  computeOutputShape(shapes) {
    return shapes[0];
  }
  call(inputs) {
    return tf.tidy(() => tf.sub(inputs[0], inputs[1]));
  }
}
tf.serialization.registerClass(Subtract);`;

/** The first input minus the second, element by element. */
export const subtract = elementwiseMerge({
  type: 'Subtract',
  description:
    'Subtracts its second input from its first, element by element (two tensors of the same shape), e.g. to compare two branches.',
  namePrefix: 'sub',
  face: '−',
  max: 2,
  toTfjs: (tf, name) => {
    const Subtract = customLayerClass(tf, SUBTRACT);
    return new Subtract({ name });
  },
  torch: ([a, b]) => `${a} - ${b}`,
  onnx: (xs, g) => g.node('Sub', xs),
  customClass: {
    tfjs: SUBTRACT_TFJS,
    keras:
      'Keras has Subtract (keras.layers.Subtract): tensorflowjs.converters.load_keras_model("model.json") loads it as it is.',
  },
});

/** Stacks tensors along one axis (the channels by default): the branches of an Inception block. */
export const concatenate = defineLayer({
  type: 'Concatenate',
  label: 'Concatenate',
  category: 'merge',
  description:
    'Joins tensors along one axis, by default the channels: 28×28×64 and 28×28×32 give 28×28×96. All other sizes must agree.',
  namePrefix: 'concat',
  params: { axis: int({ default: -1, min: -4, max: 3, help: 'Axis to join along; -1 is the last (channels).' }) },
  inputs: { min: 2, max: Infinity, minRank: 2 },
  inferShape: (inputs, p) => {
    const [first] = inputs;
    const rank = first.length;
    const axis = p.axis < 0 ? rank + p.axis : p.axis;
    if (axis <= 0 || axis >= rank)
      throw new ShapeError('concat-mismatch', `axis ${p.axis} is not a data axis of a ${rank}-D input`, {
        label: 'Join along the channels (axis -1)',
        edit: { kind: 'set-param', param: 'axis', value: -1 },
      });
    let joined: number | null = 0;
    for (let i = 0; i < inputs.length; i++) {
      const other = inputs[i];
      if (other.length !== rank)
        throw new ShapeError('concat-mismatch', `input 1 is ${rank}-D but input ${i + 1} is ${other.length}-D`);
      const bad = other.findIndex((d, a) => a > 0 && a !== axis && d !== null && first[a] !== null && d !== first[a]);
      if (bad !== -1)
        throw new ShapeError(
          'concat-mismatch',
          `input 1 is ${shapeText(first)} but input ${i + 1} is ${shapeText(other)}: all sizes except axis ${p.axis} must agree`,
        );
      joined = joined === null || other[axis] === null ? null : joined + (other[axis] as number);
    }
    return first.map((d, a) => (a === axis ? joined : d));
  },
  summarize: (p) => (p.axis === -1 ? '' : `axis ${p.axis}`),
  fromKeras: (c) => ({ axis: kerasInt(c, 'axis', -1) }),
  // tfjs's backend runs every negative axis as -1 (its symbolic shape is right, its
  // output is not), so pass -2, -3 as non-negative axes when the rank is known.
  toTfjs: (p, tf, name, io) =>
    tf.layers.concatenate({ axis: p.axis < -1 && io ? io.inputs[0].length + p.axis : p.axis, name }),
  pytorch: ({ params: p, inputs }) => ({
    forward: (xs) => `torch.cat((${xs.join(', ')}), dim=${torchAxis(p.axis, inputs[0].length)})`,
  }),
  onnx: ({ params: p, inputs }, xs, onnx) =>
    onnx.node('Concat', xs, { axis: { int: torchAxis(p.axis, inputs[0].length) } }),
});
