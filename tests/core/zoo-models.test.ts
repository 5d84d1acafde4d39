/**
 * Generated models built from the layer types of issue #13 (the convolutions,
 * resampling, activations, normalisations, noise and merges it added, mixed
 * with the layers that feed them), some layers frozen: every one that shape
 * inference accepts must compile in real tfjs with exactly the summary's
 * parameter totals (all, trainable) and every layer's output shape, and run.
 */
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../core/compile/compile';
import { GraphBuilder } from '../../core/graph/builder';
import type { Graph } from '../../core/graph/graph';
import { hasErrors, inferShapes } from '../../core/graph/infer';
import { summarize } from '../../core/graph/summary';
import type { Shape } from '../../core/layers/layer-spec';

type Gen = fc.GeneratorValue;

/** The types under test, the rank they need (4: a feature map, 2: flat, 0: any) and random parameters for them. */
const STEPS: { type: string; rank: 0 | 2 | 4; params: (g: Gen, shape: Shape) => Record<string, unknown> }[] = [
  {
    type: 'SeparableConv2D',
    rank: 4,
    params: (g) => ({
      filters: g(fc.integer, { min: 1, max: 6 }),
      kernelSize: [g(fc.integer, { min: 1, max: 3 }), g(fc.integer, { min: 1, max: 3 })],
      strides: [g(fc.integer, { min: 1, max: 2 }), g(fc.integer, { min: 1, max: 2 })],
      padding: g(fc.constantFrom, 'valid', 'same'),
      depthMultiplier: g(fc.integer, { min: 1, max: 3 }),
      useBias: g(fc.boolean),
      activation: g(fc.constantFrom, 'linear', 'relu', 'tanh'),
    }),
  },
  {
    type: 'Conv2DTranspose',
    rank: 4,
    params: (g) => ({
      filters: g(fc.integer, { min: 1, max: 6 }),
      kernelSize: [g(fc.integer, { min: 1, max: 4 }), g(fc.integer, { min: 1, max: 4 })],
      strides: [g(fc.integer, { min: 1, max: 3 }), g(fc.integer, { min: 1, max: 3 })],
      padding: g(fc.constantFrom, 'valid', 'same'),
      useBias: g(fc.boolean),
    }),
  },
  {
    type: 'UpSampling2D',
    rank: 4,
    params: (g) => ({
      size: [g(fc.integer, { min: 1, max: 3 }), g(fc.integer, { min: 1, max: 3 })],
      interpolation: g(fc.constantFrom, 'nearest', 'bilinear'),
    }),
  },
  {
    type: 'Cropping2D',
    rank: 4,
    params: (g) => ({ cropping: Array.from({ length: 4 }, () => g(fc.integer, { min: 0, max: 2 })) }),
  },
  {
    type: 'Rescaling',
    rank: 0,
    params: (g) => ({
      scale: g(fc.double, { min: -2, max: 2, noNaN: true }),
      offset: g(fc.double, { min: -1, max: 1, noNaN: true }),
    }),
  },
  { type: 'PReLU', rank: 0, params: (g) => ({ alphaPer: g(fc.constantFrom, 'channel', 'value', 'layer') }) },
  { type: 'Softmax', rank: 0, params: () => ({}) },
  {
    type: 'Maxout',
    rank: 0,
    // Usually a k that divides the channels, sometimes one that does not (then the design is refused).
    params: (g, shape) => {
      const channels = shape[shape.length - 1] as number;
      const fits = [2, 3, 4].filter((k) => channels % k === 0);
      return { pieces: fits.length && g(fc.integer, { min: 0, max: 4 }) > 0 ? g(fc.constantFrom, ...fits) : 2 };
    },
  },
  {
    type: 'LayerNormalization',
    rank: 0,
    params: (g) => ({ center: g(fc.boolean), scale: g(fc.boolean), epsilon: 1e-3 }),
  },
  { type: 'GaussianNoise', rank: 0, params: (g) => ({ stddev: g(fc.double, { min: 0, max: 1, noNaN: true }) }) },
  {
    type: 'GaussianDropout',
    rank: 0,
    params: (g) => ({ rate: g(fc.double, { min: 0, max: 0.9, noNaN: true }) }),
  },
];
const MERGES = ['Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum'] as const;

/**
 * A random model: an image or a flat input, then 2–7 steps, each a layer of
 * the types above, a merge with a side branch shaped to match (a 1×1 Conv2D
 * or a Dense from the same tensor), or the layers that lead from one rank to
 * the other (Conv2D, Flatten, Dense). Some layers are frozen.
 */
