/**
 * Data augmentation on the fly: random changes to each training batch made
 * with tensor ops, so they run on the training backend (the GPU in the app).
 * All randomness comes from the `random` source passed in, so a seeded run
 * augments identically every time.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tfjs } from '../layers/layer-spec';
import type { Augmentation } from './settings';

/** Whether any augmentation is switched on. */
export function augments(a: Augmentation): boolean {
  return Object.values(a).some((strength) => strength > 0);
}

const uniform = (random: () => number, lo: number, hi: number) => lo + (hi - lo) * random();

/**
 * One projective transform per sample for `tf.image.transform`, combining
 * flips, rotation, zoom and shift about the image centre. tfjs maps each
 * output pixel back to the input pixel it reads, so this is the inverse of
 * the forward motion `p_out = C + s·R(θ)·F·(p_in − C) + t`:
 * `p_in = C + F·R(−θ)·(p_out − C − t)/s`.
 */
function geometricTransforms(
  count: number,
  height: number,
  width: number,
  a: Augmentation,
  random: () => number,
): number[] {
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const transforms: number[] = [];
  for (let i = 0; i < count; i++) {
    const fx = random() < a.flipHorizontal ? -1 : 1;
    const fy = random() < a.flipVertical ? -1 : 1;
    const theta = (uniform(random, -a.rotation, a.rotation) * Math.PI) / 180;
    const s = uniform(random, 1 - a.scale, 1 + a.scale);
    // Pad-and-crop moves the image by a whole number of pixels in −crop … crop.
    const cropX = Math.floor(random() * (2 * a.crop + 1)) - a.crop;
    const cropY = Math.floor(random() * (2 * a.crop + 1)) - a.crop;
    const tx = uniform(random, -a.translate, a.translate) * width + cropX;
    const ty = uniform(random, -a.translate, a.translate) * height + cropY;
    const cos = Math.cos(theta) / s;
    const sin = Math.sin(theta) / s;
    const m00 = fx * cos;
    const m01 = fx * sin;
    const m10 = -fy * sin;
    const m11 = fy * cos;
    const ox = cx + tx;
    const oy = cy + ty;
    transforms.push(m00, m01, cx - (m00 * ox + m01 * oy), m10, m11, cy - (m10 * ox + m11 * oy), 0, 0);
  }
  return transforms;
}

/**
 * Augments a batch of images `[n, h, w, c]` with values in 0–`maxValue` (1
 * for scaled pixels, 255 for raw ones): geometric changes (flips, crop,
 * shift, rotation, zoom; uncovered pixels become 0), then colour
 * (brightness, contrast, saturation), then noise, and clips the result to
 * 0–`maxValue`. Brightness and noise strengths are fractions of `maxValue`.
 * Returns a new tensor of the same shape; the input is kept.
 *
 * @example
 * const augmented = augmentBatch(tf, batch, { ...none, flipHorizontal: 0.5, crop: 4 }, mulberry32(7));
 */
export function augmentBatch(
  tf: Tfjs,
  images: tfjs.Tensor4D,
  a: Augmentation,
  random: () => number,
  maxValue = 1,
): tfjs.Tensor4D {
  const [count, height, width, channels] = images.shape;
  return tf.tidy(() => {
    let x: tfjs.Tensor4D = images;
    const geometric =
      a.flipHorizontal > 0 || a.flipVertical > 0 || a.crop > 0 || a.translate > 0 || a.rotation > 0 || a.scale > 0;
    if (geometric) {
      const transforms = geometricTransforms(count, height, width, a, random);
      if (tf.getBackend() === 'cpu') {
        // tfjs-backend-cpu 4.22's Transform kernel returns after the first image of a batch and leaves
        // the rest as fill, so on that backend each image is transformed on its own.
        const one = (image: tfjs.Tensor4D, i: number) =>
          tf.image.transform(image, tf.tensor2d(transforms.slice(i * 8, i * 8 + 8), [1, 8]), 'bilinear', 'constant', 0);
        x = tf.concat(
          tf.split(x, count, 0).map((image, i) => one(image as tfjs.Tensor4D, i)),
          0,
        );
      } else {
        x = tf.image.transform(x, tf.tensor2d(transforms, [count, 8]), 'bilinear', 'constant', 0);
      }
    }
    const perSample = (lo: number, hi: number) =>
      tf.tensor4d(
        Array.from({ length: count }, () => uniform(random, lo, hi)),
        [count, 1, 1, 1],
      );
    if (a.brightness > 0) x = tf.add(x, perSample(-a.brightness * maxValue, a.brightness * maxValue));
    if (a.contrast > 0) {
      const mean = tf.mean(x, [1, 2], true);
      x = tf.add(tf.mul(tf.sub(x, mean), perSample(1 - a.contrast, 1 + a.contrast)), mean);
    }
    if (a.saturation > 0 && channels === 3) {
      // ITU-R 601 luma, as tf.image.rgbToGrayscale weighs it.
      const gray = tf.sum(tf.mul(x, tf.tensor1d([0.299, 0.587, 0.114])), 3, true);
      x = tf.add(tf.mul(tf.sub(x, gray), perSample(1 - a.saturation, 1 + a.saturation)), gray);
    }
    if (a.noise > 0) {
      const seed = Math.floor(random() * 0x7fffffff);
      x = tf.add(x, tf.randomNormal(x.shape, 0, a.noise * maxValue, 'float32', seed));
    }
    return x === images ? tf.clone(x) : tf.clipByValue(x, 0, maxValue);
  });
}
