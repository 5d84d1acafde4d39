import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { adapterSoftwareName, selectBackend, wasmThreadCount } from '../../../core/train/backends';

/** One fit step of a tiny conv net on the active backend; returns its loss. */
async function trainOneStep(): Promise<number> {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [6, 6, 1], filters: 2, kernelSize: 3, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
  const xs = tf.ones([4, 6, 6, 1]);
  const ys = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
  const history = await model.fit(xs, ys, { epochs: 1, verbose: 0 });
  tf.dispose([xs, ys]);
  model.dispose();
  return history.history.loss[0] as number;
}

describe('selectBackend in Node', () => {
  it('picks wasm by default, with its training kernels, so a conv net trains', async () => {
    // Threads asked for: tfjs finds no thread support in Node, so wasm runs its single-threaded build.
    expect(await selectBackend(undefined, { wasmThreads: 4 })).toBe('wasm');
    expect(await wasmThreadCount()).toBe(1);
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(Number.isFinite(await trainOneStep())).toBe(true);
  });

  it('honours an explicit cpu preference', async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(await wasmThreadCount()).toBeNull();
  });

  it('falls back from webgl, which Node does not have, to wasm, and says why', async () => {
    const rejected: [string, string][] = [];
    expect(await selectBackend('webgl', { onRejected: (name, reason) => rejected.push([name, reason]) })).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(rejected).toHaveLength(1);
    expect(rejected[0][0]).toBe('webgl');
    expect(rejected[0][1]).toMatch(/webgl/i);
  });

  it('passes webgpu over in Node, saying the runtime has no WebGPU, and trains on wasm', async () => {
    const rejected: [string, string][] = [];
    expect(await selectBackend('webgpu', { onRejected: (name, reason) => rejected.push([name, reason]) })).toBe('wasm');
    expect(rejected).toEqual([['webgpu', 'this runtime has no WebGPU (navigator.gpu is missing)']]);
    expect(tf.getBackend()).toBe('wasm');
    // The package is loaded only where WebGPU exists: nothing registered it here.
    expect(tf.engine().registryFactory.webgpu).toBeUndefined();
  });
});

describe('adapterSoftwareName', () => {
  it('names the software adapter headless Chromium offers with --enable-unsafe-webgpu', () => {
    // What Chromium 156 here answers to navigator.gpu.requestAdapter() (adapter.info).
    const swiftShader = { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true };
    expect(adapterSoftwareName({ info: swiftShader })).toBe('google swiftshader');
    // Older runtimes say it on the adapter, and a fallback adapter with no name is still software.
    expect(adapterSoftwareName({ isFallbackAdapter: true, info: {} })).toBe('fallback');
    expect(adapterSoftwareName({ info: { vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } })).toBe(
      'mesa llvmpipe (LLVM 15.0.6, 256 bits)',
    );
  });

  it('takes a hardware adapter as hardware', () => {
    expect(adapterSoftwareName({ info: { vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: false } })).toBe(
      null,
    );
    expect(adapterSoftwareName({ info: { vendor: 'apple', architecture: 'metal-3' } })).toBeNull();
  });
});
