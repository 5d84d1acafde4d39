/**
 * Matrix products for the TypeScript kernels, run by the wasm backend's own
 * BatchMatMul (XNNPACK, SIMD): some 30× faster than the same multiply-adds as
 * plain loops, which is why the convolution gradients are phrased as products.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { wasmKernel } from './wasm-heap';

/**
 * `a · b` for rank-3 tensors on the wasm heap; returns a new tensor the caller
 * owns. XNNPACK repacks `b` on every call, so callers put the smaller matrix
 * there; and they transpose operands themselves, since the kernel's own
 * transposed modes run several times slower.
 */
export function wasmMatMul(backend: BackendWasm, a: TensorInfo, b: TensorInfo): TensorInfo {
  const matMul = wasmKernel(backend, 'BatchMatMul', 'convolution gradients');
  return matMul({ a, b }, { transposeA: false, transposeB: false });
}

/** The same data as `tensor` seen with another shape of equal size (no copy, no new reference). */
export function viewAs(tensor: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: tensor.dataId, shape, dtype: tensor.dtype };
}

/**
 * Most floats one chunk's patch matrix may hold (16 MiB). Big inputs (a
 * CIFAR-sized VGG block has 32·32·576 floats per sample) are processed a few
 * samples at a time so the scratch memory stays bounded.
 */
export const MAX_PATCH_FLOATS = 1 << 22;

/** How many samples one chunk takes when each sample's patch matrix has `floatsPerSample` floats (at most `maxFloats` a chunk, unless one sample has more). */
export function samplesPerChunk(batchSize: number, floatsPerSample: number, maxFloats = MAX_PATCH_FLOATS): number {
  return Math.max(1, Math.min(batchSize, Math.floor(maxFloats / floatsPerSample)));
}
