import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../core/graph/builder';
import { inferShapes } from '../../core/graph/infer';
import {
  torchAxisPadding,
  torchConv2d,
  torchDepthwiseConv2d,
  torchMaxPool2d,
  torchOutputLength,
} from '../../templates/torch-layers';
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

describe('PyTorch ceil_mode pooling and depthwise convolution in Keras terms', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  // Output sizes PyTorch 1.13 gives for max_pool2d(n×n, k, s, p, ceil_mode=True), then with ceil_mode=False.
  it.each([
    [112, 3, 2, 0, 56, 55],
    [56, 3, 2, 0, 28, 27],
    [28, 3, 2, 0, 14, 13],
    [14, 2, 2, 0, 7, 7],
    [13, 3, 2, 0, 6, 6],
    [16, 3, 2, 0, 8, 7],
    [5, 3, 3, 1, 2, 2], // the last window would start in the right padding: PyTorch drops it
    [6, 2, 2, 1, 4, 4],
    [7, 3, 2, 1, 4, 4],
    [8, 3, 3, 1, 3, 3],
    [10, 3, 3, 0, 4, 3],
    [9, 2, 2, 0, 5, 4],
    [4, 3, 1, 1, 4, 4],
  ])('n=%i k=%i s=%i p=%i: %i with ceil_mode, %i without', (n, kernel, stride, padding, ceil, floor) => {
    expect(torchOutputLength(n, { kernel, stride, padding, ceil: true })).toBe(ceil);
    expect(torchOutputLength(n, { kernel, stride, padding })).toBe(floor);
  });

  it.each([
    [112, 3, 2, 0],
    [13, 3, 2, 0],
    [10, 3, 3, 0],
    [9, 2, 2, 0],
    [7, 3, 2, 1],
  ])(
    'a ceil_mode max pool at n=%i, k=%i, s=%i, p=%i over non-negative values matches PyTorch',
    (n, kernel, stride, padding) => {
      const { model } = helperModel(n, 2, (b, x) => {
        torchMaxPool2d(b, x, { name: 'pool', kernel, stride, padding, ceilMode: true });
      });
      const x = tf.relu(tf.randomNormal([1, n, n, 2], 0, 1, 'float32', 5)) as tf.Tensor4D;
      const ours = model.predict(x) as tf.Tensor4D;
      // PyTorch's last window may hang past the input: pad the reference far enough after for it to fit.
      const out = torchOutputLength(n, { kernel, stride, padding, ceil: true });
      const after = Math.max(padding, (out - 1) * stride + kernel - n - padding);
      const padded = tf.pad(x, [
        [0, 0],
        [padding, after],
        [padding, after],
        [0, 0],
      ]) as tf.Tensor4D;
      const theirs = tf.maxPool(padded, kernel, stride, 'valid');
      expect(ours.shape).toEqual([1, out, out, 2]);
      expect(tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]).toBe(0);
      model.dispose();
    },
  );

  it.each([
    [112, 3, 2, 1],
    [7, 3, 2, 1],
    [8, 3, 1, 1],
  ])(
    'a depthwise conv at n=%i, k=%i, s=%i, p=%i computes exactly what PyTorch computes',
    (n, kernel, stride, padding) => {
      const { model } = helperModel(n, 3, (b, x) => {
        torchDepthwiseConv2d(b, x, { name: 'dw', kernel, stride, padding, useBias: false });
      });
      const weights = tf.randomNormal([kernel, kernel, 3, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
      model.getLayer('dw').setWeights([weights]);
      const x = tf.randomNormal([1, n, n, 3], 0, 1, 'float32', 13) as tf.Tensor4D;
      const ours = model.predict(x) as tf.Tensor4D;
      const theirs = torchReference(x, padding, (p) => tf.depthwiseConv2d(p, weights, stride, 'valid'));
      expect(ours.shape).toEqual(theirs.shape);
      expect(tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0]).toBeLessThan(1e-4);
      model.dispose();
    },
  );
});
