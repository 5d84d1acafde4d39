/**
 * End-to-end harness: builds the renderer once with Vite into a temporary
 * folder, serves it from a small static server on a random loopback port,
 * and drives it in Debian's Chromium through playwright-core.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from '../../electron/security';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Where Debian installs Chromium; CI installs the `chromium` package. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Flags for headless Chromium on a machine with a closed network and no GPU:
 * without the background-networking ones Chromium keeps trying to reach
 * Google's hosts; `--no-sandbox` because CI runs as root.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

/** Builds the web app into a fresh temporary folder and returns it. */
export async function buildApp(): Promise<string> {
  const outDir = await fs.mkdtemp(path.join(os.tmpdir(), 'netcanvas-e2e-'));
  await build({
    configFile: path.join(REPO_ROOT, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir, emptyOutDir: true },
  });
  return outDir;
}

/**
 * Serves `dir` on 127.0.0.1 at a free port; `crossOriginIsolated` adds the
 * COOP/COEP headers Vite's servers and the desktop app send, so the training
 * worker's wasm runs threaded. Off by default: threads make each small op
 * wait for the pool, which on a machine loaded many times over its cores
 * slows the toy-data runs most tests make, and those test what is learned.
 */
export async function serveStatic(
  dir: string,
  { crossOriginIsolated = false } = {},
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(dir, urlPath === '/' ? 'index.html' : urlPath);
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    fs.stat(file).then(
      (stat) => {
        if (!stat.isFile()) throw new Error('not a file');
        res.writeHead(200, {
          'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
          'cache-control': 'no-store',
          ...(crossOriginIsolated ? CROSS_ORIGIN_ISOLATION_HEADERS : {}),
        });
        createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end('not found'),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Lets headless Chromium offer WebGPU: with it, `navigator.gpu.requestAdapter()`
 * gives SwiftShader's software adapter (`isFallbackAdapter`, even beside
 * `--disable-gpu`); without it, Debian's Chromium 156 answers null.
 */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu'];

/** Headless Chromium with the flags above, and `extraArgs` (e.g. {@link WEBGPU_ARGS}). */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: [...CHROMIUM_ARGS, ...extraArgs] });
}

/** Opens a template from the gallery (optionally at another input size and class count) and waits for it. */
export async function openTemplate(page: Page, id: string, input?: string, classes?: string): Promise<void> {
  await page.getByTestId('templates').click();
  await page.getByTestId(`template-${id}`).click();
  if (input) await page.getByTestId('template-input').fill(input);
  if (classes) await page.getByTestId('template-classes').fill(classes);
  await page.getByTestId('template-create').click();
  // The gallery closes when the layout (in the page's worker) is in: ResNet-152 takes a while on a busy machine.
  await page.getByTestId('template-gallery').waitFor({ state: 'detached', timeout: 90_000 });
}
