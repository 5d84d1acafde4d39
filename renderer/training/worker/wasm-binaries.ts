/**
 * Where the built app keeps tfjs-backend-wasm's binaries: Vite copies each
 * into the build under a hashed name and gives its URL, which the worker
 * hands to `selectBackend`.
 */
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { WasmBinaryName } from '../../../core/train/backends';

/** Absolute URLs of the three binaries, by the file name tfjs asks for (a worker resolves relative URLs against itself). */
export function wasmBinaryUrls(base: string): Record<WasmBinaryName, string> {
  return {
    'tfjs-backend-wasm.wasm': new URL(plain, base).href,
    'tfjs-backend-wasm-simd.wasm': new URL(simd, base).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL(threadedSimd, base).href,
  };
}
