/**
 * Makes tfjs-backend-wasm's threaded build start under a bundler. tfjs hands
 * each of its pthread workers the module's factory as text
 * (`factory.toString()`), and the worker evaluates it on its own, outside the
 * bundle. Emscripten's factory reads one variable of the closure around it,
 * `_scriptDir`; bundled and minified, that read becomes a bare name the
 * worker has never seen, and every thread dies with `ReferenceError: e is not
 * defined` (so training hangs waiting for its pool). This plugin declares the
 * variable inside the factory instead. In a worker `_scriptDir` is undefined
 * anyway (no `document.currentScript`), and tfjs passes the binary's URL
 * itself, so nothing else changes.
 */
import type { Plugin } from 'vite';

const THREADED_FACTORY = /@tensorflow[\\/]tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;
const FACTORY_START = 'function(WasmBackendModuleThreadedSimd) {';

/** `code` (the threaded build's Emscripten script) with `_scriptDir` declared inside its factory. */
export function selfContainedFactory(code: string): string {
  const at = code.indexOf(FACTORY_START);
  if (at < 0 || !code.includes('_scriptDir')) {
    throw new Error(
      'tfjs-backend-wasm-threaded-simd.js no longer has the factory this build patches (scripts/vite-wasm-threads.ts); check the threaded wasm build after upgrading tfjs',
    );
  }
  const end = at + FACTORY_START.length;
  return `${code.slice(0, end)}\n  var _scriptDir;${code.slice(end)}`;
}

/** The Vite plugin applying {@link selfContainedFactory} to the threaded build's script. */
export function wasmThreads(): Plugin {
  return {
    name: 'netcanvas-wasm-threads',
    enforce: 'pre',
    transform(code, id) {
      return THREADED_FACTORY.test(id.split('?')[0]) ? { code: selfContainedFactory(code), map: null } : null;
    },
  };
}
