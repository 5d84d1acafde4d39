/**
 * The editor's side of the dataset worker: sends one request with its file
 * buffers transferred (not copied), relays progress, and resolves with the
 * dataset, whose arrays come back transferred too. A failed parse rejects
 * with the reader's own message, as when parsing ran on this thread.
 */
import type { Dataset } from '../../../core/data/dataset';
import { requestBuffers, type DatasetRequest, type DatasetResponse } from '../worker/dataset-request';

/** Reports parsing progress: a fraction 0–1 when known, and a line for the user. */
export type ParseProgress = (fraction: number | null, text: string) => void;

/** Parses `request` in a fresh module worker; the request's buffers are detached here once sent. */
export function parseInWorker(request: DatasetRequest, onProgress: ParseProgress): Promise<Dataset> {
  const worker = new Worker(new URL('../worker/dataset-worker.ts', import.meta.url), {
    type: 'module',
    name: 'netcanvas-dataset',
  });
  return new Promise<Dataset>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<DatasetResponse>) => {
      const message = event.data;
      if (message.type === 'progress') return onProgress(message.fraction, message.text);
      worker.terminate();
      if (message.type === 'done') return resolve(message.dataset);
      const error = new Error(message.message);
      error.name = message.name;
      reject(error);
    };
    worker.onerror = (event: ErrorEvent) => {
      worker.terminate();
      reject(new Error(`The dataset reader failed to run: ${event.message || 'the worker script did not load'}`));
    };
    worker.postMessage(request, requestBuffers(request));
  });
}
