import { describe, expect, it } from 'vitest';
import { summarize } from '../../../core/graph/summary';
import { MAX_WASM_THREADS, wasmThreadsFor } from '../../../core/train/wasm-threads';
import { getTemplate } from '../../../templates/index';

const macsPerSample = (id: string, input: number[]) =>
  summarize(getTemplate(id).build({ input, classes: 10 })).totals.macs;

describe('wasmThreadsFor', () => {
  it('gives the CIFAR-10 CNN every core and LeNet-5 one thread at batch 32, as measured in Node', () => {
    expect(wasmThreadsFor(macsPerSample('cifar-cnn', [32, 32, 3]), 32, 2)).toBe(2);
    expect(wasmThreadsFor(macsPerSample('lenet5', [28, 28, 1]), 32, 2)).toBe(1);
  });

  it('stops at the pool tfjs builds, and a large enough batch makes a small net worth threading', () => {
    expect(wasmThreadsFor(macsPerSample('cifar-cnn', [32, 32, 3]), 32, 64)).toBe(MAX_WASM_THREADS);
    expect(wasmThreadsFor(macsPerSample('lenet5', [28, 28, 1]), 1024, 4)).toBe(4);
    expect(wasmThreadsFor(1e9, 1, 1)).toBe(1);
  });
});
