import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../core/compile/compile';
import { inferShapes } from '../../../core/graph/infer';
import { summarize } from '../../../core/graph/summary';
import { templates } from '../../../templates/index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/**
 * The smallest input each family builds at: every pooling stage still gets
 * at least one pixel (AlexNet needs 63×63), and the weights stay few enough
 * to allocate quickly (AlexNet 2012's unpadded 11×11/4 stem needs 67×67).
 * Flat-input templates take a flat vector.
 */
function smallInput(id: string, defaultInput: readonly number[]): number[] {
  if (defaultInput.length === 1) return [64];
  if (id === 'alexnet') return [63, 63, 3];
  if (id === 'alexnet2012') return [67, 67, 3];
  if (id === 'lenet5') return [32, 32, 1];
  return [32, 32, 3];
}

describe('compiled templates match the summary and shape inference exactly', () => {
  it.each(templates.map((t) => [t.id, t] as const))('%s', (id, template) => {
    const graph = template.build({ input: smallInput(id, template.defaultInput), classes: 10 });
    const report = inferShapes(graph);
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const summary = summarize(graph, report);
    const model = compileGraph(graph, tf, {}, report);
    try {
      expect(model.countParams()).toBe(summary.totals.params);
      const trainable = model.trainableWeights.reduce(
        (sum, w) => sum + w.shape.reduce<number>((p, d) => p * (d ?? 0), 1),
        0,
      );
      expect(trainable).toBe(summary.totals.trainableParams);
      expect(model.layers).toHaveLength(graph.nodes.length);
      for (const node of graph.nodes) {
        expect([node.name, model.getLayer(node.name).outputShape]).toEqual([node.name, report.shapes.get(node.id)]);
      }
    } finally {
      model.dispose();
    }
  });
});
