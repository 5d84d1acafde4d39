/**
 * 3×3 stride-1 convolutions by Winograd's minimal filtering on the tfjs wasm
 * backend, F(2×2, 3×3) and F(4×4, 3×3). A direct convolution spends 9
 * multiply-adds per input channel on each output; F(m×m, 3×3) transforms the
 * (m+2)×(m+2) input tile under an m×m block of outputs (`V = Bᵀ d B`),
 * multiplies it position by position with the transformed filter
 * (`U = G g Gᵀ`) and transforms the (m+2)² products back (`Aᵀ M A`): 16
 * multiplications per 4 outputs for m = 2 (2.25× fewer), 36 per 16 for m = 4
 * (4× fewer). Summed over input channels, the multiplications are (m+2)²
 * matrix products `[tiles, in] · [in, out]`, which run in XNNPACK (SIMD,
 * threaded) like any other product here; the transforms run in a small
 * WebAssembly SIMD module of our own (`./winograd-wat`) on the backend's
 * memory, in place.
 *
 * The transforms cost back part of the products' gain (they write and read
 * the planes, 4× (m = 2) or 2.25× (m = 4) the input's and the output's
 * size), so {@link winogradPays} decides by the measured sizes where it wins.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { samplesPerChunk, wasmMatMul } from './matmul';
import { disposeScratch, heapAlias, releaseAlias, zeroedOutput } from './wasm-heap';
import { WINOGRAD_WASM, WINOGRAD_WASM_SHARED } from './winograd-wasm';

/** One algorithm's transforms in the module (pointers are byte offsets into the backend's memory). */
interface Transforms {
  input(
    x: number,
    zero: number,
    v: number,
    plane: number,
    samples: number,
    height: number,
    width: number,
    channels: number,
    tileRows: number,
    tileCols: number,
    padTop: number,
    padLeft: number,
  ): void;
  output(
    table: number,
    y: number,
    sink: number,
    bias: number,
    low: number,
    samples: number,
    height: number,
    width: number,
    channels: number,
    tileRows: number,
    tileCols: number,
  ): void;
  filter(g: number, u: number, count: number, plane: number): void;
}

/** The module's transforms by output tile side m: F(2×2, 3×3) and F(4×4, 3×3). */
type WinogradTransforms = Record<2 | 4, Transforms>;

/**
 * Floats between consecutive planes of transformed input tiles or filters,
 * beyond the plane itself. Without it the planes start a multiple of 4 KiB
 * apart, a transform's stores fall on the same 4 KiB offsets, and the CPU
 * stalls on false load/store conflicts ("4K aliasing"): F(2×2)'s input
 * transform took 4.4 ms for the 32×32×32 layer at batch 32, 1.5 ms with 272
 * bytes between planes (which spread the planes over the whole 4 KiB);
 * F(4×4)'s filter transform for 128 → 128 channels took 1.3–1.5 ms, 0.10–0.14
 * with the gap.
 */
const PLANE_GAP = 68;

/** One instance per backend memory; `null`: the memory is not reachable or the module does not compile here. */
const instances = new WeakMap<object, WinogradTransforms | null>();

