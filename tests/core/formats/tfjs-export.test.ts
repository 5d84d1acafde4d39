/**
 * Export to the TensorFlow.js Layers format, checked by loading what we
 * write with tfjs itself, through the same `getModelArtifactsForJSON` step
 * its file and HTTP loaders take, and comparing parameters and outputs.
 * Then the round trip: export, import back, same design.
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CompileError, compileGraph } from '../../../core/compile/compile';
import { importLayersModel } from '../../../core/formats/keras-import';
import { DEFAULT_WEIGHTS_FILE_NAME, exportTfjsModel, type TfjsExport } from '../../../core/formats/tfjs-export';
import { GraphBuilder } from '../../../core/graph/builder';
import { outputNodeIds, type Graph } from '../../../core/graph/graph';
import { summarize } from '../../../core/graph/summary';
import { layerSpecs } from '../../../core/layers/registry';
import { getTemplate } from '../../../templates';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A small design that uses every layer type in the registry, with non-default settings, two branches and two outputs. */
function everyLayerDesign(): Graph {
  const b = new GraphBuilder();
  const image = b.input([12, 12, 3], 'image');
  const pad = b.layer('ZeroPadding2D', { padding: [1, 0, 2, 1] }, image, 'pad');
  const c1 = b.layer('Conv2D', { filters: 8, kernelSize: [3, 3], activation: 'relu' }, pad, 'c1');
  const bn = b.layer('BatchNormalization', { momentum: 0.9, epsilon: 0.002, scale: false }, c1, 'bn');
  const r6 = b.layer('ReLU', { maxValue: 6 }, bn, 'r6');
  const dw = b.layer(
    'DepthwiseConv2D',
    { kernelSize: [3, 3], padding: 'same', depthMultiplier: 2, useBias: false },
    r6,
    'dw',
  );
  const lr = b.layer('LeakyReLU', { alpha: 0.2 }, dw, 'lr');
  const c2 = b.layer('Conv2D', { filters: 16, kernelSize: [3, 3], padding: 'same', dilationRate: [2, 2] }, r6, 'c2');
  const sum = b.layer('Add', {}, [lr, c2], 'sum');
  const elu = b.layer('ELU', {}, sum, 'elu');
  const mp = b.layer('MaxPooling2D', { poolSize: [2, 2], strides: [2, 2], padding: 'same' }, elu, 'mp');
  const ap = b.layer('AveragePooling2D', { poolSize: [3, 3], strides: [1, 1] }, elu, 'ap');
  const gmp = b.layer('GlobalMaxPooling2D', {}, mp, 'gmp');
  const gap = b.layer('GlobalAveragePooling2D', {}, ap, 'gap');
  const flat = b.layer('Flatten', {}, mp, 'flat');
  const d1 = b.layer('Dense', { units: 10, activation: 'tanh' }, flat, 'd1');
  const cat = b.layer('Concatenate', { axis: -1 }, [gap, gmp, d1], 'cat');
  const act = b.layer('Activation', { activation: 'swish' }, cat, 'act');
  const drop = b.layer('Dropout', { rate: 0.25 }, act, 'drop');
  const probs = b.layer('Dense', { units: 5, activation: 'softmax', useBias: false }, drop, 'probs');
  const grid = b.layer('Reshape', { targetShape: [6, -1] }, act, 'grid');
  // The layers of issue #13, Maxout and Subtract among them (classes NetCanvas adds to tfjs).
  const scaled = b.layer('Rescaling', { scale: 0.5, offset: -1 }, image, 'scaled');
  const sep = b.layer(
    'SeparableConv2D',
    { filters: 6, padding: 'same', depthMultiplier: 2, activation: 'relu' },
    scaled,
    'sep',
  );
  const pr = b.layer('PReLU', { alphaPer: 'channel' }, sep, 'pr');
  const ln = b.layer('LayerNormalization', { center: false, epsilon: 1e-4 }, pr, 'ln');
  const noise = b.layer('GaussianNoise', { stddev: 0.2 }, ln, 'noise');
  const gdrop = b.layer('GaussianDropout', { rate: 0.1 }, noise, 'gdrop');
  const up = b.layer('UpSampling2D', { size: [2, 2], interpolation: 'bilinear' }, gdrop, 'up');
  const crop = b.layer('Cropping2D', { cropping: [6, 8, 7, 7] }, up, 'crop');
  const tconv = b.layer('Conv2DTranspose', { filters: 4, kernelSize: [3, 3], strides: [1, 1] }, crop, 'tconv');
  const mo = b.layer('Maxout', { pieces: 2 }, tconv, 'mo');
  const side = b.layer('Conv2D', { filters: 2, kernelSize: [3, 3], padding: 'same' }, image, 'side');
  const sub = b.layer('Subtract', {}, [mo, side], 'sub');
  const mul = b.layer('Multiply', {}, [sub, side], 'mul');
  const avg = b.layer('Average', {}, [mul, sub], 'avg');
  const hi = b.layer('Maximum', {}, [avg, mul], 'hi');
  const lo = b.layer('Minimum', {}, [hi, sub], 'lo');
  const zooFlat = b.layer('Flatten', {}, lo, 'zoo_flat');
  const zooScores = b.layer('Dense', { units: 3 }, zooFlat, 'zoo_scores');
  const zoo = b.layer('Softmax', {}, zooScores, 'zoo');
  b.setOutputs([probs, grid, zoo]);
  return b.build();
}

