/**
 * The PyTorch and ONNX exports, run for real and compared with tfjs: for
 * every template (at a small input) and for random valid graphs, the same
 * weights give the same outputs within 1e-4 in ONNX Runtime (its wasm build,
 * in Node) and in PyTorch (Debian's, in one Python process for all designs).
 * The counts must agree exactly: PyTorch parameters = NetCanvas's trainable
 * weights, PyTorch batch-norm statistics = its non-trainable ones, ONNX
 * initializers = both together.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import * as ort from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportError } from '../../../core/formats/nchw-graph';
import { exportOnnx, ONNX_OPSET } from '../../../core/formats/onnx-export';
import { exportPytorch } from '../../../core/formats/pytorch/index';
import type { Graph } from '../../../core/graph/graph';
import { hasErrors, inferShapes } from '../../../core/graph/infer';
import { summarize } from '../../../core/graph/summary';
import { parseTrainingSettings } from '../../../core/train/settings';
import { templates } from '../../../templates/index';
import { CHECK_EXPORTS, describeWithPython, findPython, runPython } from '../../python/torch-python';
import { randomGraph } from '../random-graphs';
import { compileWithTestWeights, seededInput, smallInput, tfjsWeightsOf } from './nchw-fixtures';
import { nchwShape, toNchw } from './nchw-layout';

interface PythonResult {
  id: string;
  error?: string;
  params?: number;
  trainableParams?: number;
  bnStatistics?: number;
  outputShapes?: number[][];
  maxAbsDiff?: (number | null)[];
  stateDictKeys?: string[];
  onnxWeights?: number;
  onnxOpset?: number;
  onnxInputs?: (string | number)[][];
}

/** What a design should come out as, from NetCanvas and tfjs. */
interface Case {
  id: string;
  trainable: number;
  nonTrainable: number;
  /** Output shapes as PyTorch and ONNX hold them (NCHW for 4-D). */
  outputs: number[][];
  /** ONNX Runtime's largest difference from tfjs, per output. */
  onnxDiff: number[];
  onnxWeights: number;
  onnxInputDims: (string | number)[][];
  /** A layer with no exact NCHW form: the export's refusal instead of results. */
  refused?: string;
  /** What ONNX Runtime said when it could not load or run the file. */
  onnxError?: string;
}

const { onnx } = onnxProto;
const BATCH = 2;
const DEFAULT_SETTINGS = parseTrainingSettings({});
const RANDOM_GRAPHS = 30;

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return a.length === b.length ? max : Number.POSITIVE_INFINITY;
};

/** Valid random designs, the same ones every run. */
function randomDesigns(): Graph[] {
  const found: Graph[] = [];
  fc.assert(
    fc.property(
      fc.gen().map((g) => randomGraph(g, false)),
      (graph) => {
        if (found.length < RANDOM_GRAPHS && !hasErrors(inferShapes(graph).diagnostics)) found.push(graph);
      },
    ),
    { numRuns: 2000, seed: 11 },
  );
  return found;
}

const python = findPython(['torch', 'numpy', 'onnx']);
const dir = mkdtempSync(join(tmpdir(), 'netcanvas-nchw-'));
const cases = new Map<string, Case>();
let pythonResults = new Map<string, PythonResult>();
const designs: { id: string; graph: Graph; name: string; seed: number }[] = [
  ...templates.map((t, k) => ({
    id: t.id,
    graph: t.build({ input: smallInput(t.id, t.defaultInput), classes: 10 }),
    name: t.title,
    seed: 1000 + k,
  })),
  ...randomDesigns().map((graph, k) => ({ id: `random${k}`, graph, name: `Random ${k}`, seed: 2000 + k })),
];

