/** The app's training controller, with its worker built by Vite as a module worker. */
import type { EditorStore } from '../../state/editor-store';
import { TrainingController, type WorkerPort } from './training-controller';
import { wasmBinaryUrls } from '../worker/wasm-binaries';

/** A controller whose runs happen in `worker/train-worker.ts` and whose trained models go into `store`. */
export function createTrainingController(store: EditorStore): TrainingController {
  return new TrainingController(
    () =>
      new Worker(new URL('../worker/train-worker.ts', import.meta.url), {
        type: 'module',
        name: 'netcanvas-training',
      }) as unknown as WorkerPort,
    document.baseURI,
    wasmBinaryUrls,
    store,
    globalThis.crossOriginIsolated === true ? navigator.hardwareConcurrency : 1,
  );
}
