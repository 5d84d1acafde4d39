/**
 * Editor responsiveness on a big design: ResNet-152 (520 layers, 569 edges)
 * in headless Chromium, built and served as `npm run build` ships it.
 *
 * Prints:
 * - time to interactive after choosing ResNet-152 in the gallery: from the
 *   click on "Create" until every count is on screen and a frame has been drawn;
 * - edit → shapes on screen: from typing a new filter count for `conv1` until
 *   its box shows the new output shape (DOM updated), and until the next frame;
 * - closing and opening one block in place (its ▾ / ▸): from the click until
 *   the group's box (or its frame again) is on screen and a frame has been drawn.
 *
 * Run: `npx tsx bench/editor-resnet152.bench.ts` (needs /usr/bin/chromium).
 * A benchmark, not a test: it prints figures and does not fail on time.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import { buildApp, launchChromium, serveStatic } from '../tests/e2e/harness';

const EDITS = 22;
const OPENS = 3;
const TOGGLES = 6;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number): string => `${x.toFixed(1)} ms`;

async function main(): Promise<void> {
  const outDir = await buildApp();
  const server = await serveStatic(outDir);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    // tsx compiles this file with esbuild's keepNames, which wraps the functions passed to
    // page.evaluate in a `__name(...)` helper that exists only in Node; give the page a no-op one.
    await page.addInitScript('globalThis.__name = (f) => f;');
    const loadStart = Date.now();
    await page.goto(server.url);
    await page.getByTestId('palette-item-Conv2D').waitFor();
    const pageReady = Date.now() - loadStart;

    // Opened several times (New in between), because one run on a busy machine says little.
    const opens: number[] = [];
    for (let run = 0; run < OPENS; run++) {
      await page.getByTestId('new').click();
      // From the second open on, the template on screen is unsaved: New asks, and its changes are discarded.
      if (run > 0) await page.getByTestId('unsaved-discard').click();
      await page.getByTestId('templates').click();
      await page.getByTestId('template-resnet152').click();
      // Measured inside the page, so Playwright's round trips do not count.
      opens.push(
        await page.evaluate(
          () =>
            new Promise<number>((resolve) => {
              const start = performance.now();
              (document.querySelector('[data-testid="template-create"]') as HTMLButtonElement).click();
              const check = () => {
                const total = document.querySelector('[data-testid="total-params"]')?.textContent;
                const conv1 = document.querySelector(
                  '[data-testid="node-conv1"] [data-testid="node-shape"]',
                )?.textContent;
                if (total === '60,344,232' && conv1 === '112×112×64')
                  requestAnimationFrame(() => resolve(performance.now() - start));
                else requestAnimationFrame(check);
              };
              check();
            }),
        ),
      );
      await page.waitForTimeout(300);
    }
    const layersOnScreen = await page.locator('.react-flow__node-layer').count();

    // One block closed and opened again by its own button, as a reader does; nothing is laid out by ELK.
    const block = 'layer1.0 (Bottleneck)';
    const toggles: { close: number[]; open: number[] } = { close: [], open: [] };
    for (let i = 0; i < TOGGLES; i++) {
      for (const [from, to] of [
        ['frame', 'group'],
        ['group', 'frame'],
      ] as const) {
        const took = await page.evaluate(
          ({ block, from, to }) =>
            new Promise<number>((resolve) => {
              const button = document.querySelector<HTMLButtonElement>(
                `[data-testid="${from}-${block}"] [data-testid="${from === 'frame' ? 'group-collapse' : 'group-expand'}"]`,
              );
              if (!button) throw new Error(`no ${from} for ${block} on screen`);
              const start = performance.now();
              button.click();
              const check = () => {
                if (document.querySelector(`[data-testid="${to}-${block}"]`))
                  requestAnimationFrame(() => resolve(performance.now() - start));
                else requestAnimationFrame(check);
              };
              check();
            }),
          { block, from, to },
        );
        // The first round warms up.
        if (i > 0) toggles[from === 'frame' ? 'close' : 'open'].push(took);
      }
    }

    await page.getByTestId('node-conv1').locator('.nc-node-name').click();
    await page.getByTestId('param-filters').waitFor();
    const dom: number[] = [];
    const frame: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const filters = i % 2 === 0 ? 48 : 64;
      const timing = await page.evaluate(
        (value) =>
          new Promise<{ dom: number; frame: number }>((resolve) => {
            const shape = document.querySelector(
              '[data-testid="node-conv1"] [data-testid="node-shape"]',
            ) as HTMLElement;
            const input = document.querySelector('[data-testid="param-filters"]') as HTMLInputElement;
            const expected = `112×112×${value}`;
            let domAt = 0;
            const start = performance.now();
            const observer = new MutationObserver(() => {
              if (shape.textContent !== expected || domAt) return;
              domAt = performance.now();
              observer.disconnect();
              requestAnimationFrame(() => resolve({ dom: domAt - start, frame: performance.now() - start }));
            });
            observer.observe(shape, { characterData: true, childList: true, subtree: true });
            const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
            setter?.call(input, String(value));
            input.dispatchEvent(new Event('input', { bubbles: true }));
          }),
        filters,
      );
      // The first two edits warm up the JIT; the rest are the steady state.
      if (i >= 2) {
        dom.push(timing.dom);
        frame.push(timing.frame);
      }
    }
    const total = await page.getByTestId('total-params').textContent();

    console.log('editor-resnet152 (headless Chromium, software rendering)');
    console.log(`  page load to ready:                 ${pageReady} ms`);
    console.log(
      `  open ResNet-152 → interactive:      median ${ms(median(opens))}, min ${ms(Math.min(...opens))}  (${OPENS} opens; ${layersOnScreen} layer boxes mounted of 520)`,
    );
    console.log(
      `  edit conv1 filters → shapes in DOM:  median ${ms(median(dom))}, max ${ms(Math.max(...dom))}  (${dom.length} edits)`,
    );
    console.log(
      `  edit conv1 filters → next frame:     median ${ms(median(frame))}, min ${ms(Math.min(...frame))}, max ${ms(Math.max(...frame))}`,
    );
    console.log(
      `  close one block in place → frame:    median ${ms(median(toggles.close))}, max ${ms(Math.max(...toggles.close))}  (${toggles.close.length} clicks)`,
    );
    console.log(
      `  open one block in place → frame:     median ${ms(median(toggles.open))}, max ${ms(Math.max(...toggles.open))}  (${toggles.open.length} clicks)`,
    );
    console.log(`  machine load average (1 min):       ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
    console.log(`  status bar after edits:             ${total} parameters`);
  } finally {
    await browser.close();
    await server.close();
    await fs.rm(outDir, { recursive: true, force: true });
  }
}

await main();
