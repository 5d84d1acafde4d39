import * as tf from '@tensorflow/tfjs';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImageNode } from '../../../cli/image-decode-node';
import { DatasetError, classCounts } from '../../../core/data/dataset';
import { imageFolderDataset, resizeBilinear, rgbaToChannels, type DecodedImage } from '../../../core/data/image-folder';

type Rgb = [number, number, number];

/** A real PNG file (pngjs), every pixel given by `colour(x, y)`. */
function png(
  width: number,
  height: number,
  colour: (x: number, y: number) => Rgb,
  options: { gray?: boolean } = {},
): Uint8Array {
  const image = new PNG({ width, height, ...(options.gray ? { colorType: 0 as const, inputColorType: 6 } : {}) });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colour(x, y);
      image.data.set([r, g, b, 255], (y * width + x) * 4);
    }
  }
  return new Uint8Array(PNG.sync.write(image, options.gray ? { colorType: 0, inputColorType: 6 } : {}));
}

/** A real JPEG file (jpeg-js, quality 100) of one colour. */
function solidJpeg(width: number, height: number, [r, g, b]: Rgb): Uint8Array {
  const data = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([r, g, b, 255], p * 4);
  return new Uint8Array(jpeg.encode({ width, height, data }, 100).data);
}

const solid = (colour: Rgb) => () => colour;

describe('resizeBilinear', () => {
  it('averages each 2×2 block when halving an image', () => {
    const source = Array.from({ length: 16 }, (_, i) => i); // 4×4, one channel
    expect(Array.from(resizeBilinear(source, 4, 4, 1, 2, 2))).toEqual([2.5, 4.5, 10.5, 12.5]);
  });

  it('samples at pixel centres when enlarging, holding the edge values', () => {
    expect(Array.from(resizeBilinear([0, 100], 2, 1, 1, 4, 1))).toEqual([0, 25, 75, 100]);
  });

  it('agrees with tf.image.resizeBilinear (half-pixel centres) on a random RGB image', async () => {
    await tf.setBackend('cpu');
    const [height, width] = [9, 7];
    const source = Float32Array.from({ length: height * width * 3 }, (_, i) => (i * 7919) % 256);
    const expected = tf.tidy(() =>
      tf.image.resizeBilinear(tf.tensor3d(source, [height, width, 3]), [4, 3], false, true).dataSync(),
    );
    const actual = resizeBilinear(source, width, height, 3, 3, 4);
    expect(actual.length).toBe(expected.length);
    actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 3));
  });
});

describe('rgbaToChannels', () => {
  it('drops alpha for RGB and weighs luma 0.299/0.587/0.114 for grayscale', () => {
    const rgba = [100, 150, 200, 7, 255, 0, 0, 255];
    expect(Array.from(rgbaToChannels(rgba, 2, 3))).toEqual([100, 150, 200, 255, 0, 0]);
    const gray = rgbaToChannels(rgba, 2, 1);
    expect(gray[0]).toBeCloseTo(140.75, 4);
    expect(gray[1]).toBeCloseTo(76.245, 4);
  });
});

describe('decodeImageNode', () => {
  it('decodes PNG (colour and grayscale) and JPEG files to RGBA', async () => {
    const colour = await decodeImageNode(
      png(3, 2, (x, y) => [x * 80, y * 200, 7]),
      'a.png',
    );
    expect([colour.width, colour.height, colour.data.length]).toEqual([3, 2, 24]);
    expect(Array.from(colour.data.subarray(5 * 4, 6 * 4))).toEqual([160, 200, 7, 255]);
    const gray = await decodeImageNode(png(2, 2, solid([90, 90, 90]), { gray: true }), 'g.png');
    expect(Array.from(gray.data.subarray(0, 4))).toEqual([90, 90, 90, 255]);
    const photo = await decodeImageNode(solidJpeg(16, 8, [200, 40, 90]), 'p.jpg');
    expect([photo.width, photo.height, photo.data.length]).toEqual([16, 8, 16 * 8 * 4]);
    const [r, g, b] = photo.data;
    for (const [actual, wanted] of [
      [r, 200],
      [g, 40],
      [b, 90],
    ])
      expect(Math.abs(actual - wanted)).toBeLessThanOrEqual(3);
  });

  it('refuses other formats', async () => {
    await expect(decodeImageNode(new TextEncoder().encode('GIF89a...'), 'x.gif')).rejects.toThrow(
      'x.gif is neither PNG nor JPEG (it starts with 47 49 46 38)',
    );
  });
});

