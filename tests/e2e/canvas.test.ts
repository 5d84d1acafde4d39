/**
 * The canvas and its chrome end to end, in headless Chromium: the toolbar on
 * a laptop screen. One build and one browser serve every test here; each
 * test gets a fresh page at the window size it is about.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS, type CommandSpec } from '../../core/commands';
import { buildApp, launchChromium, serveStatic } from './harness';
import { promises as fs } from 'node:fs';

let browser: Browser;
let server: { url: string; close(): Promise<void> };
let outDir: string;
let context: BrowserContext | undefined;
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
  await context?.close();
  context = undefined;
  // An uncaught exception in the page fails the test that caused it, even if the screen looked right.
  expect(pageErrors).toEqual([]);
});

/** A fresh page at `width`×`height`, with the app loaded. */
async function openApp(width: number, height: number): Promise<Page> {
  context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  pageErrors.length = 0;
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
