/**
 * Choosing the tfjs backend a training session runs on. A GPU is fastest
 * where a real one is reachable (browser, Electron renderer): WebGPU where the
 * runtime has it, else WebGL; wasm (SIMD, with the gradient kernels from
 * `./wasm-kernels` that make convolutions trainable) is the fast CPU path in
 * Node and the fallback in a browser without a GPU; the plain-JS `cpu`
 * backend always works. Each candidate must initialise and then pass a
 * one-step convolution gradient check before it is accepted, so a backend
 * that loads but cannot train is skipped, with the reason, rather than chosen.
 * A GPU backend that runs on a software renderer (SwiftShader, llvmpipe) is
 * passed over unless asked for by name: wasm is many times faster than it.
 */
import * as tf from '@tensorflow/tfjs';
import { BACKEND_ORDER, type BackendName } from './setting-fields';
import { registerWasmTrainingKernels } from './wasm-kernels/register';

export type { BackendName } from './setting-fields';

/** The three binaries tfjs-backend-wasm may load; it picks one by the runtime's SIMD and thread support. */
export type WasmBinaryName =
  'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm';

const WASM_BINARIES: readonly WasmBinaryName[] = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

/** Where the wasm backend finds its binaries, and other choices for {@link selectBackend}. */
export interface BackendOptions {
  /**
   * Where the `.wasm` files of @tensorflow/tfjs-backend-wasm are: a prefix
   * (URL or, in Node, a directory path ending in `/`) that each file name is
   * appended to, or a function from file name to its full URL or path (for
   * bundlers that rename assets). Leave it out in Node, where the package finds
   * its own files; a browser build must pass it.
   *
   * @example
   * // Vite: import each binary's URL and map names to them.
   * selectBackend(undefined, { wasmBinaries: (name) => wasmUrls[name] });
   */
  wasmBinaries?: string | ((fileName: WasmBinaryName) => string);
  /**
   * Threads the wasm backend may compute with (XNNPACK's pool), 1 by default.
   * More than one takes tfjs's threaded SIMD build, which runs only where the
   * runtime shares memory between workers: a cross-origin-isolated page or
   * worker (`crossOriginIsolated`), or Node when the CLI's
   * `withNodeWasmThreads` starts the module. Elsewhere (a page served without
   * COOP/COEP headers, plain Node) tfjs finds no thread support and wasm runs
   * on one thread; {@link wasmThreadCount} tells which it got.
   */
  wasmThreads?: number;
  /**
   * Told about each backend tried and passed over, with the reason (the
   * runtime lacks it, an initialisation error, a software GPU, a failed
   * training check), so the UI can explain why training runs on another
   * backend than the best one or the one the user asked for.
   */
  onRejected?: (backend: BackendName, reason: string) => void;
}

/** A backend tried and passed over, and why, as {@link BackendOptions.onRejected} is told it. */
export interface PassedOverBackend {
  backend: BackendName;
  reason: string;
}

/** The environment's order of preference, best first. */
function defaultOrder(): BackendName[] {
  // IS_BROWSER is true in windows and web workers (tfjs checks for both), false in Node.
  return [...BACKEND_ORDER[tf.env().getBool('IS_BROWSER') ? 'browser' : 'node']];
}

/**
 * Loads the wasm backend package (lazily, so apps and tests that never use
 * wasm do not register it), points it at its binaries, and adds the training
 * kernels it lacks. The threaded build is turned off unless threads are asked
 * for: it needs cross-origin isolation, and tfjs's own check for it is what
 * decides (it says no in Node). The kernels NetCanvas adds run on the calling
 * thread; the XNNPACK products and convolutions they call use the pool.
 */
async function prepareWasm(options: BackendOptions): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const threads = Math.max(1, Math.floor(options.wasmThreads ?? 1));
  if (threads === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  // Read once, when the module starts; a later call changes nothing.
  else wasm.setThreadsCount(threads);
  const { wasmBinaries } = options;
  if (typeof wasmBinaries === 'string') {
    wasm.setWasmPaths(wasmBinaries);
  } else if (typeof wasmBinaries === 'function') {
    wasm.setWasmPaths(Object.fromEntries(WASM_BINARIES.map((name) => [name, wasmBinaries(name)])));
  }
  registerWasmTrainingKernels();
}

/**
 * True when the active backend computes a convolution and both its gradients
 * correctly: the least a backend must do to train a CNN. Reads the results
 * asynchronously: a GPU backend refuses or stalls on synchronous reads.
 */
async function canTrainConvolutions(): Promise<boolean> {
  const expected = { dx: [1, 1, 0, 1, 0, -1, 0, -1, -1], dFilter: [12, 16, 24, 28] };
  const gradients = tf.tidy(() => {
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const filter = tf.tensor4d([1, 0, 0, -1], [2, 2, 1, 1]);
    return tf.grads((input: tf.Tensor, w: tf.Tensor) =>
      tf.conv2d(input as tf.Tensor4D, w as tf.Tensor4D, 1, 'valid').sum(),
    )([x, filter]);
  });
  try {
    const [dx, dFilter] = await Promise.all(gradients.map((g) => g.data()));
    const close = (actual: ArrayLike<number>, want: number[]) =>
      actual.length === want.length && want.every((v, i) => Math.abs(actual[i] - v) < 1e-5);
    return close(dx, expected.dx) && close(dFilter, expected.dFilter);
  } finally {
    tf.dispose(gradients);
  }
}

