/**
 * From NetCanvas to PyTorch and ONNX with trained weights, as a user goes:
 * LeNet-5 trained for a few hundred steps by `netcanvas train --out`, then
 * exported from its `model.json` with `netcanvas export --format pytorch`
 * and `--format onnx`, classifies all 10,000 MNIST test digits exactly as
 * tfjs does, in PyTorch and in ONNX Runtime. The same weights saved as the
 * app saves a trained project (`lenet.netcanvas.json` with its sidecar
 * `lenet.weights.bin`) export from the project just as well, with the
 * project's training settings in `train.py`.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../cli/datasets-node';
import { createProject, serializeProjectFile } from '../../core/formats/project-file';
import { weightsToSave } from '../../renderer/state/weights-sidecar';
import { templates } from '../../templates/index';
import { CHECK_EXPORTS, describeWithPython, runPython } from '../python/torch-python';
import { netcanvas } from './run-netcanvas';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-export-trained-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const trained = join(dir, 'trained');
/** The test digits prepared as preprocessing.json says (NHWC), and tfjs's answer for each. */
let digits: Float32Array;
let tfjsLabels: number[];
let trueLabels: Int32Array;
const N = 10_000;

beforeAll(async () => {
  // 9,000 training digits in batches of 32: 282 steps.
  const train = await netcanvas(
    [
      'train',
      'lenet5',
      '--dataset',
      'mnist',
      '--input',
      '28,28,1',
      '--limit',
      '10000',
      '--epochs',
      '1',
      '--seed',
      '5',
      '--out',
      trained,
    ],
    dir,
  );
  expect(train.code, train.stderr).toBe(0);
  const prep = JSON.parse(readFileSync(join(trained, 'preprocessing.json'), 'utf8'));
  const modelJson = JSON.parse(readFileSync(join(trained, 'model.json'), 'utf8'));
  await tf.setBackend('cpu');
  tf.env().set('PROD', true);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest[0].weights,
      weightData: new Uint8Array(readFileSync(join(trained, modelJson.weightsManifest[0].paths[0]))).buffer,
    }),
  );
  // The trained model saved as the app saves a project trained in it: the weights as a sidecar, their manifest inside.
  // `--input 28,28,1` built the template at MNIST's size (without it, train pads the digits to LeNet-5's 32×32).
  const graph = templates.find((t) => t.id === 'lenet5')!.build({ input: [28, 28, 1], classes: 10 });
  const saved = weightsToSave(
    {
      graph,
      modelJson: JSON.stringify(modelJson),
      weightData: new Uint8Array(readFileSync(join(trained, modelJson.weightsManifest[0].paths[0]))).buffer,
      accuracy: 0.9,
    },
    { settings: { epochs: 1, seed: 5, learningRate: 0.003 }, data: { dataset: 'mnist', limit: 10_000 } },
    'lenet.netcanvas.json',
  );
  writeFileSync(join(dir, 'lenet.netcanvas.json'), serializeProjectFile(createProject(graph, 'lenet', saved.training)));
  writeFileSync(join(dir, saved.sidecar.name), new Uint8Array(saved.sidecar.data));
  const mnist = await loadDataset('mnist');
  trueLabels = mnist.test.labels;
  digits = new Float32Array(N * 784);
  for (let i = 0; i < digits.length; i++) digits[i] = (mnist.test.images[i] * prep.scale - prep.mean[0]) / prep.std[0];
  tfjsLabels = tf.tidy(() =>
    Array.from((model.predict(tf.tensor4d(digits, [N, 28, 28, 1])) as tf.Tensor).argMax(-1).dataSync()),
  );
  model.dispose();
}, 600_000);

it('the trained weights are real: tfjs classifies over 90% of the test digits', () => {
  expect(tfjsLabels.filter((label, i) => label === trueLabels[i]).length / N).toBeGreaterThan(0.9);
});

describe('netcanvas export --format onnx of the trained LeNet-5', () => {
  it('writes trained.onnx, which ONNX Runtime runs to the same 10,000 answers as tfjs', async () => {
    const run = await netcanvas(['export', 'trained/model.json', '--format', 'onnx', '-o', 'lenet-onnx'], dir);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      'trained/model.json (imported model): ONNX model with the trained weights written to lenet-onnx/trained.onnx\n',
    );
    const labels = await onnxLabels(join(dir, 'lenet-onnx', 'trained.onnx'));
    expect(labels.filter((label, i) => label !== tfjsLabels[i]).length).toBe(0);
  });
});

