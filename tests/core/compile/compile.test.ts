import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CompileError, compileGraph } from '../../../core/compile/compile';
import { mulberry32 } from '../../../core/data/random';
import { GraphBuilder } from '../../../core/graph/builder';
import type { Graph } from '../../../core/graph/graph';
import { outputNodeIds } from '../../../core/graph/graph';
import { inferShapes } from '../../../core/graph/infer';
import { summarize } from '../../../core/graph/summary';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Checks what the issue calls exact parity: parameter total and every layer's output shape. */
function expectParity(graph: Graph): tf.LayersModel {
  const model = compileGraph(graph, tf);
  const report = inferShapes(graph);
  const summary = summarize(graph, report);
  expect(model.countParams()).toBe(summary.totals.params);
  for (const node of graph.nodes) {
    const layer = model.getLayer(node.name);
    expect([node.name, layer.outputShape]).toEqual([node.name, report.shapes.get(node.id)]);
  }
  expect(model.outputs.map((o) => o.sourceLayer.name)).toEqual(
    outputNodeIds(graph).map((id) => graph.nodes.find((n) => n.id === id)?.name),
  );
  return model;
}

/**
 * A random small design: one or two inputs, a trunk of random image layers
 * (with residual and concatenating branches), a head and one or two outputs.
 * Parameters are drawn wide enough that some designs are invalid; callers
 * keep only those without error diagnostics.
 */
function randomGraph(seed: number): Graph {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const b = new GraphBuilder();
  let x = b.input([between(6, 20), between(6, 20), between(1, 3)]);
  const steps = between(1, 6);
  for (let i = 0; i < steps; i++) {
    const kind = pick([
      'conv',
      'dwconv',
      'maxpool',
      'avgpool',
      'bn',
      'act',
      'relu',
      'leaky',
      'elu',
      'dropout',
      'pad',
      'residual',
      'inception',
    ]);
    const k = between(1, 3);
    switch (kind) {
      case 'conv':
        x = b.layer(
          'Conv2D',
          {
            filters: between(1, 8),
            kernelSize: [k, between(1, 3)],
            strides: [between(1, 2), between(1, 2)],
            padding: pick(['valid', 'same']),
            useBias: random() < 0.7,
          },
          x,
        );
        break;
      case 'dwconv':
        x = b.layer(
          'DepthwiseConv2D',
          { kernelSize: [k, k], depthMultiplier: between(1, 2), padding: pick(['valid', 'same']) },
          x,
        );
        break;
      case 'maxpool':
      case 'avgpool':
        x = b.layer(
          kind === 'maxpool' ? 'MaxPooling2D' : 'AveragePooling2D',
          { poolSize: [k, k], strides: [between(1, 2), between(1, 2)], padding: pick(['valid', 'same']) },
          x,
        );
        break;
      case 'bn':
        x = b.layer('BatchNormalization', { center: random() < 0.8, scale: random() < 0.8 }, x);
        break;
      case 'act':
        x = b.layer('Activation', { activation: pick(['relu', 'tanh', 'sigmoid', 'swish']) }, x);
        break;
      case 'relu':
        x = b.layer('ReLU', {}, x);
        break;
      case 'leaky':
        x = b.layer('LeakyReLU', {}, x);
        break;
      case 'elu':
        x = b.layer('ELU', {}, x);
        break;
      case 'dropout':
        x = b.layer('Dropout', { rate: 0.25 }, x);
        break;
      case 'pad':
        x = b.layer('ZeroPadding2D', { padding: [between(0, 2), between(0, 2), between(0, 2), between(0, 2)] }, x);
        break;
      case 'residual': {
        const branch = b.layer('Conv2D', { filters: between(2, 6), kernelSize: [3, 3], padding: 'same' }, x);
        const shortcut = b.layer('Conv2D', { filters: 4, kernelSize: [1, 1] }, x);
        // Mismatched channels on purpose now and then: those designs must be refused, not compiled.
        x = b.layer('Add', {}, [
          shortcut,
          random() < 0.7 ? b.layer('Conv2D', { filters: 4, kernelSize: [1, 1] }, branch) : branch,
        ]);
        break;
      }
      case 'inception': {
        const a = b.layer('Conv2D', { filters: between(1, 4), kernelSize: [1, 1] }, x);
        const c = b.layer('Conv2D', { filters: between(1, 4), kernelSize: [3, 3], padding: 'same' }, x);
        const p = b.layer('MaxPooling2D', { poolSize: [3, 3], strides: [1, 1], padding: 'same' }, x);
        x = b.layer('Concatenate', {}, [a, c, p]);
        break;
      }
    }
  }
  const flat = pick(['flatten', 'gap', 'gmp', 'reshape']) as string;
  if (flat === 'flatten') x = b.layer('Flatten', {}, x);
  else if (flat === 'gap') x = b.layer('GlobalAveragePooling2D', {}, x);
  else if (flat === 'gmp') x = b.layer('GlobalMaxPooling2D', {}, x);
  else x = b.layer('Reshape', { targetShape: [-1] }, x);
  if (random() < 0.3) {
    const side = b.input([between(2, 5)]);
    x = b.layer('Concatenate', {}, [x, b.layer('Dense', { units: between(1, 4) }, side)]);
  }
  const out = b.layer('Dense', { units: between(2, 5), activation: 'softmax' }, x);
  if (random() < 0.3) {
    const aux = b.layer('Dense', { units: 1, activation: 'sigmoid' }, x);
    // Outputs declared in an order other than node order, to check it is kept.
    b.setOutputs([aux, out]);
  }
  return b.build();
}