function randomModel(g: Gen): Graph {
  const b = new GraphBuilder();
  const image = g(fc.boolean);
  const inputShape = image
    ? [g(fc.integer, { min: 3, max: 10 }), g(fc.integer, { min: 3, max: 10 }), g(fc.integer, { min: 1, max: 4 })]
    : [g(fc.integer, { min: 2, max: 12 })];
  let x = b.input(inputShape, 'input');
  let shape: Shape = [null, ...inputShape];
  const steps = g(fc.integer, { min: 2, max: 7 });
  for (let i = 0; i < steps; i++) {
    const name = `l${i}`;
    const roll = g(fc.integer, { min: 0, max: 9 });
    let id: string;
    if (roll < 2) {
      // A merge with a side branch of the same shape, taken from the same tensor.
      const channels = shape[shape.length - 1] as number;
      const side =
        shape.length === 4
          ? b.layer('Conv2D', { filters: channels, kernelSize: [1, 1] }, x, `${name}_side`)
          : b.layer('Dense', { units: channels }, x, `${name}_side`);
      id = b.layer(g(fc.constantFrom, ...MERGES), {}, [x, side], name);
    } else if (roll === 2) {
      // Change rank: a feature map is flattened, a vector reshaped into a map.
      if (shape.length === 4) id = b.layer('Flatten', {}, x, name);
      else {
        const units = 2 * 2 * g(fc.integer, { min: 1, max: 3 });
        const dense = b.layer('Dense', { units }, x, `${name}_dense`);
        id = b.layer('Reshape', { targetShape: [2, 2, units / 4] }, dense, name);
      }
    } else {
      const choices = STEPS.filter((s) => s.rank === 0 || s.rank === shape.length);
      const step = g(fc.constantFrom, ...choices);
      id = b.layer(step.type, step.params(g, shape), x, name);
    }
    if (g(fc.integer, { min: 0, max: 5 }) === 0) b.freeze(id);
    const next = inferShapes(b.build()).shapes.get(id);
    if (!next) return b.build(); // refused: the caller skips designs with errors
    x = id;
    shape = next;
  }
  b.layer('Dense', { units: 3 }, shape.length === 2 ? x : b.layer('Flatten', {}, x, 'flat'), 'head');
  return b.build();
}

const size = (weights: tf.LayerVariable[]) =>
  weights.reduce((sum, w) => sum + w.shape.reduce<number>((a, d) => a * (d as number), 1), 0);

describe('generated models from the new layer types', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('are summarised exactly as tfjs computes them: totals and every layer’s output shape', () => {
    let built = 0;
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        fc.gen().map((g) => randomModel(g)),
        (graph) => {
          const report = inferShapes(graph);
          if (hasErrors(report.diagnostics)) return;
          built++;
          for (const n of graph.nodes) seen.add(n.type);
          const summary = summarize(graph, report);
          const model = compileGraph(graph, tf, {}, report);
          try {
            expect(model.countParams()).toBe(summary.totals.params);
            expect(size(model.trainableWeights)).toBe(summary.totals.trainableParams);
            expect(size(model.nonTrainableWeights)).toBe(summary.totals.nonTrainableParams);
            for (const node of graph.nodes) {
              const layer = model.getLayer(node.name);
              expect([node.name, layer.outputShape]).toEqual([node.name, report.shapes.get(node.id)]);
              expect([node.name, layer.countParams()]).toEqual([
                node.name,
                (summary.layers.find((l) => l.nodeId === node.id)?.trainableParams ?? 0) +
                  (summary.layers.find((l) => l.nodeId === node.id)?.nonTrainableParams ?? 0),
              ]);
            }
            tf.tidy(() => {
              const input = tf.randomNormal([2, ...(model.inputs[0].shape.slice(1) as number[])], 0, 1, 'float32', 1);
              const out = model.predict(input) as tf.Tensor;
              expect(out.shape).toEqual([2, 3]);
              expect(Array.from(out.dataSync()).every(Number.isFinite)).toBe(true);
            });
          } finally {
            model.dispose();
          }
        },
      ),
      { numRuns: 150, seed: 13 },
    );
    // Most generated models are valid; the test only means something if many are, across all the new types.
    expect(built).toBeGreaterThan(100);
    expect([...STEPS.map((s) => s.type), ...MERGES].filter((t) => !seen.has(t))).toEqual([]);
  });
});
