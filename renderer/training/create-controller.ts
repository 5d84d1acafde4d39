/** The app's training controller, with its worker built by Vite as a module worker. */
import { TrainingController, type WorkerPort } from './training-controller';
import { wasmBinaryUrls } from './wasm-binaries';

/** A controller whose runs happen in `train-worker.ts`. */
export function createTrainingController(): TrainingController {
  return new TrainingController(
    () =>
      new Worker(new URL('./train-worker.ts', import.meta.url), {
        type: 'module',
        name: 'netcanvas-training',
      }) as unknown as WorkerPort,
    document.baseURI,
    wasmBinaryUrls,
  );
}
