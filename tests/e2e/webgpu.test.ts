/**
 * WebGPU in the app, end to end in headless Chromium. With
 * `--enable-unsafe-webgpu` Chromium offers SwiftShader's software adapter:
 * asked for by name, the app trains on it (the run must learn, which proves
 * WebGPU trains correctly, not fast); left to choose, the app passes it over
 * for wasm and says why. Without the flag there is no adapter, and the Train
 * view says that instead. A convolutional network (Conv2D, max pooling, Dense)
 * opened from a project file trains on the user's own images on WebGPU to the
 * very weights wasm trains from the same seed.
 */
import type { Browser, Download, Page } from 'playwright-core';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../core/graph/builder';
import { createProject, serializeProjectFile } from '../../core/formats/project-file';
import { buildApp, launchChromium, openTemplate, serveStatic, WEBGPU_ARGS } from './harness';

let server: { url: string; close(): Promise<void> };
let outDir: string;
const browsers: Browser[] = [];

beforeAll(async () => {
  outDir = await buildApp();
  server = await serveStatic(outDir);
}, 180_000);

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await server?.close();
  if (outDir) await fs.rm(outDir, { recursive: true, force: true });
});

/** A fresh page of the app in Chromium launched with `args`, its page errors collected. */
async function openApp(args: readonly string[]): Promise<{ page: Page; errors: string[] }> {
  const browser = await launchChromium(args);
  browsers.push(browser);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.getByTestId('palette-item-Conv2D').waitFor();
  return { page, errors };
}

/** Opens the MLP on the ring in the Train view, set to train `epochs` epochs from seed 1 with the ring's defaults. */
async function openRing(page: Page, epochs: number): Promise<void> {
  await openTemplate(page, 'mlp', '2', '2');
  await page.getByTestId('train-open').click();
  await page.getByTestId('dataset-toy-ring').click();
  await page.getByTestId('train-epochs').fill(String(epochs));
  await page.getByTestId('train-seed').fill('1');
}

/** Trains on `backend` ('' is Best available) and returns what the Train view shows. */
async function train(page: Page, backend: string) {
  const testId = (id: string) => page.getByTestId(id);
  await testId('train-backend').selectOption(backend);
  // Each run that ends is kept in the Runs list. Waiting for the last results to go away instead raced a run on wasm,
  // which trains the small CNN and shows its results again before the test's first look (seen on 2 of 3 tries).
  const runsBefore = await testId('run-row').count();
  const started = Date.now();
  await testId('train-start').click();
  // Generous: SwiftShader shares the CPU with whatever else runs (55 s for the WebGPU epoch at load 12).
  await expect.poll(() => testId('run-row').count(), { timeout: 240_000 }).toBe(runsBefore + 1);
  await testId('train-accuracy').waitFor();
  const text = async (id: string) => ((await testId(id).count()) ? await testId(id).textContent() : null) ?? '';
  return {
    accuracy: Number.parseFloat(await text('train-accuracy')) / 100,
    seconds: (Date.now() - started) / 1000,
    used: await text('train-backend-used'),
    passedOver: await text('train-backend-passed'),
    progress: await text('train-progress-text'),
  };
}

