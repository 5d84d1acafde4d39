/**
 * Frozen layers (`trainable: false`): counted as Keras and tfjs count them,
 * compiled into layers tfjs does not train, kept by the project file, by
 * copy and paste, and by a tfjs export read back in.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../core/compile/compile';
import { importLayersModel } from '../../../core/formats/keras-import';
import { createProject, parseProjectFile, serializeProjectFile } from '../../../core/formats/project-file';
import { exportTfjsModel } from '../../../core/formats/tfjs-export';
import { GraphBuilder } from '../../../core/graph/builder';
import { duplicateNodes, setTrainable, type Graph } from '../../../core/graph/graph';
import { summarize } from '../../../core/graph/summary';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** 4 → Dense(3) (frozen) → BatchNorm → Dense(2): a small transfer-learning design. */
function design(): { graph: Graph; base: string; bn: string; head: string } {
  const b = new GraphBuilder();
  const x = b.input([4], 'x');
  const base = b.layer('Dense', { units: 3, activation: 'relu' }, x, 'base');
  const bn = b.layer('BatchNormalization', {}, base, 'bn');
  const head = b.layer('Dense', { units: 2, activation: 'softmax' }, bn, 'head');
  b.freeze(base);
  b.freeze(bn);
  return { graph: b.build(), base, bn, head };
}

const weightCount = (weights: tf.LayerVariable[]) =>
  weights.reduce((sum, w) => sum + w.shape.reduce<number>((a, d) => a * (d as number), 1), 0);

describe('a frozen layer', () => {
  it('counts all its weights as non-trainable, as tfjs does', () => {
    const { graph } = design();
    const summary = summarize(graph);
    expect(summary.layers.map((l) => [l.name, l.trainableParams, l.nonTrainableParams])).toEqual([
      ['x', 0, 0],
      ['base', 0, 4 * 3 + 3],
      ['bn', 0, 4 * 3],
      ['head', 3 * 2 + 2, 0],
    ]);
    const model = compileGraph(graph, tf);
    try {
      expect(weightCount(model.trainableWeights)).toBe(summary.totals.trainableParams);
      expect(weightCount(model.nonTrainableWeights)).toBe(summary.totals.nonTrainableParams);
      expect(model.getLayer('base').trainable).toBe(false);
      expect(model.getLayer('head').trainable).toBe(true);
    } finally {
      model.dispose();
    }
  });

  it('keeps its weights through training while the others change', async () => {
    const model = compileGraph(design().graph, tf, { seed: 3 });
    try {
      model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
      const before = model
        .getLayer('base')
        .getWeights()
        .map((w) => w.arraySync());
      const headBefore = model.getLayer('head').getWeights()[0].arraySync();
      const xs = tf.randomNormal([16, 4], 0, 1, 'float32', 1);
      const ys = tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1], 'int32'), 2);
      await model.fit(xs, ys, { epochs: 2, batchSize: 8, verbose: 0 });
      expect(
        model
          .getLayer('base')
          .getWeights()
          .map((w) => w.arraySync()),
      ).toEqual(before);
      expect(model.getLayer('head').getWeights()[0].arraySync()).not.toEqual(headBefore);
      tf.dispose([xs, ys]);
    } finally {
      model.dispose();
    }
  });

  it('survives the project file; "trainable": true is the default and stores nothing', () => {
    const { graph } = design();
    const reread = parseProjectFile(serializeProjectFile(createProject(graph, 'frozen')));
    expect(reread.graph).toEqual(graph);
    const text = serializeProjectFile(createProject(setTrainable(graph, [graph.nodes[1].id], true)));
    const edited = JSON.parse(text);
    edited.graph.nodes[3].trainable = true;
    const parsed = parseProjectFile(JSON.stringify(edited));
    expect(parsed.graph.nodes.map((n) => 'trainable' in n)).toEqual([false, false, true, false]);
    edited.graph.nodes[3].trainable = 'no';
    expect(() => parseProjectFile(JSON.stringify(edited))).toThrow(/^At graph\.nodes\.3\.trainable: /);
  });

  it('is unfrozen by setTrainable, which stores nothing for a trainable node, and copied frozen', () => {
    const { graph, base, head } = design();
    const thawed = setTrainable(graph, [base], true);
    expect(thawed.nodes.find((n) => n.id === base)).not.toHaveProperty('trainable');
    expect(setTrainable(graph, [head], true)).toEqual(graph);
    expect(setTrainable(graph, [head], false).nodes.find((n) => n.id === head)?.trainable).toBe(false);
    const copied = duplicateNodes(graph, [base, head]);
    expect(copied.graph.nodes.slice(-2).map((n) => n.trainable)).toEqual([false, undefined]);
  });

  it('goes out in a tfjs export as trainable: false and comes back frozen', async () => {
    const { graph } = design();
    const { modelJson } = await exportTfjsModel(graph, tf, { weights: false });
    const layers = (modelJson.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } }).config
      .layers;
    expect(layers.map((l) => [l.config.name, l.config.trainable])).toEqual([
      ['x', undefined],
      ['base', false],
      ['bn', false],
      ['head', true],
    ]);
    const back = importLayersModel(modelJson);
    expect(back.warnings).toEqual(['2 layers frozen (trainable: false): kept frozen']);
    expect(back.graph.nodes.map((n) => n.trainable)).toEqual([undefined, false, false, undefined]);
  });
});
