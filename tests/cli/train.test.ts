/**
 * `netcanvas train` as a user runs it: the real command in a child process,
 * real tfjs (wasm), real MNIST and the toy sets. Checks the lecture's point on
 * the toy ring (a linear classifier stays near chance, an MLP does not), the
 * report file, a trained model that tfjs loads with its trained weights,
 * Ctrl-C, and one clear line for each kind of mistake.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../cli/datasets-node';
import { createProject, serializeProjectFile } from '../../core/formats/project-file';
import { GraphBuilder } from '../../core/graph/builder';
import { summarize } from '../../core/graph/summary';
import { buildLenet5 } from '../../templates/lenet5';
import { TRAINING_DEFAULTS } from '../../core/train/defaults';
import { BIN, netcanvas, type Run } from './run-netcanvas';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Report {
  backend: string;
  threads: number | null;
  history: { epoch: number; loss: number; accuracy: number; valLoss: number | null; valAccuracy: number | null }[];
  test: { loss: number; accuracy: number; count: number };
  samplesPerSecond: number;
  seed: number;
  health: { epoch: number };
}

const readReport = (path: string): Report => JSON.parse(readFileSync(path, 'utf8')) as Report;

/** The defaults for points: nothing but the dataset and a seed is given, as the issue asks. */
const EPOCHS = TRAINING_DEFAULTS.points.epochs.value;
const SEED = ['--seed', '3'];