describe('compileGraph', () => {
  it('compiles a branched design with two inputs and two outputs, keeping names and output order', () => {
    const b = new GraphBuilder();
    const image = b.input([16, 16, 3], 'image');
    const meta = b.input([4], 'meta');
    const conv = b.layer(
      'Conv2D',
      { filters: 8, kernelSize: [3, 3], padding: 'same', activation: 'relu' },
      image,
      'stem',
    );
    const dw = b.layer('DepthwiseConv2D', { padding: 'same' }, conv);
    const sum = b.layer('Add', {}, [conv, dw]);
    const joined = b.layer('Concatenate', {}, [b.layer('BatchNormalization', {}, sum), conv]);
    const pooled = b.layer('GlobalAveragePooling2D', {}, joined);
    const both = b.layer('Concatenate', {}, [pooled, b.layer('Dense', { units: 3 }, meta)]);
    const classes = b.layer('Dense', { units: 10, activation: 'softmax' }, both, 'classes');
    const score = b.layer('Dense', { units: 1 }, both, 'score');
    b.setOutputs([score, classes]);
    const graph = b.build();
    const model = expectParity(graph);
    expect(model.inputNames).toEqual(['image', 'meta']);
    expect(model.outputNames).toEqual(['score', 'classes']);
    const outputs = model.predict([tf.zeros([2, 16, 16, 3]), tf.zeros([2, 4])]) as tf.Tensor[];
    expect(outputs.map((o) => o.shape)).toEqual([
      [2, 1],
      [2, 10],
    ]);
    tf.dispose(outputs);
  });

  it('feeds merge inputs in slot order, not edge order', () => {
    const b = new GraphBuilder();
    const x = b.input([4, 4, 1]);
    const wide = b.layer('Conv2D', { filters: 5, kernelSize: [1, 1] }, x, 'wide');
    const narrow = b.layer('Conv2D', { filters: 2, kernelSize: [1, 1] }, x, 'narrow');
    b.layer('Concatenate', {}, [narrow, wide], 'joined');
    const graph = b.build();
    // Reverse the edge list so slot order and list order disagree.
    const reversed = { ...graph, edges: [...graph.edges].reverse() };
    const model = compileGraph(reversed, tf);
    const joined = model.getLayer('joined');
    expect(joined.inboundNodes[0].inboundLayers.map((l) => l.name)).toEqual(['narrow', 'wide']);
  });

  it('matches shape inference and the summary on random designs', () => {
    let compiled = 0;
    let refused = 0;
    for (let seed = 1; compiled < 40; seed++) {
      const graph = randomGraph(seed);
      const report = inferShapes(graph);
      if (report.diagnostics.some((d) => d.severity === 'error')) {
        expect(() => compileGraph(graph, tf)).toThrow(CompileError);
        refused++;
        continue;
      }
      const model = expectParity(graph);
      model.dispose();
      compiled++;
    }
    // The generator must produce both kinds, or one half of this test checks nothing.
    expect(refused).toBeGreaterThan(0);
  });

  it('refuses a design with errors, listing every error in the message', () => {
    const b = new GraphBuilder();
    const x = b.input([3, 3, 1]);
    b.layer('Conv2D', { kernelSize: [5, 5] }, x, 'conv3');
    const y = b.input([8, 8, 1]);
    b.layer('Dense', { units: 2 }, y, 'fc');
    let error: unknown;
    try {
      compileGraph(b.build(), tf);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CompileError);
    const compileError = error as CompileError;
    expect(compileError.diagnostics.map((d) => d.code).sort()).toEqual(['kernel-too-large', 'wrong-rank']);
    expect(compileError.message).toMatch(/2 errors/);
    expect(compileError.message).toMatch(/Conv2D "conv3"/);
    expect(compileError.message).toMatch(/Dense "fc"/);
  });

  it('refuses an empty design', () => {
    expect(() => compileGraph({ nodes: [], edges: [], groups: [] }, tf)).toThrow(/no layers/);
  });

  describe('options', () => {
    const design = () => {
      const b = new GraphBuilder();
      let x = b.input([8, 8, 1]);
      x = b.layer('Conv2D', { filters: 4, kernelSize: [3, 3] }, x, 'conv');
      x = b.layer('DepthwiseConv2D', {}, x, 'dw');
      x = b.layer('Flatten', {}, x);
      b.layer('Dense', { units: 3, activation: 'softmax' }, x, 'fc');
      return b.build();
    };
    const kernel = (model: tf.LayersModel, name: string) => Array.from(model.getLayer(name).getWeights()[0].dataSync());

    it('starts from the same weights for the same seed and from different ones for another', () => {
      const [a, b, c] = [1, 1, 2].map((seed) => compileGraph(design(), tf, { seed }));
      for (const name of ['conv', 'dw', 'fc']) {
        expect(kernel(a, name)).toEqual(kernel(b, name));
        expect(kernel(a, name)).not.toEqual(kernel(c, name));
      }
      // Two layers seeded from one run seed must not share a kernel.
      expect(kernel(a, 'conv').slice(0, 4)).not.toEqual(kernel(a, 'dw').slice(0, 4));
    });

    it('uses the chosen initializer: He normal has the spread sqrt(2 / fan-in)', () => {
      const b = new GraphBuilder();
      const x = b.input([400]);
      b.layer('Dense', { units: 200 }, x, 'fc');
      const model = compileGraph(b.build(), tf, { kernelInitializer: 'heNormal', seed: 3 });
      const w = kernel(model, 'fc');
      const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
      // tfjs draws He normal from a truncated normal, which shrinks the spread by about 12%.
      expect(std).toBeGreaterThan(0.8 * Math.sqrt(2 / 400));
      expect(std).toBeLessThan(1.05 * Math.sqrt(2 / 400));
      // A seed alone keeps Keras's default, Glorot uniform: bounded by sqrt(6 / (fan-in + fan-out)).
      const glorot = kernel(compileGraph(b.build(), tf, { seed: 3 }), 'fc');
      expect(Math.max(...glorot.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(6 / 600) + 1e-6);
      expect(Math.max(...glorot.map(Math.abs))).toBeGreaterThan(0.95 * Math.sqrt(6 / 600));
    });

    it('adds an L1/L2 penalty per kernel that equals l1·Σ|w| + l2·Σw²', () => {
      const model = compileGraph(design(), tf, { seed: 5, weightDecay: { l1: 0.01, l2: 0.001 } });
      const losses = (model as unknown as { calculateLosses(): tf.Scalar[] }).calculateLosses();
      expect(losses).toHaveLength(3);
      const expected = ['conv', 'dw', 'fc'].reduce((sum, name) => {
        const w = kernel(model, name);
        return sum + 0.01 * w.reduce((s, v) => s + Math.abs(v), 0) + 0.001 * w.reduce((s, v) => s + v * v, 0);
      }, 0);
      const total = losses.reduce((s, l) => s + l.dataSync()[0], 0);
      expect(total).toBeCloseTo(expected, 4);
      tf.dispose(losses);
      const plain = compileGraph(design(), tf, { seed: 5 });
      expect((plain as unknown as { calculateLosses(): tf.Scalar[] }).calculateLosses()).toHaveLength(0);
    });
  });
});
