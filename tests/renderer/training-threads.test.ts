// @vitest-environment jsdom
/**
 * The wasm threads the Train view asks its worker for: every core for a
 * design big enough that threads pay, one for a small one (each of its many
 * small ops would only wait for the pool), and a fresh worker when the count
 * changes, since a worker's wasm module keeps the threads it started with.
 */
import { describe, expect, it } from 'vitest';
import { parseTrainingSettings } from '../../core/train/settings';
import { getTemplate } from '../../templates/index';
import { TrainingController, type WorkerPort } from '../../renderer/training/run/training-controller';
import type { FromWorker, ToWorker } from '../../renderer/training/worker/worker-protocol';

/**
 * A controller on `cores` cores whose workers record what they are sent and
 * answer every run with a failure, so the next may start; `workers` lists each
 * worker made, in order.
 */
function recordingController(cores: number) {
  const workers: { messages: ToWorker[]; terminated: boolean }[] = [];
  const controller = new TrainingController(
    () => {
      const record = { messages: [] as ToWorker[], terminated: false };
      workers.push(record);
      const port: WorkerPort = {
        onmessage: null,
        onerror: null,
        terminate: () => (record.terminated = true),
        postMessage: (message: ToWorker) => {
          record.messages.push(message);
          port.onmessage?.({ data: { type: 'error', kind: 'other', message: 'stopped' } } as MessageEvent<FromWorker>);
        },
      };
      return port;
    },
    'http://localhost/',
    () => ({}),
    undefined,
    cores,
  );
  return { controller, workers };
}

// LeNet-5 at 28×28: 0.28 M multiply-adds a sample, 9 M a step of 32; the CIFAR-10 CNN: 39 M, 1.2 G a step.
const lenet = getTemplate('lenet5').build({ input: [28, 28, 1], classes: 10 });
const cifar = getTemplate('cifar-cnn').build({ input: [32, 32, 3], classes: 10 });
const settings = parseTrainingSettings({ epochs: 1, batchSize: 32, seed: 1 });

const threadsSent = (message: ToWorker | undefined) =>
  message && (message.type === 'start' || message.type === 'search') ? message.wasmThreads : undefined;

describe('wasm threads per design', () => {
  it('gives a big design every core and a small one a single thread, replacing the worker only when the count changes', async () => {
    const { controller, workers } = recordingController(2);
    await controller.chooseDataset('toy-ring');
    const start = (graph: typeof lenet, batchSize = 32) => {
      controller.start({ graph, settings: { ...settings, batchSize }, limit: null, backend: 'wasm' });
    };
    start(lenet);
    start(lenet);
    expect(workers.map((w) => w.messages.map(threadsSent))).toEqual([[1, 1]]);
    start(cifar);
    expect(workers[0].terminated).toBe(true);
    expect(threadsSent(workers[1].messages[0])).toBe(2);
    // LeNet-5 at batch 1024 is 288 M multiply-adds a step: threads pay, in the worker that has them.
    start(lenet, 1024);
    expect(workers).toHaveLength(2);
    expect(threadsSent(workers[1].messages[1])).toBe(2);
    start(lenet);
    expect(workers).toHaveLength(3);
    expect(threadsSent(workers[2].messages[0])).toBe(1);
  });

  it('asks for one thread where the page cannot share memory between threads', async () => {
    const { controller, workers } = recordingController(1);
    await controller.chooseDataset('toy-ring');
    controller.start({ graph: cifar, settings, limit: null, backend: 'wasm' });
    expect(threadsSent(workers[0].messages[0])).toBe(1);
  });
});
