import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../core/compile/compile';
import { GraphBuilder } from '../../../core/graph/builder';
import {
  HEALTH_PROBLEMS,
  healthLayersOf,
  healthProblems,
  healthLine,
  healthSampleCount,
  LayerHealthMonitor,
  worstProblem,
  type LayerHealthReport,
} from '../../../core/train/layer-health';
import { train } from '../../../core/train/session';
import { compileOptionsFor, parseTrainingSettings } from '../../../core/train/settings';
import { getTemplate } from '../../../templates/index';
import { xorData } from './toy-data';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A model of one Dense layer over 2 inputs, with the given weights. */
function oneDense(units: number, activation: string, kernel: number[][], bias: number[]): tf.LayersModel {
  const input = tf.input({ shape: [2] });
  const layer = tf.layers.dense({ units, activation: activation as 'relu', name: 'd' });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  layer.setWeights([tf.tensor2d(kernel), tf.tensor1d(bias)]);
  return model;
}

/** The report of activations alone (no training step) on inputs `xs`. */
async function activationReport(model: tf.LayersModel, activation: 'relu' | 'tanh' | 'sigmoid', xs: number[][]) {
  const monitor = new LayerHealthMonitor(tf, model, [{ name: 'd', activation }]);
  const input = tf.tensor2d(xs);
  const report = await monitor.report(input, 0);
  input.dispose();
  monitor.dispose();
  return report.layers[0];
}

describe('healthLayersOf', () => {
  it('reads the activation from the layer parameter or from the layer itself, and skips inputs', () => {
    const b = new GraphBuilder();
    let x = b.input([8, 8, 1], 'in');
    x = b.layer('Conv2D', { filters: 2, kernelSize: [3, 3], activation: 'tanh' }, x, 'conv');
    x = b.layer('ReLU', {}, x, 'relu');
    x = b.layer('ReLU', { maxValue: 6 }, x, 'relu6');
    x = b.layer('Activation', { activation: 'sigmoid' }, x, 'sig');
    x = b.layer('Flatten', {}, x, 'flat');
    x = b.layer('Dense', { units: 4, activation: 'elu' }, x, 'hidden');
    b.layer('Dense', { units: 2, activation: 'softmax' }, x, 'out');
    expect(healthLayersOf(b.build())).toEqual([
      { name: 'conv', activation: 'tanh' },
      { name: 'relu', activation: 'relu' },
      { name: 'relu6', activation: 'relu' },
      { name: 'sig', activation: 'sigmoid' },
      { name: 'flat', activation: null },
      { name: 'hidden', activation: null },
      { name: 'out', activation: null },
    ]);
  });
});

describe('activation figures on a real tfjs model', () => {
  it('counts a ReLU unit as dead when no sample makes it fire', async () => {
    // Pre-activations per sample: unit 0 = x0 (1, 2), unit 1 = −x0 (−1, −2), unit 2 = −x1 (0, −1): units 1 and 2 never fire.
    const model = oneDense(
      3,
      'relu',
      [
        [1, -1, 0],
        [0, 0, -1],
      ],
      [0, 0, 0],
    );
    const health = await activationReport(model, 'relu', [
      [1, 0],
      [2, 1],
    ]);
    expect(health.deadShare).toBeCloseTo(2 / 3, 6);
    expect(health.saturatedShare).toBeUndefined();
  });

  it('counts a convolution filter as one unit, dead only when silent at every position', async () => {
    const input = tf.input({ shape: [3, 3, 1] });
    const conv = tf.layers.conv2d({ filters: 2, kernelSize: 1, activation: 'relu', name: 'd' });
    const model = tf.model({ inputs: input, outputs: conv.apply(input) as tf.SymbolicTensor });
    // Filter 0 copies the pixel, filter 1 negates it; one positive pixel keeps filter 0 alive.
    conv.setWeights([tf.tensor4d([1, -1], [1, 1, 1, 2]), tf.tensor1d([0, 0])]);
    const monitor = new LayerHealthMonitor(tf, model, [{ name: 'd', activation: 'relu' }]);
    const xs = tf.tensor4d([0, 0, 0, 0, 0.5, 0, 0, 0, 0], [1, 3, 3, 1]);
    const report = await monitor.report(xs, 0);
    expect(report.layers[0].deadShare).toBeCloseTo(0.5, 6);
    xs.dispose();
  });

  it('counts tanh outputs beyond 0.97 and sigmoid outputs within 0.015 of 0 or 1 as saturated', async () => {
    const identity = [
      [1, 0],
      [0, 1],
    ];
    // tanh: 3 → 0.995 and −5 → −0.9999 saturate; 0.1 and 0.5 do not.
    const tanh = await activationReport(oneDense(2, 'tanh', identity, [0, 0]), 'tanh', [
      [3, 0.1],
      [0.5, -5],
    ]);
    expect(tanh.saturatedShare).toBeCloseTo(0.5, 6);
    // sigmoid: 5 → 0.9933 and −5 → 0.0067 saturate (|2y − 1| = 0.987 > 0.97); 0 → 0.5 and 1 → 0.731 do not;
    // 3.4 → 0.968 (|2y − 1| = 0.935) does not either.
    const sigmoid = await activationReport(oneDense(2, 'sigmoid', identity, [0, 0]), 'sigmoid', [
      [5, 0],
      [-5, 1],
      [3.4, 0],
    ]);
    expect(sigmoid.saturatedShare).toBeCloseTo(2 / 6, 6);
  });
});