/** Loads an export the way tfjs loads files: model.json parsed from text, then the weights its manifest names. */
async function loadExport({ modelJson, weightData }: TfjsExport): Promise<tf.LayersModel> {
  const json = JSON.parse(JSON.stringify(modelJson));
  const artifacts = await tf.io.getModelArtifactsForJSON(json, async (manifest) => {
    expect(manifest.flatMap((g) => g.paths)).toEqual([DEFAULT_WEIGHTS_FILE_NAME]);
    return [manifest.flatMap((g) => g.weights), weightData as ArrayBuffer];
  });
  return tf.loadLayersModel(tf.io.fromMemory(artifacts));
}

const predictAll = (model: tf.LayersModel, input: tf.Tensor): number[][] =>
  tf.tidy(() => {
    const out = model.predict(input);
    return (Array.isArray(out) ? out : [out]).map((t) => Array.from(t.dataSync()));
  });

describe('exportTfjsModel', () => {
  it('the test design covers every layer type in the registry', () => {
    const used = new Set(everyLayerDesign().nodes.map((n) => n.type));
    expect(layerSpecs.map((s) => s.type).filter((t) => !used.has(t))).toEqual([]);
  });

  it('writes a model.json and weights that tfjs loads with the same parameters and the same outputs', async () => {
    const model = compileGraph(everyLayerDesign(), tf, { seed: 7 });
    const exported = await exportTfjsModel(model, tf);
    expect(exported.modelJson.format).toBe('layers-model');
    expect(exported.weightData?.byteLength).toBe(4 * model.countParams());

    const loaded = await loadExport(exported);
    expect(loaded.countParams()).toBe(model.countParams());
    expect(loaded.layers.map((l) => l.name)).toEqual(model.layers.map((l) => l.name));
    const input = tf.randomNormal([2, 12, 12, 3], 0, 1, 'float32', 3);
    const [expected, actual] = [predictAll(model, input), predictAll(loaded, input)];
    expect(actual.map((a) => a.length)).toEqual([2 * 5, 2 * 6 * 7, 2 * 3]);
    expect(actual).toEqual(expected);
    input.dispose();
    model.dispose();
    loaded.dispose();
  });

  it('writes the Keras 2 style topology: batch_input_shape and [[name, 0, 0, {}]] inbound nodes', async () => {
    const { modelJson } = await exportTfjsModel(everyLayerDesign(), tf);
    const config = modelJson.modelTopology.config as {
      layers: { name: string; config: Record<string, unknown>; inbound_nodes: unknown }[];
    };
    const layer = (name: string) => config.layers.find((l) => l.name === name)!;
    expect(layer('image').config.batch_input_shape).toEqual([null, 12, 12, 3]);
    expect(layer('c1').inbound_nodes).toEqual([[['pad', 0, 0, {}]]]);
    expect(layer('cat').inbound_nodes).toEqual([
      [
        ['gap', 0, 0, {}],
        ['gmp', 0, 0, {}],
        ['d1', 0, 0, {}],
      ],
    ]);
    expect(modelJson.modelTopology).toMatchObject({
      class_name: 'Model',
      config: {
        output_layers: [
          ['probs', 0, 0],
          ['grid', 0, 0],
          ['zoo', 0, 0],
        ],
      },
    });
  });

  it('exports an untrained design as topology only, which tfjs loads with fresh weights', async () => {
    const graph = everyLayerDesign();
    const exported = await exportTfjsModel(graph, tf, { weights: false });
    expect(exported.weightData).toBeNull();
    expect('weightsManifest' in exported.modelJson).toBe(false);
    const json = JSON.parse(JSON.stringify(exported.modelJson));
    const artifacts = await tf.io.getModelArtifactsForJSON(json, () => {
      throw new Error('a topology-only model.json names no weights to load');
    });
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    expect(loaded.countParams()).toBe(summarize(graph).totals.params);
    loaded.dispose();
  });

  it('leaves the design it exports unchanged', async () => {
    const graph = everyLayerDesign();
    const before = structuredClone(graph);
    await exportTfjsModel(graph, tf, { weights: false });
    expect(graph).toEqual(before);
  });

  it('refuses a design with errors, with the compile error that lists them', async () => {
    const b = new GraphBuilder();
    b.layer('Dense', { units: 3 }, b.input([4, 4, 1], 'image'), 'needs-flatten');
    await expect(exportTfjsModel(b.build(), tf)).rejects.toBeInstanceOf(CompileError);
  });
});

