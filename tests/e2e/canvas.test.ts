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
