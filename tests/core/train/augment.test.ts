import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../core/data/random';
import { augmentBatch } from '../../../core/train/augment';
import { augmentationSchema, type Augmentation } from '../../../core/train/settings';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const none: Augmentation = augmentationSchema.parse({});
const only = (changes: Partial<Augmentation>): Augmentation => ({ ...none, ...changes });

/** A batch of 4 distinct 6×5 RGB images with values in 0–1. */
const batch = () =>
  tf.tidy(
    () =>
      tf.div(
        tf
          .range(0, 4 * 6 * 5 * 3)
          .reshape([4, 6, 5, 3])
          .mod(97),
        97,
      ) as tf.Tensor4D,
  );

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('augmentBatch', () => {
  const all = only({
    flipHorizontal: 0.5,
    flipVertical: 0.5,
    crop: 2,
    translate: 0.1,
    rotation: 20,
    scale: 0.2,
    brightness: 0.2,
    contrast: 0.3,
    saturation: 0.3,
    noise: 0.05,
  });

  it.each(Object.keys(all) as (keyof Augmentation)[])('keeps the shape and the 0–1 range with %s', (name) => {
    const images = batch();
    const out = augmentBatch(tf, images, only({ [name]: all[name] }), mulberry32(1));
    expect(out.shape).toEqual([4, 6, 5, 3]);
    expect(out.min().dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(out.max().dataSync()[0]).toBeLessThanOrEqual(1);
    expect(values(out)).not.toEqual(values(images));
    tf.dispose([images, out]);
  });

  it('gives the same result for the same seed and a different one for another', () => {
    const images = batch();
    const [a, b, c] = [5, 5, 6].map((seed) => augmentBatch(tf, images, all, mulberry32(seed)));
    expect(values(a)).toEqual(values(b));
    expect(values(a)).not.toEqual(values(c));
    tf.dispose([images, a, b, c]);
  });

  it('returns a copy when nothing is switched on, and leaves its input alone', () => {
    const images = batch();
    const before = values(images);
    const out = augmentBatch(tf, images, none, mulberry32(1));
    expect(out).not.toBe(images);
    expect(values(out)).toEqual(before);
    augmentBatch(tf, images, all, mulberry32(2)).dispose();
    expect(values(images)).toEqual(before);
    tf.dispose([images, out]);
  });

  it('transforms every image of a batch, not only the first', () => {
    const images = tf.ones([5, 4, 4, 1]) as tf.Tensor4D;
    const out = augmentBatch(tf, images, only({ rotation: 1 }), mulberry32(1));
    // A 1° turn about the centre leaves the centre pixels of every image near 1.
    const centres = values(out.slice([0, 1, 1, 0], [5, 2, 2, 1]));
    expect(centres.every((v) => v > 0.9)).toBe(true);
    tf.dispose([images, out]);
  });

  it('mirrors exactly with a flip of probability 1', () => {
    const images = batch();
    const horizontal = augmentBatch(tf, images, only({ flipHorizontal: 1 }), mulberry32(1));
    const vertical = augmentBatch(tf, images, only({ flipVertical: 1 }), mulberry32(1));
    expectClose(horizontal, tf.reverse(images, 2));
    expectClose(vertical, tf.reverse(images, 1));
    tf.dispose([images, horizontal, vertical]);
  });

  it('shifts by whole pixels with a random crop, filling with zeros', () => {
    const image = tf.ones([1, 8, 8, 1]) as tf.Tensor4D;
    for (let seed = 1; seed <= 10; seed++) {
      const out = augmentBatch(tf, image, only({ crop: 3 }), mulberry32(seed));
      const pixels = values(out);
      // Every value is exactly 0 or 1 (no interpolation), and the zeros form whole rows/columns.
      expect(pixels.every((v) => Math.abs(v) < 1e-6 || Math.abs(v - 1) < 1e-6)).toBe(true);
      const rows = [...Array(8).keys()].map((y) => pixels.slice(y * 8, y * 8 + 8).reduce((a, b) => a + b));
      const kept = pixels.reduce((a, b) => a + b);
      const fullRows = rows.filter((r) => r > 0.5).length;
      expect(kept % fullRows).toBeCloseTo(0, 5);
      expect(fullRows).toBeGreaterThanOrEqual(5);
      out.dispose();
    }
    image.dispose();
  });

  it('changes brightness by at most its strength, one shift per image', () => {
    const images = tf.fill([4, 3, 3, 1], 0.5) as tf.Tensor4D;
    const out = augmentBatch(tf, images, only({ brightness: 0.2 }), mulberry32(3));
    const perImage = [0, 1, 2, 3].map((i) => values(out).slice(i * 9, i * 9 + 9));
    for (const pixels of perImage) {
      expect(new Set(pixels.map((v) => v.toFixed(5))).size).toBe(1);
      expect(Math.abs(pixels[0] - 0.5)).toBeLessThanOrEqual(0.2 + 1e-6);
    }
    tf.dispose([images, out]);
  });

  it('keeps each image’s mean under contrast and its gray under saturation', () => {
    const images = batch();
    const contrast = augmentBatch(tf, images, only({ contrast: 0.3 }), mulberry32(4));
    // Clipping moves the mean, so only images that stayed inside 0–1 are checked.
    const meanBefore = values(tf.mean(images, [1, 2]));
    const meanAfter = values(tf.mean(contrast, [1, 2]));
    const maxAfter = values(tf.max(contrast, [1, 2, 3]));
    const minAfter = values(tf.min(contrast, [1, 2, 3]));
    meanBefore.forEach((m, i) => {
      const clipped = maxAfter[Math.floor(i / 3)] >= 1 - 1e-6 || minAfter[Math.floor(i / 3)] <= 1e-6;
      if (!clipped) expect(meanAfter[i]).toBeCloseTo(m, 5);
    });
    const gray = (t: tf.Tensor) => values(tf.sum(tf.mul(t, tf.tensor1d([0.299, 0.587, 0.114])), 3));
    // Squeezed into 0.4–0.6 so that ±30% saturation never clips.
    const muted = tf.add(tf.mul(images, 0.2), 0.4) as tf.Tensor4D;
    const saturated = augmentBatch(tf, muted, only({ saturation: 0.3 }), mulberry32(4));
    const grayBefore = gray(muted);
    gray(saturated).forEach((g, i) => expect(g).toBeCloseTo(grayBefore[i], 5));
    tf.dispose([images, contrast, saturated, muted]);
  });
});

function expectClose(actual: tf.Tensor, expected: tf.Tensor): void {
  const a = values(actual);
  const e = values(expected);
  expect(a.length).toBe(e.length);
  expect(Math.max(...a.map((v, i) => Math.abs(v - e[i])))).toBeLessThan(1e-5);
}
