/**
 * The canvas and its chrome end to end, in headless Chromium: the layout of
 * the ResNets as a reader sees it (boxes apart, lines between them), groups
 * opening in place, editing, and the toolbar on a laptop screen. One build
 * and one browser serve every test here; each test gets a fresh page at the
 * window size it is about. Screenshots of the layout checks are kept in
 * test-artifacts/canvas/ (see README, Testing).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, type CommandSpec } from '../../core/commands';
import { getTemplate } from '../../templates/index';
import { buildApp, launchChromium, openTemplate, REPO_ROOT, serveStatic } from './harness';

/** Where the screenshots of the layout checks go (gitignored). */
const ARTIFACTS = path.join(REPO_ROOT, 'test-artifacts', 'canvas');

let browser: Browser;
let server: { url: string; close(): Promise<void> };
let outDir: string;
/** Pages opened by the running test, closed after it. */
const testContexts: BrowserContext[] = [];
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

afterEach(async () => {
  for (const context of testContexts.splice(0)) await context.close();
  // An uncaught exception in the page fails the test that caused it, even if the screen looked right.
  const errors = pageErrors.splice(0);
  expect(errors).toEqual([]);
});

/** A fresh page at `width`×`height`, with the app loaded; closed after the test unless `shared`. */
async function openApp(width: number, height: number, shared = false): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height } });
  if (!shared) testContexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(server.url);
  await page.getByTestId('palette-item-Conv2D').waitFor();
  return page;
}

describe('the toolbar on a laptop screen', () => {
  it('keeps every toolbar command reachable at 1024×700, and Train opens the Train view', async () => {
    const page = await openApp(1024, 700);
    const toolbarCommands = (COMMANDS as readonly CommandSpec[]).filter((c) => c.toolbar).map((c) => c.id);
    const visible: string[] = [];
    for (const id of toolbarCommands) if (await page.getByTestId(id).isVisible()) visible.push(id);
    const hidden = toolbarCommands.filter((id) => !visible.includes(id));
    // At this width some commands must give way, or the test proves nothing about the overflow menu.
    expect(hidden.length).toBeGreaterThan(0);
    expect(visible).toContain('train-open');
    await page.getByTestId('toolbar-more').click();
    for (const id of hidden) expect(await page.getByTestId(`more-${id}`).isVisible(), id).toBe(true);
    // Every visible button lies inside the window.
    for (const id of visible) {
      const box = await page.getByTestId(id).boundingBox();
      expect(box && box.x + box.width <= 1024, id).toBe(true);
    }
    // A command chosen from the menu runs: the help panel opens.
    await page.getByTestId('more-help').click();
    await page.getByTestId('help-panel').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('train-open').click();
    await page.getByTestId('train-view').waitFor();
  });
});

/** What a reader would object to on screen: boxes on boxes, and lines under boxes they do not connect. */
interface LayoutFaults {
  boxes: number;
  lines: number;
  overlaps: string[];
  /** The line with the largest share of its length under boxes it does not connect. */
  worstLine: { id: string; share: number };
}

/**
 * Measures the rendered canvas: every layer or group box's rectangle on
 * screen, and every line's SVG path sampled every 2 screen pixels against
 * those rectangles (a line may run inside its own two boxes' edges).
 */
async function layoutFaults(page: Page): Promise<LayoutFaults> {
  // Let React Flow measure and draw whatever the last step changed.
  await page.waitForTimeout(400);
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  return page.evaluate(() => {
    const rects = new Map<string, DOMRect>();
    for (const el of document.querySelectorAll<HTMLElement>(
      '.react-flow__node-layer, .react-flow__node-collapsedGroup',
    ))
      rects.set(el.dataset.id as string, el.getBoundingClientRect());
    const overlaps: string[] = [];
    const list = [...rects];
    for (let i = 0; i < list.length; i++)
      for (let j = i + 1; j < list.length; j++) {
        const [a, b] = [list[i][1], list[j][1]];
        // One pixel of slack for rounding at fractional zooms.
        if (a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1)
          overlaps.push(`${list[i][0]} / ${list[j][0]}`);
      }
    let worstLine = { id: '', share: 0 };
    let lines = 0;
    for (const g of document.querySelectorAll<SVGGElement>('[data-testid="edge-line"]')) {
      const line = g.querySelector<SVGPathElement>('path.react-flow__edge-path');
      const matrix = line?.getScreenCTM();
      if (!line || !matrix) continue;
      lines++;
      const ends = new Set([g.dataset.source, g.dataset.target]);
      const length = line.getTotalLength();
      const step = 2 / Math.max(matrix.a, 1e-6);
      let samples = 0;
      let under = 0;
      for (let t = 0; t <= length; t += step) {
        const p = line.getPointAtLength(t).matrixTransform(matrix);
        samples++;
        for (const [id, r] of rects) {
          if (ends.has(id)) continue;
          if (p.x > r.left + 1 && p.x < r.right - 1 && p.y > r.top + 1 && p.y < r.bottom - 1) {
            under++;
            break;
          }
        }
      }
      const share = samples ? under / samples : 0;
      if (share > worstLine.share) worstLine = { id: `${g.dataset.source} → ${g.dataset.target}`, share };
    }
    return { boxes: rects.size, lines, overlaps, worstLine };
  });
}

