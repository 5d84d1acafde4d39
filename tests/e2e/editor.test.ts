/**
 * The editor end to end, in headless Chromium: what a user does with the
 * mouse and keyboard, and what they read on screen. The app is built once
 * and served from a static server, as `npm run build` ships it.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import { importLayersModel } from '../../core/formats/keras-import';
import { summarize } from '../../core/graph/summary';
import { getTemplate } from '../../templates/index';
import { buildApp, launchChromium, REPO_ROOT, serveStatic, openTemplate as openTemplateIn } from './harness';

const FIXTURES = path.join(REPO_ROOT, '../shared/fixtures/keras-models');

let browser: Browser;
let server: { url: string; close(): Promise<void> };
let context: BrowserContext;
let page: Page;
let outDir: string;
let downloads: string;

beforeAll(async () => {
  outDir = await buildApp();
  server = await serveStatic(outDir);
  browser = await launchChromium();
  downloads = await fs.mkdtemp(path.join(os.tmpdir(), 'netcanvas-downloads-'));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (outDir) await fs.rm(outDir, { recursive: true, force: true });
  if (downloads) await fs.rm(downloads, { recursive: true, force: true });
});

const pageErrors: string[] = [];

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  page = await context.newPage();
  pageErrors.length = 0;
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(server.url);
  await page.getByTestId('palette-item-Conv2D').waitFor();
});

afterEach(async () => {
  await context?.close();
  // An uncaught exception in the page fails the test that caused it, even if the screen looked right.
  expect(pageErrors).toEqual([]);
});

const testId = (id: string) => page.getByTestId(id);
const node = (name: string) => page.getByTestId(`node-${name}`);
const shapeOf = (name: string) => node(name).getByTestId('node-shape').textContent();

const openTemplate = (id: string, input?: string, classes?: string) => openTemplateIn(page, id, input, classes);

/** Drags a palette entry onto the canvas at (x, y) relative to the canvas; returns the new layer's name. */
async function dropLayer(type: string, x: number, y: number): Promise<string> {
  await page.dragAndDrop(`[data-testid=palette-item-${type}]`, '[data-testid=canvas]', { targetPosition: { x, y } });
  // The dropped layer is selected, so the inspector shows its name.
  return testId('layer-name').inputValue();
}

/** Drags from `from`'s output handle to `to`'s input handle. */
async function wire(from: string, to: string): Promise<void> {
  const source = await node(from).locator('.react-flow__handle.source').boundingBox();
  const target = await node(to).locator('.react-flow__handle.target').boundingBox();
  if (!source || !target) throw new Error(`handles of ${from} or ${to} not on screen`);
  await page.mouse.move(source.x + source.width / 2, source.y + source.height / 2);
  await page.mouse.down();
  await page.mouse.move(target.x + target.width / 2, target.y + target.height / 2, { steps: 8 });
  await page.mouse.up();
}

async function setParam(name: string, value: string): Promise<void> {
  await testId(`param-${name}`).fill(value);
}

async function select(name: string): Promise<void> {
  await node(name).locator('.nc-node-name').click();
  await expect.poll(() => testId('layer-name').inputValue()).toBe(name);
}

