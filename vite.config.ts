/**
 * Builds the renderer: `npm run build` writes static files to dist/renderer/
 * with relative asset paths, so they load from any static server and from
 * Electron's file:// URL alike.
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { contentSecurityPolicy } from './scripts/vite-csp';
import { mnistAssets } from './scripts/vite-mnist-assets';

const root = fileURLToPath(new URL('./renderer', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react(), mnistAssets(), contentSecurityPolicy()],
  // The training worker loads the wasm backend with a dynamic import, which needs an ES-module worker.
  worker: { format: 'es' },
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
