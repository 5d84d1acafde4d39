/**
 * Receptive fields through the layers of issue #13 (separable and transposed
 * convolutions, nearest and bilinear up-sampling), checked against tfjs
 * itself: the input pixels one output position depends on are those where
 * the gradient of that output is not zero, and the widest such patch over a
 * block of interior positions is the receptive field.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../core/compile/compile';
import { GraphBuilder } from '../../../core/graph/builder';
import { inferShapes } from '../../../core/graph/infer';
import { receptiveFields } from '../../../core/graph/receptive-field';

const SIZE = 16;

/** Designs by name: layers after a SIZE×SIZE×1 input (all linear, so no gradient vanishes by accident). */
const DESIGNS: Record<string, (b: GraphBuilder, x: string) => string> = {
  'separable 3×3 /2, then a 3×3 convolution': (b, x) =>
    b.layer('Conv2D', { filters: 2 }, b.layer('SeparableConv2D', { filters: 2, strides: [2, 2], padding: 'same' }, x)),
  'pooling, a transposed 3×3 /2, then a 3×3 convolution': (b, x) => {
    const pooled = b.layer('AveragePooling2D', { poolSize: [2, 2] }, b.layer('Conv2D', { filters: 2 }, x));
    return b.layer('Conv2D', { filters: 2 }, b.layer('Conv2DTranspose', { filters: 2, kernelSize: [3, 3] }, pooled));
  },
  'a transposed 2×2 /2 on the input, then a 3×3 convolution': (b, x) =>
    b.layer('Conv2D', { filters: 2 }, b.layer('Conv2DTranspose', { filters: 2, kernelSize: [2, 2] }, x)),
  'pooling, bilinear ×2, then a 3×3 convolution': (b, x) => {
    const pooled = b.layer('AveragePooling2D', { poolSize: [2, 2] }, x);
    return b.layer('Conv2D', { filters: 1 }, b.layer('UpSampling2D', { interpolation: 'bilinear' }, pooled));
  },
  'nearest ×2, a transposed 3×3 /2, then a 3×3 convolution': (b, x) => {
    const up = b.layer('UpSampling2D', {}, x);
    return b.layer('Conv2D', { filters: 1 }, b.layer('Conv2DTranspose', { filters: 2, kernelSize: [3, 3] }, up));
  },
  'nearest ×3 on the input, then a 3×3 convolution': (b, x) =>
    b.layer('Conv2D', { filters: 1 }, b.layer('UpSampling2D', { size: [3, 3] }, x)),
};

/** The widest patch of input pixels any of a 6×6 block of interior outputs depends on, measured by gradients. */
function measuredField(model: tf.LayersModel): [number, number] {
  const [, h, w] = model.outputs[0].shape as number[];
  const x = tf.randomUniform([1, SIZE, SIZE, 1], -1, 1, 'float32', 3);
  const widest: [number, number] = [0, 0];
  for (let i = Math.floor(h / 2) - 3; i < Math.floor(h / 2) + 3; i++)
    for (let j = Math.floor(w / 2) - 3; j < Math.floor(w / 2) + 3; j++) {
      const grad = tf.tidy(() =>
        tf.grad((input: tf.Tensor) => (model.apply(input) as tf.Tensor).slice([0, i, j, 0], [1, 1, 1, 1]).sum())(x),
      );
      const g = grad.reshape([SIZE, SIZE]).arraySync() as number[][];
      grad.dispose();
      const rows = g.map((row, r) => (row.some((v) => v !== 0) ? r : -1)).filter((r) => r >= 0);
      const cols = g[0].map((_, c) => c).filter((c) => g.some((row) => row[c] !== 0));
      widest[0] = Math.max(widest[0], rows.at(-1)! - rows[0] + 1);
      widest[1] = Math.max(widest[1], cols.at(-1)! - cols[0] + 1);
    }
  x.dispose();
  return widest;
}

describe('receptive fields through up-sampling, against tfjs gradients', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each(Object.keys(DESIGNS))('%s', (name) => {
    const b = new GraphBuilder();
    const out = DESIGNS[name](b, b.input([SIZE, SIZE, 1]));
    const graph = b.build();
    const report = inferShapes(graph);
    const field = receptiveFields(graph, report).get(out)!;
    const model = compileGraph(graph, tf, { seed: 5 });
    try {
      expect(field.size).toEqual(measuredField(model));
    } finally {
      model.dispose();
    }
  });

  it('after up-sampling, neighbouring outputs are a fraction of an input pixel apart', () => {
    const b = new GraphBuilder();
    const up = b.layer('UpSampling2D', { size: [3, 3] }, b.input([SIZE, SIZE, 1]));
    const back = b.layer('Conv2DTranspose', { filters: 1, kernelSize: [2, 2], strides: [2, 2] }, up);
    const graph = b.build();
    const fields = receptiveFields(graph, inferShapes(graph));
    expect(fields.get(up)?.step).toEqual([1 / 3, 1 / 3]);
    expect(fields.get(back)?.step).toEqual([1 / 6, 1 / 6]);
  });
});
