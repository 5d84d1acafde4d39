/**
 * BatchMatMul for the tfjs wasm backend, around the one
 * @tensorflow/tfjs-backend-wasm 4.22 ships. That one sends a product to
 * XNNPACK (SIMD, threaded) only when neither operand is transposed; asked for
 * `aᵀ·b` or `a·bᵀ` it runs a plain scalar triple loop on one thread. Every
 * Dense layer's gradients ask for exactly those (`dW = xᵀ·dy`, `dx = dy·Wᵀ`),
 * so here a transposed operand is first materialised and the product then
 * takes the XNNPACK path. The copy is a TypeScript loop over the heap: the
 * backend's own Transpose kernel moves a 2048×128 matrix some 10× slower.
 */
import {
  BatchMatMul,
  type BatchMatMulAttrs,
  type KernelConfig,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { disposeScratch, heapFloat32 } from './wasm-heap';

/** Product of the dimensions before the last two: 1 for a single matrix. */
const batchOf = (shape: readonly number[]) => shape.slice(0, -2).reduce((a, b) => a * b, 1);

/** Side of the square tiles the transpose copies, so reads and writes both stay in cache. */
const TILE = 32;

/**
 * The single matrix `x` (`[…1, rows, cols]`) transposed, as a new
 * `[…1, cols, rows]` tensor of the same rank (the product's output shape
 * follows its inputs' ranks) that the caller owns.
 */
function transposed(backend: BackendWasm, x: TensorInfo): TensorInfo {
  const rows = x.shape[x.shape.length - 2];
  const cols = x.shape[x.shape.length - 1];
  const out = backend.makeOutput([...x.shape.slice(0, -2), cols, rows], 'float32');
  // Views only after the allocation above: it may have grown the heap.
  const from = heapFloat32(backend, x, 'matrix');
  const to = heapFloat32(backend, out, 'transposed matrix');
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    for (let c0 = 0; c0 < cols; c0 += TILE) transposeTile(from, to, rows, cols, r0, c0);
  }
  return out;
}

/**
 * Copies the tile at rows `r0…`, columns `c0…` of `from` (`rows × cols`) into
 * `to` transposed. A function of its own, called once a tile: a loop nest
 * inside a longer kernel makes V8 (Chromium's newer versions) compile the
 * inner loop alone and throw that code away where it ends, on every call, so
 * the copy ran mostly unoptimized in the app's worker.
 */
function transposeTile(from: Float32Array, to: Float32Array, rows: number, cols: number, r0: number, c0: number): void {
  const rEnd = Math.min(rows, r0 + TILE);
  const cEnd = Math.min(cols, c0 + TILE);
  for (let r = r0; r < rEnd; r++) {
    for (let c = c0, src = r * cols + c0; c < cEnd; c++, src++) to[c * rows + r] = from[src];
  }
}

/**
 * The wasm BatchMatMul that wraps the backend's own `builtIn`: products of
 * single float matrices with a transposed operand are reordered first; everything
 * else (untransposed, or batched, which the built-in loops over anyway) goes
 * to the built-in as asked.
 */
export function wasmBatchMatMulConfig(builtIn: KernelConfig): KernelConfig {
  const run = builtIn.kernelFunc as unknown as (args: {
    inputs: { a: TensorInfo; b: TensorInfo };
    backend: BackendWasm;
    attrs: BatchMatMulAttrs;
  }) => TensorInfo;
  function batchMatMul(args: {
    inputs: { a: TensorInfo; b: TensorInfo };
    backend: BackendWasm;
    attrs: BatchMatMulAttrs;
  }): TensorInfo {
    const { inputs, backend, attrs } = args;
    const { a, b } = inputs;
    const { transposeA, transposeB } = attrs;
    if (
      (!transposeA && !transposeB) ||
      batchOf(a.shape) !== 1 ||
      batchOf(b.shape) !== 1 ||
      a.dtype !== 'float32' ||
      b.dtype !== 'float32'
    )
      return run(args);
    // XNNPACK packs the right-hand operand afresh on every call (gradients are
    // new tensors each step), and packing a large one costs more than the
    // product: so when the result's width N far exceeds its height M, the
    // product is taken the other way round, Cᵀ = Bᵀ·Aᵀ, packing the small side.
    const rows = a.shape[a.shape.length - (transposeA ? 1 : 2)];
    const cols = b.shape[b.shape.length - (transposeB ? 2 : 1)];
    const swap = 2 * rows < cols;
    const scratch: TensorInfo[] = [];
    const plain = (x: TensorInfo, wantTransposed: boolean) => {
      if (!wantTransposed) return x;
      const copy = transposed(backend, x);
      scratch.push(copy);
      return copy;
    };
    const product = (left: TensorInfo, right: TensorInfo) =>
      run({ inputs: { a: left, b: right }, backend, attrs: { transposeA: false, transposeB: false } });
    try {
      if (!swap) return product(plain(a, transposeA), plain(b, transposeB));
      const flipped = product(plain(b, !transposeB), plain(a, !transposeA));
      scratch.push(flipped);
      return transposed(backend, flipped);
    } finally {
      for (const tensor of scratch) disposeScratch(backend, tensor);
    }
  }
  return {
    kernelName: BatchMatMul,
    backendName: 'wasm',
    // The built-in's setup binds its wasm function; the wrapper runs it.
    setupFunc: builtIn.setupFunc,
    kernelFunc: batchMatMul as unknown as KernelFunc,
  };
}