describe('WebGPU in the Train view', () => {
  it('trains on the software adapter when asked for by name and learns what wasm learns; left to choose, passes it over and says why', async () => {
    const { page, errors } = await openApp(WEBGPU_ARGS);
    // One epoch with the ring's defaults (Adam 0.03, cosine): SwiftShader trains at ~100–140 samples/s against
    // wasm's ~1,300–4,000 here, so the epoch of 1,800 points takes ~15 s.
    await openRing(page, 1);
    const gpu = await train(page, 'webgpu');
    console.log(
      `[webgpu e2e] mlp on ring, 1 epoch: ${gpu.used}, ${gpu.progress}, test accuracy ${gpu.accuracy} in ${gpu.seconds.toFixed(1)} s`,
    );
    expect(gpu.used).toBe('Training on webgpu');
    expect(gpu.passedOver).toBe('');
    expect(gpu.progress).toMatch(/done: \d+ samples\/s/);

    // The same run left to choose: both software GPUs are passed over, each with the reason, and wasm trains.
    const cpu = await train(page, '');
    console.log(`[webgpu e2e] the same, best available: ${cpu.used}, ${cpu.progress}, test accuracy ${cpu.accuracy}`);
    expect(cpu.used).toBe('Training on wasm, 1 thread');
    expect(cpu.passedOver).toMatch(
      /^Passed over: webgpu \(its only GPU is a software renderer \(google swiftshader\), slower than the CPU backends; choose webgpu by name to train on it anyway\); webgl \(its only GPU is a software renderer \(.*SwiftShader.*\)/,
    );
    expect(cpu.progress).toMatch(/done: \d+ samples\/s/);
    // The ring is learned (a straight line stays under 70 %), and WebGPU learns it as wasm does: the same seed, the
    // same initial weights and batches; only the order of float sums differs.
    expect(gpu.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(Math.abs(gpu.accuracy - cpu.accuracy)).toBeLessThanOrEqual(0.02);
    expect(errors).toEqual([]);
  }, 420_000);

  it('says there is no WebGPU adapter where Chromium offers none, and trains on the next backend', async () => {
    const { page, errors } = await openApp([]);
    await openRing(page, 1);
    const run = await train(page, 'webgpu');
    expect(run.used).toBe('Training on wasm, 1 thread (webgpu unavailable)');
    expect(run.passedOver).toMatch(/^Passed over: webgpu \(no WebGPU adapter \(/);
    expect(errors).toEqual([]);
  }, 180_000);
});

/**
 * The user's own images in the folder layout the Train view reads: `stripes/{train,test}/{horizontal,vertical}/*.png`,
 * 12×12 grayscale, bright one-pixel stripes at periods 2–4 and every phase, so no single pixel tells the classes apart
 * and the network must learn the orientation. The test images are drawn in other grey levels, so none is a copy of a
 * training image. Returns the folder.
 */
async function writeStripesFolder(dir: string, perClass: { train: number; test: number }): Promise<string> {
  const size = 12;
  const root = path.join(dir, 'stripes');
  for (const split of ['train', 'test'] as const) {
    const [bright, dark] = split === 'train' ? [230, 20] : [190, 50];
    for (const orientation of ['horizontal', 'vertical'] as const) {
      const folder = path.join(root, split, orientation);
      await fs.mkdir(folder, { recursive: true });
      for (let i = 0; i < perClass[split]; i++) {
        const period = 2 + (i % 3);
        const phase = Math.floor(i / 3) % period;
        const png = new PNG({ width: size, height: size });
        for (let y = 0; y < size; y++)
          for (let x = 0; x < size; x++) {
            const level = ((orientation === 'horizontal' ? y : x) + phase) % period === 0 ? bright : dark;
            png.data.set([level, level, level, 255], (y * size + x) * 4);
          }
        await fs.writeFile(path.join(folder, `${i}.png`), PNG.sync.write(png, { colorType: 0 }));
      }
    }
  }
  return root;
}

/** A small CNN saved as a project file: 12×12×1 → Conv2D 4@3×3 ReLU → 2×2 max pooling → Flatten → Dense 2 softmax. */
async function writeSmallCnnProject(dir: string): Promise<string> {
  const b = new GraphBuilder();
  let x = b.input([12, 12, 1], 'input');
  x = b.layer('Conv2D', { filters: 4, kernelSize: [3, 3], activation: 'relu' }, x, 'conv');
  x = b.layer('MaxPooling2D', { poolSize: [2, 2], strides: [2, 2] }, x, 'pool');
  x = b.layer('Flatten', {}, x, 'flatten');
  b.layer('Dense', { units: 2, activation: 'softmax' }, x, 'output');
  const file = path.join(dir, 'stripes-cnn.netcanvas.json');
  await fs.writeFile(file, serializeProjectFile(createProject(b.build(), 'stripes-cnn')));
  return file;
}

/**
 * The trained model's weights as "Export trained model…" in the Train view writes them: each weight of the
 * manifest by name, its float32 values read from the exported weights file.
 */
async function exportTrainedWeights(page: Page): Promise<Map<string, Float32Array>> {
  const downloads: Download[] = [];
  const onDownload = (download: Download) => downloads.push(download);
  page.on('download', onDownload);
  await page.getByTestId('train-export').click();
  await expect.poll(() => downloads.length).toBe(2);
  page.off('download', onDownload);
  const files = new Map<string, Buffer>();
  for (const download of downloads) files.set(download.suggestedFilename(), await fs.readFile(await download.path()));
  expect([...files.keys()].sort()).toEqual(['stripes-cnn.model.json', 'stripes-cnn.weights.bin']);
  const manifest = JSON.parse(files.get('stripes-cnn.model.json')!.toString('utf8')).weightsManifest as {
    weights: { name: string; shape: number[]; dtype: string }[];
  }[];
  const bytes = files.get('stripes-cnn.weights.bin')!;
  const values = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const weights = new Map<string, Float32Array>();
  let offset = 0;
  for (const spec of manifest.flatMap((group) => group.weights)) {
    expect(spec.dtype).toBe('float32');
    const size = spec.shape.reduce((a, b) => a * b, 1);
    weights.set(spec.name, values.slice(offset, offset + size));
    offset += size;
  }
  expect(offset).toBe(values.length);
  return weights;
}

describe('A convolutional network on WebGPU', () => {
  it('opens a small CNN, trains it on the user’s own images on WebGPU by name, and learns what wasm learns', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'netcanvas-webgpu-cnn-'));
    try {
      const stripes = await writeStripesFolder(dir, { train: 24, test: 10 });
      const project = await writeSmallCnnProject(dir);
      const { page, errors } = await openApp(WEBGPU_ARGS);
      const testId = (id: string) => page.getByTestId(id);
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), testId('open').click()]);
      await chooser.setFiles(project);
      await expect.poll(() => testId('total-params').textContent()).toBe('242');
      await testId('train-open').click();
      await testId('folder-files').setInputFiles(stripes);
      await expect(testId('dataset-facts').textContent()).resolves.toContain('stripes: samples 12×12×1, 2 classes');
      await testId('train-validation').fill('0');
      await expect(testId('dataset-split').textContent()).resolves.toBe('48 train · 0 validation · 20 test');
      // Six steps of plain SGD: SwiftShader spends most of the run compiling shaders, so few steps and few kernels.
      await testId('train-epochs').fill('2');
      await testId('train-batch').fill('16');
      await testId('train-lr').fill('0.2');
      await testId('train-seed').fill('1');
      await testId('train-optimizer').selectOption('sgd');

      const gpu = await train(page, 'webgpu');
      console.log(
        `[webgpu e2e] small CNN on 12×12 stripes, 2 epochs: ${gpu.used}, ${gpu.progress}, test accuracy ${gpu.accuracy} in ${gpu.seconds.toFixed(1)} s`,
      );
      expect(gpu.used).toBe('Training on webgpu');
      expect(gpu.progress).toMatch(/done: \d+ samples\/s/);
      const gpuWeights = await exportTrainedWeights(page);
      const cpu = await train(page, 'wasm');
      console.log(`[webgpu e2e] the same on wasm: ${cpu.used}, ${cpu.progress}, test accuracy ${cpu.accuracy}`);
      expect(cpu.used).toBe('Training on wasm, 1 thread');
      const cpuWeights = await exportTrainedWeights(page);
      // The convolution learned on WebGPU: its biases start at zero (tfjs's default) and only its gradient moves them.
      expect(Math.max(...gpuWeights.get('conv/bias')!.map(Math.abs))).toBeGreaterThan(0.01);
      // Every weight WebGPU trained is the one wasm trained from the same initial weights and batches, to float32
      // rounding (measured ≤ 1e-7). Plain SGD: a weight is its initial value minus each step's learning rate times its
      // gradient, so agreeing weights mean agreeing gradients, and a wrong one would show orders of magnitude above.
      expect([...gpuWeights.keys()]).toEqual(['conv/kernel', 'conv/bias', 'output/kernel', 'output/bias']);
      for (const [name, values] of cpuWeights) {
        const trained = gpuWeights.get(name)!;
        const maxDiff = Math.max(...values.map((v, i) => Math.abs(v - trained[i])));
        const largest = Math.max(...values.map(Math.abs));
        console.log(
          `[webgpu e2e] ${name} (${values.length}): max |webgpu − wasm| ${maxDiff.toExponential(1)}, max |w| ${largest.toFixed(3)}`,
        );
        expect(maxDiff).toBeLessThan(1e-4);
      }
      // Chance is 50 %; both learn the stripes, and from the same initial weights and batches they agree.
      expect(gpu.accuracy).toBeGreaterThanOrEqual(0.9);
      expect(Math.abs(gpu.accuracy - cpu.accuracy)).toBeLessThanOrEqual(0.05);
      expect(errors).toEqual([]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 420_000);
});
