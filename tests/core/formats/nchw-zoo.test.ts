/**
 * The layer types of issue #13 in the PyTorch and ONNX exports, run for
 * real: designs that use every one of them, in the settings whose NCHW form
 * differs (a transposed convolution whose "same" output is trimmed unevenly
 * or padded after, bilinear up-sampling without half-pixel centres, slopes
 * per channel, per value and per layer on maps and vectors), export with the
 * design's counts and compute tfjs's outputs within 1e-4 in PyTorch and in
 * ONNX Runtime (wasm, in Node), and onnx.checker accepts every ONNX file.
 * Every weight is drawn at random first, slopes and γ, β included, so a
 * weight converted wrongly shows. The four templates of #13 also pass
 * onnx.checker (their outputs are compared in nchw-export.test.ts).
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../core/compile/compile';
import { mulberry32 } from '../../../core/data/random';
import { exportOnnx } from '../../../core/formats/onnx-export';
import { exportPytorch } from '../../../core/formats/pytorch/index';
import { GraphBuilder } from '../../../core/graph/builder';
import type { Graph } from '../../../core/graph/graph';
import { summarize } from '../../../core/graph/summary';
import { parseTrainingSettings } from '../../../core/train/settings';
import { templates } from '../../../templates/index';
import { CHECK_EXPORTS, describeWithPython, findPython, runPython } from '../../python/torch-python';
import { compileWithTestWeights, seededInput, smallInput, tfjsWeightsOf } from './nchw-fixtures';
import { nchwShape, toNchw } from './nchw-layout';

/** Designs by name, each with its per-sample input shape. */
const DESIGNS: Record<string, { input: number[]; build: (b: GraphBuilder, x: string) => void }> = {
  'convolutions and resampling': {
    input: [9, 9, 3],
    build: (b, x) => {
      let y = b.layer('Rescaling', { scale: 1 / 127.5, offset: -1 }, x, 'scale');
      y = b.layer(
        'SeparableConv2D',
        { filters: 5, strides: [2, 2], padding: 'same', depthMultiplier: 2, activation: 'relu' },
        y,
        'sep',
      ); // 5×5×5, TF's uneven "same" padding
      y = b.layer(
        'Conv2DTranspose',
        { filters: 4, kernelSize: [4, 3], strides: [2, 2], padding: 'same' },
        y,
        'up_same',
      ); // 10×10, trimmed 1 + 1 and 0 + 1
      y = b.layer('Conv2DTranspose', { filters: 3, kernelSize: [1, 2], strides: [3, 3], useBias: true }, y, 'up_gap'); // 30×30, zeros after
      y = b.layer('Cropping2D', { cropping: [2, 9, 3, 8] }, y, 'crop'); // 19×19
      y = b.layer(
        'Conv2DTranspose',
        { filters: 2, kernelSize: [3, 3], strides: [1, 1], padding: 'valid' },
        y,
        'up_valid',
      ); // 21×21
      y = b.layer('UpSampling2D', { size: [2, 3], interpolation: 'bilinear' }, y, 'bilinear');
      y = b.layer('MaxPooling2D', { poolSize: [4, 6], strides: [4, 6] }, y, 'shrink');
      y = b.layer('UpSampling2D', { size: [3, 2] }, y, 'nearest');
      y = b.layer('Flatten', {}, y, 'flat');
      b.layer('Dense', { units: 4 }, y, 'out');
    },
  },
  'activations and normalisations on maps': {
    input: [6, 5, 4],
    build: (b, x) => {
      let y = b.layer('Conv2D', { filters: 6, padding: 'same' }, x, 'conv');
      y = b.layer('PReLU', { alphaPer: 'channel' }, y, 'prelu_channel');
      y = b.layer('PReLU', { alphaPer: 'value' }, y, 'prelu_value');
      y = b.layer('PReLU', { alphaPer: 'layer' }, y, 'prelu_layer');
      y = b.layer('LayerNormalization', { epsilon: 1e-5 }, y, 'ln');
      y = b.layer('GaussianNoise', { stddev: 0.3 }, y, 'noise');
      y = b.layer('Maxout', { pieces: 3 }, y, 'maxout');
      y = b.layer('GaussianDropout', { rate: 0.2 }, y, 'gdrop');
      y = b.layer('Softmax', {}, y, 'softmax_map');
      y = b.layer('Flatten', {}, y, 'flat');
      b.layer('Dense', { units: 3 }, y, 'out');
    },
  },
  'merges and vectors': {
    input: [7],
    build: (b, x) => {
      const a = b.layer('Dense', { units: 8 }, x, 'a');
      const c = b.layer('Dense', { units: 8 }, x, 'c');
      const d = b.layer('Dense', { units: 8 }, x, 'd');
      let y = b.layer('Subtract', {}, [a, c], 'sub');
      y = b.layer('Multiply', {}, [y, c, d], 'mul');
      y = b.layer('Average', {}, [y, a, d], 'avg');
      y = b.layer('Maximum', {}, [y, c, d], 'max');
      y = b.layer('Minimum', {}, [y, a, c], 'min');
      y = b.layer('PReLU', { alphaPer: 'channel' }, y, 'prelu');
      y = b.layer('LayerNormalization', { center: false, scale: false }, y, 'ln');
      y = b.layer('Maxout', { pieces: 2 }, y, 'maxout');
      b.layer('Softmax', {}, y, 'probs');
    },
  },
};

