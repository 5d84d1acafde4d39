/**
 * The dataset worker: parses picked or fetched dataset files (IDX, CIFAR-10
 * batches or their tar.gz, image folders through the browser's decoder) off
 * the editor's thread, so unpacking 160 MB of CIFAR-10 never freezes the
 * window. One request per worker; the answer's arrays are transferred back.
 */
/// <reference lib="webworker" />
import { decodeWithBrowser } from './browser-decode';
import { datasetBuffers, handleDatasetRequest, type DatasetRequest, type DatasetResponse } from './dataset-request';

declare const self: DedicatedWorkerGlobalScope;

const post = (message: DatasetResponse, transfer: Transferable[] = []) => self.postMessage(message, transfer);

self.onmessage = async (event: MessageEvent<DatasetRequest>) => {
  const response = await handleDatasetRequest(event.data, {
    decode: decodeWithBrowser,
    onProgress: (fraction, text) => post({ type: 'progress', fraction, text }),
  });
  post(response, response.type === 'done' ? datasetBuffers(response.dataset) : []);
};