describe('step figures through train()', () => {
  // One sample x = (1, 2) of class 0 through Dense(2, softmax) with W = I, b = 0:
  // p = softmax(1, 2) = (0.2689, 0.7311); dL/dz = p − y = (−0.7311, 0.7311);
  // dL/dW = x ⊗ (p − y), dL/db = p − y, so ‖g‖ = 0.7311·√(1 + 1 + 4 + 4 + 1 + 1) = 0.7311·√12.
  const pMinusY = Math.exp(2) / (Math.exp(1) + Math.exp(2));
  const gradientNorm = pMinusY * Math.sqrt(12);
  const data = {
    inputShape: [2],
    classNames: ['a', 'b'],
    train: { images: new Float32Array([1, 2]), labels: new Int32Array([0]), count: 1 },
  };

  async function oneStep(optimizer: 'sgd' | 'adam', learningRate: number): Promise<LayerHealthReport> {
    const model = oneDense(
      2,
      'softmax',
      [
        [1, 0],
        [0, 1],
      ],
      [0, 0],
    );
    const settings = {
      optimizer,
      learningRate,
      batchSize: 1,
      epochs: 1,
      validationSplit: 0,
      preprocessing: 'none' as const,
    };
    const reports: LayerHealthReport[] = [];
    const result = await train(tf, model, data, settings, {
      health: { layers: [{ name: 'd', activation: null }], onReport: (r) => void reports.push(r) },
    });
    expect(result.health).toEqual(reports[0]);
    model.dispose();
    return reports[0];
  }

  it('SGD: the gradient norm by hand, and ‖ΔW‖ / ‖W‖ = lr · ‖g‖ / √2', async () => {
    const [layer] = (await oneStep('sgd', 0.1)).layers;
    expect(layer.gradientNorm).toBeCloseTo(gradientNorm, 4);
    expect(layer.updateRatio).toBeCloseTo((0.1 * gradientNorm) / Math.SQRT2, 5);
    expect(layer.problems).toEqual([]);
  });

  it('Adam: the first step moves each of the 6 weights by the learning rate, so the ratio is lr · √6 / √2', async () => {
    const report = await oneStep('adam', 0.01);
    expect(report.layers[0].updateRatio).toBeCloseTo(0.01 * Math.sqrt(3), 5);
    expect(report.epoch).toBe(0);
    expect(report.samples).toBe(1);
  });

  it('Adam at rate 5 explodes (ratio 5·√3 ≥ 1), and the record keeps it', async () => {
    const [layer] = (await oneStep('adam', 5)).layers;
    expect(layer.updateRatio).toBeCloseTo(5 * Math.sqrt(3), 3);
    expect(layer.problems).toEqual(['exploding']);
    expect(layer.seen).toEqual({ exploding: 0 });
  });
});

