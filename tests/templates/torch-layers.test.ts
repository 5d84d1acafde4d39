import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../core/graph/builder';
import { inferShapes } from '../../core/graph/infer';
import { torchAxisPadding, torchConv2d, torchMaxPool2d, torchOutputLength } from '../../templates/torch-layers';
import { buildTfjsModel } from './build-tfjs-model';

/**
 * PyTorch's padded window, computed the PyTorch way: pad `p` zeros on every
 * side, then slide a "valid" window (which drops the rows it cannot reach).
 */
function torchReference(x: tf.Tensor4D, p: number, apply: (padded: tf.Tensor4D) => tf.Tensor4D): tf.Tensor4D {
  return apply(
    tf.pad(x, [
      [0, 0],
      [p, p],
      [p, p],
      [0, 0],
    ]),
  );
}

/** Builds `layer` over an input of `n×n×channels` with the template helpers and returns its tfjs model. */
function helperModel(
  n: number,
  channels: number,
  add: (b: GraphBuilder, x: { id: string; height: number; width: number }) => void,
) {
  const b = new GraphBuilder();
  add(b, { id: b.input([n, n, channels], 'input'), height: n, width: n });
  const graph = b.build();
  expect(inferShapes(graph).diagnostics).toEqual([]);
  return buildTfjsModel(tf, graph);
}

describe('PyTorch padding in Keras terms', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it.each([
    // n, kernel, stride, padding, expected (before, after)
    [224, 7, 2, 3, [3, 2]], // ResNet stem: PyTorch never reaches the last padding row
    [56, 3, 2, 1, [1, 0]], // ResNet stride-2 3×3 on an even map
    [7, 3, 2, 1, [1, 1]], // on an odd map every padding row is used
    [224, 11, 4, 2, [2, 1]], // AlexNet conv1
    [56, 3, 1, 1, [1, 1]],
  ] as const)('n=%i k=%i s=%i p=%i pads %j', (n, kernel, stride, padding, expected) => {
    expect(torchAxisPadding(n, { kernel, stride, padding })).toEqual(expected);
  });

  it.each([
    [8, 3, 2, 1],
    [9, 3, 2, 1],
    [16, 7, 2, 3],
    [15, 11, 4, 2],
    [10, 3, 1, 1],
    [10, 5, 1, 2],
    [8, 1, 2, 0],
    [9, 1, 2, 0],
  ])('a conv at n=%i, k=%i, s=%i, p=%i computes exactly what PyTorch computes', (n, kernel, stride, padding) => {
    const { model } = helperModel(n, 2, (b, x) => {
      torchConv2d(b, x, { name: 'conv', filters: 3, kernel, stride, padding, useBias: false });
    });
    const conv = model.getLayer('conv');
    const kernelValues = tf.randomNormal([kernel, kernel, 2, 3], 0, 1, 'float32', 7);
    conv.setWeights([kernelValues]);
    const x = tf.randomNormal([1, n, n, 2], 0, 1, 'float32', 11) as tf.Tensor4D;
    const ours = model.predict(x) as tf.Tensor4D;
    const theirs = torchReference(x, padding, (padded) =>
      tf.conv2d(padded, kernelValues as tf.Tensor4D, stride, 'valid'),
    );
    const side = torchOutputLength(n, { kernel, stride, padding });
    expect(ours.shape).toEqual([1, side, side, 3]);
    expect(theirs.shape).toEqual(ours.shape);
    expect(tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]).toBeLessThan(1e-4);
    model.dispose();
  });

  it.each([
    [112, 3, 2, 1],
    [9, 3, 2, 1],
    [13, 3, 2, 0],
  ])('a max pool at n=%i, k=%i, s=%i, p=%i over non-negative values matches PyTorch', (n, kernel, stride, padding) => {
    const { model } = helperModel(n, 2, (b, x) => {
      torchMaxPool2d(b, x, { name: 'pool', kernel, stride, padding });
    });
    // Pooled tensors in the templates come out of a ReLU, so zero padding equals PyTorch's −∞ padding.
    const x = tf.relu(tf.randomNormal([1, n, n, 2], 0, 1, 'float32', 3)) as tf.Tensor4D;
    const ours = model.predict(x) as tf.Tensor4D;
    const theirs = torchReference(x, padding, (padded) => tf.maxPool(padded, kernel, stride, 'valid'));
    expect(ours.shape).toEqual(theirs.shape);
    expect(tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]).toBe(0);
    model.dispose();
  });
});
