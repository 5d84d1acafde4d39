/**
 * From NetCanvas to PyTorch with trained weights, as a user goes: LeNet-5
 * trained for a few hundred steps by `netcanvas train --out`, exported with
 * `netcanvas export model.json --format pytorch`, classifies all 10,000 MNIST
 * test digits in PyTorch exactly as tfjs does.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadDataset } from '../../cli/datasets-node';
import { CHECK_EXPORTS, describeWithPython, runPython } from '../python/torch-python';
import { netcanvas } from './run-netcanvas';

describeWithPython('netcanvas export --format pytorch of a trained LeNet-5', ['torch', 'numpy'], (python) => {
  const dir = mkdtempSync(join(tmpdir(), 'netcanvas-export-pytorch-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const trained = join(dir, 'trained');
  const exported = join(dir, 'lenet-pytorch');

  beforeAll(async () => {
    // 9,000 training digits in batches of 32: 282 steps.
    const train = await netcanvas(
      ['train', 'lenet5', '--dataset', 'mnist', '--limit', '10000', '--epochs', '1', '--seed', '5', '--out', trained],
      dir,
    );
    expect(train.code, train.stderr).toBe(0);
  }, 600_000);

  it('writes model.py, the weights and their manifest, and the preprocessing', async () => {
    const run = await netcanvas(['export', 'trained/model.json', '--format', 'pytorch', '-o', 'lenet-pytorch'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      'trained/model.json (imported model): PyTorch code and trained weights written to lenet-pytorch/model.py, ' +
        'lenet-pytorch/model.weights.bin, lenet-pytorch/model.weights.json, lenet-pytorch/preprocessing.json\n',
    );
    const source = readFileSync(join(exported, 'model.py'), 'utf8');
    expect(source).toContain('self.c1 = nn.Conv2d(1, 6, 5)');
    expect(source).toContain('x = torch.flatten(x.permute(0, 2, 3, 1), 1)  # flatten: (N, 256)');
  });

  it('classifies the 10,000 MNIST test digits exactly as tfjs does', async () => {
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
    const n = mnist.test.count;
    const inputs = new Float32Array(n * 784);
    for (let i = 0; i < inputs.length; i++)
      inputs[i] = (mnist.test.images[i] * prep.scale - prep.mean[0]) / prep.std[0];
    const predicted = tf.tidy(() =>
      Array.from((model.predict(tf.tensor4d(inputs, [n, 28, 28, 1])) as tf.Tensor).argMax(-1).dataSync()),
    );
    model.dispose();
    writeFileSync(join(dir, 'digits.bin'), inputs);
    const jobs = [
      {
        id: 'lenet5-mnist',
        dir: exported,
        inputs: [{ file: join(dir, 'digits.bin'), shape: [n, 28, 28, 1] }],
        argmax: true,
      },
    ];
    writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
    await runPython(python, [CHECK_EXPORTS, join(dir, 'jobs.json'), join(dir, 'results.json')]);
    const [result] = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8'));
    expect(result.error).toBeUndefined();
    expect(result.argmax).toHaveLength(n);
    const differing = (result.argmax as number[]).filter((label, i) => label !== predicted[i]).length;
    expect(differing).toBe(0);
    // And the weights are trained ones: far better than chance.
    const correct = predicted.filter((label, i) => label === mnist.test.labels[i]).length;
    expect(correct / n).toBeGreaterThan(0.9);
  });
});
