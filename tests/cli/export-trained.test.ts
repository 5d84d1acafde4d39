/**
 * From NetCanvas to PyTorch and ONNX with trained weights, as a user goes:
 * LeNet-5 trained for a few hundred steps by `netcanvas train --out`, then
 * exported from its `model.json` with `netcanvas export --format pytorch`
 * and `--format onnx`, classifies all 10,000 MNIST test digits exactly as
 * tfjs does, in PyTorch and in ONNX Runtime.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../cli/datasets-node';
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
    ['train', 'lenet5', '--dataset', 'mnist', '--limit', '10000', '--epochs', '1', '--seed', '5', '--out', trained],
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
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(readFileSync(join(dir, 'lenet-onnx', 'trained.onnx')));
    expect(session.inputNames).toEqual(['input']);
    // NHWC → NCHW is a no-op for one channel, so the digits go in as they are.
    const result = await session.run({ input: new ort.Tensor('float32', digits, [N, 1, 28, 28]) });
    const scores = result[session.outputNames[0]].data as Float32Array;
    await session.release();
    const labels = Array.from({ length: N }, (_, i) => {
      let best = 0;
      for (let c = 1; c < 10; c++) if (scores[i * 10 + c] > scores[i * 10 + best]) best = c;
      return best;
    });
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

  it('classifies the 10,000 MNIST test digits exactly as tfjs does', async () => {
    writeFileSync(join(dir, 'digits.bin'), digits);
    const jobs = [
      {
        id: 'lenet5-mnist',
        dir: exported,
        inputs: [{ file: join(dir, 'digits.bin'), shape: [N, 28, 28, 1] }],
        argmax: true,
      },
    ];
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
    await runPython(python, [CHECK_EXPORTS, join(dir, 'jobs.json'), join(dir, 'results.json')]);
    const [result] = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(result.error).toBeUndefined();
    expect(result.argmax).toHaveLength(N);
    expect((result.argmax as number[]).filter((label, i) => label !== tfjsLabels[i]).length).toBe(0);
  });
});
