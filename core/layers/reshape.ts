import { ShapeError } from '../errors';
import { defineLayer, intList, type Shape } from './layer-spec';
import { kerasShape } from './keras-config';

const product = (dims: readonly number[]): number => dims.reduce((a, d) => a * d, 1);

/** Rearranges the same values into a new shape; one entry may be -1 ("whatever is left"). */
export const reshape = defineLayer({
  type: 'Reshape',
  label: 'Reshape',
  category: 'reshape',
  description:
    'Rearranges the same values into a new shape (batch excluded). One entry may be -1 to take whatever is left.',
  namePrefix: 'reshape',
  params: {
    targetShape: intList({
      default: [-1],
      min: 1,
      minLength: 1,
      maxLength: 3,
      allowInferred: true,
      label: 'Target shape',
    }),
  },
  inputs: { min: 1, max: 1, minRank: 2 },
  inferShape: ([[batch, ...rest]], p) => {
    if (rest.some((d) => d === null)) return [batch, ...p.targetShape.map((d) => (d === -1 ? null : d))];
    const size = product(rest as number[]);
    const known = product(p.targetShape.filter((d) => d !== -1));
    const target = `[${p.targetShape.join(', ')}]`;
    if (p.targetShape.includes(-1)) {
      if (size % known !== 0)
        throw new ShapeError(
          'reshape-mismatch',
          `cannot fit ${size} values into ${target}: ${size} is not a multiple of ${known}`,
        );
      return [batch, ...p.targetShape.map((d) => (d === -1 ? size / known : d))];
    }
    if (known !== size)
      throw new ShapeError(
        'reshape-mismatch',
        `target ${target} holds ${known} values but the input ${rest.join('×')} has ${size}`,
      );
    return [batch, ...p.targetShape];
  },
  summarize: (p) => p.targetShape.map((d) => (d === -1 ? '?' : d)).join('×'),
  // Positions move to other places, so past a Reshape a position no longer names an input patch.
  window: () => 'global',
  fromKeras: (c) => ({ targetShape: kerasShape(c, 'target_shape', true) }),
  toTfjs: (p, tf, name, io) => {
    // A copy: tfjs rewrites -1 to null inside the array it is given.
    const layer = tf.layers.reshape({ targetShape: [...p.targetShape], name });
    if (io) {
      // tfjs's Reshape.computeOutputShape leaves -1 unknown (null) whenever the batch
      // is unknown, which is always, and a Dense or Conv2D after it then cannot build
      // its weights. Report the shape inference worked out; the config keeps -1 as Keras writes it.
      const output = io.output;
      layer.computeOutputShape = (inputShape) => [(inputShape as Shape)[0], ...output.slice(1)];
    }
    return layer;
  },
  // NetCanvas reshapes in NHWC order: a 4-D tensor goes back to NHWC before and to NCHW after.
  pytorch: ({ inputs: [input], output }) => ({
    forward: ([x]) => {
      const nhwc = input.length === 4 ? `${x}.permute(0, 2, 3, 1)` : x;
      const reshaped = `${nhwc}.reshape(-1, ${output.slice(1).join(', ')})`;
      return output.length === 4 ? `${reshaped}.permute(0, 3, 1, 2)` : reshaped;
    },
  }),
  onnx: ({ inputs: [input], output }, [x], onnx) => {
    const nhwc = input.length === 4 ? onnx.node('Transpose', [x], { perm: { ints: [0, 2, 3, 1] } }) : x;
    const target = onnx.constant([-1, ...(output.slice(1) as number[])], [output.length], 'int64');
    const reshaped = onnx.node('Reshape', [nhwc, target]);
    return output.length === 4 ? onnx.node('Transpose', [reshaped], { perm: { ints: [0, 3, 1, 2] } }) : reshaped;
  },
});