describe('export, then import back', () => {
  /** Per layer: name, type, output shape, parameter counts; plus the outputs in order. */
  const digest = (graph: Graph) => {
    const summary = summarize(graph);
    const names = new Map(graph.nodes.map((n) => [n.id, n.name]));
    return {
      // By name: tfjs may list parallel branches in another topological order.
      layers: summary.layers
        .map((l) => [l.name, l.type, l.outputShape, l.trainableParams, l.nonTrainableParams])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      totals: summary.totals,
      outputs: outputNodeIds(graph).map((id) => names.get(id)),
    };
  };

  it('gives the same design: every layer with the same parameters, shape and counts', async () => {
    const graph = everyLayerDesign();
    const { modelJson } = await exportTfjsModel(graph, tf, { weights: false });
    const { graph: back, warnings } = importLayersModel(JSON.parse(JSON.stringify(modelJson)));
    expect(warnings).toEqual([]);
    expect(digest(back)).toEqual(digest(graph));
    const paramsByName = (g: Graph) => Object.fromEntries(g.nodes.map((n) => [n.name, n.params]));
    expect(paramsByName(back)).toEqual(paramsByName(graph));
  });

  it.each([
    ['lenet5', undefined],
    ['mlp', undefined],
    ['cifar-cnn', undefined],
    ['resnet20', undefined],
    ['resnet18', [32, 32, 3]],
  ] as const)('template %s (input %j) survives export and re-import', async (id, input) => {
    const graph = getTemplate(id).build(input ? { input, classes: 10 } : {});
    const { modelJson } = await exportTfjsModel(graph, tf, { weights: false });
    const { graph: back, warnings } = importLayersModel(JSON.parse(JSON.stringify(modelJson)));
    expect(warnings).toEqual([]);
    expect(digest(back)).toEqual(digest(graph));
  });

  const fixtures = fileURLToPath(new URL('../../../../shared/fixtures/keras-models/', import.meta.url));
  it.each([
    'tfjs-layers0.8.3_lenet_sequential_listconfig__tensorspace-team_tensorspace__docs_tfjs_rawModel_mnist.json',
    'keras3.8.0_cnn_bn_sequential__FadliAhmadYazid_German-Traffic-Sign-Recognition-with-CNN__tfjs_model_model.json',
    'keras2.2.4_mobilenetv1__tensorspace-team_tensorspace__examples_mobilenetv1_mobilenetv1_model.json',
  ])('a real model imported from %s survives export and re-import', async (file) => {
    const { graph } = importLayersModel(JSON.parse(readFileSync(fixtures + file, 'utf8')));
    const { modelJson } = await exportTfjsModel(graph, tf, { weights: false });
    expect(digest(importLayersModel(modelJson).graph)).toEqual(digest(graph));
  });
});
