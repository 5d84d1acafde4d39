/**
 * Reading and writing tensors that live in the tfjs wasm backend's heap, for
 * kernels written in TypeScript. The wasm heap can grow on any allocation, and
 * growing it detaches every view taken before; so a kernel allocates all its
 * outputs and scratch tensors first and only then takes views.
 */
import { getKernel, type DataType, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * A float32 view of a tensor's data in the wasm heap, without copying.
 * Valid until the next allocation on the heap.
 */
export function heapFloat32(backend: BackendWasm, tensor: TensorInfo, role: string): Float32Array {
  if (tensor.dtype !== 'float32') {
    throw new Error(`wasm training kernel: ${role} must be float32, got ${tensor.dtype}`);
  }
  return backend.typedArrayFromHeap(tensor) as Float32Array;
}

/**
 * A new tensor on the wasm heap, filled with zeros. `makeOutput` returns
 * uninitialised (malloc'd) memory, and every kernel here accumulates into its
 * output or leaves padding positions untouched, so zeroing is needed.
 */
export function zeroedOutput(backend: BackendWasm, shape: number[], dtype: DataType = 'float32'): TensorInfo {
  const out = backend.makeOutput(shape, dtype);
  backend.typedArrayFromHeap(out).fill(0);
  return out;
}

/** Frees a scratch tensor a kernel made for itself and does not return. */
export function disposeScratch(backend: BackendWasm, tensor: TensorInfo): void {
  backend.disposeData(tensor.dataId);
}

/**
 * A tensor over floats `offset …` of `base`'s memory, without copying: what a
 * product reads as an operand when its rows already lie in place (see
 * `viaTapProducts` in ./conv2d-backprop-filter). The alias owns no memory:
 * release it with {@link releaseAlias}, never with `disposeData` (which would
 * free memory inside `base`), and before `base` is freed.
 */
export function heapAlias(backend: BackendWasm, base: TensorInfo, offset: number, shape: number[]): TensorInfo {
  const size = shape.reduce((a, b) => a * b, 1);
  const baseSize = base.shape.reduce((a, b) => a * b, 1);
  if (base.dtype !== 'float32' || offset < 0 || offset + size > baseSize) {
    throw new Error(`heapAlias: floats ${offset}…${offset + size} are not inside a float32 tensor of ${baseSize}`);
  }
  return backend.makeOutput(shape, 'float32', backend.getMemoryOffset(base.dataId) + offset * 4);
}

/** Forgets an alias made by {@link heapAlias} (and anything the backend cached for it), leaving the memory be. */
export function releaseAlias(backend: BackendWasm, alias: TensorInfo): void {
  const data = backend.dataIdMap.get(alias.dataId);
  if (data == null) return;
  backend.wasm.tfjs.disposeData(data.id);
  backend.dataIdMap.delete(alias.dataId);
}

/**
 * One of the wasm backend's own kernels (XNNPACK's SIMD code) as a function
 * run straight on the heap: no engine, no tape, no tensor bookkeeping, so
 * the caller owns what it returns and frees it with {@link disposeScratch}.
 * `purpose` names what is built on it, for the error a tfjs version without
 * the kernel would give.
 */
export function wasmKernel(
  backend: BackendWasm,
  name: string,
  purpose: string,
): (inputs: Record<string, TensorInfo>, attrs?: NamedAttrMap) => TensorInfo {
  const kernel = getKernel(name, 'wasm');
  if (kernel == null) throw new Error(`the wasm backend has no ${name} kernel to build ${purpose} on`);
  return (inputs, attrs = {}) => kernel.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}