describe('imageFolderDataset', () => {
  /** Ten images per class whose red value is the image's number, so each sample can be traced to its file. */
  const numbered = (green: number) =>
    Array.from({ length: 10 }, (_, i) => ({
      name: `img${String(i).padStart(2, '0')}.png`,
      bytes: png(4, 4, solid([i * 10, green, 0])),
    }));
  let classes: Record<string, { name: string; bytes: Uint8Array }[]>;
  beforeAll(() => {
    classes = { zebra: numbered(200), apple: numbered(100) };
  });

  it('sorts classes by name, resizes and holds out a stratified, seeded test part', async () => {
    const data = await imageFolderDataset(classes, { inputShape: [2, 2, 3], decode: decodeImageNode, seed: 3 });
    expect(data.classNames).toEqual(['apple', 'zebra']);
    expect(data.inputShape).toEqual([2, 2, 3]);
    expect(classCounts(data.train, 2)).toEqual([8, 8]);
    expect(classCounts(data.test, 2)).toEqual([2, 2]);
    // Green tells the class (apple 100, zebra 200); red tells the file; every image lands exactly once.
    const seen = new Set<string>();
    for (const split of [data.train, data.test]) {
      for (let n = 0; n < split.count; n++) {
        const pixel = Array.from(split.images.subarray(n * 12, n * 12 + 3));
        expect(pixel[1]).toBe(split.labels[n] === 0 ? 100 : 200);
        seen.add(`${split.labels[n]}:${pixel[0]}`);
      }
    }
    expect(seen.size).toBe(20);
    const again = await imageFolderDataset(classes, { inputShape: [2, 2, 3], decode: decodeImageNode, seed: 3 });
    expect(Array.from(again.test.images)).toEqual(Array.from(data.test.images));
    const otherSeed = await imageFolderDataset(classes, { inputShape: [2, 2, 3], decode: decodeImageNode, seed: 4 });
    expect(Array.from(otherSeed.test.images)).not.toEqual(Array.from(data.test.images));
  });

  it('puts pixels in NHWC order after resizing, in grayscale too', async () => {
    // 8×8: left half (x < 4) one colour, right half another; halving keeps every 2×2 block inside one half.
    const halves = png(8, 8, (x) => (x < 4 ? [100, 150, 200] : [10, 20, 30]));
    const folders = {
      a: [{ name: 'h.png', bytes: halves }],
      b: [{ name: 'j.jpg', bytes: solidJpeg(8, 8, [0, 0, 250]) }],
    };
    const rgb = await imageFolderDataset(folders, { inputShape: [4, 4, 3], decode: decodeImageNode, testFraction: 0 });
    expect(rgb.train.count).toBe(2);
    expect(rgb.test.count).toBe(0);
    const first = rgb.train.images.subarray(0, 48);
    expect(Array.from(first.subarray((2 * 4 + 1) * 3, (2 * 4 + 1) * 3 + 3))).toEqual([100, 150, 200]); // y 2, x 1
    expect(Array.from(first.subarray((3 * 4 + 2) * 3, (3 * 4 + 2) * 3 + 3))).toEqual([10, 20, 30]); // y 3, x 2
    const blue = rgb.train.images[48 + 2];
    expect(Math.abs(blue - 250)).toBeLessThanOrEqual(3);

    const gray = await imageFolderDataset(folders, { inputShape: [4, 4, 1], decode: decodeImageNode, testFraction: 0 });
    expect(gray.inputShape).toEqual([4, 4, 1]);
    expect(Array.from(gray.train.images.subarray(4, 8))).toEqual([141, 141, 18, 18]); // row 1: luma of (100,150,200) is 140.75, of (10,20,30) 18.15
  });

  it('uses separate test folders when given', async () => {
    const data = await imageFolderDataset(
      { apple: numbered(100).slice(0, 3), zebra: numbered(200).slice(0, 4) },
      { inputShape: [4, 4, 3], decode: decodeImageNode, test: { zebra: numbered(200).slice(5, 6) } },
    );
    expect(classCounts(data.train, 2)).toEqual([3, 4]);
    expect(classCounts(data.test, 2)).toEqual([0, 1]);
    expect(data.test.images[0]).toBe(50);
  });

  it.each<[string, Parameters<typeof imageFolderDataset>, RegExp]>([
    [
      'an undecodable file',
      [
        {
          a: [{ name: 'x.png', bytes: png(2, 2, solid([1, 2, 3])) }],
          b: [{ name: 'notes.png', bytes: new TextEncoder().encode('hello') }],
        },
        { inputShape: [2, 2, 3], decode: decodeImageNode, testFraction: 0 },
      ],
      /^b\/notes\.png: is neither PNG nor JPEG \(it starts with 68 65 6c 6c\)$/,
    ],
    [
      'an empty class',
      [
        { a: [{ name: 'x.png', bytes: png(2, 2, solid([1, 2, 3])) }], b: [] },
        { inputShape: [2, 2, 3], decode: decodeImageNode },
      ],
      /^image folder\/b: holds no images$/,
    ],
    [
      'a single class',
      [
        { a: [{ name: 'x.png', bytes: png(2, 2, solid([1, 2, 3])) }] },
        { inputShape: [2, 2, 3], decode: decodeImageNode },
      ],
      /needs at least two class folders, found a$/,
    ],
    [
      'four channels',
      [
        { a: [], b: [] },
        { inputShape: [2, 2, 4], decode: decodeImageNode },
      ],
      /cannot give images 4 channels: expected 1 \(grayscale\) or 3 \(RGB\)$/,
    ],
    [
      'a test class without training images',
      [
        {
          a: [{ name: 'x.png', bytes: png(2, 2, solid([1, 2, 3])) }],
          b: [{ name: 'y.png', bytes: png(2, 2, solid([1, 2, 3])) }],
        },
        { inputShape: [2, 2, 3], decode: decodeImageNode, test: { c: [] }, name: 'pets' },
      ],
      /^pets\/test\/c: is a test class with no training folder \(classes: a, b\)$/,
    ],
    [
      'a decoder that returns too few bytes',
      [
        {
          a: [{ name: 'x.png', bytes: png(2, 2, solid([1, 2, 3])) }],
          b: [{ name: 'y.png', bytes: png(2, 2, solid([1, 2, 3])) }],
        },
        {
          inputShape: [2, 2, 3],
          decode: async (): Promise<DecodedImage> => ({ width: 2, height: 2, data: new Uint8Array(12) }),
          testFraction: 0,
        },
      ],
      /^a\/x\.png: decoded to 12 bytes for 2×2 pixels, expected 16 \(RGBA\)$/,
    ],
  ])('refuses %s', async (_, args, message) => {
    const attempt = imageFolderDataset(...args);
    await expect(attempt).rejects.toThrow(DatasetError);
    await expect(imageFolderDataset(...args)).rejects.toThrow(message);
  });
});