beforeAll(async () => {
  await tf.setBackend('cpu');
  ort.env.wasm.numThreads = 1;
  const jobs: unknown[] = [];
  for (const design of designs) {
    const { graph, id } = design;
    const report = inferShapes(graph);
    const totals = summarize(graph, report).totals;
    const model = compileWithTestWeights(tf, graph, design.seed);
    const folder = join(dir, id);
    mkdirSync(folder);
    try {
      const weights = await tfjsWeightsOf(tf, model);
      const inputShapes = model.inputs.map((i) => [BATCH, ...(i.shape.slice(1) as number[])]);
      const inputs = inputShapes.map((shape, k) => seededInput(shape.slice(1), BATCH, design.seed + k));
      const predicted = tf.tidy(() => {
        const out = model.predict(inputs.map((x, k) => tf.tensor(x, inputShapes[k])));
        return Array.isArray(out) ? out : [out];
      });
      const expected = await Promise.all(
        predicted.map(async (y) => ({ values: (await y.data()) as Float32Array, shape: y.shape })),
      );
      tf.dispose(predicted);

      let bytes: Uint8Array;
      try {
        bytes = await exportOnnx(graph, tf, { name: design.name, weights });
      } catch (e) {
        if (!(e instanceof ExportError)) throw e;
        cases.set(id, { refused: e.message } as Case);
        continue;
      }
      const proto = onnx.ModelProto.decode(bytes);
      let onnxDiff: number[] = [];
      let onnxError: string | undefined;
      try {
        const session = await ort.InferenceSession.create(bytes);
        const feeds = Object.fromEntries(
          session.inputNames.map((name, k) => [
            name,
            new ort.Tensor('float32', toNchw(inputs[k], inputShapes[k]), nchwShape(inputShapes[k])),
          ]),
        );
        const results = await session.run(feeds);
        onnxDiff = session.outputNames.map((name, k) =>
          maxAbsDiff(results[name].data as Float32Array, toNchw(expected[k].values, expected[k].shape)),
        );
        await session.release();
      } catch (e) {
        onnxError = (e as Error).message;
      }
      cases.set(id, {
        ...(onnxError ? { onnxError } : {}),
        id,
        trainable: totals.trainableParams,
        nonTrainable: totals.nonTrainableParams,
        outputs: expected.map((e) => nchwShape(e.shape)),
        onnxDiff,
        onnxWeights: proto.graph!.initializer!.reduce(
          (sum, t) => sum + (t.dims as number[]).reduce((a, d) => a * d, 1),
          0,
        ),
        onnxInputDims: proto.graph!.input!.map((i) =>
          i.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue)),
        ),
      });

      if (python) {
        for (const f of exportPytorch(graph, { name: design.name, weights, training: DEFAULT_SETTINGS }))
          writeFileSync(join(folder, f.name), f.data);
        inputs.forEach((x, k) => writeFileSync(join(folder, `input${k}.bin`), x));
        expected.forEach((y, k) => writeFileSync(join(folder, `expected${k}.bin`), y.values));
        jobs.push({
          id,
          dir: folder,
          inputs: inputShapes.map((shape, k) => ({ file: join(folder, `input${k}.bin`), shape })),
          expected: expected.map((y, k) => ({ file: join(folder, `expected${k}.bin`), shape: y.shape })),
        });
      }
    } finally {
      model.dispose();
    }
  }
  if (!python) return;
  // The figures: ResNet-18 at full size with 1000 classes, in PyTorch and as an ONNX file onnx.checker accepts.
  const full = templates.find((t) => t.id === 'resnet18')!;
  const folder = join(dir, 'resnet18-full');
  mkdirSync(folder);
  for (const f of exportPytorch(full.build(), { name: full.title, training: DEFAULT_SETTINGS }))
    writeFileSync(join(folder, f.name), f.data);
  writeFileSync(
    join(folder, 'resnet18.onnx'),
    await exportOnnx(full.build(), tf, { name: full.title, compile: { seed: 1 } }),
  );
  jobs.push({ id: 'resnet18-full', dir: folder, onnx: join(folder, 'resnet18.onnx') });

  writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
  await runPython(python, [CHECK_EXPORTS, join(dir, 'jobs.json'), join(dir, 'results.json')]);
  const list = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as PythonResult[];
  pythonResults = new Map(list.map((r) => [r.id, r]));
}, 1_800_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ids = designs.map((d) => d.id);

describe('ONNX export under ONNX Runtime', () => {
  it.each(ids)('%s: same outputs as tfjs, weights = the design’s, dynamic batch', (id) => {
    const c = cases.get(id)!;
    if (c.refused) {
      // Only a layer that has no exact ONNX form may stop an export, and the message names it.
      expect(c.refused).toMatch(/^The design has no exact ONNX form:\n {2}- \w+ "[^"]+": /);
      return;
    }
    expect(c.onnxError).toBeUndefined();
    expect(c.onnxWeights).toBe(c.trainable + c.nonTrainable);
    for (const dims of c.onnxInputDims) expect(dims[0]).toBe('N');
    for (const diff of c.onnxDiff) expect(diff).toBeLessThan(1e-4);
  });

  it('most random designs export (the refusals are the exception)', () => {
    const random = ids.filter((id) => id.startsWith('random'));
    expect(random.filter((id) => !cases.get(id)?.refused).length).toBeGreaterThan(RANDOM_GRAPHS * 0.8);
  });
});

describeWithPython('PyTorch export under PyTorch', ['torch', 'numpy', 'onnx'], () => {
  it.each(ids)('%s: same counts, shapes and outputs as tfjs', (id) => {
    const c = cases.get(id)!;
    if (c.refused) return; // the ONNX suite checks the refusal; PyTorch refuses the same layers
    const result = pythonResults.get(id);
    expect(result?.error).toBeUndefined();
    expect(result?.trainableParams).toBe(c.trainable);
    expect(result?.params).toBe(c.trainable);
    expect(result?.bnStatistics).toBe(c.nonTrainable);
    expect(result?.outputShapes).toEqual(c.outputs);
    for (const diff of result?.maxAbsDiff ?? [null]) expect(diff).toBeLessThan(1e-4);
  });

  it('resnet18 at 224×224: 11,689,512 parameters + 9,600 statistics; an ONNX file onnx.checker accepts, 11,699,112 weights', () => {
    const result = pythonResults.get('resnet18-full');
    expect(result?.error).toBeUndefined();
    expect(result?.params).toBe(11_689_512);
    expect(result?.bnStatistics).toBe(9_600);
    // Named as torchvision names them, so the state_dict keys read the same.
    expect(result?.stateDictKeys).toEqual(
      expect.arrayContaining(['conv1.weight', 'bn1.weight', 'bn1.running_mean', 'layer1.0.conv1.weight']),
    );
    expect(result?.onnxWeights).toBe(11_699_112);
    expect(result?.onnxOpset).toBe(ONNX_OPSET);
    expect(result?.onnxInputs).toEqual([['N', 3, 224, 224]]);
  });
});