/** Waits until no layout is being worked out. */
async function laidOut(page: Page): Promise<void> {
  await page.waitForTimeout(100);
  await page.getByTestId('layout-busy').waitFor({ state: 'detached', timeout: 60_000 });
}

describe('the layout of the ResNets', () => {
  // One page for the four networks: each opens over the last, as a user would open them.
  let page: Page;
  beforeAll(async () => {
    page = await openApp(1400, 900, true);
    await fs.mkdir(ARTIFACTS, { recursive: true });
  });
  afterAll(() => page?.context().close());

  it.each(['resnet20', 'resnet18', 'resnet50', 'resnet152'])(
    '%s: no box on a box, and no line more than 30 percent of its length under boxes it does not connect, as opened and after Expand all + Fit',
    async (id) => {
      await openTemplate(page, id);
      const opened = await layoutFaults(page);
      await page.screenshot({ path: path.join(ARTIFACTS, `${id}-opened.png`) });
      expect(opened.boxes).toBeGreaterThan(3);
      expect(opened.lines).toBeGreaterThan(2);
      expect(opened.overlaps).toEqual([]);
      expect(opened.worstLine.share, opened.worstLine.id).toBeLessThanOrEqual(0.3);

      await page.getByTestId('expand-all').click();
      await laidOut(page);
      await page.getByTestId('fit-view').click();
      await laidOut(page);
      const fitted = await layoutFaults(page);
      await page.screenshot({ path: path.join(ARTIFACTS, `${id}-expanded-fit.png`) });
      expect(fitted.boxes).toBeGreaterThan(3);
      expect(fitted.overlaps).toEqual([]);
      expect(fitted.worstLine.share, fitted.worstLine.id).toBeLessThanOrEqual(0.3);
    },
  );
});

/** The canvas id (React Flow's `data-id`) of each layer box, by layer name. */
async function boxIds(page: Page): Promise<Map<string, string>> {
  const pairs = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('.react-flow__node-layer')].map((el) => [
      (el.querySelector('[data-testid^="node-"]') as HTMLElement).dataset.testid?.slice('node-'.length) ?? '',
      el.dataset.id ?? '',
    ]),
  );
  return new Map(pairs as [string, string][]);
}

/** The lines on screen as `source → target` layer names. */
async function lines(page: Page): Promise<string[]> {
  const names = new Map([...(await boxIds(page))].map(([name, id]) => [id, name]));
  const ends = await page.evaluate(() =>
    [...document.querySelectorAll<SVGGElement>('[data-testid="edge-line"]')].map((g) => [
      g.dataset.source ?? '',
      g.dataset.target ?? '',
    ]),
  );
  return ends.map(([a, b]) => `${names.get(a) ?? a} → ${names.get(b) ?? b}`);
}

/** Clicks a layer's name, selecting it. */
async function select(page: Page, name: string): Promise<void> {
  await page.getByTestId(`node-${name}`).locator('.nc-node-name').click();
  await expect.poll(() => page.getByTestId('layer-name').inputValue()).toBe(name);
}

/** The canvas's zoom, read off React Flow's viewport transform. */
const zoomOf = (page: Page) =>
  page.evaluate(() => {
    const t = getComputedStyle(document.querySelector('.react-flow__viewport') as HTMLElement).transform;
    return new DOMMatrix(t).a;
  });

