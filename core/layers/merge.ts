/** The merge layers: they take two or more tensors and make one. */
import { ShapeError } from '../errors';
import type { Shape } from './layer-spec';
import { defineLayer, int } from './layer-spec';
import { kerasInt } from './keras-config';
import { torchAxis } from './nchw-export';

const shapeText = (s: Shape): string =>
  s
    .slice(1)
    .map((d) => d ?? '?')
    .join('×');

/** Element-wise sum of same-shaped tensors: the skip connection of a residual block. */
export const add = defineLayer({
  type: 'Add',
  label: 'Add',
  category: 'merge',
  description:
    'Adds tensors of the same shape element by element. A residual block adds its input back to its output this way.',
  namePrefix: 'add',
  params: {},
  inputs: { min: 2, max: Infinity, minRank: 2 },
  inferShape: (inputs) => {
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
          `input 1 is ${shapeText(first)} but input ${i + 1} is ${shapeText(other)}; Add needs equal shapes`,
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
  },
  summarize: () => '+',
  fromKeras: () => ({}),
  toTfjs: (_p, tf, name) => tf.layers.add({ name }),
  pytorch: () => ({ forward: (xs) => xs.join(' + ') }),
  onnx: (_io, xs, onnx) => onnx.node(xs.length === 2 ? 'Add' : 'Sum', xs),
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
