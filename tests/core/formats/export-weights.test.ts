/**
 * Trained weights that do not fit the design are refused by both NCHW
 * exporters before a file is made, naming the layer: a project's sidecar from
 * before a layer was resized, a `model.json` of another network. And the file
 * names the shells give an export.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportFileStem, onnxFileName } from '../../../core/formats/export-files';
import { ExportError } from '../../../core/formats/nchw-graph';
import { exportOnnx } from '../../../core/formats/onnx-export';
import { exportPytorch } from '../../../core/formats/pytorch/index';
import type { TfjsWeights } from '../../../core/formats/tfjs-weights';
import { GraphBuilder } from '../../../core/graph/builder';
import type { Graph } from '../../../core/graph/graph';
import { parseTrainingSettings } from '../../../core/train/settings';
import { compileWithTestWeights, tfjsWeightsOf } from './nchw-fixtures';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function mlp(hidden: number) {
  const b = new GraphBuilder();
  const h = b.layer('Dense', { units: hidden, activation: 'relu' }, b.input([4]), 'hidden');
  b.layer('Dense', { units: 3, activation: 'softmax' }, h, 'out');
  return b.build();
}

type Export = (graph: Graph, weights: TfjsWeights) => Promise<unknown>;
const exporters: Record<string, Export> = {
  pytorch: async (graph, weights) =>
    exportPytorch(graph, { name: 'mlp', weights, training: parseTrainingSettings({}) }),
  onnx: (graph, weights) => exportOnnx(graph, tf, { name: 'mlp', weights }),
};

describe.each(Object.entries(exporters))('%s export with weights that do not fit', (_, exportWith) => {
  it('refuses weights of the design before a layer was resized, naming both layers and the sizes', async () => {
    const model = compileWithTestWeights(tf, mlp(8), 1);
    const weights = await tfjsWeightsOf(tf, model);
    model.dispose();
    const refusal = await Promise.resolve()
      .then(() => exportWith(mlp(5), weights))
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ExportError);
    expect((refusal as ExportError).problems).toEqual([
      'Dense "hidden": the weights hold 40 values; the layer has 25',
      'Dense "out": the weights hold 27 values; the layer has 18',
    ]);
  });

  it('refuses weights named for another design, and bytes shorter than their list', async () => {
    const model = compileWithTestWeights(tf, mlp(8), 1);
    const weights = await tfjsWeightsOf(tf, model);
    model.dispose();
    const renamed = { ...weights, specs: weights.specs.map((s) => ({ ...s, name: s.name.replace('out/', 'head/') })) };
    await expect(Promise.resolve().then(() => exportWith(mlp(8), renamed))).rejects.toThrow(
      'The weights do not fit the design:\n  - missing: out/kernel, out/bias\n  - not in the design: head/kernel, head/bias',
    );
    const short = { ...weights, data: weights.data.slice(0, 40) };
    await expect(Promise.resolve().then(() => exportWith(mlp(8), short))).rejects.toThrow(
      'the weights file holds 40 bytes; the list describes 268',
    );
  });
});

it('names export files after the design, without folders or odd characters', () => {
  expect(onnxFileName('ResNet-18')).toBe('ResNet-18.onnx');
  expect(onnxFileName('../../my net/v2')).toBe('my-net-v2.onnx');
  expect(exportFileStem('...')).toBe('model');
});