describe('editing without traps', () => {
  it('LeNet-5, s2 selected, click Dropout: inserted between s2 and c3, 0 errors, Train not blocked, no overlap', async () => {
    const page = await openApp(1400, 900);
    await openTemplate(page, 'lenet5');
    await select(page, 's2');
    await page.getByTestId('palette-item-Dropout').click();
    await expect.poll(() => page.getByTestId('layer-name').inputValue()).toBe('dropout1');
    const drawn = await lines(page);
    expect(drawn).toContain('s2 → dropout1');
    expect(drawn).toContain('dropout1 → c3');
    expect(drawn).not.toContain('s2 → c3');
    expect(await page.getByTestId('status-problems').textContent()).toBe('0 errors · 0 warnings');
    expect(await page.locator('.nc-status').textContent()).toContain('10 layers');
    const faults = await layoutFaults(page);
    expect(faults.overlaps).toEqual([]);
    expect(faults.worstLine.share, faults.worstLine.id).toBeLessThanOrEqual(0.3);
    // Train: MNIST's 28×28×1 against LeNet's 32×32×1 is offered as a fix; after it nothing blocks.
    await page.getByTestId('train-open').click();
    await page.getByTestId('dataset-mnist').click();
    await page.getByTestId('train-fix').click();
    await page.getByTestId('train-blocked').waitFor({ state: 'detached' });
    expect(await page.getByTestId('train-start').isDisabled()).toBe(false);
  });

  it('drops never zoom and never land on a box; a lone Input shows its shape; deleting reconnects', async () => {
    const page = await openApp(1400, 900);
    const drop = (type: string, x: number, y: number) =>
      page.dragAndDrop(`[data-testid=palette-item-${type}]`, '[data-testid=canvas]', { targetPosition: { x, y } });
    const zoom = await zoomOf(page);
    await drop('InputLayer', 300, 120);
    await expect.poll(() => page.locator('.react-flow__node-layer').count()).toBe(1);
    expect(await zoomOf(page)).toBe(zoom);
    // Alone, the Input is valid and shows its shape.
    expect(await page.getByTestId('node-input1').getByTestId('node-shape').textContent()).not.toBe('?');
    expect(await page.getByTestId('node-input1').getByTestId('node-badge').count()).toBe(0);
    // Dropped on the same spot, the next box moves aside.
    await drop('Flatten', 300, 120);
    await drop('Dense', 305, 125);
    await expect.poll(() => page.locator('.react-flow__node-layer').count()).toBe(3);
    expect(await zoomOf(page)).toBe(zoom);
    expect((await layoutFaults(page)).overlaps).toEqual([]);

    await openTemplate(page, 'lenet5');
    await select(page, 'flatten');
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/connected "s4" → "f5"/);
    expect(await lines(page)).toContain('s4 → f5');
    await page.getByTestId('notice-action').click();
    await expect.poll(() => lines(page)).not.toContain('s4 → f5');
  });

  it('says why while a line is dragged to a layer that cannot take it', async () => {
    const page = await openApp(1400, 900);
    await openTemplate(page, 'lenet5');
    const handle = async (name: string, kind: 'source' | 'target') => {
      const box = await page.getByTestId(`node-${name}`).locator(`.react-flow__handle.${kind}`).boundingBox();
      if (!box) throw new Error(`no ${kind} handle on ${name}`);
      return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    };
    const dragWithoutDropping = async (from: string, to: string) => {
      const a = await handle(from, 'source');
      const b = await handle(to, 'target');
      await page.mouse.move(a.x, a.y);
      await page.mouse.down();
      await page.mouse.move(b.x, b.y, { steps: 10 });
    };
    // A convolution's feature map into a Dense layer: allowed, but the hint says what it would break.
    await dragWithoutDropping('c1', 'f6');
    await expect
      .poll(() => page.getByTestId('connect-hint').textContent())
      .toMatch(/^Connects, but: Dense "f6": expects a 2-D input/);
    await page.mouse.move(20, 400, { steps: 4 });
    await page.mouse.up();
    await page.getByTestId('connect-hint').waitFor({ state: 'detached' });
    // Back into the first convolution: a cycle, refused.
    await dragWithoutDropping('s2', 'c1');
    await expect.poll(() => page.getByTestId('connect-hint').textContent()).toMatch(/^Cannot connect: .*cycle/);
    await page.mouse.up();
    await expect.poll(() => page.getByTestId('notice').textContent()).toMatch(/would make a cycle/);
    expect(await lines(page)).not.toContain('s2 → c1');
  });
});