/** What NetCanvas reads of a WebGPU adapter (core has no DOM types). */
export interface GpuAdapterLike {
  /** Chromium 114+ (`GPUAdapterInfo`); `isFallbackAdapter` moved here in Chromium 136. */
  readonly info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
  /** Where older runtimes (Electron before Chromium 136) say it. */
  readonly isFallbackAdapter?: boolean;
}

/** The part of `navigator.gpu` NetCanvas calls. */
interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null>;
}

/** The part of a WebGL context {@link webglSoftwareRenderer} reads. */
interface WebGLLikeContext {
  readonly RENDERER: number;
  getExtension(name: string): unknown;
  getParameter(name: number): unknown;
}

/** Words that name a software rasteriser in a GPU's renderer or adapter description. */
const SOFTWARE_RENDERER = /swiftshader|llvmpipe|lavapipe|softpipe|software|basic render|microsoft warp/i;

/**
 * The name of the software renderer behind a WebGPU adapter, or null for
 * hardware ({@link selectBackend} passes a software one over unless asked
 * for). A fallback adapter is by definition one with "significant performance
 * caveats": in practice SwiftShader, the CPU emulating a GPU, which Chromium
 * offers with `--enable-unsafe-webgpu` where no GPU is usable.
 */
export function adapterSoftwareName(adapter: GpuAdapterLike): string | null {
  const { info } = adapter;
  const name = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ').trim();
  if (info?.isFallbackAdapter || adapter.isFallbackAdapter || SOFTWARE_RENDERER.test(name)) return name || 'fallback';
  return null;
}

/** The active WebGL backend's renderer when it is a software one (SwiftShader), else null. */
function webglSoftwareRenderer(): string | null {
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLLikeContext } }).gpgpu?.gl;
  if (!gl) return null;
  const debugInfo = gl.getExtension('WEBGL_debug_renderer_info') as { UNMASKED_RENDERER_WEBGL: number } | null;
  const renderer = String(gl.getParameter(debugInfo ? debugInfo.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
  return SOFTWARE_RENDERER.test(renderer) ? renderer : null;
}

/** Why a software GPU is passed over when not asked for by name. */
const softwareGpuReason = (name: BackendName, renderer: string) =>
  `its only GPU is a software renderer (${renderer}), slower than the CPU backends; choose ${name} by name to train on it anyway`;

/**
 * Readies WebGPU: says why not where the runtime has no WebGPU or no adapter
 * (tfjs's own start would throw a TypeError on a missing adapter) or only a
 * software one that was not asked for; else loads the backend package, which
 * registers `webgpu`. Loaded only here, so a build or runtime that never
 * trains on WebGPU never fetches it.
 */
async function prepareWebGpu(askedFor: boolean): Promise<string | null> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (!gpu) return 'this runtime has no WebGPU (navigator.gpu is missing)';
  // The same preference tfjs passes when it starts the backend, so both see the same adapter.
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return 'no WebGPU adapter (the browser offers no GPU for WebGPU here, or has WebGPU turned off)';
  const software = adapterSoftwareName(adapter);
  if (software && !askedFor) return softwareGpuReason('webgpu', software);
  await import('@tensorflow/tfjs-backend-webgpu');
  return null;
}

/**
 * Makes `name` the active backend if it initialises and can train; otherwise
 * says why not. `askedFor`: the user named it, so a software GPU is accepted.
 */
async function tryBackend(name: BackendName, options: BackendOptions, askedFor: boolean): Promise<string | null> {
  try {
    if (name === 'wasm') await prepareWasm(options);
    if (name === 'webgpu') {
      const problem = await prepareWebGpu(askedFor);
      if (problem) return problem;
    }
    // setBackend resolves false (and tfjs logs a warning) when the backend fails to initialise.
    if (!(await tf.setBackend(name))) return 'it failed to initialise';
    await tf.ready();
    if (name === 'webgl' && !askedFor) {
      const software = webglSoftwareRenderer();
      if (software) return softwareGpuReason('webgl', software);
    }
    return (await canTrainConvolutions()) ? null : 'it computed a convolution gradient wrongly';
  } catch (error) {
    // webgl is not registered in Node, and a wasm package or binary that fails
    // to load throws or rejects; either way the next candidate is tried.
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The threads the active wasm backend computes with (1 for the single-threaded
 * build), or null when wasm is not the active backend.
 */
export async function wasmThreadCount(): Promise<number | null> {
  if (tf.getBackend() !== 'wasm') return null;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  return wasm.getThreadsCount();
}

/**
 * Activates the best tfjs backend that can train a CNN here and returns its
 * name, for the UI and logs to report. Tries `preferred` first, then, in a
 * browser, webgpu → webgl → wasm → cpu (a GPU only when it is hardware, or
 * when it is `preferred`), and in Node, wasm → cpu. When wasm is chosen, the
 * gradient kernels it lacks are registered first. Each backend passed over is
 * told to `options.onRejected` with the reason.
 *
 * @example
 * const backend = await selectBackend();          // 'wasm' in Node
 * const forced = await selectBackend('cpu');       // 'cpu'
 */
export async function selectBackend(preferred?: BackendName, options: BackendOptions = {}): Promise<BackendName> {
  const order = defaultOrder();
  const candidates = preferred ? [preferred, ...order.filter((name) => name !== preferred)] : order;
  for (const name of candidates) {
    const rejection = await tryBackend(name, options, name === preferred);
    if (rejection === null) return name;
    options.onRejected?.(name, rejection);
  }
  throw new Error(`No tfjs backend could train here; tried ${candidates.join(', ')}`);
}
