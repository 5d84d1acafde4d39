/**
 * The dataset worker's handler, run here without a Worker: real IDX,
 * CIFAR-10 (batches and a GNU-tar tar.gz) and PNG bytes go in as the editor
 * sends them, and what comes out must be what the readers give on the
 * editor's thread, errors word for word, with transfer lists that
 * structured cloning (what postMessage does) accepts.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { decodeImageNode } from '../../cli/image-decode-node';
import { CIFAR10_CLASS_NAMES, cifar10Dataset, cifar10FromTarGz } from '../../core/data/cifar10';
import { classCounts, type Dataset } from '../../core/data/dataset';
import { DIGIT_CLASS_NAMES } from '../../core/data/idx';
import {
  datasetBuffers,
  handleDatasetRequest,
  requestBuffers,
  type DatasetRequest,
  type DatasetResponse,
  type RequestFile,
} from '../../renderer/training/worker/dataset-request';
import { cifarBatch, cyclingLabels } from '../fixtures-gen/cifar10';
import { idxImages, idxLabels, idxPixel } from '../fixtures-gen/idx';

const META = 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n';

/** A file as the editor hands it over: bytes in a buffer of their own. */
const file = (path: string, bytes: Uint8Array): RequestFile => ({ path, data: bytes.slice().buffer });

function cifarFiles(): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (let b = 1; b <= 5; b++) files[`data_batch_${b}.bin`] = cifarBatch(cyclingLabels(6, b), (b - 1) * 6);
  files['test_batch.bin'] = cifarBatch(cyclingLabels(4, 7), 1000);
  files['batches.meta.txt'] = new TextEncoder().encode(META);
  return files;
}

/** cifar-10-binary.tar.gz as downloaded: cifar-10-batches-bin/ packed by GNU tar. */
function cifarTarGz(files: Record<string, Uint8Array>): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'netcanvas-dataset-worker-'));
  mkdirSync(join(dir, 'cifar-10-batches-bin'));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, 'cifar-10-batches-bin', name), bytes);
  execFileSync('tar', ['-czf', join(dir, 'cifar-10-binary.tar.gz'), '-C', dir, 'cifar-10-batches-bin']);
  return new Uint8Array(readFileSync(join(dir, 'cifar-10-binary.tar.gz')));
}

function png(width: number, height: number, [r, g, b]: [number, number, number]): Uint8Array {
  const image = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) image.data.set([r, g, b, 255], p * 4);
  return new Uint8Array(PNG.sync.write(image));
}

/** Runs a request the way the worker does, keeping the progress lines it posts. */
async function handle(request: DatasetRequest): Promise<{ response: DatasetResponse; progress: string[] }> {
  const progress: string[] = [];
  const response = await handleDatasetRequest(request, {
    decode: decodeImageNode,
    onProgress: (_fraction, text) => progress.push(text),
  });
  return { response, progress };
}

function datasetOf(response: DatasetResponse): Dataset {
  if (response.type !== 'done') throw new Error(`expected a dataset, got ${JSON.stringify(response)}`);
  return response.dataset;
}

/** What postMessage does to the answer: a structured clone that moves the listed buffers. */
function postedBack(dataset: Dataset): Dataset {
  const buffers = datasetBuffers(dataset);
  const copy = structuredClone(dataset, { transfer: buffers });
  for (const buffer of buffers) expect(buffer.byteLength).toBe(0); // moved, not copied
  return copy;
}

