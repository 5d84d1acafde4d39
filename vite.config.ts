/**
 * Builds the renderer: `npm run build` writes static files to dist/renderer/
 * with relative asset paths, so they load from any static server and from
 * Electron's file:// URL alike.
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { CROSS_ORIGIN_ISOLATION_HEADERS } from './electron/security';
import { contentSecurityPolicy } from './scripts/vite-csp';
import { mnistAssets } from './scripts/vite-mnist-assets';
import { wasmThreads } from './scripts/vite-wasm-threads';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react(), mnistAssets(), contentSecurityPolicy()],
  // The training worker loads the wasm backend with a dynamic import, which needs an ES-module worker.
  // Its plugins are the worker bundles' own: the training worker loads tfjs's threaded wasm build.
  worker: { format: 'es', plugins: () => [wasmThreads()] },
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  // Cross-origin isolated, as the desktop app's pages are, so the training worker's wasm runs threaded.
  server: { host: '127.0.0.1', headers: CROSS_ORIGIN_ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', headers: CROSS_ORIGIN_ISOLATION_HEADERS },
});
