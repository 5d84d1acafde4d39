/**
 * Threads for tfjs's wasm backend in Node. tfjs-backend-wasm ships a threaded
 * SIMD build (XNNPACK with a pool of Emscripten pthreads) but starts it only in
 * browsers: in Node its thread detection says no (tensorflow/tfjs#3830), and
 * its loader hands Emscripten two things Node's `worker_threads` cannot run, a
 * `blob:` URL for the pthread worker script and a Blob for the module script.
 * While the module starts, this keeps the text of both as tfjs creates them,
 * starts each pthread worker from that text (`eval`), hands it the module
 * script as text, and gives the worker the few names tfjs's Node bundle
 * expects in scope. Its knowledge of tfjs's internals is pinned to the version
 * it was written for; any other version runs on one thread, with the reason.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import workerThreads from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** The tfjs-backend-wasm release whose Node bundle this loader was written against. */
export const THREADED_WASM_VERSION = '4.22.0';

/** Marks a module script passed as text rather than as a file for `importScripts`. */
const INLINE_SCRIPT = 'netcanvas-inline-script:';

/**
 * The pthread worker's first code: the names tfjs's Node bundle has in module
 * scope (its `require`s of fs, path, perf_hooks and os, `commonjsGlobal`,
 * `_scriptDir`) made global for the module script, then Emscripten's worker
 * script, then an `importScripts` that also takes a script as text.
 */
function workerBootstrap(packageFile: string): string {
  return `
const { workerData } = require('node:worker_threads');
Object.assign(globalThis, {
  require,
  __filename: ${JSON.stringify(packageFile)},
  __dirname: ${JSON.stringify(packageFile.replace(/[\\/][^\\/]*$/, ''))},
  require$$0: require('node:fs'),
  require$$1: require('node:path'),
  require$$3: require('node:perf_hooks'),
  require$$4: require('node:os'),
  commonjsGlobal: globalThis,
  _scriptDir: undefined,
});
(0, eval)(workerData.script);
const importFile = globalThis.importScripts;
globalThis.importScripts = (f) =>
  f.startsWith(${JSON.stringify(INLINE_SCRIPT)}) ? (0, eval)(f.slice(${INLINE_SCRIPT.length})) : importFile(f);
`;
}

/**
 * Patches, for the module's start only, the globals tfjs's loader uses so
 * that the pthread workers can be made from text, and makes `os.cpus()` report
 * `reportedCores`; returns the undo. Workers hold the process open only while
 * the module starts: afterwards they wait for work forever, and a finished
 * command must still exit.
 */
function patchForStart(reportedCores: number): () => void {
  const byBlob = new WeakMap<object, string>();
  const byUrl = new Map<string, string>();
  const OriginalBlob = globalThis.Blob;
  const originalCreateObjectURL = URL.createObjectURL;
  const OriginalWorker = workerThreads.Worker;
  const originalCpus = os.cpus;
  const bootstrap = workerBootstrap(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const workers: workerThreads.Worker[] = [];
  let starting = true;

  class RecordingBlob extends OriginalBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (parts?.every((part) => typeof part === 'string')) byBlob.set(this, parts.join(''));
    }
  }
  class PthreadWorker extends OriginalWorker {
    constructor(file: string | URL, options?: workerThreads.WorkerOptions) {
      const script = typeof file === 'string' ? byUrl.get(file) : undefined;
      if (script === undefined) super(file, options);
      else super(bootstrap, { eval: true, workerData: { script } });
      workers.push(this);
    }
    override postMessage(message: unknown, transfer?: readonly workerThreads.TransferListItem[]): void {
      const load = message as { cmd?: string; urlOrBlob?: unknown } | null;
      const script = load?.cmd === 'load' && load.urlOrBlob ? byBlob.get(load.urlOrBlob) : undefined;
      super.postMessage(script === undefined ? message : { ...load, urlOrBlob: INLINE_SCRIPT + script }, transfer);
    }
    // Emscripten refs a worker whenever it runs a pthread; the pool's threads never end.
    override ref(): this {
      if (starting) super.ref();
      return this;
    }
  }

  globalThis.Blob = RecordingBlob;
  URL.createObjectURL = (object: Blob) => {
    const url = originalCreateObjectURL(object);
    const text = byBlob.get(object);
    if (text !== undefined) byUrl.set(url, text);
    return url;
  };
  workerThreads.Worker = PthreadWorker;
  const cpus = originalCpus();
  os.cpus = () => Array.from({ length: reportedCores }, (_, i) => cpus[i % cpus.length]);
  return () => {
    starting = false;
    globalThis.Blob = OriginalBlob;
    URL.createObjectURL = originalCreateObjectURL;
    workerThreads.Worker = OriginalWorker;
    os.cpus = originalCpus;
    for (const worker of workers) worker.unref();
    for (const url of byUrl.keys()) URL.revokeObjectURL(url);
  };
}

/**
 * Runs `start` (a `selectBackend` call that may start the wasm module) so that
 * the module starts its threaded build with a pool of `threads` threads; with
 * 1, or under another tfjs-backend-wasm version (whose internals this does not
 * know), it starts the one-thread build and `onSingle` hears why. The thread
 * count is fixed when the module starts: a process whose wasm backend already
 * runs keeps what it has (`wasmThreadCount()` tells).
 *
 * @example
 * const backend = await withNodeWasmThreads(2, () => selectBackend(undefined, { wasmThreads: 2 }));
 */
export async function withNodeWasmThreads<T>(
  threads: number,
  start: () => Promise<T>,
  onSingle?: (reason: string) => void,
): Promise<T> {
  if (threads <= 1) return start();
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (wasm.version_wasm !== THREADED_WASM_VERSION) {
    onSingle?.(
      `threads in Node are set up for @tensorflow/tfjs-backend-wasm ${THREADED_WASM_VERSION}, this is ${wasm.version_wasm}`,
    );
    return start();
  }
  const tf = await import('@tensorflow/tfjs');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  // tfjs-backend-wasm sizes its pool at most half the logical cores it reads, taking every core for two hardware threads.
  const undo = patchForStart(2 * threads);
  try {
    return await start();
  } finally {
    undo();
  }
}
