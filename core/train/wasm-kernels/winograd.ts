/**
 * 3×3 stride-1 convolutions by Winograd's minimal filtering on the tfjs wasm
 * backend, F(2×2, 3×3) and F(4×4, 3×3). A direct convolution spends 9
 * multiply-adds per input channel on each output; F(m×m, 3×3) transforms the
 * (m+2)×(m+2) input tile under an m×m block of outputs (`V = Bᵀ d B`),
 * multiplies it position by position with the transformed filter
 * (`U = G g Gᵀ`) and transforms the (m+2)² products back (`Aᵀ M A`): 16
 * multiplications per 4 outputs for m = 2 (2.25× fewer), 36 per 16 for m = 4
 * (4× fewer). Summed over input channels, the multiplications are (m+2)²
 * matrix products `[tiles, in] · [in, out]`. The transforms and the products
 * run in a small WebAssembly SIMD module of our own (`./winograd-wat`) on the
 * backend's memory, in place, on the calling thread. The products were
 * XNNPACK's first (one call a position, on its thread pool), but ours run
 * them faster on one core than XNNPACK did on two: one call for all
 * positions, no packing, and result planes spaced so the output transform
 * does not stall on 4K aliasing (see {@link winogradConv3x3}).
 *
 * The filter gradient is Winograd's too ({@link winogradFilterGradient}).
 * The transforms cost back part of the products' gain (they write and read
 * the planes, 4× (m = 2) or 2.25× (m = 4) the input's and the output's
 * size), so {@link winogradPays} decides by the measured sizes where it wins.
 */
import type { TensorInfo } from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { samplesPerChunk } from './matmul';
import { disposeScratch, heapFloat32, zeroedOutput } from './wasm-heap';
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
    tileBytes: number,
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
    tileBytes: number,
  ): void;
  filter(g: number, u: number, count: number, plane: number): void;
  /** The output gradient's tiles, `A dY Aᵀ`: the same arguments as `input`, with the padding 0. */
  outputGradient: Transforms['input'];
  /** The filter gradient from its (m+2)² products, `Gᵀ dU G`. */
  filterGradient(
    products: number,
    plane: number,
    dg: number,
    tapBytes: number,
    rows: number,
    rowBytes: number,
    columnBytes: number,
  ): void;
}

/** `C[p] (+)= V[p]ᵀ · M[p]` for every transform position p (see `filterGradientProduct` in ./winograd-wat). */
type FilterGradientProduct = (
  v: number,
  vPlane: number,
  dm: number,
  mPlane: number,
  c: number,
  cPlane: number,
  positions: number,
  tiles: number,
  vRowBytes: number,
  mRowBytes: number,
  tileBlock: number,
  accumulate: number,
) => void;

/** `C[p] = V[p] · U[p]` for every transform position p (see `convolutionProduct` in ./winograd-wat). */
type ConvolutionProduct = (
  v: number,
  vPlane: number,
  u: number,
  uPlane: number,
  c: number,
  cPlane: number,
  positions: number,
  tiles: number,
  depthBytes: number,
  columnBytes: number,
) => void;

/** The module's transforms by output tile side m: F(2×2, 3×3) and F(4×4, 3×3), and the products. */
interface WinogradTransforms extends Record<2 | 4, Transforms> {
  product: FilterGradientProduct;
  convolutionProduct: ConvolutionProduct;
}

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

/**
 * Most floats one chunk of samples' planes may hold (1 MiB): a transform
 * writes them and the product reads them straight after, from L2 at this
 * size rather than from L3 at 16 MiB (MAX_PATCH_FLOATS, the other kernels'
 * bound). The CIFAR-10 CNN's five layers, CPU ms, one thread, fastest of 10,
 * load 1.1, forward / filter gradient: 16 MiB 20.4 / 19.5, 4 MiB 19.1 / 18.3,
 * 1 MiB 18.7 / 18.0, 512 KiB 18.6 / 18.5 (the filter gradient's result is
 * read and written once a chunk, so smaller chunks start to cost).
 */