describe('the editor in Chromium', () => {
  it('builds LeNet-5 by drag and drop and shows every shape', async () => {
    const plan: [type: string, params: Record<string, string>, shape: string][] = [
      ['InputLayer', { shape: '32, 32, 1' }, '32×32×1'],
      ['Conv2D', { filters: '6', kernelSize: '5' }, '28×28×6'],
      ['AveragePooling2D', {}, '14×14×6'],
      ['Conv2D', { filters: '16', kernelSize: '5×5' }, '10×10×16'],
      ['AveragePooling2D', {}, '5×5×16'],
      ['Flatten', {}, '400'],
      ['Dense', { units: '120' }, '120'],
      ['Dense', { units: '84' }, '84'],
      ['Dense', { units: '10', activation: 'softmax' }, '10'],
    ];
    const names: string[] = [];
    for (const [i, [type, params]] of plan.entries()) {
      const name = await dropLayer(type, 130 + (i % 3) * 300, 70 + Math.floor(i / 3) * 170);
      names.push(name);
      for (const [param, value] of Object.entries(params)) {
        if (param === 'activation') await testId(`param-${param}`).selectOption(value);
        else await setParam(param, value);
      }
      if (i > 0) await wire(names[i - 1], name);
    }
    for (const [i, name] of names.entries()) expect(await shapeOf(name), name).toBe(plan[i][2]);
    await expect.poll(() => testId('total-params').textContent()).toBe('61,706');
    expect(await page.getByTestId('diagnostic').count()).toBe(0);
    // Every connection is labelled with the shape it carries.
    const edgeLabels = await page.getByTestId('edge-shape').allTextContents();
    expect(edgeLabels.sort()).toEqual(
      plan
        .slice(0, -1)
        .map((p) => p[2])
        .sort(),
    );
  });

  it('updates shapes, totals and the worked-out size when a kernel size changes', async () => {
    await openTemplate('lenet5');
    expect(await shapeOf('c1')).toBe('28×28×6');
    const paramsBefore = await testId('total-params').textContent();
    const macsBefore = await testId('total-macs').textContent();
    await select('c1');
    await expect.poll(() => testId('explain').textContent()).toContain('(32 − 5 + 2·0) / 1 + 1 = 28');
    await setParam('kernelSize', '3');
    await expect.poll(() => shapeOf('c1')).toBe('30×30×6');
    expect(await shapeOf('s2')).toBe('15×15×6');
    expect(await testId('explain').textContent()).toContain('(32 − 3 + 2·0) / 1 + 1 = 30');
    expect(await testId('total-params').textContent()).not.toBe(paramsBefore);
    expect(await testId('total-macs').textContent()).not.toBe(macsBefore);
    // c1 alone: 3·3·1·6 + 6 = 60 weights.
    expect(await node('c1').getByTestId('node-params').textContent()).toContain('60');

    // A value that is not allowed is explained and changes nothing.
    await setParam('filters', '0');
    await expect.poll(() => testId('param-error-filters').textContent()).toMatch(/whole number ≥ 1, got 0/);
    expect(await shapeOf('c1')).toBe('30×30×6');
  });

  it('undoes and redoes edits from the toolbar and the keyboard', async () => {
    await openTemplate('lenet5');
    await select('c1');
    await setParam('filters', '12');
    await expect.poll(() => shapeOf('c1')).toBe('28×28×12');
    await testId('undo').click();
    await expect.poll(() => shapeOf('c1')).toBe('28×28×6');
    await testId('redo').click();
    await expect.poll(() => shapeOf('c1')).toBe('28×28×12');
    await node('c1').locator('.nc-node-name').click();
    await page.keyboard.press('Delete');
    await expect.poll(() => node('c1').count()).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => shapeOf('c1')).toBe('28×28×12');
    await page.keyboard.press('Control+z');
    await expect.poll(() => shapeOf('c1')).toBe('28×28×6');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => shapeOf('c1')).toBe('28×28×12');
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+y');
    await expect.poll(() => shapeOf('c1')).toBe('28×28×12');
  });

  it("shows a broken graph's problem with a fix, and applies it in one click", async () => {
    await openTemplate('lenet5');
    await select('flatten');
    await page.keyboard.press('Delete');
    await wire('s4', 'f5');
    const problem = testId('diagnostic').filter({ hasText: 'f5' });
    await expect.poll(() => problem.textContent()).toMatch(/Dense "f5": expects a 2-D input/);
    expect(await node('f5').getByTestId('node-badge').getAttribute('title')).toMatch(/expects a 2-D input/);
    await problem.getByTestId('fix').click();
    await expect.poll(() => testId('diagnostic').count()).toBe(0);
    expect(await shapeOf('f5')).toBe('120');
    await expect.poll(() => testId('total-params').textContent()).toBe('61,706');
  });

  it('refuses a connection that would make a cycle, and says why', async () => {
    await openTemplate('lenet5');
    await wire('f6', 'c1');
    await expect.poll(() => testId('notice').textContent()).toMatch(/would make a cycle/);
    expect(await testId('diagnostic').count()).toBe(0);
  });

  it('opens VGG-16 from the gallery with its published parameter count', async () => {
    await openTemplate('vgg16');
    await expect.poll(() => testId('total-params').textContent()).toBe('138,357,544');
    expect(await testId('unsaved-marker').count()).toBe(1);

    // The summary lists every layer and exports the same numbers.
    await testId('tab-summary').click();
    const vgg16 = summarize(getTemplate('vgg16').build());
    expect(await page.locator('[data-testid^="summary-row-"]').count()).toBe(vgg16.layers.length);
    const [csv] = await Promise.all([page.waitForEvent('download'), testId('export-csv').click()]);
    const file = path.join(downloads, csv.suggestedFilename());
    await csv.saveAs(file);
    const rows = (await fs.readFile(file, 'utf8')).trim().split('\n');
    expect(rows).toHaveLength(vgg16.layers.length + 2);
    expect(rows.at(-1)).toBe(`Total,,,138357544,0,${vgg16.totals.macs},${vgg16.totals.activationBytes}`);
  });

  it('collapses a group into one box with its shapes and expands it again', async () => {
    await openTemplate('resnet18', '224×224×3', '1000');
    // torchvision's published count is the trainable one; batch-norm statistics come on top.
    await expect.poll(() => testId('total-trainable').textContent()).toBe('11,689,512');
    await testId('collapse-all').click();
    const groups = page.locator('.nc-group');
    await expect.poll(() => groups.count()).toBeGreaterThan(0);
    const first = groups.first();
    expect(await first.getByTestId('node-shape').textContent()).toMatch(/^\d+×\d+×\d+$/);
    expect(await first.getByTestId('node-params').textContent()).toMatch(/[\d,]+ p/);
    const collapsed = await groups.count();
    await first.getByTestId('group-expand').click();
    await expect.poll(() => groups.count()).not.toBe(collapsed);
    await testId('expand-all').click();
    await expect.poll(() => page.locator('.nc-group').count()).toBe(0);
    expect(await testId('total-trainable').textContent()).toBe('11,689,512');
  });

  it('saves a project and opens it again unchanged; a bad file changes nothing', async () => {
    await openTemplate('lenet5');
    await select('c1');
    await setParam('filters', '8');
    expect(await testId('unsaved-marker').count()).toBe(1);
    // The web build asks for a name first; Enter takes the one offered.
    await testId('save').click();
    expect(await testId('save-name').inputValue()).toBe('Untitled.netcanvas.json');
    const [saved] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const file = path.join(downloads, saved.suggestedFilename());
    await saved.saveAs(file);
    expect(saved.suggestedFilename()).toMatch(/\.netcanvas\.json$/);
    await expect.poll(() => testId('unsaved-marker').count()).toBe(0);
    const text = await fs.readFile(file, 'utf8');

    await testId('new').click();
    await expect.poll(() => node('c1').count()).toBe(0);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), testId('open').click()]);
    await chooser.setFiles(file);
    await expect.poll(() => shapeOf('c1')).toBe('28×28×8');
    await expect.poll(() => testId('unsaved-marker').count()).toBe(0);
    const [again] = await Promise.all([page.waitForEvent('download'), testId('save').click()]);
    const second = path.join(downloads, `again-${again.suggestedFilename()}`);
    await again.saveAs(second);
    expect(await fs.readFile(second, 'utf8')).toBe(text);

    const broken = path.join(downloads, 'broken.netcanvas.json');
    await fs.writeFile(broken, text.replace('"filters": 8', '"filters": -3'));
    const [chooser2] = await Promise.all([page.waitForEvent('filechooser'), testId('open').click()]);
    await chooser2.setFiles(broken);
    await expect
      .poll(() => testId('notice').textContent())
      .toMatch(/Could not open broken\.netcanvas\.json: At graph\.nodes\.\d+\.params\.filters/);
    expect(await shapeOf('c1')).toBe('28×28×8');
  });

  it('imports a Keras model.json and refuses a graph model without touching the design', async () => {
    const fixture = path.join(
      FIXTURES,
      'keras2.4.0_cnn_sequential__AlexFSmirnov_tfjs-classification-demo__react-app_public_model_model.json',
    );
    const expected = summarize(importLayersModel(JSON.parse(await fs.readFile(fixture, 'utf8'))).graph).totals.params;
    expect(expected).toBe(160_847);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), testId('import-model').click()]);
    await chooser.setFiles(fixture);
    await expect.poll(() => testId('total-params').textContent()).toBe('160,847');
    expect(await page.locator('.react-flow__node-layer').count()).toBeGreaterThan(3);
    const shapes = await page.getByTestId('node-shape').allTextContents();
    expect(shapes.every((s) => /^\d+(×\d+)*$/.test(s))).toBe(true);

    const graphModel = path.join(
      FIXTURES,
      'NEGATIVE_graph-model__tensorflow_tfjs-examples__angular-predictive-prefetching_client_src_assets_model.json',
    );
    const [chooser2] = await Promise.all([page.waitForEvent('filechooser'), testId('import-model').click()]);
    await chooser2.setFiles(graphModel);
    await expect.poll(() => testId('notice').textContent()).toMatch(/Could not import .*graph/i);
    expect(await testId('total-params').textContent()).toBe('160,847');
  });

  it('exports model JSON that imports back to the same network, and refuses a broken design', async () => {
    await openTemplate('lenet5');
    await testId('export').click();
    expect(await testId('export-weights').textContent()).toMatch(/^The design is untrained/);
    const [exported] = await Promise.all([page.waitForEvent('download'), testId('export-choice-tfjs').click()]);
    expect(exported.suggestedFilename()).toBe('Untitled.model.json');
    const file = path.join(downloads, 'exported.model.json');
    await exported.saveAs(file);
    const json = JSON.parse(await fs.readFile(file, 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(summarize(importLayersModel(json).graph).totals.params).toBe(61_706);

    // ONNX of the untrained design: initial weights, exactly the design's 61,706, and it runs in ONNX Runtime.
    await testId('export').click();
    const [onnxFile] = await Promise.all([page.waitForEvent('download'), testId('export-choice-onnx').click()]);
    expect(onnxFile.suggestedFilename()).toBe('Untitled.onnx');
    const bytes = await fs.readFile(await onnxFile.path());
    const model = onnxProto.onnx.ModelProto.decode(bytes);
    const weights = model.graph!.initializer!.reduce((n, t) => n + (t.dims as number[]).reduce((a, d) => a * d, 1), 0);
    expect(weights).toBe(61_706);
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(bytes);
    const digits = new ort.Tensor('float32', new Float32Array(3 * 32 * 32).fill(0.5), [3, 1, 32, 32]);
    const scores = (await session.run({ [session.inputNames[0]]: digits }))[session.outputNames[0]];
    await session.release();
    expect(scores.dims).toEqual([3, 10]);
    expect((scores.data as Float32Array).slice(0, 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);

    await select('flatten');
    await page.keyboard.press('Delete');
    for (const [choice, what] of [
      ['tfjs', 'the model'],
      ['pytorch', 'to PyTorch'],
      ['onnx', 'to ONNX'],
    ]) {
      await testId('export').click();
      await testId(`export-choice-${choice}`).click();
      await expect.poll(() => testId('notice').textContent()).toMatch(`Cannot export ${what}: fix the 1 problem`);
    }
  });

  it('offers to restore unsaved work after a reload', async () => {
    await openTemplate('lenet5');
    await select('c1');
    await setParam('filters', '9');
    await expect.poll(() => shapeOf('c1')).toBe('28×28×9');
    // Autosave waits for a pause in editing.
    await page.waitForTimeout(1000);
    await page.reload();
    await testId('restore-banner').waitFor();
    await testId('restore-accept').click();
    await expect.poll(() => shapeOf('c1')).toBe('28×28×9');
    expect(await testId('unsaved-marker').count()).toBe(1);
  });
});