describe('groups open in place', () => {
  it('opens and closes one ResNet-18 block without pressing Layout, never overlapping', async () => {
    const page = await openApp(1400, 900);
    await openTemplate(page, 'resnet18');
    await page.getByTestId('frame-layer1.0 (BasicBlock)').getByTestId('group-collapse').click();
    await page.getByTestId('group-layer1.0 (BasicBlock)').waitFor();
    let faults = await layoutFaults(page);
    expect(faults.overlaps).toEqual([]);
    await page.getByTestId('group-layer1.0 (BasicBlock)').getByTestId('group-expand').click();
    await page.getByTestId('frame-layer1.0 (BasicBlock)').waitFor();
    faults = await layoutFaults(page);
    expect(faults.overlaps).toEqual([]);
    expect(faults.worstLine.share, faults.worstLine.id).toBeLessThanOrEqual(0.3);
  });
});

describe('chrome that fits a laptop', () => {
  it('at 1024×700: the summary scrolls inside its panel, a notice covers no control, every button and box has a name', async () => {
    const page = await openApp(1024, 700);
    await openTemplate(page, 'resnet50');
    await page.getByTestId('tab-summary').click();
    await page.locator('[data-testid^="summary-row-"]').first().waitFor();
    const last = page.locator('[data-testid^="summary-row-"]').last();
    await last.scrollIntoViewIfNeeded();
    const summary = await page.evaluate(() => {
      const panel = (document.querySelector('.nc-bottom-body') as HTMLElement).getBoundingClientRect();
      const body = document.querySelector('.nc-bottom-body') as HTMLElement;
      const row = [...document.querySelectorAll('[data-testid^="summary-row-"]')].at(-1)?.getBoundingClientRect();
      const head = document.querySelector('.nc-summary thead th')?.getBoundingClientRect();
      const inspector = document.querySelector('.nc-inspector')?.getBoundingClientRect();
      return {
        page: [document.documentElement.scrollWidth, document.documentElement.scrollHeight],
        scrolls: body.scrollHeight > body.clientHeight,
        rowInside: Boolean(row && row.top >= panel.top - 1 && row.bottom <= panel.bottom + 1),
        headInside: Boolean(head && head.top >= panel.top - 1 && head.bottom <= panel.bottom + 1),
        inspector: inspector ? [inspector.left, inspector.right] : [],
      };
    });
    // The window does not scroll; the table does, inside its panel, with its head in sight; the inspector keeps its place.
    expect(summary.page).toEqual([1024, 700]);
    expect(summary.scrolls).toBe(true);
    expect(summary.rowInside).toBe(true);
    expect(summary.headInside).toBe(true);
    expect(summary.inspector).toEqual([724, 1024]);

    // A notice and a problem with fixes at once: deleting LeNet's flatten reconnects s4 → f5, which f5 cannot take.
    await openTemplate(page, 'lenet5');
    await page.getByTestId('tab-problems').click();
    await select(page, 'flatten');
    await page.keyboard.press('Delete');
    await page.getByTestId('notice').waitFor();
    await page.getByTestId('fix').first().waitFor();
    const covered = await page.evaluate(() => {
      const notice = (document.querySelector('[data-testid="notice"]') as HTMLElement).getBoundingClientRect();
      const canvas = (document.querySelector('.nc-canvas') as HTMLElement).getBoundingClientRect();
      // On the canvas, clear of the panels around it.
      if (
        notice.top < canvas.top ||
        notice.bottom > canvas.bottom ||
        notice.left < canvas.left ||
        notice.right > canvas.right
      )
        return ['outside the canvas'];
      const controls = [...document.querySelectorAll<HTMLElement>('button, input, select, [role="tab"]')].filter(
        (el) =>
          !el.closest('[data-testid="notice"], .react-flow__nodes, .nc-tools-measure') &&
          el.checkVisibility({ visibilityProperty: true }),
      );
      return controls
        .filter((el) => {
          const r = el.getBoundingClientRect();
          return r.left < notice.right && notice.left < r.right && r.top < notice.bottom && notice.top < r.bottom;
        })
        .map((el) => el.dataset.testid ?? el.textContent);
    });
    expect(covered).toEqual([]);

    // Every visible button says what it does in words (icon buttons through aria-label), every box its name and type.
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('button')]
        .filter((el) => el.checkVisibility({ visibilityProperty: true }) && !el.closest('[aria-hidden="true"]'))
        .filter((el) => !/\p{L}/u.test(el.getAttribute('aria-label') ?? el.textContent ?? ''))
        .map((el) => el.outerHTML.slice(0, 120)),
    );
    expect(unnamed).toEqual([]);
    const boxes = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.react-flow__node-layer')].map((el) => [
        (el.querySelector('[data-testid^="node-"]') as HTMLElement).dataset.testid?.slice('node-'.length),
        el.getAttribute('aria-label'),
      ]),
    );
    expect(boxes.length).toBeGreaterThan(3);
    for (const [name, label] of boxes) expect(label).toMatch(new RegExp(`^${name}, \\w`));
    expect(await page.getByTestId('node-c1').locator('xpath=..').getAttribute('aria-label')).toBe(
      'c1, Conv 2D, output 28×28×6',
    );
  });

  it('at 1400×900: dialogs keep focus and give it back; Tab visits the layers in graph order, then the lines', async () => {
    const page = await openApp(1400, 900);
    const active = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return {
          id: el?.dataset.testid ?? '',
          label: el?.getAttribute('aria-label') ?? '',
          inDialog: Boolean(el?.closest('[role="dialog"]')),
          onCanvas: Boolean(el?.closest('.react-flow__viewport')),
        };
      });
    // The gallery by keyboard: focus goes in, Tab and Shift+Tab stay in, Escape gives it back to the button.
    await page.getByTestId('templates').focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('template-gallery').waitFor();
    expect((await active()).id).toBe('template-lenet5');
    for (let i = 0; i < 24; i++) {
      await page.keyboard.press(i < 20 ? 'Tab' : 'Shift+Tab');
      expect((await active()).inDialog, `Tab ${i + 1}`).toBe(true);
    }
    await page.keyboard.press('Escape');
    await page.getByTestId('template-gallery').waitFor({ state: 'detached' });
    expect((await active()).id).toBe('templates');

    await openTemplate(page, 'lenet5');
    const lenet = getTemplate('lenet5').build();
    const names = new Map(lenet.nodes.map((n) => [n.id, n.name]));
    const expected = [
      ...lenet.nodes.map((n) => `${n.name}, `),
      ...lenet.edges.map((e) => `Line from ${names.get(e.source)} to ${names.get(e.target)}`),
    ];
    // From the last control before the canvas (the palette's last entry), Tab by Tab.
    await page.locator('.nc-palette').locator('button, input').last().focus();
    const visited: string[] = [];
    for (let i = 0; i < expected.length; i++) {
      const before = (await active()).label;
      await page.keyboard.press('Tab');
      // A line out of view is brought into view first, then focused (two frames later): wait for focus to move on.
      await expect
        .poll(async () => {
          const now = await active();
          return now.onCanvas && now.label !== before;
        })
        .toBe(true);
      visited.push((await active()).label);
    }
    expect(visited.map((label, i) => (label.startsWith(expected[i]) ? expected[i] : label))).toEqual(expected);
    await page.keyboard.press('Tab');
    expect((await active()).onCanvas).toBe(false);
    await page.keyboard.press('Shift+Tab');
    await expect.poll(async () => (await active()).label).toBe(expected.at(-1));
  });

  it('asks before New replaces unsaved changes, and Save in the web build asks for a file name', async () => {
    const page = await openApp(1400, 900);
    await openTemplate(page, 'lenet5');
    const layers = () => page.locator('.react-flow__node-layer').count();
    const count = await layers();
    // Cancel keeps the design, and focus returns to New.
    await page.getByTestId('new').click();
    await page.getByTestId('unsaved-dialog').waitFor();
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.testid)).toBe('unsaved-save');
    await page.getByTestId('unsaved-cancel').click();
    await page.getByTestId('unsaved-dialog').waitFor({ state: 'detached' });
    expect(await layers()).toBe(count);
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.testid)).toBe('new');
    // Save first: the name is asked, the project downloads under it, then the new design opens.
    await page.getByTestId('new').click();
    await page.getByTestId('unsaved-save').click();
    await page.getByTestId('save-name-dialog').waitFor();
    expect(await page.getByTestId('save-name').inputValue()).toBe('Untitled.netcanvas.json');
    await page.getByTestId('save-name').fill('my lenet');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-name-save').click()]);
    expect(download.suggestedFilename()).toBe('my lenet.netcanvas.json');
    await expect.poll(layers).toBe(0);
    // Discard: New goes ahead without saving.
    await openTemplate(page, 'lenet5');
    await page.getByTestId('new').click();
    await page.getByTestId('unsaved-discard').click();
    await expect.poll(layers).toBe(0);
    expect(await page.getByTestId('unsaved-marker').count()).toBe(0);
  });
});
