/**
 * Every layer type trains: one gradient step of a small model around it runs
 * on the backends `netcanvas train` uses in Node (wasm with NetCanvas's added
 * kernels, and cpu), the loss is finite, and the layer's own weights move.
 * A kernel a backend lacks shows up here, not in a user's first epoch.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../core/compile/compile';
import { GraphBuilder } from '../../../core/graph/builder';
import { hasErrors, inferShapes } from '../../../core/graph/infer';
import { layerSpecs } from '../../../core/layers/registry';
import { selectBackend, type BackendName } from '../../../core/train/backends';

/** Inputs (per sample) and parameters each layer type is trained with; merges get several inputs. */
const SETUPS: Record<string, { inputs: number[][]; params?: Record<string, unknown> }> = {
  Conv2D: { inputs: [[6, 6, 2]], params: { filters: 3 } },
  DepthwiseConv2D: { inputs: [[6, 6, 2]], params: { strides: [2, 2], padding: 'same' } },
  SeparableConv2D: { inputs: [[6, 6, 2]], params: { filters: 3, strides: [2, 2], padding: 'same' } },
  Conv2DTranspose: { inputs: [[3, 3, 2]], params: { filters: 2 } },
  MaxPooling2D: { inputs: [[6, 6, 2]] },
  AveragePooling2D: { inputs: [[6, 6, 2]] },
  GlobalAveragePooling2D: { inputs: [[4, 4, 2]] },
  GlobalMaxPooling2D: { inputs: [[4, 4, 2]] },
  Dense: { inputs: [[5]], params: { units: 3 } },
  Flatten: { inputs: [[3, 3, 2]] },
  Reshape: { inputs: [[12]], params: { targetShape: [3, 4] } },
  Activation: { inputs: [[5]], params: { activation: 'tanh' } },
  ReLU: { inputs: [[5]] },
  LeakyReLU: { inputs: [[5]] },
  ELU: { inputs: [[5]] },
  Dropout: { inputs: [[5]] },
  BatchNormalization: { inputs: [[4, 4, 2]] },
  Rescaling: { inputs: [[4, 4, 2]] },
  Add: { inputs: [[4], [4]] },
  Concatenate: { inputs: [[4], [3]] },
  ZeroPadding2D: { inputs: [[3, 3, 2]] },
  Cropping2D: { inputs: [[5, 5, 2]] },
  UpSampling2D: { inputs: [[3, 3, 2]] },
  PReLU: { inputs: [[4, 4, 2]] },
  Softmax: { inputs: [[5]] },
  Maxout: { inputs: [[3, 3, 4]] },
  LayerNormalization: { inputs: [[3, 3, 4]] },
  GaussianNoise: { inputs: [[5]] },
  GaussianDropout: { inputs: [[5]] },
  Subtract: { inputs: [[4], [4]] },
  Multiply: { inputs: [[4], [4]] },
  Average: { inputs: [[4], [4]] },
  Maximum: { inputs: [[4], [4]] },
  Minimum: { inputs: [[4], [4]] },
};

const BILINEAR: Record<string, { inputs: number[][]; params?: Record<string, unknown> }> = {
  'UpSampling2D bilinear': { inputs: [[3, 3, 2]], params: { interpolation: 'bilinear' } },
};

/** Input(s) → a Dense(4) on each (so every layer has a trainable layer before it) → the layer → Flatten → Dense(2). */
function modelAround(type: string, setup: { inputs: number[][]; params?: Record<string, unknown> }) {
  const b = new GraphBuilder();
  const feeds = setup.inputs.map((shape, i) => {
    const x = b.input(shape, `in${i}`);
    // A Dense on the last axis only works on flat inputs here; images get a 1×1 Conv2D instead.
    return shape.length === 1
      ? b.layer('Dense', { units: shape[0] }, x, `pre${i}`)
      : b.layer('Conv2D', { filters: shape[2], kernelSize: [1, 1] }, x, `pre${i}`);
  });
  const layer = b.layer(type, setup.params ?? {}, feeds, 'under_test');
  const flat = inferShapes(b.build()).shapes.get(layer)?.length === 2 ? layer : b.layer('Flatten', {}, layer, 'flat');
  b.layer('Dense', { units: 2, activation: 'softmax' }, flat, 'head');
  return b.build();
}

const backends: BackendName[] = ['wasm', 'cpu'];
afterAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(backends)('on %s', (backend) => {
  const rows = Object.entries({ ...SETUPS, ...BILINEAR });
  it('every registry type has a setup here', () => {
    const types = layerSpecs.filter((s) => s.inputs.max > 0).map((s) => s.type);
    expect(types.filter((t) => !SETUPS[t])).toEqual([]);
  });

  it.each(rows)('%s trains one step', async (title, setup) => {
    expect(await selectBackend(backend)).toBe(backend);
    const graph = modelAround(title.split(' ')[0], setup);
    const report = inferShapes(graph);
    expect(hasErrors(report.diagnostics)).toBe(false);
    const model = compileGraph(graph, tf, { seed: 1 });
    try {
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
      const xs = setup.inputs.map((shape, i) => tf.randomNormal([4, ...shape], 0, 1, 'float32', i + 1));
      const ys = tf.oneHot(tf.tensor1d([0, 1, 1, 0], 'int32'), 2);
      const own = model.getLayer('under_test').trainableWeights;
      const before = own.map((w) => w.read().dataSync().slice());
      const first = model.getLayer('pre0').getWeights()[0].dataSync().slice();
      const history = await model.fit(xs.length === 1 ? xs[0] : xs, ys, { epochs: 1, batchSize: 4, verbose: 0 });
      expect(Number.isFinite(history.history.loss[0] as number)).toBe(true);
      // The gradient reached the layer's own weights and went through it to the layer before.
      own.forEach((w, i) => expect(w.read().dataSync()).not.toEqual(before[i]));
      expect(model.getLayer('pre0').getWeights()[0].dataSync()).not.toEqual(first);
      tf.dispose([...xs, ys]);
    } finally {
      model.dispose();
    }
  });
});