describe('handleDatasetRequest', () => {
  it('parses MNIST-style IDX files into the dataset, whose arrays transfer back', async () => {
    const request: DatasetRequest = {
      kind: 'idx',
      name: 'mnist',
      files: [
        file('train-images-idx3-ubyte', idxImages(12, 5, 4)),
        file('train-labels-idx1-ubyte', idxLabels(cyclingLabels(12))),
        file('t10k-images-idx3-ubyte', idxImages(3, 5, 4)),
        file('t10k-labels-idx1-ubyte', idxLabels([9, 8, 7])),
      ],
      classNames: DIGIT_CLASS_NAMES,
    };
    const { response } = await handle(request);
    const mnist = postedBack(datasetOf(response));
    expect(mnist.name).toBe('mnist');
    expect(mnist.inputShape).toEqual([5, 4, 1]);
    expect(mnist.classNames).toEqual(DIGIT_CLASS_NAMES);
    expect(mnist.train.count).toBe(12);
    expect(mnist.train.images[(7 * 5 + 2) * 4 + 3]).toBe(idxPixel(7, 2, 3));
    expect(Array.from(mnist.test.labels)).toEqual([9, 8, 7]);
  });

  it('reads CIFAR-10 batch files and its tar.gz to the same dataset as core does on the editor thread', async () => {
    const files = cifarFiles();
    const onThread = cifar10Dataset(files);
    const batches = datasetOf(
      (await handle({ kind: 'cifar10', files: Object.entries(files).map(([path, bytes]) => file(path, bytes)) }))
        .response,
    );
    const { response, progress } = await handle({
      kind: 'cifar10-archive',
      archive: file('cifar-10-binary.tar.gz', cifarTarGz(files)),
    });
    expect(progress).toContain('Unpacking cifar-10-binary.tar.gz…');
    const archive = postedBack(datasetOf(response));
    for (const dataset of [batches, archive]) {
      expect(dataset.classNames).toEqual(CIFAR10_CLASS_NAMES);
      expect(dataset.inputShape).toEqual([32, 32, 3]);
      expect(dataset.train.count).toBe(30);
      expect(dataset.test.count).toBe(4);
      expect(Buffer.from(dataset.train.images).equals(Buffer.from(onThread.train.images))).toBe(true);
      expect(Array.from(dataset.train.labels)).toEqual(Array.from(onThread.train.labels));
    }
  });

  it('answers a bad file with the reader’s own error name and message, naming the file', async () => {
    const files = { ...cifarFiles(), 'data_batch_3.bin': cifarFiles()['data_batch_3.bin'].subarray(0, 3073 * 2 + 100) };
    const tarGz = cifarTarGz(files);
    let expected = '';
    try {
      cifar10FromTarGz(tarGz);
    } catch (e) {
      expected = (e as Error).message;
    }
    expect(expected).toMatch(
      /^cifar-10-binary\.tar\.gz\/cifar-10-batches-bin\/data_batch_3\.bin: record 2 is truncated/,
    );
    const { response } = await handle({ kind: 'cifar10-archive', archive: file('cifar-10-binary.tar.gz', tarGz) });
    expect(response).toEqual({ type: 'failed', name: 'DatasetError', message: expected });

    const broken = await handle({
      kind: 'idx',
      name: 'mnist',
      files: [
        file('train-images-idx3-ubyte', idxImages(4, 2, 2)),
        file('train-labels-idx1-ubyte', idxLabels([1, 2, 3])),
        file('t10k-images-idx3-ubyte', idxImages(1, 2, 2)),
        file('t10k-labels-idx1-ubyte', idxLabels([0])),
      ],
    });
    expect(broken.response).toEqual({
      type: 'failed',
      name: 'DatasetError',
      message: 'train-labels-idx1-ubyte: holds 3 labels but train-images-idx3-ubyte holds 4 images',
    });
  });

  it('decodes and resizes an image folder, counting images as it goes', async () => {
    const { response, progress } = await handle({
      kind: 'image-folder',
      name: 'shapes',
      inputShape: [4, 4, 3],
      train: {
        red: [file('a.png', png(8, 8, [255, 0, 0])), file('b.png', png(6, 6, [250, 0, 0]))],
        blue: [file('c.png', png(8, 8, [0, 0, 255]))],
      },
      test: { red: [file('d.png', png(8, 8, [255, 0, 0]))], blue: [file('e.png', png(8, 8, [0, 0, 255]))] },
    });
    const shapes = postedBack(datasetOf(response));
    expect(shapes.name).toBe('shapes');
    expect(shapes.classNames).toEqual(['blue', 'red']);
    expect(classCounts(shapes.train, 2)).toEqual([1, 2]);
    expect(shapes.test.count).toBe(2);
    expect(progress.at(-1)).toBe('Decoding images: 5 of 5');
    const redIndex = shapes.classNames.indexOf('red');
    const firstRed = Array.from(shapes.train.labels).indexOf(redIndex);
    expect(Array.from(shapes.train.images.subarray(firstRed * 48, firstRed * 48 + 3))[0]).toBeGreaterThan(240);
  });

  it('names a file that is not an image', async () => {
    const { response } = await handle({
      kind: 'image-folder',
      name: 'shapes',
      inputShape: [4, 4, 3],
      // Five images a class, so one of each is held out for testing and the split itself is sound.
      train: {
        red: [
          file('notes.png', new TextEncoder().encode('not a picture')),
          ...[1, 2, 3, 4].map((i) => file(`r${i}.png`, png(8, 8, [255, 0, 0]))),
        ],
        blue: [1, 2, 3, 4, 5].map((i) => file(`b${i}.png`, png(8, 8, [0, 0, 255]))),
      },
    });
    expect(response).toMatchObject({ type: 'failed', name: 'DatasetError' });
    expect(response.type === 'failed' && response.message).toMatch(/^red\/notes\.png: is neither PNG nor JPEG/);
  });
});

describe('requestBuffers', () => {
  it('lists every file buffer once, so posting the request moves the bytes instead of copying them', () => {
    const shared = file('a.png', png(2, 2, [1, 2, 3]));
    const request: DatasetRequest = {
      kind: 'image-folder',
      name: 'x',
      inputShape: [2, 2, 3],
      train: { a: [shared], b: [file('b.png', png(2, 2, [4, 5, 6]))] },
      test: { a: [shared] },
    };
    const buffers = requestBuffers(request);
    expect(buffers).toHaveLength(2);
    structuredClone(request, { transfer: buffers });
    expect(shared.data.byteLength).toBe(0);
  });
});
