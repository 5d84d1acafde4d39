import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { selfContainedFactory } from '../../scripts/vite-wasm-threads';

const require = createRequire(import.meta.url);
const threadedScript = readFileSync(
  require.resolve('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js'),
  'utf8',
);

/** The factory as a pthread worker evaluates it: its own text, alone, with only the worker's globals. */
function factoryText(script: string): string {
  const start = script.indexOf('function(WasmBackendModuleThreadedSimd) {');
  const end = script.lastIndexOf('return WasmBackendModuleThreadedSimd.ready');
  return script.slice(start, script.indexOf('}', end) + 1);
}

describe('the threaded wasm factory a pthread worker evaluates', () => {
  it('reads _scriptDir from the closure in the script tfjs ships, and declares it itself once patched', () => {
    const shipped = factoryText(threadedScript);
    expect(shipped).toContain('_scriptDir');
    expect(shipped).not.toMatch(/var _scriptDir\b/);
    const patched = factoryText(selfContainedFactory(threadedScript));
    expect(patched).toMatch(/^function\(WasmBackendModuleThreadedSimd\) \{\n {2}var _scriptDir;/);
    // Everything but the declaration is untouched.
    expect(patched.replace('\n  var _scriptDir;', '')).toBe(shipped);
  });

  it('refuses a script without the factory it patches, naming the file to check', () => {
    expect(() => selfContainedFactory('var x = 1;')).toThrow(
      /tfjs-backend-wasm-threaded-simd\.js .*vite-wasm-threads\.ts/,
    );
  });
});