function design(name: string): Graph {
  const b = new GraphBuilder();
  DESIGNS[name].build(b, b.input(DESIGNS[name].input, 'input'));
  return b.build();
}

/** Compiled with seeded kernels, then every other weight (slopes, γ, β, biases) drawn away from its initial value. */
function compileWithRandomWeights(graph: Graph, seed: number): tf.LayersModel {
  const model = compileGraph(graph, tf, { seed });
  const random = mulberry32(seed);
  for (const layer of model.layers) {
    const values = layer.getWeights().map((w) =>
      w.rank >= 2 && layer.getClassName() !== 'PReLU'
        ? w.clone()
        : tf.tensor(
            Array.from({ length: w.size }, () => random() - 0.3),
            w.shape,
          ),
    );
    layer.setWeights(values);
    tf.dispose(values);
  }
  return model;
}

interface CheckResult {
  id: string;
  error?: string;
  trainableParams?: number;
  bnStatistics?: number;
  outputShapes?: number[][];
  maxAbsDiff?: (number | null)[];
  onnxWeights?: number;
}

/** What one design should come out as, from NetCanvas and tfjs, and what ONNX Runtime gave. */
interface Expected {
  trainable: number;
  /** The output's shape, NetCanvas's axis order (NHWC for 4-D). */
  output: number[];
  onnxDiff?: number;
  onnxError?: string;
  onnxOutput?: number[];
}

const BATCH = 2;
const ZOO_TEMPLATES = ['googlenet', 'mobilenet_v2', 'alexnet2012', 'unet'];
const python = findPython(['torch', 'numpy', 'onnx']);
const dir = mkdtempSync(join(tmpdir(), 'netcanvas-nchw-zoo-'));
const expected = new Map<string, Expected>();
let results = new Map<string, CheckResult>();

