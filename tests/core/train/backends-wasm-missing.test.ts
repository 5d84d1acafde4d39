import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { selectBackend } from '../../../core/train/backends';

// A failed wasm load cannot be retried in the same process, so it has a file of its own.
describe('selectBackend when the wasm binaries are not where it is told', () => {
  it('falls back to cpu', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const rejected: string[] = [];
    const backend = await selectBackend(undefined, {
      wasmBinaries: '/nonexistent/netcanvas-wasm/',
      onRejected: (name) => rejected.push(name),
    });
    warn.mockRestore();
    expect(backend).toBe('cpu');
    expect(rejected).toEqual(['wasm']);
    expect(tf.getBackend()).toBe('cpu');
  });
});
