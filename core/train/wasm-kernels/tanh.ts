/**
 * Tanh for the tfjs wasm backend, replacing the one
 * @tensorflow/tfjs-backend-wasm 4.22 ships: that one calls a scalar
 * `std::tanh` per value, some 10× slower than the backend's Sigmoid (XNNPACK,
 * SIMD), and was the slowest kernel of a LeNet-5 training step. Here
 * `tanh(x) = 2·σ(2x) − 1`, with σ the backend's own Sigmoid and the two
 * element-wise maps as TypeScript loops over the heap. Doubling is exact in
 * float32, so the only error is σ's rounding, doubled: within 2.5e-7 of the
 * true value everywhere (tanh's gradient, 1 − y², is computed from this output).
 */
import { getKernel, Tanh, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { disposeScratch, heapFloat32 } from './wasm-heap';

/**
 * `out[i] = a·values[i] + b`. The element-wise loops are functions of their
 * own: a loop inside a longer kernel makes V8 (Chromium's newer versions)
 * compile it on its own ("on-stack replacement") and throw that code away
 * where the loop ends, on every call, so it ran mostly unoptimized in the
 * app's worker; a one-loop function is optimized whole after a few calls.
 */
function affine(values: Float32Array, a: number, b: number, out: Float32Array): void {
  for (let i = 0; i < values.length; i++) out[i] = a * values[i] + b;
}

/** The hyperbolic tangent of every value of a float32 tensor. */
function tanh(args: { inputs: { x: TensorInfo }; backend: BackendWasm }): TensorInfo {
  const { inputs, backend } = args;
  const { x } = inputs;
  const sigmoid = getKernel('Sigmoid', 'wasm');
  if (sigmoid == null) throw new Error('the wasm backend has no Sigmoid kernel to build Tanh on');
  const doubled = backend.makeOutput([...x.shape], 'float32');
  // Views only after the allocation above: it may have grown the heap.
  const values = heapFloat32(backend, x, 'x');
  const twice = heapFloat32(backend, doubled, 'doubled x');
  affine(values, 2, 0, twice);
  const out = sigmoid.kernelFunc({ inputs: { x: doubled }, backend, attrs: {} }) as TensorInfo;
  disposeScratch(backend, doubled);
  const result = heapFloat32(backend, out, 'tanh');
  affine(result, 2, -1, result);
  return out;
}

/** Registration record for {@link tanh} on the `wasm` backend. */
export const wasmTanhConfig: KernelConfig = {
  kernelName: Tanh,
  backendName: 'wasm',
  kernelFunc: tanh as unknown as KernelFunc,
};
