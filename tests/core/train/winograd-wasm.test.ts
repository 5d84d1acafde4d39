import { describe, expect, it } from 'vitest';
import { WINOGRAD_WASM, WINOGRAD_WASM_SHARED } from '../../../core/train/wasm-kernels/winograd-wasm';
import { compileWinogradWat } from './winograd-wat-compile';

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe('the Winograd transforms module', () => {
  it('is stored as compiled from its text (else run `npx tsx scripts/build-winograd-wasm.ts`)', async () => {
    expect(WINOGRAD_WASM).toBe(base64(await compileWinogradWat(false)));
    expect(WINOGRAD_WASM_SHARED).toBe(base64(await compileWinogradWat(true)));
  });

  it('links to plain and to shared memory, as the single-thread and threaded builds have', () => {
    const exports = (bytes: string, memory: WebAssembly.Memory) =>
      Object.keys(
        new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(bytes, 'base64')), { env: { memory } }).exports,
      );
    const names = [
      ...[2, 4].flatMap((m) => [
        `inputTransform${m}`,
        `outputTransform${m}`,
        `filterTransform${m}`,
        `outputGradientTransform${m}`,
        `filterGradientTransform${m}`,
      ]),
      'filterGradientProduct',
      'convolutionProduct',
    ];
    expect(exports(WINOGRAD_WASM, new WebAssembly.Memory({ initial: 1 }))).toEqual(names);
    expect(exports(WINOGRAD_WASM_SHARED, new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true }))).toEqual(
      names,
    );
  });
});