const CHUNK_FLOATS = 1 << 18;

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
      outputGradient: exports[`outputGradientTransform${m}`],
      filterGradient: exports[`filterGradientTransform${m}`],
    });
    transforms = {
      2: algorithm(2),
      4: algorithm(4),
      product: exports.filterGradientProduct,
      convolutionProduct: exports.convolutionProduct,
    };
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
 * outChannels` (CPU ms, one thread, batch 32, fastest of 9, direct →
 * Winograd): it wins from 8 channels each way on any map (32×32×8 → 32 4.8
 * → 3.0, 2×2×128 → 128 1.1 → 0.54, 4×4×64 → 64 1.1 → 0.35) and only breaks
 * even on an RGB input (32×32×3 → 32: 1.96 → 1.93), whose 3-channel tiles
 * cost their full transform for a thin product.
 */
export function winogradPays(inChannels: number, outChannels: number): boolean {
  return inChannels >= 8 && outChannels >= 8;
}

/**
 * The output tile side for an `outHeight × outWidth` output: the one whose
 * products are shorter, (m+2)² positions times the tiles that cover the
 * output; F(2×2) on a tie. So F(4×4) from 4×4 up except 6×6, where its four
 * tiles cover 8×8 (CPU ms, one thread, batch 32, F(2×2) / F(4×4); forward:
 * 4×4×64 → 64 0.43 / 0.35, 6×6×32 → 32 0.27 / 0.32, 8×8×64 → 64 1.89 / 1.25,
 * 2×2×128 → 128 0.54 / 1.16; filter gradient: 8×8×128 → 128 7.7 / 4.9,
 * 4×4×64 → 64 0.49 / 0.29, 6×6×32 → 32 0.26 / 0.31, 2×2×128 → 128 0.47 /
 * 1.23). The products run on one thread, so the pool's size does not matter.
 */
export function tileSide(outHeight: number, outWidth: number): 2 | 4 {
  const productLength = (m: number) => (m + 2) ** 2 * Math.ceil(outHeight / m) * Math.ceil(outWidth / m);
  return productLength(4) < productLength(2) ? 4 : 2;
}

/** True when this backend can run {@link winogradConv3x3} (its memory reachable, the module compiled). */
function winogradAvailable(backend: BackendWasm): boolean {
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

/** What a kernel computes by Winograd: a convolution ({@link winogradConv3x3}) or a filter gradient ({@link winogradFilterGradient}). */
export type WinogradComputation = 'convolution' | 'filter gradient';

/**
 * Whether Winograd computes this convolution's `computation` on `backend`: a
 * 3×3 filter at stride 1 without dilation, the transforms available, and,
 * for a convolution, channels where it measured faster ({@link winogradPays}).
 * The one rule for every kernel that routes here (the forward pass; the input
 * gradient, which is a forward convolution of dy; the filter gradient). The
 * filter gradient won on every size measured, an RGB input too (CPU ms, one
 * thread, batch 32, fastest of 7, the shifted-plane or gathered products →
 * Winograd): 32×32×3 → 32 4.7 → 1.9, 28×28×1 → 8 1.1 → 0.35, 2×2×128 → 128
 * 2.1 → 0.47, 6×6×32 → 32 1.5 → 0.26, 32×32×32 → 32 30.5 → 6.3.
 */
export function winogradRuns(
  backend: BackendWasm,
  conv: WinogradCandidate,
  computation: WinogradComputation = 'convolution',
): boolean {
  return (
    conv.filterHeight === 3 &&
    conv.filterWidth === 3 &&
    conv.strideHeight === 1 &&
    conv.strideWidth === 1 &&
    conv.dilationHeight === 1 &&
    conv.dilationWidth === 1 &&
    (computation === 'filter gradient' || winogradPays(conv.inChannels, conv.outChannels)) &&
    winogradAvailable(backend)
  );
}

/** Zeros rows `from … to` (of `width` floats) in each of `planes` planes, `plane` floats apart. */
function zeroRows(values: Float32Array, planes: number, plane: number, from: number, to: number, width: number): void {
  for (let p = 0; p < planes; p++) values.fill(0, p * plane + from * width, p * plane + to * width);
}

/** A copy of `matrix` (rows of its last dimension) with each row zero-padded to `columns` floats. */
function padColumns(backend: BackendWasm, matrix: TensorInfo, columns: number): TensorInfo {
  const width = matrix.shape[matrix.shape.length - 1];
  const rows = matrix.shape.reduce((a, b) => a * b, 1) / width;
  const padded = zeroedOutput(backend, [rows * columns]);
  const from = heapFloat32(backend, matrix, 'matrix');
  const to = heapFloat32(backend, padded, 'padded matrix');
  for (let row = 0; row < rows; row++) to.set(from.subarray(row * width, (row + 1) * width), row * columns);
  return padded;
}

/** What both kernels derive from the tile side `m` and the output size: the module's F(m×m, 3×3), the tile grid. */
function tiling(backend: BackendWasm, geometry: WinogradGeometry, m: 2 | 4) {
  const module = transformsFor(backend);
  if (module == null) throw new Error('Winograd: the transforms module is not available on this backend');
  const tileRows = Math.ceil(geometry.outHeight / m);
  const tileCols = Math.ceil(geometry.outWidth / m);
  return {
    module,
    transforms: module[m],
    positions: (m + 2) ** 2,
    tileRows,
    tileCols,
    tilesPerSample: tileRows * tileCols,
  };
}

/** A tensor's byte offset in the backend's memory, as the module's functions take it. */
const heapPointer = (backend: BackendWasm, tensor: TensorInfo) => backend.getMemoryOffset(tensor.dataId) as number;

/** `n` rounded up to a multiple of `step`. */
const roundUp = (n: number, step: number) => Math.ceil(n / step) * step;

/**
 * Bytes of both products' operands one block of tiles may hold, so that the
 * block stays in L1 while every 4 × 8 block of the result sweeps it. The five
 * CIFAR-10 CNN layers' filter gradients by F(4×4) (CPU ms, one thread, sum
 * of fastest of 7, load 3.7–4.7): 8 KiB 24.9, 16 KiB 22.4, 24 KiB 21.1,
 * 48 KiB 21.8, unblocked 24.0.
 */
const PRODUCT_BLOCK_BYTES = 24 * 1024;

/**
 * The filter gradient of the 3×3 stride-1 convolution of NHWC `x`
 * (`[n, h, w, in]`) whose output gradient is `dy` (`[n, outHeight, outWidth,
 * out]`): a new `[3, 3, in, out]` tensor the caller owns. The forward
 * convolution is `Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A` a tile, summed over input
 * channels and linear in each factor, so its filter gradient is
 * `dg = Gᵀ [Σ_tiles (A dY Aᵀ) ⊙ (Bᵀ d B)] G`: per transform position p,
 * `dU[p] = V[p]ᵀ · M[p]` over all tiles of all samples, with V the forward's
 * input transform and M the output gradient's tiles transformed by A. The
 * products run in the module too (see `filterGradientProduct`), on this
 * thread. Pixels outside the input read as 0 and outputs past dy's edge as
 * 0, so any padding and odd sizes work. Call only where
 * {@link winogradAvailable} holds.
 */
export function winogradFilterGradient(
  backend: BackendWasm,
  x: TensorInfo,
  dy: TensorInfo,
  geometry: WinogradGeometry,
  m: 2 | 4 = tileSide(geometry.outHeight, geometry.outWidth),
): TensorInfo {
  const [batch, height, width, inChannels] = x.shape;
  const outChannels = dy.shape[3];
  const { padTop, padLeft, outHeight, outWidth } = geometry;
  const { module, transforms, positions, tileRows, tileCols, tilesPerSample } = tiling(backend, geometry, m);
  // The product takes 4 rows (input channels) by 8 columns (output channels) at a time: zeros pad the rest.
  const rowFloats = roundUp(inChannels, 4);
  const columnFloats = roundUp(outChannels, 8);
  const chunk = samplesPerChunk(batch, positions * tilesPerSample * (rowFloats + columnFloats), CHUNK_FLOATS);
  const tileBlock = Math.max(8, Math.floor(PRODUCT_BLOCK_BYTES / (4 * (rowFloats + columnFloats))));
  const pointer = (tensor: TensorInfo) => heapPointer(backend, tensor);

  const result = backend.makeOutput([3, 3, inChannels, outChannels], 'float32');
  const inputPlane = chunk * tilesPerSample * rowFloats + PLANE_GAP;
  const gradientPlane = chunk * tilesPerSample * columnFloats + PLANE_GAP;
  const productPlane = rowFloats * columnFloats + PLANE_GAP;
  const inputPlanes = backend.makeOutput([positions * inputPlane], 'float32');
  const gradientPlanes = backend.makeOutput([positions * gradientPlane], 'float32');
  const productPlanes = backend.makeOutput([positions * productPlane], 'float32');
  // Zeros read for pixels outside the input and outputs past dy's edge.
  const zeros = zeroedOutput(backend, [Math.max(inChannels, outChannels)]);
  // The padding channels are never written: zeroed once, they stay zero for every chunk.
  if (rowFloats !== inChannels) backend.typedArrayFromHeap(inputPlanes).fill(0);
  if (columnFloats !== outChannels) backend.typedArrayFromHeap(gradientPlanes).fill(0);
  for (let first = 0; first < batch; first += chunk) {
    const count = Math.min(chunk, batch - first);
    transforms.input(
      pointer(x) + first * height * width * inChannels * 4,
      pointer(zeros),
      pointer(inputPlanes),
      inputPlane * 4,
      count,
      height,
      width,
      inChannels,
      tileRows,
      tileCols,
      padTop,
      padLeft,
      rowFloats * 4,
    );
    transforms.outputGradient(
      pointer(dy) + first * outHeight * outWidth * outChannels * 4,
      pointer(zeros),
      pointer(gradientPlanes),
      gradientPlane * 4,
      count,
      outHeight,
      outWidth,
      outChannels,
      tileRows,
      tileCols,
      0,
      0,
      columnFloats * 4,
    );
    module.product(
      pointer(inputPlanes),
      inputPlane * 4,
      pointer(gradientPlanes),
      gradientPlane * 4,
      pointer(productPlanes),
      productPlane * 4,
      positions,
      count * tilesPerSample,
      rowFloats * 4,
      columnFloats * 4,
      tileBlock,
      first === 0 ? 0 : 1,
    );
  }
  transforms.filterGradient(
    pointer(productPlanes),
    productPlane * 4,
    pointer(result),
    inChannels * outChannels * 4,
    inChannels,
    columnFloats * 4,
    outChannels * 4,
  );
  for (const scratch of [inputPlanes, gradientPlanes, productPlanes, zeros]) disposeScratch(backend, scratch);
  return result;
}

/**
 * The 3×3 stride-1 convolution of NHWC `x` (`[n, h, w, in]`) with `filter`
 * (`[3, 3, in, out]`), plus `bias` (`[out]`) if given, then ReLU if asked:
 * a new `[n, outHeight, outWidth, out]` tensor the caller owns. Pixels outside
 * the input read as 0, so any padding works. Call only where
 * {@link winogradAvailable} holds.
 *
 * The products write planes of their own, spaced off 4 KiB multiples: the
 * output transform reads 36 of them at once, and XNNPACK's outputs, which
 * malloc placed 16 bytes apart mod 4 KiB, stalled its loads (1.41 against
 * 0.88 ms on 32×32×32 → 32 last session). With the module's products instead
 * of XNNPACK's, the forward convolutions of the CIFAR-10 CNN's five 3×3
 * layers took 19.6 ms against 35.7 (CPU, one thread, batch 32, load 1.9), and
 * a training step 87.5 against 106.1 ms on one thread and 87.4 against 107.0
 * wall on two (min of 32, load 2.3; median 104.6 against 308: the pool's
 * threads wait for a core under load, one thread does not).
 */
export function winogradConv3x3(
  backend: BackendWasm,
  x: TensorInfo,
  filter: TensorInfo,
  geometry: WinogradGeometry,
  bias: TensorInfo | null,
  relu: boolean,
  m: 2 | 4 = tileSide(geometry.outHeight, geometry.outWidth),
): TensorInfo {
  const [batch, height, width, inChannels] = x.shape;
  const outChannels = filter.shape[3];
  const { padTop, padLeft, outHeight, outWidth } = geometry;
  const { module, transforms, positions, tileRows, tileCols, tilesPerSample } = tiling(backend, geometry, m);
  const columnFloats = roundUp(outChannels, 8);
  const chunk = samplesPerChunk(batch, positions * tilesPerSample * (inChannels + columnFloats), CHUNK_FLOATS);
  const pointer = (tensor: TensorInfo) => heapPointer(backend, tensor);

  const out = backend.makeOutput([batch, outHeight, outWidth, outChannels], 'float32');
  const filterPlane = inChannels * columnFloats + PLANE_GAP;
  const filterPlanes = backend.makeOutput([positions * filterPlane], 'float32');
  const chunkTiles = roundUp(chunk * tilesPerSample, 4);
  const tilePlane = chunkTiles * inChannels + PLANE_GAP;
  const tilePlanes = backend.makeOutput([positions * tilePlane], 'float32');
  const productPlane = chunkTiles * columnFloats + PLANE_GAP;
  const productPlanes = backend.makeOutput([positions * productPlane], 'float32');
  const zeros = zeroedOutput(backend, [Math.max(inChannels, outChannels)]);
  const sink = backend.makeOutput([outChannels], 'float32');
  const table = backend.makeOutput([positions], 'int32');
  // The product takes 8 output channels at a time: a filter with others is copied with zero columns added.
  const paddedFilter = columnFloats === outChannels ? null : padColumns(backend, filter, columnFloats);
  transforms.filter(pointer(paddedFilter ?? filter), pointer(filterPlanes), inChannels * columnFloats, filterPlane * 4);
  const tableValues = backend.typedArrayFromHeap(table) as Int32Array;
  for (let p = 0; p < positions; p++) tableValues[p] = pointer(productPlanes) + p * productPlane * 4;
  for (let first = 0; first < batch; first += chunk) {
    const count = Math.min(chunk, batch - first);
    const tiles = count * tilesPerSample;
    transforms.input(
      pointer(x) + first * height * width * inChannels * 4,
      pointer(zeros),
      pointer(tilePlanes),
      tilePlane * 4,
      count,
      height,
      width,
      inChannels,
      tileRows,
      tileCols,
      padTop,
      padLeft,
      inChannels * 4,
    );
    // The product takes 4 tiles at a time: the rows after the last tile read as zeros.
    const rows = roundUp(tiles, 4);
    if (rows !== tiles)
      zeroRows(heapFloat32(backend, tilePlanes, 'tile planes'), positions, tilePlane, tiles, rows, inChannels);
    module.convolutionProduct(
      pointer(tilePlanes),
      tilePlane * 4,
      pointer(filterPlanes),
      filterPlane * 4,
      pointer(productPlanes),
      productPlane * 4,
      positions,
      rows,
      inChannels * 4,
      columnFloats * 4,
    );
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
      columnFloats * 4,
    );
  }
  for (const scratch of [filterPlanes, tilePlanes, productPlanes, zeros, sink, table, paddedFilter]) {
    if (scratch != null) disposeScratch(backend, scratch);
  }
  return out;
}