describe('a whole run watched', () => {
  function mlp(learningRate: number) {
    const graph = getTemplate('mlp').build({ input: [2], classes: 2, hiddenUnits: 16 } as never);
    const settings = parseTrainingSettings({ optimizer: 'adam', learningRate, epochs: 3, batchSize: 16, seed: 2 });
    return { graph, settings, model: compileGraph(graph, tf, compileOptionsFor(settings)) };
  }

  it('reports every epoch for every layer with weights or a watched activation, and keeps no tensor', async () => {
    const { graph, settings, model } = mlp(0.03);
    const before = tf.memory().numTensors;
    const reports: LayerHealthReport[] = [];
    await train(tf, model, xorData(128, 64), settings, {
      health: { layers: healthLayersOf(graph), onReport: (r) => void reports.push(r) },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(reports.map((r) => r.epoch)).toEqual([0, 1, 2]);
    for (const report of reports) {
      expect(report.samples).toBe(64);
      expect(report.layers.map((l) => l.name)).toEqual(['hidden', 'scores']);
      const [hidden, scores] = report.layers;
      expect(hidden.deadShare).toBeGreaterThanOrEqual(0);
      expect(hidden.deadShare).toBeLessThan(0.5);
      expect(scores.deadShare).toBeUndefined();
      for (const layer of report.layers) {
        expect(layer.gradientNorm).toBeGreaterThan(0);
        expect(layer.updateRatio).toBeGreaterThan(1e-5);
        expect(layer.updateRatio).toBeLessThan(1);
        expect(layer.problems).toEqual([]);
      }
    }
    model.dispose();
  });

  it('at learning rate 5 the first epoch marks the layers exploding, and the record keeps the epoch', async () => {
    const { graph, settings, model } = mlp(5);
    const result = await train(tf, model, xorData(128, 64), settings, { health: { layers: healthLayersOf(graph) } });
    const last = result.health as LayerHealthReport;
    expect(last.epoch).toBe(2);
    for (const layer of last.layers) expect(layer.seen.exploding).toBe(0);
    model.dispose();
  });
});

describe('thresholds', () => {
  it.each([
    [{ deadShare: 0.49 }, []],
    [{ deadShare: 0.5 }, ['dying']],
    [{ saturatedShare: 0.6 }, ['saturating']],
    [{ gradientNorm: 3, updateRatio: 1e-3 }, []],
    [{ gradientNorm: 3, updateRatio: 1 }, ['exploding']],
    [{ gradientNorm: NaN, updateRatio: 1e-3 }, ['exploding']],
    [{ gradientNorm: 0, updateRatio: 0 }, ['not-learning']],
    [{ deadShare: 0.9, gradientNorm: 1e3, updateRatio: 40 }, ['exploding', 'dying']],
  ])('%j → %j', (figures, expected) => {
    expect(healthProblems(figures)).toEqual(expected);
  });

  it('does not call a layer stalled when the schedule has brought the learning rate down', () => {
    expect(healthProblems({ updateRatio: 5e-6 }, { rateFactor: 1 })).toEqual(['not-learning']);
    expect(healthProblems({ updateRatio: 5e-6 }, { rateFactor: 0.003 })).toEqual([]);
  });

  it('prints a layer in one line, with the problems seen and when', () => {
    const layer = {
      name: 'hidden',
      activation: 'relu' as const,
      deadShare: 0.625,
      gradientNorm: 0,
      updateRatio: 0.0123,
      problems: ['dying' as const],
      seen: { exploding: 0, dying: 2 },
    };
    expect(healthLine(layer)).toBe(
      'hidden: 63% dead units, gradient norm 0, update/weight 1.2e-2, exploding (in epoch 1), dying (since epoch 3)',
    );
    expect(healthLine({ ...layer, deadShare: undefined, saturatedShare: 0.1, problems: [], seen: {} })).toBe(
      'hidden: 10% saturated, gradient norm 0, update/weight 1.2e-2, healthy',
    );
  });

  it('ranks problems worst first and states each rule', () => {
    expect(worstProblem(['not-learning', 'dying'])).toBe('dying');
    expect(worstProblem([])).toBeNull();
    for (const problem of HEALTH_PROBLEMS) expect(problem.rule.length).toBeGreaterThan(20);
  });

  it('measures activations on up to 256 samples, fewer for large samples, never fewer than a batch', () => {
    expect(healthSampleCount(1000, 2, 32)).toBe(256);
    expect(healthSampleCount(100, 2, 32)).toBe(100);
    expect(healthSampleCount(1000, 224 * 224 * 3, 32)).toBe(32);
  });
});