/** The backend's WebAssembly memory: Emscripten keeps it under one name in the threaded build, another in the plain one. */
function backendMemory(backend: BackendWasm): WebAssembly.Memory | null {
  const module = backend.wasm as unknown as { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
  const memory = module.wasmMemory ?? module.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * The transforms module on `backend`'s memory, or null where it cannot run
 * (a tfjs build whose memory we cannot reach, a runtime without SIMD): the
 * caller then convolves directly. Compiled synchronously (23 KB), once per memory.
 */
function transformsFor(backend: BackendWasm): WinogradTransforms | null {
  const memory = backendMemory(backend);
  if (memory == null) return null;
  if (instances.has(memory)) return instances.get(memory) ?? null;
  let transforms: WinogradTransforms | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
    const module = new WebAssembly.Module(decodeBase64(shared ? WINOGRAD_WASM_SHARED : WINOGRAD_WASM));
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, never>;
    const algorithm = (m: 2 | 4): Transforms => ({
      input: exports[`inputTransform${m}`],
      output: exports[`outputTransform${m}`],
      filter: exports[`filterTransform${m}`],
    });
    transforms = { 2: algorithm(2), 4: algorithm(4) };
  } catch {
    transforms = null; // no SIMD, or an import the runtime refuses: the direct convolution serves
  }
  instances.set(memory, transforms);
  return transforms;
}

/** Where a convolution's output sits over its input: padding before the first row and column, output size. */
export interface WinogradGeometry {
  padTop: number;
  padLeft: number;
  outHeight: number;
  outWidth: number;
}

/**
 * Whether Winograd beats the backend's direct convolution for `inChannels →
 * outChannels` onto an `outHeight × outWidth` output (CPU ms, one thread,
 * batch 32, fastest of 7, direct → Winograd). The products are
 * `[tiles, in] · [in, out]`: with few channels they are too thin for XNNPACK
 * to run at speed while the transforms still cost their full size (RGB input,
 * 32×32×3 → 32: 1.9 → 2.8; with 8 input channels it wins, 5.1 → 4.0); and
 * tiny maps have too few tiles for 16 products to pay for their calls
 * (2×2×128 → 128: 1.1 → 1.5; 4×4×64 → 64 still wins, 1.06 → 0.92).
 */
export function winogradPays(inChannels: number, outChannels: number, outHeight: number, outWidth: number): boolean {
  return inChannels >= 8 && outChannels >= 8 && outHeight >= 4 && outWidth >= 4;
}

/**
 * The output tile side for an `outHeight × outWidth` output on `threads`
 * threads: F(4×4, 3×3) (36 products a tile, 4× fewer multiplications than
 * direct) from 16×16 up, and from 8×8 up on one thread; F(2×2, 3×3) below.
 * F(4×4) has 4× fewer tiles, so on small maps each of its 36 products is
 * short and the pool's threads get little each (wall ms, batch 32, two
 * threads, quiet, F(2×2) / F(4×4): 8×8×128 → 128 5.7 / 6.1, 8×8×64 → 128
 * 2.9 / 3.3, 16×16×64 → 64 5.9 / 5.1; one thread, CPU ms: 8×8×128 → 128
 * 10.6 / 9.0, 8×8×64 → 128 5.4 / 4.7).
 */
export function tileSide(outHeight: number, outWidth: number, threads = 1): 2 | 4 {
  const side = Math.min(outHeight, outWidth);
  return side >= 16 || (side >= 8 && threads === 1) ? 4 : 2;
}

/** Threads the backend's XNNPACK pool computes with (1 in the single-thread build). */
function threadCount(backend: BackendWasm): number {
  const tfjs = backend.wasm.tfjs as unknown as { getThreadsCount?: () => number };
  return tfjs.getThreadsCount?.() ?? 1;
}

/** True when this backend can run {@link winogradConv3x3} (its memory reachable, the module compiled). */
export function winogradAvailable(backend: BackendWasm): boolean {
  return transformsFor(backend) != null;
}

/** A convolution's geometry, as `backend_util.Conv2DInfo` names it, seen from the output it computes. */
export interface WinogradCandidate {
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  inChannels: number;
  outChannels: number;
  outHeight: number;
  outWidth: number;
}

/**
 * Whether {@link winogradConv3x3} computes this convolution on `backend`: a
 * 3×3 filter at stride 1 without dilation, channels and output size where it
 * measured faster ({@link winogradPays}), and the transforms available. The
 * one rule for every kernel that routes a convolution here (the forward pass,
 * and the input gradient, which is a forward convolution of dy).
 */
export function winogradRuns(backend: BackendWasm, conv: WinogradCandidate): boolean {
  return (
    conv.filterHeight === 3 &&
    conv.filterWidth === 3 &&
    conv.strideHeight === 1 &&
    conv.strideWidth === 1 &&
    conv.dilationHeight === 1 &&
    conv.dilationWidth === 1 &&
    winogradPays(conv.inChannels, conv.outChannels, conv.outHeight, conv.outWidth) &&
    winogradAvailable(backend)
  );
}

/**
 * The 3×3 stride-1 convolution of NHWC `x` (`[n, h, w, in]`) with `filter`
 * (`[3, 3, in, out]`), plus `bias` (`[out]`) if given, then ReLU if asked:
 * a new `[n, outHeight, outWidth, out]` tensor the caller owns. Pixels outside
 * the input read as 0, so any padding works. Call only where
 * {@link winogradAvailable} holds.
 */
export function winogradConv3x3(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  geometry: WinogradGeometry,
  bias: TensorInfo | null,
  relu: boolean,
  m: 2 | 4 = tileSide(geometry.outHeight, geometry.outWidth, threadCount(backend)),
): TensorInfo {
  const module = transformsFor(backend);
  if (module == null) throw new Error('winogradConv3x3: the transforms module is not available on this backend');
  const [batch, height, width, inChannels] = x.shape;
  const outChannels = filter.shape[3];
  const { padTop, padLeft, outHeight, outWidth } = geometry;
  const transforms = module[m];
  const positions = (m + 2) * (m + 2);
  const tileRows = Math.ceil(outHeight / m);
  const tileCols = Math.ceil(outWidth / m);
  const tilesPerSample = tileRows * tileCols;
  const chunk = samplesPerChunk(batch, positions * tilesPerSample * Math.max(inChannels, outChannels));
  const pointer = (tensor: TensorInfo) => backend.getMemoryOffset(tensor.dataId) as number;

  const out = backend.makeOutput([batch, outHeight, outWidth, outChannels], 'float32');
  const filterPlane = inChannels * outChannels + PLANE_GAP;
  const filterPlanes = backend.makeOutput([positions * filterPlane], 'float32');
  const tilePlanes = backend.makeOutput([positions * (chunk * tilesPerSample * inChannels + PLANE_GAP)], 'float32');
  // Zeros read for pixels outside the input and as the bias when there is none; scratch for outputs past an edge.
  const zeros = zeroedOutput(backend, [Math.max(inChannels, outChannels)]);
  const sink = backend.makeOutput([outChannels], 'float32');
  const table = backend.makeOutput([positions], 'int32');
  transforms.filter(pointer(filter), pointer(filterPlanes), inChannels * outChannels, filterPlane * 4);
  const filterAliases = Array.from({ length: positions }, (_, p) =>
    heapAlias(backend, filterPlanes, p * filterPlane, [1, inChannels, outChannels]),
  );
  for (let first = 0; first < batch; first += chunk) {
    const count = Math.min(chunk, batch - first);
    const tiles = count * tilesPerSample;
    const plane = tiles * inChannels + PLANE_GAP;
    transforms.input(
      pointer(x) + first * height * width * inChannels * 4,
      pointer(zeros),
      pointer(tilePlanes),
      plane * 4,
      count,
      height,
      width,
      inChannels,
      tileRows,
      tileCols,
      padTop,
      padLeft,
    );
    const products: TensorInfo[] = [];
    for (let p = 0; p < positions; p++) {
      const tilesAlias = heapAlias(backend, tilePlanes, p * plane, [1, tiles, inChannels]);
      products.push(wasmMatMul(backend, tilesAlias, filterAliases[p]));
      releaseAlias(backend, tilesAlias);
    }
    // The products' allocations may have grown the heap: offsets are stable, views are taken after.
    const tableValues = backend.typedArrayFromHeap(table) as Int32Array;
    products.forEach((product, p) => (tableValues[p] = pointer(product)));
    transforms.output(
      pointer(table),
      pointer(out) + first * outHeight * outWidth * outChannels * 4,
      pointer(sink),
      bias == null ? pointer(zeros) : pointer(bias),
      relu ? 0 : -Infinity,
      count,
      outHeight,
      outWidth,
      outChannels,
      tileRows,
      tileCols,
    );
    for (const product of products) disposeScratch(backend, product);
  }
  for (const alias of filterAliases) releaseAlias(backend, alias);
  for (const scratch of [filterPlanes, tilePlanes, zeros, sink, table]) disposeScratch(backend, scratch);
  return out;
}
