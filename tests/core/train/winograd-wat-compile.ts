/** Compiling the Winograd transforms' text with wabt: shared by the build script and the test that the stored bytes are current. */
import wabtInit from 'wabt';
import { winogradWat } from '../../../core/train/wasm-kernels/winograd-wat';

/** The module's bytes for shared (threaded build) or plain memory. */
export async function compileWinogradWat(shared: boolean): Promise<Uint8Array> {
  const wabt = await wabtInit();
  const module = wabt.parseWat('winograd.wat', winogradWat(shared), { simd: true, threads: true });
  try {
    // wabt.js's validator refuses shared memories whatever the features; the engine validates it when compiling.
    if (!shared) module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}
