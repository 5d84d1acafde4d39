/**
 * WebGPU in the app, end to end in headless Chromium. With
 * `--enable-unsafe-webgpu` Chromium offers SwiftShader's software adapter:
 * asked for by name, the app trains on it (the run must learn, which proves
 * WebGPU trains correctly, not fast); left to choose, the app passes it over
 * for wasm and says why. Without the flag there is no adapter, and the Train
 * view says that instead.
 */
import type { Browser, Page } from 'playwright-core';
import { promises as fs } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
  const started = Date.now();
  await testId('train-start').click();
  // A run started over clears the last one's results first.
  await testId('train-accuracy').waitFor({ state: 'detached' });
  // Generous: SwiftShader shares the CPU with whatever else runs (55 s for the WebGPU epoch at load 12).
  await testId('train-accuracy').waitFor({ timeout: 240_000 });
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
