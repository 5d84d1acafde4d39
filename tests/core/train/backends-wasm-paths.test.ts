import * as tf from '@tensorflow/tfjs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { selectBackend, type WasmBinaryName } from '../../../core/train/backends';

// The wasm module loads once per process, so this file (one process under
// vitest) checks only the locator-function path of `wasmBinaries`.
describe('selectBackend with a wasm binary locator', () => {
  it('loads the SIMD, non-threaded binary from where the locator says', async () => {
    const distFolder = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
    const asked: WasmBinaryName[] = [];
    const backend = await selectBackend('wasm', {
      wasmBinaries: (name) => {
        asked.push(name);
        return join(distFolder, name);
      },
    });
    expect(backend).toBe('wasm');
    expect(asked).toContain('tfjs-backend-wasm-simd.wasm');
    expect(tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
  });
});
