/**
 * Training in the app, end to end in headless Chromium: a user opens a
 * template, picks a dataset in the Train view, sets a few numbers, presses
 * Start and reads the test accuracy. The runs train for real in the app's
 * Web Worker (wasm backend: WebGL in headless Chromium is SwiftShader, a
 * software renderer slower than wasm), while the page measures its own frame
 * times to show the editor's thread stays free.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { strFromU8, unzipSync } from 'fflate';
import * as ort from 'onnxruntime-web';
import { toyDataset } from '../../core/data/toy';
import { buildApp, launchChromium, serveStatic, openTemplate as openTemplateIn } from './harness';

let browser: Browser;
let server: { url: string; close(): Promise<void> };
let context: BrowserContext;
let page: Page;
let outDir: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  outDir = await buildApp();
  server = await serveStatic(outDir);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await fs.rm(outDir, { recursive: true, force: true });
});

beforeEach(async () => {
  pageErrors.length = 0;
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(server.url);
  await page.getByTestId('palette-item-Conv2D').waitFor();
});

afterEach(async () => {
  await context?.close();
});

const testId = (id: string) => page.getByTestId(id);

const openTemplate = (id: string, input?: string, classes?: string) => openTemplateIn(page, id, input, classes);

/** Sets the Train view's fields a test cares about. */
async function configure(fields: Record<string, string>, selects: Record<string, string> = {}): Promise<void> {
  for (const [id, value] of Object.entries(fields)) await testId(id).fill(value);
  for (const [id, value] of Object.entries(selects)) await testId(id).selectOption(value);
}

/** Presses Start and waits for the test accuracy; returns it as a fraction and the run's wall time. */
async function trainAndReadAccuracy(timeoutMs: number): Promise<{ accuracy: number; seconds: number; text: string }> {
  const started = Date.now();
  await testId('train-start').click();
  const accuracy = testId('train-accuracy');
  await accuracy.waitFor({ timeout: timeoutMs });
  const text = (await accuracy.textContent()) ?? '';
  expect(text).toMatch(/^\d{1,3}\.\d%$/);
  return { accuracy: Number.parseFloat(text) / 100, seconds: (Date.now() - started) / 1000, text };
}

/** Starts recording requestAnimationFrame deltas on the page. */
async function startFrameClock(): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__frames = [];
    w.__recording = true;
    let last = performance.now();
    const tick = (now: number) => {
      w.__frames.push(now - last);
      last = now;
      if (w.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

async function stopFrameClock(): Promise<number[]> {
  return page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __recording: boolean };
    w.__recording = false;
    return w.__frames.slice(1);
  });
}