/** ONNX Runtime's answer for each test digit, from the file at `file`. */
async function onnxLabels(file: string): Promise<number[]> {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(readFileSync(file));
  expect(session.inputNames).toEqual(['input']);
  // NHWC → NCHW is a no-op for one channel, so the digits go in as they are.
  const result = await session.run({ input: new ort.Tensor('float32', digits, [N, 1, 28, 28]) });
  const scores = result[session.outputNames[0]].data as Float32Array;
  await session.release();
  return Array.from({ length: N }, (_, i) => {
    let best = 0;
    for (let c = 1; c < 10; c++) if (scores[i * 10 + c] > scores[i * 10 + best]) best = c;
    return best;
  });
}

describe('netcanvas export --format onnx of the saved project', () => {
  it('writes lenet.onnx with the sidecar’s weights: the same 10,000 answers as tfjs', async () => {
    const run = await netcanvas(['export', 'lenet.netcanvas.json', '--format', 'onnx', '-o', 'project-onnx'], dir);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      'lenet (lenet.netcanvas.json): ONNX model with the trained weights written to project-onnx/lenet.onnx\n',
    );
    const labels = await onnxLabels(join(dir, 'project-onnx', 'lenet.onnx'));
    expect(labels.filter((label, i) => label !== tfjsLabels[i]).length).toBe(0);
  });
});

describeWithPython('netcanvas export --format pytorch of the trained LeNet-5', ['torch', 'numpy'], (python) => {
  const exported = join(dir, 'lenet-pytorch');

  it('writes model.py, train.py, README.md, the weights, their manifest and the preprocessing', async () => {
    const run = await netcanvas(['export', 'trained/model.json', '--format', 'pytorch', '-o', 'lenet-pytorch'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const files = [
      'model.py',
      'train.py',
      'README.md',
      'model.weights.bin',
      'model.weights.json',
      'preprocessing.json',
    ];
    expect(run.stdout).toBe(
      `trained/model.json (imported model): PyTorch code and trained weights written to ${files.map((f) => `lenet-pytorch/${f}`).join(', ')}\n`,
    );
    const source = readFileSync(join(exported, 'model.py'), 'utf8');
    expect(source).toContain('self.c1 = nn.Conv2d(1, 6, 5)');
    expect(source).toContain('x = torch.flatten(x.permute(0, 2, 3, 1), 1)  # flatten: (N, 256)');
  });

  it('writes the saved project’s weights and its training settings, without asking for more', async () => {
    const run = await netcanvas(
      ['export', 'lenet.netcanvas.json', '--format', 'pytorch', '-o', 'project-pytorch'],
      dir,
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^lenet \(lenet\.netcanvas\.json\): PyTorch code and trained weights written to /);
    expect(readFileSync(join(dir, 'project-pytorch', 'model.weights.bin'))).toEqual(
      readFileSync(join(dir, 'lenet.weights.bin')),
    );
    const trainPy = readFileSync(join(dir, 'project-pytorch', 'train.py'), 'utf8');
    expect(trainPy).toContain('\\"learningRate\\":0.003');
    expect(trainPy).toContain('\\"seed\\":5');
  });

  it('classifies the 10,000 MNIST test digits exactly as tfjs does, from model.json and from the project', async () => {
    writeFileSync(join(dir, 'digits.bin'), digits);
    const inputs = [{ file: join(dir, 'digits.bin'), shape: [N, 28, 28, 1] }];
    const jobs = [
      { id: 'lenet5-mnist', dir: exported, inputs, argmax: true },
      { id: 'lenet5-project', dir: join(dir, 'project-pytorch'), inputs, argmax: true },
    ];
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
    await runPython(python, [CHECK_EXPORTS, join(dir, 'jobs.json'), join(dir, 'results.json')]);
    const results = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(results.map((r: { id: string }) => r.id)).toEqual(['lenet5-mnist', 'lenet5-project']);
    for (const result of results) {
      expect(result.error).toBeUndefined();
      expect(result.argmax).toHaveLength(N);
      expect((result.argmax as number[]).filter((label, i) => label !== tfjsLabels[i]).length).toBe(0);
    }
  });
});