describe('netcanvas train on the toy sets, with nothing but the dataset chosen', () => {
  type Run2 = Promise<{ run: Run; report: string }>;
  const runs: Record<string, Run2> = {};
  beforeAll(() => {
    for (const id of ['linear', 'mlp'] as const)
      for (const set of ['ring', 'quadrants'] as const) {
        const report = join(dir, `${id}-${set}.json`);
        runs[`${id} ${set}`] = netcanvas(['train', id, '--dataset', `toy:${set}`, ...SEED, '--report', report]).then(
          (run) => ({ run, report }),
        );
      }
  });

  it('writes the report the issue describes, one history row per epoch', async () => {
    const { run, report } = await runs['mlp ring'];
    expect(run.stderr).not.toMatch(/error|Hi, looks like/i);
    expect(run.code).toBe(0);
    const json = readReport(report);
    expect(json.backend).toBe('wasm');
    expect(json.seed).toBe(3);
    expect(json.history.map((row) => row.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
    for (const row of json.history) {
      expect(Object.keys(row)).toEqual(expect.arrayContaining(['epoch', 'loss', 'accuracy', 'valLoss', 'valAccuracy']));
      expect(row.valAccuracy).toBeGreaterThanOrEqual(0);
    }
    expect(json.history.at(-1)!.loss).toBeLessThan(json.history[0].loss);
    expect(json.test.count).toBe(1000);
    expect(json.samplesPerSecond).toBeGreaterThan(0);
    // What the terminal showed is what the report holds, and the defaults for points were used.
    expect(run.stdout).toContain('backend: wasm');
    expect(run.stdout).toContain(
      `training: ${EPOCHS} epochs, adam lr ${TRAINING_DEFAULTS.points.learningRate.value} (cosine down to 0), batch 32, seed 3`,
    );
    expect(run.stdout.match(new RegExp(`^epoch \\d+/${EPOCHS} `, 'gm'))).toHaveLength(EPOCHS);
    expect(run.stdout).toContain(
      `test: loss ${json.test.loss.toFixed(4)}  accuracy ${(json.test.accuracy * 100).toFixed(2)}%`,
    );
    // A health line per layer with weights, and the defaults leave both healthy.
    expect(run.stdout).toMatch(/^health: hidden: \d+% dead units, gradient norm \S+, update\/weight \S+, healthy$/m);
    expect(run.stdout).toMatch(/^health: scores: gradient norm \S+, update\/weight \S+, healthy$/m);
    expect(json.health.epoch).toBe(EPOCHS - 1);
  }, 600_000); // four CLI runs at once; minutes on a loaded machine

  it.each(['ring', 'quadrants'])('shows the lecture’s point on the %s: linear ≤ 75%, the MLP ≥ 95%', async (set) => {
    const linear = await runs[`linear ${set}`];
    const mlp = await runs[`mlp ${set}`];
    expect(linear.run.code).toBe(0);
    expect(mlp.run.code).toBe(0);
    expect(readReport(linear.report).test.accuracy).toBeLessThanOrEqual(0.75);
    expect(readReport(mlp.report).test.accuracy).toBeGreaterThanOrEqual(0.95);
    // The template drawn for 28×28 digits was fitted to the points: Input 2, Flatten removed.
    expect(mlp.run.stdout).toContain('Input "input": 28×28×1 → 2, the shape of one sample.');
    expect(mlp.run.stdout).toContain('Flatten "flatten": remove it: its input is already flat.');
  });
});

describe('netcanvas train --backend webgpu', () => {
  it('says Node has no WebGPU and trains on wasm instead', async () => {
    const report = join(dir, 'webgpu.json');
    const run = await netcanvas([
      'train',
      'linear',
      '--dataset',
      'toy:ring',
      '--epochs',
      '1',
      '--backend',
      'webgpu',
      ...SEED,
      '--report',
      report,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      'backend: wasm (webgpu is not available here: this runtime has no WebGPU (navigator.gpu is missing))\n',
    );
    expect(readReport(report).backend).toBe('wasm');
  });
});

describe('netcanvas train lenet5 on MNIST', () => {
  // One full epoch, the issue's figure, shared by every check below: the costliest run in the suite (about a
  // minute on a quiet machine, over 15 on a loaded one, hence the long timeout).
  it('reaches ≥ 97% in one epoch with the defaults, and --out writes a model tfjs loads with its trained weights', async () => {
    const out = join(dir, 'lenet-out');
    const report = join(dir, 'lenet.json');
    const run = await netcanvas([
      'train',
      'lenet5',
      '--dataset',
      'mnist',
      '--epochs',
      '1',
      '--seed',
      '1',
      '--out',
      out,
      '--report',
      report,
    ]);
    // stderr carries only progress lines (a pipe gets one every few seconds), no warnings.
    for (const line of run.stderr.split('\n').filter(Boolean))
      expect(line).toMatch(/^ {2}epoch 1\/1 {2}batch \d+\/1688 /);
    expect(run.code).toBe(0);
    // LeCun's way: the published 32×32 network, MNIST's 28×28 digits padded by 2 inside the model.
    const params = summarize(buildLenet5()).totals.params;
    expect(params).toBe(61_706);
    expect(run.stdout).toContain(`design: LeNet-5 (template lenet5), 61,706 parameters`);
    expect(run.stdout).toContain('fit to mnist: Pad the images to 32×32 (61,706 weights kept):');
    expect(run.stdout).toContain('data: mnist: 54000 train, 6000 validation, 10000 test, 28×28×1, 10 classes');
    expect(run.stdout).toContain('training: 1 epoch, adam lr 0.002, batch 32, seed 1');
    const { test } = readReport(report);
    expect(test.count).toBe(10_000);
    expect(test.accuracy).toBeGreaterThanOrEqual(0.97);

    const modelJson = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    const weightsFile = modelJson.weightsManifest[0].paths[0] as string;
    await tf.setBackend('cpu');
    tf.env().set('PROD', true); // no "install tfjs-node" advice in the test log
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest[0].weights,
        weightData: new Uint8Array(readFileSync(join(out, weightsFile))).buffer,
      }),
    );
    expect(model.countParams()).toBe(params);
    // The loaded weights are the trained ones: fed inputs prepared as preprocessing.json says,
    // they classify test digits the way the report says.
    const prep = JSON.parse(readFileSync(join(out, 'preprocessing.json'), 'utf8'));
    expect(prep).toMatchObject({ mode: 'standardize', scale: 1 / 255, inputShape: [28, 28, 1] });
    expect(prep.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const mnist = await loadDataset('mnist');
    const n = 500;
    const accuracy = tf.tidy(() => {
      const xs = tf
        .tensor4d(mnist.test.images.subarray(0, n * 784), [n, 28, 28, 1], 'float32')
        .mul(prep.scale)
        .sub(prep.mean[0])
        .div(prep.std[0]);
      const predicted = (model.predict(xs) as tf.Tensor).argMax(-1);
      return predicted
        .equal(tf.tensor1d(mnist.test.labels.subarray(0, n), 'int32'))
        .mean()
        .dataSync()[0];
    });
    model.dispose();
    expect(accuracy).toBeGreaterThan(0.9);
    expect(Math.abs(accuracy - test.accuracy)).toBeLessThan(0.05);
  }, 2_400_000);
});

describe('netcanvas train --threads', () => {
  // tfjs's threaded wasm build started in Node (cli/wasm-threads-node.ts): the same seed learns the same, and the
  // command still exits although the pool's threads never end.
  it('trains on two wasm threads when asked, learning what one thread learns; auto keeps LeNet-5 on one', async () => {
    const args = (threads: string) => [
      'train',
      'lenet5',
      '--dataset',
      'mnist',
      '--limit',
      '2000',
      '--epochs',
      '1',
      '--seed',
      '1',
      '--threads',
      threads,
      '--report',
      join(dir, `threads-${threads}.json`),
    ];
    const [two, auto] = await Promise.all([netcanvas(args('2')), netcanvas(args('auto'))]);
    expect(two.code).toBe(0);
    expect(auto.code).toBe(0);
    expect(two.stdout).toContain('backend: wasm, 2 threads\n');
    // 13 M multiply-adds a step (0.4 M a sample × 32) is far below the 200 M from which threads pay.
    expect(auto.stdout).toContain('backend: wasm\n');
    const [twoReport, autoReport] = ['2', 'auto'].map((t) => readReport(join(dir, `threads-${t}.json`)));
    expect(twoReport.threads).toBe(2);
    expect(autoReport.threads).toBe(1);
    expect(twoReport.test.accuracy).toBeGreaterThanOrEqual(0.8);
    expect(Math.abs(twoReport.test.accuracy - autoReport.test.accuracy)).toBeLessThanOrEqual(0.01);
  }, 300_000);
});

describe('netcanvas train: Ctrl-C', () => {
  it('stops after the current batch, says so, writes nothing and exits 130', async () => {
    const report = join(dir, 'interrupted.json');
    const child = spawn(
      process.execPath,
      [BIN, 'train', 'mlp', '--dataset', 'toy:quadrants', '--epochs', '1000', '--report', report],
      {
        env: { ...process.env, NETCANVAS_DEBUG: '' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (chunk) => {
        const first = !stdout.includes('epoch 1/1000');
        stdout += chunk;
        if (first && stdout.includes('epoch 1/1000')) child.kill('SIGINT');
      });
      child.on('exit', (exitCode) => resolve(exitCode));
    });
    expect(stderr).toContain('stopping after the current batch');
    expect(stderr).toMatch(/training stopped by Ctrl-C after \d+ of 1000 epochs; nothing was written/);
    expect(stderr).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect(code).toBe(130);
    expect(existsSync(report)).toBe(false);
  });
});

describe('netcanvas train refuses, in one line', () => {
  const projectFile = (() => {
    const b = new GraphBuilder();
    const x = b.input([32, 32, 3], 'pixels');
    b.layer('Dense', { units: 10, activation: 'softmax' }, b.layer('Flatten', {}, x, 'flat'), 'scores');
    const path = join(dir, 'colour.netcanvas.json');
    writeFileSync(path, serializeProjectFile(createProject(b.build(), 'colour')));
    return path;
  })();

  it.concurrent.each([
    [['train', 'mlp'], 2, /^netcanvas: train needs --dataset: one of mnist, idx:<dir>, /],
    [
      ['train', 'mlp', '--dataset', 'imagenet'],
      2,
      /^netcanvas: --dataset imagenet: unknown dataset; expected one of mnist, /,
    ],
    [
      ['train', 'mlp', '--dataset', 'toy:spiral'],
      2,
      /unknown toy set "spiral", expected one of quadrants, ring, modes/,
    ],
    [
      ['train', 'mlp', '--dataset', 'toy:ring', '--epochs', 'ten'],
      2,
      /^netcanvas: --epochs expects a whole number ≥ 1, got "ten"/,
    ],
    [['train', 'mlp', '--dataset', 'toy:ring', '--lr', '0'], 2, /^netcanvas: --lr expects a number > 0, got "0"/],
    [
      ['train', 'mlp', '--dataset', 'toy:ring', '--optimizer', 'lion'],
      2,
      /^netcanvas: --optimizer expects one of sgd, momentum, /,
    ],
    [
      ['train', 'mlp', '--dataset', 'toy:ring', '--augment', 'wobble'],
      2,
      /^netcanvas: --augment: unknown augmentation "wobble"/,
    ],
    [['train', 'mlp', '--dataset', 'toy:ring', '--augment', 'crop=100'], 2, /^netcanvas: --augment crop: Too big/],
    [
      ['train', 'mlp', '--dataset', 'toy:ring', '--augment', 'flip'],
      1,
      /^netcanvas: Augmentation works on images .* turn augmentation off/,
    ],
    [
      ['train', 'mlp', '--dataset', 'toy:ring', '--backend', 'tpu'],
      2,
      /^netcanvas: --backend expects one of wasm, cpu, webgpu, webgl, got "tpu"/,
    ],
    [
      ['train', 'mlp', '--dataset', 'toy:ring', '--threads', '9'],
      2,
      /^netcanvas: --threads expects auto or a whole number from 1 to 8, got "9"/,
    ],
    [
      ['train', 'lenet5', '--dataset', 'toy:ring'],
      1,
      /^netcanvas: template lenet5: This design cannot take toy:ring's 2 samples: Conv2D "c1": expects a 4-D input/,
    ],
    [
      ['train', 'lenet5', '--dataset', 'mnist', '--input', '32,32,1'],
      1,
      /^netcanvas: --input 32,32,1 does not match mnist, whose samples are 28×28×1; pass --input 28,28,1 or leave --input out/,
    ],
    [
      ['train', 'mlp', '--dataset', 'toy:ring', '--classes', '10'],
      1,
      /^netcanvas: --classes 10 does not match toy:ring, which has 2 classes; pass --classes 2/,
    ],
    [
      ['train', 'mlp', '--dataset', 'toy:ring', '--fit', 'squash'],
      2,
      /^netcanvas: --fit expects one of auto, pad, resize, got "squash"/,
    ],
    [
      ['train', 'mlp', '--dataset', 'toy:ring', '--schedule', 'cosine=-1'],
      2,
      /^netcanvas: --schedule expects none, cosine, cosine=X \(X ≥ 0\) or step=EVERY,FACTOR/,
    ],
    [
      ['train', 'mlp', '--dataset', `idx:${join(dir, 'no-such-folder')}`],
      1,
      /^netcanvas: .*no-such-folder: no such file or folder$/m,
    ],
    [
      ['train', 'mlp', '--dataset', 'toy:ring', '--report', join(dir, 'missing', 'r.json')],
      1,
      /^netcanvas: cannot write ".*r\.json": the folder .*missing does not exist/,
    ],
    [['train', 'no-such-net', '--dataset', 'toy:ring'], 1, /^netcanvas: no template or file named "no-such-net"/],
  ] as const)('%j exits %i', async (args, code, message) => {
    const run = await netcanvas([...args]);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(run.code).toBe(code);
  });

  it('shows a design file that does not fit the data its fitted versions, and --fit trains one', async () => {
    const refused = await netcanvas(['train', projectFile, '--dataset', 'mnist', '--limit', '10']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(') does not fit mnist (28×28×1 samples, 10 classes); train it fitted with:');
    expect(refused.stderr).toContain('--fit pad (recommended): Pad the images to 32×32 (30,730 → 10,250 weights):');
    expect(refused.stderr).toContain('--fit resize: Resize the Input to 28×28×1 (30,730 → 7,850 weights):');
    expect(refused.stderr).toContain('pixels (InputLayer)  32×32×3 → 28×28×1');
    const fitted = await netcanvas([
      'train',
      projectFile,
      '--dataset',
      'mnist',
      '--limit',
      '64',
      '--epochs',
      '1',
      '--fit',
      'resize',
    ]);
    expect(fitted.stderr).toBe('');
    expect(fitted.code).toBe(0);
    expect(fitted.stdout).toContain('fit to mnist: Resize the Input to 28×28×1 (30,730 → 7,850 weights):');
    expect(fitted.stdout).toMatch(/^test: .* \(64 samples\)/m);

    // Images larger than the design's input cannot be padded to it.
    const b = new GraphBuilder();
    b.layer(
      'Dense',
      { units: 10, activation: 'softmax' },
      b.layer('Flatten', {}, b.input([16, 16, 1], 'small'), 'f'),
      'out',
    );
    const small = join(dir, 'small.netcanvas.json');
    writeFileSync(small, serializeProjectFile(createProject(b.build(), 'small')));
    const padded = await netcanvas(['train', small, '--dataset', 'mnist', '--limit', '10', '--fit', 'pad']);
    expect(padded.stderr).toMatch(
      /^netcanvas: --fit pad: not possible for this design and data; possible: --fit resize \(Resize the Input to 28×28×1\)\n$/,
    );
    expect(padded.code).toBe(1);
  }, 600_000);
});