beforeAll(async () => {
  await tf.setBackend('cpu');
  ort.env.wasm.numThreads = 1;
  const jobs: unknown[] = [];
  for (const [k, name] of Object.keys(DESIGNS).entries()) {
    const graph = design(name);
    const { input } = DESIGNS[name];
    const model = compileWithRandomWeights(graph, 50 + k);
    const folder = join(dir, `design${k}`);
    mkdirSync(folder);
    try {
      const weights = await tfjsWeightsOf(tf, model);
      const x = seededInput(input, BATCH, k);
      const y = tf.tidy(() => model.predict(tf.tensor(x, [BATCH, ...input])) as tf.Tensor);
      const want = (await y.data()) as Float32Array;
      const entry: Expected = { trainable: summarize(graph).totals.trainableParams, output: y.shape };
      y.dispose();
      expected.set(name, entry);

      const onnxFile = join(folder, 'model.onnx');
      const bytes = await exportOnnx(graph, tf, { name, weights });
      writeFileSync(onnxFile, bytes);
      try {
        const session = await ort.InferenceSession.create(bytes);
        const feed = new ort.Tensor('float32', toNchw(x, [BATCH, ...input]), nchwShape([BATCH, ...input]));
        const out = (await session.run({ [session.inputNames[0]]: feed }))[session.outputNames[0]];
        entry.onnxOutput = [...out.dims];
        const got = out.data as Float32Array;
        const nchw = toNchw(want, entry.output);
        entry.onnxDiff = got.length === nchw.length ? Math.max(...nchw.map((v, i) => Math.abs(v - got[i]))) : Infinity;
        await session.release();
      } catch (e) {
        entry.onnxError = (e as Error).message;
      }

      if (!python) continue;
      for (const f of exportPytorch(graph, { name, weights, training: parseTrainingSettings({}) }))
        writeFileSync(join(folder, f.name), f.data);
      writeFileSync(join(folder, 'input.bin'), x);
      writeFileSync(join(folder, 'expected.bin'), want);
      jobs.push({
        id: name,
        dir: folder,
        inputs: [{ file: join(folder, 'input.bin'), shape: [BATCH, ...input] }],
        expected: [{ file: join(folder, 'expected.bin'), shape: entry.output }],
        onnx: onnxFile,
      });
    } finally {
      model.dispose();
    }
  }
  if (!python) return;
  for (const id of ZOO_TEMPLATES) {
    const template = templates.find((t) => t.id === id)!;
    const graph = template.build({ input: smallInput(id, template.defaultInput), classes: 10 });
    const model = compileWithTestWeights(tf, graph, 7);
    const onnxFile = join(dir, `${id}.onnx`);
    try {
      writeFileSync(
        onnxFile,
        await exportOnnx(graph, tf, { name: template.title, weights: await tfjsWeightsOf(tf, model) }),
      );
    } finally {
      model.dispose();
    }
    const totals = summarize(graph).totals;
    expected.set(id, { trainable: totals.trainableParams + totals.nonTrainableParams, output: [] });
    jobs.push({ id, onnx: onnxFile });
  }
  writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
  await runPython(python, [CHECK_EXPORTS, join(dir, 'jobs.json'), join(dir, 'results.json')]);
  const list = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as CheckResult[];
  results = new Map(list.map((r) => [r.id, r]));
}, 600_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the new layer types in the ONNX export, under ONNX Runtime', () => {
  it.each(Object.keys(DESIGNS))('%s: same output shape and values as tfjs', (name) => {
    const want = expected.get(name)!;
    expect(want.onnxError).toBeUndefined();
    expect(want.onnxOutput).toEqual(nchwShape(want.output));
    expect(want.onnxDiff).toBeLessThan(1e-4);
  });
});

describeWithPython('the new layer types in the PyTorch export, under PyTorch', ['torch', 'numpy', 'onnx'], () => {
  it.each(Object.keys(DESIGNS))(
    '%s: same counts, shapes and outputs as tfjs; onnx.checker accepts the ONNX file',
    (name) => {
      const result = results.get(name);
      const want = expected.get(name)!;
      expect(result?.error).toBeUndefined();
      expect(result?.trainableParams).toBe(want.trainable);
      expect(result?.bnStatistics).toBe(0);
      expect(result?.outputShapes).toEqual([nchwShape(want.output)]);
      expect(result?.maxAbsDiff?.[0]).toBeLessThan(1e-4);
      expect(result?.onnxWeights).toBe(want.trainable);
    },
  );

  it.each(ZOO_TEMPLATES)('template %s: onnx.checker accepts its ONNX file, every weight in it', (id) => {
    const result = results.get(id);
    expect(result?.error).toBeUndefined();
    expect(result?.onnxWeights).toBe(expected.get(id)!.trainable);
  });
});
