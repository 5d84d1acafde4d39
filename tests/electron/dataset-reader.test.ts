import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { datasetFromFiles } from '../../core/data/dataset-files';
import { decodeImageNode } from '../../cli/image-decode-node';
import { DatasetPickError, readDatasetFiles } from '../../electron/dataset-reader';
import { createIpcHandlers } from '../../electron/ipc-handlers';
import { cifarBatch, cyclingLabels } from '../fixtures-gen/cifar10';
import { idxBytes, idxImages, idxLabels } from '../fixtures-gen/idx';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'netcanvas-data-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function write(rel: string, bytes: Uint8Array | string) {
  await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
  await fs.writeFile(path.join(dir, rel), bytes);
}

function png(value: number): Uint8Array {
  const image = new PNG({ width: 4, height: 4 });
  image.data.fill(value);
  return PNG.sync.write(image);
}

describe('reading picked datasets in the main process', () => {
  it('reads an IDX folder with progress and core builds the dataset from it', async () => {
    await write('train-images-idx3-ubyte', idxImages(12, 28, 28));
    await write('train-labels-idx1-ubyte', idxLabels(cyclingLabels(12)));
    await write('t10k-images-idx3-ubyte', idxImages(6, 28, 28));
    await write('t10k-labels-idx1-ubyte', idxLabels(cyclingLabels(6)));
    await write('README.txt', 'not data');
    await write('.DS_Store', 'hidden');
    const progress: number[] = [];
    const opened = await readDatasetFiles('idx', dir, (p) => progress.push(p.loadedBytes / p.totalBytes));
    expect(opened.files.map((f) => f.path)).toEqual([
      't10k-images-idx3-ubyte',
      't10k-labels-idx1-ubyte',
      'train-images-idx3-ubyte',
      'train-labels-idx1-ubyte',
    ]);
    expect(progress).toHaveLength(4);
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const dataset = await datasetFromFiles('idx', opened.name, opened.files);
    expect([dataset.train.count, dataset.test.count, dataset.inputShape]).toEqual([12, 6, [28, 28, 1]]);
  });

  it('finds CIFAR-10 batches inside cifar-10-batches-bin/ when the folder above is picked', async () => {
    await write('cifar-10-batches-bin/data_batch_1.bin', cifarBatch(cyclingLabels(5)));
    await write('cifar-10-batches-bin/test_batch.bin', cifarBatch(cyclingLabels(3)));
    await write(
      'cifar-10-batches-bin/batches.meta.txt',
      'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n',
    );
    const opened = await readDatasetFiles('cifar10', dir);
    const dataset = await datasetFromFiles('cifar10', opened.name, opened.files);
    expect([dataset.train.count, dataset.test.count, dataset.classNames[3]]).toEqual([5, 3, 'cat']);
  });

  it('reads an image folder with train/ and test/ splits, one subfolder per class', async () => {
    for (const [split, cls, value] of [
      ['train', 'cat', 10],
      ['train', 'cat', 20],
      ['train', 'dog', 200],
      ['train', 'dog', 210],
      ['test', 'cat', 15],
      ['test', 'dog', 205],
    ] as const)
      await write(`${split}/${cls}/${value}.png`, png(value));
    await write('train/dog/notes.txt', 'ignored');
    const opened = await readDatasetFiles('image-folder', dir);
    expect(opened.files).toHaveLength(6);
    const dataset = await datasetFromFiles('image-folder', opened.name, opened.files, {
      imageShape: [2, 2, 1],
      decode: decodeImageNode,
    });
    expect(dataset.classNames).toEqual(['cat', 'dog']);
    expect([dataset.train.count, dataset.test.count]).toEqual([4, 2]);
    expect([...dataset.test.labels]).toEqual([0, 1]);
  });

  it('says what it looked for when the folder holds nothing usable', async () => {
    await write('photo.png', png(1));
    await expect(readDatasetFiles('idx', dir)).rejects.toThrow(DatasetPickError);
    await expect(readDatasetFiles('cifar10', dir)).rejects.toThrow(/holds no CIFAR-10 binary files/);
  });

  it('refuses an unknown dataset kind from the renderer before showing any dialog', async () => {
    let asked = false;
    const handlers = createIpcHandlers(
      { showOpen: async () => [], showSave: async () => null, showFolder: async () => ((asked = true), dir) },
      { opened: () => undefined, saved: () => undefined },
    );
    await expect(handlers.openDataset('../../etc', () => undefined)).rejects.toThrow(/Refused request/);
    expect(asked).toBe(false);
    await write('train-images-idx3-ubyte', idxBytes([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
    const opened = await handlers.openDataset('idx', () => undefined);
    expect(asked).toBe(true);
    expect(opened?.files.map((f) => f.path)).toEqual(['train-images-idx3-ubyte']);
    // Read once, read-only: the folder grants nothing to the project calls.
    expect(await handlers.grants.projectPath(path.join(dir, 'train-images-idx3-ubyte'))).toBeNull();
  });
});