/** Starts keeping every picture the decision-boundary plot shows, with the epoch it is for. */
async function recordBoundaryFrames(): Promise<void> {
  await page.evaluate(() => {
    const frames: { epochs: number; image: string }[] = [];
    (window as unknown as { __boundaryFrames: typeof frames }).__boundaryFrames = frames;
    new MutationObserver((mutations) => {
      for (const m of mutations) {
        const canvas = m.target as HTMLCanvasElement;
        if (canvas.dataset.testid !== 'decision-boundary' || canvas.dataset.epochs === undefined) continue;
        frames.push({ epochs: Number(canvas.dataset.epochs), image: canvas.toDataURL() });
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-epochs'] });
  });
}

async function boundaryFrames(): Promise<{ epochs: number; image: string }[]> {
  return page.evaluate(
    () => (window as unknown as { __boundaryFrames: { epochs: number; image: string }[] }).__boundaryFrames,
  );
}

/** Each canvas box's layer-health mark (`data-health`), by layer name. */
async function healthMarks(): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const marks: Record<string, string> = {};
    for (const mark of document.querySelectorAll<HTMLElement>('[data-testid="node-health"]')) {
      const box = mark.parentElement?.closest<HTMLElement>('[data-testid^="node-"]');
      marks[box?.dataset.testid?.slice('node-'.length) ?? '?'] = mark.dataset.health ?? '';
    }
    return marks;
  });
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

describe('training in the app', () => {
  it('trains LeNet-5 on an MNIST subset for one epoch in a worker and reads a test accuracy above 90%', async () => {
    // LeNet-5's default input is 32×32×1; the Train view offers LeCun's way for MNIST's 28×28×1: pad to 32×32.
    await openTemplate('lenet5');
    await testId('train-open').click();
    await testId('dataset-mnist').click();
    await expect(testId('dataset-facts').textContent()).resolves.toContain('28×28×1');
    await expect(testId('train-blocked').textContent()).resolves.toContain(
      'input is 32×32×1 but the samples are 28×28×1',
    );
    expect(await testId('train-start').isDisabled()).toBe(true);
    expect(await testId('train-fix').textContent()).toBe('Pad the images to 32×32 (recommended)');
    expect(await testId('train-fit-weights').first().textContent()).toBe('61,706 weights, as before');
    await testId('train-fix').click();
    await testId('train-blocked').waitFor({ state: 'detached' });

    await configure(
      {
        // 6,000 digits, as the issue measured: at 5,000 the padded network's one epoch ends too near 90%.
        'train-limit': '6000',
        'train-epochs': '1',
        'train-batch': '16',
        'train-lr': '0.002',
        'train-validation': '0.1',
        'train-seed': '1',
      },
      { 'train-backend': 'wasm', 'train-preprocessing': 'standardize', 'train-optimizer': 'adam' },
    );
    await expect(testId('dataset-split').textContent()).resolves.toBe('5,400 train · 600 validation · 10,000 test');

    await startFrameClock();
    const run = await trainAndReadAccuracy(240_000);
    const frames = await stopFrameClock();
    const p95 = percentile(frames, 95);
    console.log(
      `[training e2e] LeNet-5, MNIST 6000 samples, 1 epoch on ${await testId('train-backend-used').textContent()}: ` +
        `test accuracy ${run.text} in ${run.seconds.toFixed(1)} s (start to result); ` +
        `main-thread frames: ${frames.length}, p50 ${percentile(frames, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...frames).toFixed(1)} ms`,
    );
    expect(await testId('train-backend-used').textContent()).toContain('wasm');
    expect(run.accuracy).toBeGreaterThan(0.9);
    expect(await testId('train-progress').getAttribute('value')).toBe('1');
    // Results: the confusion matrix has a row per digit, the grid marks mistakes apart from hits.
    expect(await testId('confusion-matrix').locator('tbody tr').count()).toBe(10);
    expect(await testId('prediction-right').count()).toBeGreaterThan(0);
    expect(await testId('first-layer-filters').locator('canvas').count()).toBe(6);
    await testId('feature-show').click();
    // c1 sees the padded 32×32 digit.
    await expect(testId('feature-maps').textContent()).resolves.toContain('28×28×6');
    expect(pageErrors).toEqual([]);
  }, 300_000);

  it('runs cross-origin isolated, so wasm trains a big design on every core and a small one on one, and says so', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    // Served as `npm run web`, `vite preview` and the desktop app serve it.
    const isolated = await serveStatic(outDir, { crossOriginIsolated: true });
    onTestFinished(() => isolated.close());
    await page.goto(isolated.url);
    await testId('palette-item-Conv2D').waitFor();
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    // The MLP's steps are a few thousand multiply-adds: each op would only wait for the pool, so it keeps one thread.
    await openTemplate('mlp', '2', '2');
    await testId('train-open').click();
    await testId('dataset-toy-ring').click();
    await configure(
      { 'train-limit': '', 'train-epochs': '2', 'train-batch': '32', 'train-validation': '0.1', 'train-seed': '1' },
      { 'train-backend': 'wasm' },
    );
    const run = await trainAndReadAccuracy(120_000);
    expect(await testId('train-backend-used').textContent()).toBe('Training on wasm, 1 thread');
    expect(run.accuracy).toBeGreaterThan(0.6);
    // LeNet-5 at batch 1024 is 288 M multiply-adds a step: every core (a fresh page; replacing the worker when the
    // count changes is tests/renderer/training-threads.test.ts's).
    await page.goto(isolated.url);
    await testId('palette-item-Conv2D').waitFor();
    await openTemplate('lenet5', '28×28×1', '10');
    await testId('train-open').click();
    await testId('dataset-mnist').click();
    await testId('dataset-facts').waitFor();
    await configure(
      { 'train-limit': '2048', 'train-epochs': '1', 'train-batch': '1024', 'train-validation': '0', 'train-seed': '1' },
      { 'train-backend': 'wasm' },
    );
    await trainAndReadAccuracy(120_000);
    expect(await testId('train-backend-used').textContent()).toBe(
      `Training on wasm, ${cores} thread${cores === 1 ? '' : 's'}`,
    );
    expect(await testId('train-progress-text').textContent()).toMatch(/done: \d+ samples\/s/);
    expect(pageErrors).toEqual([]);
  }, 240_000);

  it('trains linear and MLP classifiers on the ring: the line fails, the hidden layer succeeds', async () => {
    const results: Record<string, number> = {};
    for (const template of ['linear', 'mlp']) {
      await openTemplate(template, '2', '2');
      await testId('train-open').click();
      await testId('dataset-toy-ring').click();
      await expect(testId('dataset-split').textContent()).resolves.toBe('1,800 train · 200 validation · 1,000 test');
      await configure(
        {
          'train-limit': '',
          'train-epochs': '25',
          'train-batch': '32',
          'train-lr': '0.01',
          'train-validation': '0.1',
          'train-seed': '1',
        },
        { 'train-backend': 'wasm', 'train-preprocessing': 'none', 'train-optimizer': 'adam', 'train-schedule': 'none' },
      );
      const run = await trainAndReadAccuracy(120_000);
      results[template] = run.accuracy;
      console.log(
        `[training e2e] ${template} on ring, 25 epochs on ${await testId('train-backend-used').textContent()}: test accuracy ${run.text} in ${run.seconds.toFixed(1)} s`,
      );
      await testId('decision-boundary').waitFor();
      await testId('train-close').click();
    }
    // The editor's export now carries the MLP's trained weights: loaded back into tfjs, it classifies the ring as well.
    const downloads: import('playwright-core').Download[] = [];
    page.on('download', (download) => downloads.push(download));
    await testId('export').click();
    expect(await testId('export-weights').textContent()).toMatch(/^The trained weights \(test accuracy \d+\.\d%\)/);
    await testId('export-choice-tfjs').click();
    await expect.poll(() => downloads.length).toBe(2);
    const files = new Map<string, Buffer>();
    for (const download of downloads) files.set(download.suggestedFilename(), await fs.readFile(await download.path()));
    expect([...files.keys()].sort()).toEqual(['Untitled.model.json', 'Untitled.weights.bin']);
    const modelJson = JSON.parse(files.get('Untitled.model.json')!.toString('utf8'));
    expect(modelJson.weightsManifest[0].paths).toEqual(['Untitled.weights.bin']);
    const weights = files.get('Untitled.weights.bin')!;
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest[0].weights,
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    const ring = toyDataset('ring', { seed: 0 }).test;
    const predicted = tf.tidy(() =>
      (model.predict(tf.tensor2d(ring.images, [ring.count, 2])) as tf.Tensor).argMax(-1).dataSync(),
    );
    const agree = predicted.filter((p, i) => p === ring.labels[i]).length / ring.count;
    expect(agree).toBeCloseTo(results.mlp, 2);

    // ONNX: the downloaded file, run in ONNX Runtime in Node, gives tfjs's answers on the whole ring test set.
    await testId('export').click();
    await testId('export-choice-onnx').click();
    await expect.poll(() => downloads.length).toBe(3);
    expect(downloads[2].suggestedFilename()).toBe('Untitled.onnx');
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(await fs.readFile(await downloads[2].path()));
    const input = new ort.Tensor('float32', Float32Array.from(ring.images), [ring.count, 2]);
    const onnxScores = (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]]
      .data as Float32Array;
    await session.release();
    const tfjsScores = tf.tidy(() =>
      (model.predict(tf.tensor2d(ring.images, [ring.count, 2])) as tf.Tensor).dataSync(),
    );
    expect(onnxScores.length).toBe(tfjsScores.length);
    expect(Math.max(...onnxScores.map((v, i) => Math.abs(v - tfjsScores[i])))).toBeLessThan(1e-4);
    model.dispose();

    // PyTorch: one zip holding a folder with the code and the very weights the TF.js export wrote.
    await testId('export').click();
    await testId('export-choice-pytorch').click();
    await expect.poll(() => downloads.length).toBe(4);
    expect(downloads[3].suggestedFilename()).toBe('Untitled-pytorch.zip');
    const zip = unzipSync(new Uint8Array(await fs.readFile(await downloads[3].path())));
    // The folder's own entry, then its files.
    expect(Object.keys(zip).sort()).toEqual([
      'Untitled-pytorch/',
      ...['README.md', 'model.py', 'model.weights.bin', 'model.weights.json', 'train.py'].map(
        (f) => `Untitled-pytorch/${f}`,
      ),
    ]);
    expect(Buffer.from(zip['Untitled-pytorch/model.weights.bin'])).toEqual(weights);
    expect(strFromU8(zip['Untitled-pytorch/model.py'])).toContain('nn.Linear(2, ');
    // The classes are balanced, so a straight line cannot do much better than a coin.
    expect(results.linear).toBeLessThan(0.7);
    expect(results.mlp).toBeGreaterThan(0.9);
    expect(pageErrors).toEqual([]);
  }, 240_000);

  it("starts the ring from core's defaults for points and reaches the command line's figure with nothing else chosen", async () => {
    await openTemplate('mlp', '2', '2');
    await testId('train-open').click();
    // A new design starts from the image defaults; choosing a toy set moves every untouched setting to the points'.
    expect(await testId('train-lr').inputValue()).toBe('0.002');
    await testId('dataset-toy-ring').click();
    expect(await testId('train-lr').inputValue()).toBe('0.03');
    expect(await testId('train-epochs').inputValue()).toBe('30');
    expect(await testId('train-schedule').inputValue()).toBe('cosine');
    // Only the backend is picked: WebGL here is a software renderer.
    await configure({}, { 'train-backend': 'wasm' });
    await recordBoundaryFrames();
    const run = await trainAndReadAccuracy(180_000);
    console.log(
      `[training e2e] mlp on ring with the defaults: test accuracy ${run.text} in ${run.seconds.toFixed(1)} s`,
    );
    expect(run.accuracy).toBeGreaterThanOrEqual(0.95);
    // The decision boundary was redrawn epoch by epoch, and the regions moved: the first picture is not the last.
    const frames = await boundaryFrames();
    console.log(`[training e2e] decision boundary drawn after epochs ${frames.map((f) => f.epochs).join(', ')}`);
    expect(frames.length).toBeGreaterThanOrEqual(3);
    expect(frames.map((f) => f.epochs)).toEqual([...frames.map((f) => f.epochs)].sort((a, b) => a - b));
    expect(frames.at(-1)?.epochs).toBe(30);
    expect(frames[0].image).not.toBe(frames.at(-1)?.image);
    expect(await testId('decision-boundary').getAttribute('data-epochs')).toBe('30');
    // Layer health: both layers with weights carry a mark, and with the defaults neither is marked ailing.
    await testId('train-close').click();
    await testId('health-legend').waitFor();
    expect(await healthMarks()).toEqual({ hidden: 'healthy', scores: 'healthy' });
    expect(pageErrors).toEqual([]);
  }, 240_000);

  it('marks the layers of an MLP trained on the ring at learning rate 5 on the canvas, with the figures', async () => {
    await openTemplate('mlp', '2', '2');
    await testId('train-open').click();
    await testId('dataset-toy-ring').click();
    await configure({ 'train-lr': '5', 'train-epochs': '4' }, { 'train-backend': 'wasm' });
    const run = await trainAndReadAccuracy(120_000);
    // The Train view lists the same marks as the canvas will show.
    const rows = await page
      .getByTestId('health-row')
      .evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.health));
    expect(rows).toHaveLength(2);
    await testId('train-close').click();
    const marks = await healthMarks();
    expect(Object.values(marks)).toEqual(rows);
    console.log(`[training e2e] mlp on ring at lr 5: test accuracy ${run.text}, health ${JSON.stringify(marks)}`);
    expect(Object.values(marks).some((status) => status === 'dying' || status === 'exploding')).toBe(true);
    expect(await testId('health-legend').textContent()).toContain('Layer health · epoch 4');
    // The inspector gives the selected layer's figures and what to do.
    await testId('node-hidden').click();
    const figures = (await testId('inspector-health').textContent()) ?? '';
    expect(figures).toMatch(/Update \/ weight ratio: .* per step/);
    expect(figures).toMatch(/(Exploding|Dying).*learning rate/);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('fits the linear classifier to the ring with the one offered fix, then trains it to the end', async () => {
    // The template as the gallery makes it, for 28×28×1 digits: the solver changes Input, Flatten and output at once.
    await openTemplate('linear');
    await testId('train-open').click();
    await testId('dataset-toy-ring').click();
    await expect(testId('train-blocked').textContent()).resolves.toContain('input is 28×28×1 but the samples are 2');
    expect(await testId('train-fit-weights').textContent()).toBe('7,850 weights → 6 weights');
    await testId('train-fix').click();
    await testId('train-blocked').waitFor({ state: 'detached' });
    expect(await page.getByTestId('status-problems').textContent()).toBe('0 errors · 0 warnings');
    // The points' defaults otherwise; fewer epochs, since a line learns what it can of a ring in a few.
    await configure({ 'train-epochs': '5' }, { 'train-backend': 'wasm' });
    const run = await trainAndReadAccuracy(120_000);
    console.log(
      `[training e2e] linear (fitted) on ring, 5 epochs: test accuracy ${run.text} in ${run.seconds.toFixed(1)} s`,
    );
    expect(await testId('train-progress').getAttribute('value')).toBe('1');
    // A straight line cannot separate a ring: the run ends, near a coin toss.
    expect(run.accuracy).toBeLessThanOrEqual(0.75);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('keeps each run in a list: linear then MLP on the ring, the second charts start empty, ticking overlays the first', async () => {
    /** One line of the loss chart as drawn (RunCharts writes what it drew after each redraw). */
    const line = async (label: string) => {
      const drawn: { label: string; points: number; first: number | null; last: number | null }[] = JSON.parse(
        (await testId('chart-loss').getAttribute('data-drawn')) ?? '[]',
      );
      return drawn.find((d) => d.label === label);
    };
    // A laptop's width: each chart is under 400 px wide, so chart.js thins a run's 1,710 batch points to fit.
    await page.setViewportSize({ width: 1024, height: 768 });
    const accuracies: string[] = [];
    for (const template of ['linear', 'mlp']) {
      await openTemplate(template, '2', '2');
      await testId('train-open').click();
      await testId('dataset-toy-ring').click();
      // Nothing but the backend chosen: WebGL here is a software renderer.
      await configure({}, { 'train-backend': 'wasm' });
      if (template === 'mlp') {
        await testId('train-start').click();
        // While the MLP trains, its curves hold its own epochs only, none of the linear run's 30.
        const progress = () => testId('train-progress-text').textContent();
        await expect.poll(progress, { timeout: 60_000 }).toMatch(/^Epoch ([3-9]|\d\d)\//);
        await expect.poll(() => line('train (epoch)')).toBeDefined();
        const epochLine = await line('train (epoch)');
        const epoch = Number(/^Epoch (\d+)\//.exec((await progress()) ?? '')?.[1]);
        expect(epochLine!.points).toBeLessThanOrEqual(epoch);
        await testId('train-accuracy').waitFor({ timeout: 120_000 });
        accuracies.push((await testId('train-accuracy').textContent()) ?? '');
      } else {
        accuracies.push((await trainAndReadAccuracy(120_000)).text);
      }
      await expect.poll(() => testId('run-row').count()).toBe(accuracies.length);
    }
    // Two rows, each with its run's test accuracy and the template its design came from.
    expect(await testId('run-accuracy').allTextContents()).toEqual(accuracies);
    expect(await testId('run-row').nth(1).textContent()).toContain('Two-layer MLP · 3 layers · 642 weights');
    // The current curves are the MLP's 30 epochs, from epoch 1.
    await expect.poll(() => line('train (epoch)')).toEqual({ label: 'train (epoch)', points: 30, first: 1, last: 30 });
    // The batch line runs to the end of the run (1,800 / 32 → 57 batches × 30 epochs, thinned but not cut short).
    await expect.poll(() => line('train (batch)')).toMatchObject({ first: 1 / 57, last: 30 });
    expect(await line('run-1 train')).toBeUndefined();

    // Ticking the first run (from the keyboard) overlays it in its own colour, with a legend entry.
    const tick = testId('run-row').first().getByRole('checkbox', { name: 'Overlay run-1 on the charts' });
    await tick.focus();
    await page.keyboard.press('Space');
    expect(await tick.isChecked()).toBe(true);
    await expect.poll(() => line('run-1 train')).toMatchObject({ points: 30, first: 1, last: 30 });
    expect(await testId('chart-legend').textContent()).toContain('run-1 · Linear classifier · toy:ring: train');
    // And it says what differed from the MLP's run: the design, a hidden layer added.
    const compare = await testId('run-compare').textContent();
    expect(compare).toContain('What differed: run-1 → run-2');
    expect(compare).toContain('layers addedhidden:Dense');
    console.log(
      `[training e2e] runs kept on the ring with the defaults: linear ${accuracies[0]}, mlp ${accuracies[1]}`,
    );
    expect(pageErrors).toEqual([]);
  }, 300_000);
  it('searches the learning rate on the ring: six trials plotted, and the best one trains to 95% with the defaults', async () => {
    await openTemplate('mlp', '2', '2');
    await testId('train-open').click();
    await testId('dataset-toy-ring').click();
    await configure({}, { 'train-backend': 'wasm' });
    // Six short trials (the panel's defaults: 10 epochs each, a third of the run, over 0.0001…0.3), one after another.
    expect(await testId('lr-search-epochs').inputValue()).toBe('10');
    await testId('lr-search-start').click();
    await expect
      .poll(() => testId('lr-search-progress-text').textContent(), { timeout: 60_000 })
      .toMatch(/^Trial \d\/6/);
    await expect
      .poll(() => testId('lr-search-progress-text').textContent(), { timeout: 240_000 })
      .toBe('Done: 6 of 6 trials.');
    const points = testId('lr-search-point');
    expect(await points.count()).toBe(6);
    const titles = await points.locator('title').allTextContents();
    console.log(`[training e2e] learning-rate search on the ring:\n  ${titles.join('\n  ')}`);
    expect(titles.every((t) => /^Trial \d \(round [12]\): learning rate [\d.e-]+, /.test(t))).toBe(true);
    const best = testId('lr-search-plot').locator('[data-best="true"]');
    expect(await best.count()).toBe(1);
    const rate = await best.getAttribute('data-rate');
    await testId('lr-search-apply').click();
    expect(await testId('train-lr').inputValue()).toBe(rate);
    // Everything else stays at the points' defaults: 30 epochs, cosine.
    expect([await testId('train-epochs').inputValue(), await testId('train-schedule').inputValue()]).toEqual([
      '30',
      'cosine',
    ]);
    const run = await trainAndReadAccuracy(180_000);
    console.log(
      `[training e2e] mlp on ring at the searched rate ${rate}: test accuracy ${run.text} in ${run.seconds.toFixed(1)} s`,
    );
    expect(run.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(pageErrors).toEqual([]);
  }, 480_000);

  it('pauses, resumes and stops a run, and stops a diverging one with advice', async () => {
    await openTemplate('mlp', '2', '2');
    await testId('train-open').click();
    await testId('dataset-toy-ring').click();
    await configure(
      { 'train-epochs': '500', 'train-batch': '32', 'train-lr': '0.01', 'train-seed': '3' },
      { 'train-backend': 'wasm', 'train-optimizer': 'adam' },
    );
    const progress = () => testId('train-progress-text').textContent();
    await testId('train-start').click();
    await expect.poll(progress, { timeout: 60_000 }).toMatch(/^Epoch [2-9]\d*\/500/);
    await testId('train-pause').click();
    await expect.poll(progress).toMatch(/ · paused$/);
    const held = await progress();
    await page.waitForTimeout(1000);
    expect(await progress()).toBe(held);
    await testId('train-resume').click();
    await expect.poll(progress).not.toBe(held);
    expect(await progress()).not.toContain('paused');
    await testId('train-stop').click();
    await testId('train-accuracy').waitFor({ timeout: 60_000 });
    expect(await page.getByRole('region', { name: 'Results' }).textContent()).toContain('(stopped early)');
    const fraction = Number(await testId('train-progress').getAttribute('value'));
    expect(fraction).toBeGreaterThan(0);
    expect(fraction).toBeLessThan(1);

    // Plain SGD with a step far too big for its weight decay: each step multiplies the weights by
    // 1 − 2·lr·l2 = −1999, so they overflow within a few batches.
    await configure({ 'train-lr': '1000', 'train-l2': '1', 'train-epochs': '5' }, { 'train-optimizer': 'sgd' });
    await testId('train-start').click();
    const fault = testId('train-fault');
    await fault.waitFor({ timeout: 60_000 });
    expect(await fault.textContent()).toMatch(
      /loss became (NaN|infinite).*lower the learning rate.*Suggested: learning rate 100\./,
    );
    expect(await testId('train-start').isEnabled()).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('reads an image folder with the browser decoder and CIFAR-10 from its tar.gz, with previews and counts', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'netcanvas-data-'));
    try {
      // shapes/bright/*.png and shapes/dark/*.png: 12 images per class, 20×20 RGB.
      for (const [className, level] of [
        ['bright', 220],
        ['dark', 30],
      ] as const) {
        await fs.mkdir(path.join(dir, 'shapes', className), { recursive: true });
        for (let i = 0; i < 12; i++) {
          const png = new PNG({ width: 20, height: 20 });
          for (let p = 0; p < 400; p++) png.data.set([level + (p % 7), level, level - (i % 5), 255], p * 4);
          await fs.writeFile(path.join(dir, 'shapes', className, `${i}.png`), PNG.sync.write(png));
        }
      }
      await openTemplate('mlp', '16×16×3', '2');
      await testId('train-open').click();
      await testId('folder-files').setInputFiles(path.join(dir, 'shapes'));
      await expect(testId('dataset-facts').textContent()).resolves.toContain('shapes: samples 16×16×3, 2 classes');
      // 20% of each class is held out for testing, 10% of the rest for validation.
      expect(await testId('dataset-split').textContent()).toBe('18 train · 2 validation · 4 test');
      expect(await testId('dataset-preview').locator('canvas').count()).toBe(20);
      // The browser decoded the PNGs: a bright sample's top-left pixel is bright.
      const brightness = await testId('dataset-preview')
        .locator('canvas')
        .first()
        .evaluate((canvas: HTMLCanvasElement) => Array.from(canvas.getContext('2d')!.getImageData(0, 0, 1, 1).data));
      expect(brightness[0]).toBeGreaterThan(200);
      // Augmentation is previewed live on the same images.
      await page.getByText('Augmentation', { exact: true }).click();
      await testId('augment-rotation').fill('30');
      await expect.poll(() => testId('augment-preview').locator('canvas').count()).toBe(8);

      // CIFAR-10 as downloaded: cifar-10-binary.tar.gz with cifar-10-batches-bin/*.bin (a small one: 30 + 10 images).
      const batches = path.join(dir, 'cifar', 'cifar-10-batches-bin');
      await fs.mkdir(batches, { recursive: true });
      const records = (count: number) => {
        const bytes = new Uint8Array(count * 3073);
        for (let i = 0; i < count; i++)
          bytes.fill(i % 10, i * 3073, i * 3073 + 1).fill(25 * (i % 10), i * 3073 + 1, (i + 1) * 3073);
        return bytes;
      };
      await fs.writeFile(path.join(batches, 'data_batch_1.bin'), records(30));
      await fs.writeFile(path.join(batches, 'test_batch.bin'), records(10));
      const archive = path.join(dir, 'cifar-10-binary.tar.gz');
      execFileSync('tar', ['czf', archive, '-C', path.join(dir, 'cifar'), 'cifar-10-batches-bin']);
      await testId('cifar-files').setInputFiles(archive);
      await expect(testId('dataset-facts').textContent()).resolves.toContain('cifar10: samples 32×32×3, 10 classes');
      expect(await testId('dataset-split').textContent()).toBe('27 train · 3 validation · 10 test');
      expect(await page.locator('.nc-class-counts').first().textContent()).toContain('airplane3');
      expect(await testId('dataset-preview').locator('canvas').count()).toBe(24);
      expect(pageErrors).toEqual([]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
