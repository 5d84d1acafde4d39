import type * as tfjs from '@tensorflow/tfjs';
import { ShapeError } from '../errors';
import { customLayerClass, type CustomLayerDefinition } from './custom-tfjs';
import { defineLayer, int, type Shape } from './layer-spec';
import { kerasInt } from './keras-config';

/** The divisors of `n` from 2 up, for a fix that keeps the layer valid. */
const divisors = (n: number): number[] => [...Array(n + 1).keys()].filter((d) => d >= 2 && n % d === 0);

/**
 * Maxout over the last axis: consecutive groups of `pieces` channels give one
 * output each, their maximum (channels 0…k−1 → unit 0, k…2k−1 → unit 1, …), as
 * `x.view(N, C // k, k, …).max(2)` does in PyTorch's channel-first layout.
 */
const MAXOUT: CustomLayerDefinition<{ pieces: number }> = {
  className: 'Maxout',
  pick: (args) => ({ pieces: args.pieces as number }),
  outputShape: (input, { pieces }) => {
    const shape = (Array.isArray(input[0]) ? input[0] : input) as Shape;
    const channels = shape[shape.length - 1];
    return [...shape.slice(0, -1), channels === null ? null : channels / pieces];
  },
  call: (tf, [x], { pieces }) => {
    const dims = x.shape;
    const units = dims[dims.length - 1] / pieces;
    return tf.max(tf.reshape(x, [...dims.slice(0, -1), units, pieces]), -1);
  },
};

/** The README text a model.json with Maxout needs: the tfjs class, and the Keras one. */
const MAXOUT_TFJS = `class Maxout extends tf.layers.Layer {
  static className = 'Maxout';
  constructor(config) {
    super(config);
    this.pieces = config.pieces;
  }
  computeOutputShape(shape) {
    return [...shape.slice(0, -1), shape[shape.length - 1] / this.pieces];
  }
  call(inputs) {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const units = x.shape[x.shape.length - 1] / this.pieces;
      return tf.max(tf.reshape(x, [...x.shape.slice(0, -1), units, this.pieces]), -1);
    });
  }
  getConfig() {
    return { ...super.getConfig(), pieces: this.pieces };
  }
}
tf.serialization.registerClass(Maxout);`;

const MAXOUT_KERAS = `import tensorflow as tf
import tensorflowjs as tfjs

class Maxout(tf.keras.layers.Layer):
    def __init__(self, pieces=2, **kwargs):
        super().__init__(**kwargs)
        self.pieces = pieces

    def call(self, x):
        units = x.shape[-1] // self.pieces
        grouped = tf.reshape(x, tf.concat([tf.shape(x)[:-1], [units, self.pieces]], 0))
        return tf.reduce_max(grouped, axis=-1)

    def compute_output_shape(self, shape):
        return tuple(shape[:-1]) + (shape[-1] // self.pieces,)

    def get_config(self):
        return {**super().get_config(), "pieces": self.pieces}

with tf.keras.utils.custom_object_scope({"Maxout": Maxout}):
    model = tfjs.converters.load_keras_model("model.json")`;

/**
 * Maxout (Goodfellow et al. 2013): each output is the largest of `pieces`
 * linear pieces, max(w₁ᵀx + b₁, w₂ᵀx + b₂, …). The pieces come from the
 * Dense or Conv2D before it, which computes `pieces` times as many outputs;
 * Maxout keeps the maximum of each consecutive group, so it has no weights.
 */
export const maxout = defineLayer({
  type: 'Maxout',
  label: 'Maxout',
  category: 'activation',
  description:
    'Keeps the largest of every group of k consecutive channels: after a Dense or Conv2D with k times the units, each unit becomes max(w₁ᵀx + b₁, …, wₖᵀx + bₖ), a learned piecewise-linear activation (Goodfellow et al. 2013).',
  namePrefix: 'maxout',
  params: {
    pieces: int({
      min: 2,
      default: 2,
      label: 'Pieces k',
      help: 'Linear pieces per unit: the channels coming in must be a multiple of k.',
    }),
  },
  inputs: { min: 1, max: 1, minRank: 2 },
  inferShape: ([input], p) => {
    const channels = input[input.length - 1];
    if (channels !== null && channels % p.pieces !== 0) {
      const fit = divisors(channels).sort((a, b) => Math.abs(a - p.pieces) - Math.abs(b - p.pieces))[0];
      throw new ShapeError(
        'param-invalid',
        `${channels} channels do not split into groups of ${p.pieces} pieces; the layer before must give a multiple of ${p.pieces}`,
        fit ? { label: `Set pieces to ${fit}`, edit: { kind: 'set-param', param: 'pieces', value: fit } } : undefined,
      );
    }
    return [...input.slice(0, -1), channels === null ? null : channels / p.pieces];
  },
  summarize: (p) => `k = ${p.pieces}`,
  explain: ([input], p) => {
    const channels = input[input.length - 1];
    return [
      `channels: ${channels ?? '?'} / ${p.pieces} pieces = ${channels === null ? '?' : channels / p.pieces} units, each the largest of ${p.pieces} consecutive channels`,
    ];
  },
  // Keras has no Maxout; this reads the layer back from NetCanvas's own exports.
  fromKeras: (c) => ({ pieces: kerasInt(c, 'pieces', 2) }),
  toTfjs: (p, tf, name) => {
    const Maxout = customLayerClass(tf, MAXOUT);
    return new Maxout({ pieces: p.pieces, name }) as tfjs.layers.Layer;
  },
  customClass: { tfjs: MAXOUT_TFJS, keras: MAXOUT_KERAS },
  // Group the channels (PyTorch's dim 1 for a feature map, the last dim otherwise) and keep each group's max.
  pytorch: ({ params: p, inputs: [input] }) => {
    const { dims, axis } = groupedShape(input, p.pieces);
    return { forward: ([x]) => `${x}.reshape(-1, ${dims.slice(1).join(', ')}).amax(${axis})` };
  },
  onnx: ({ params: p, inputs: [input] }, [x], onnx) => {
    const { dims, axis } = groupedShape(input, p.pieces);
    // Reshape's 0 keeps the batch size as it comes.
    const grouped = onnx.node('Reshape', [x, onnx.constant([0, ...dims.slice(1)], [dims.length], 'int64')]);
    return onnx.node('ReduceMax', [grouped], { axes: { ints: [axis] }, keepdims: { int: 0 } });
  },
});

/**
 * The NCHW shape with the channels split into (units, pieces), and the axis
 * of the pieces: `[N, units, k, H, W]` and 2 for a feature map, `[N, …, units, k]`
 * and the last axis otherwise.
 */
function groupedShape(input: Shape, pieces: number): { dims: number[]; axis: number } {
  const channels = input[input.length - 1] as number;
  const split = [channels / pieces, pieces];
  if (input.length === 4) {
    const [, h, w] = input as number[];
    return { dims: [-1, ...split, h, w], axis: 2 };
  }
  const dims = [-1, ...(input.slice(1, -1) as number[]), ...split];
  return { dims, axis: dims.length - 1 };
}
