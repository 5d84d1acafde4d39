/** Small datasets the training tests make themselves: no files, a fixed seed. */
import { mulberry32 } from '../../../core/data/random';
import type { DatasetSplit } from '../../../core/data/dataset';
import type { TrainingData } from '../../../core/train/batches';

/** Points uniform in [-1, 1]², class 1 where x·y > 0: XOR, which no linear model separates. */
export function xorSplit(count: number, seed: number): DatasetSplit {
  const random = mulberry32(seed);
  const images = new Float32Array(count * 2);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const x = random() * 2 - 1;
    const y = random() * 2 - 1;
    images[2 * i] = x;
    images[2 * i + 1] = y;
    labels[i] = x * y > 0 ? 1 : 0;
  }
  return { images, labels, count };
}

/** XOR as training data: `count` training samples and a validation split of `validation`. */
export function xorData(count: number, validation: number, seed = 1): TrainingData {
  return {
    inputShape: [2],
    classNames: ['different signs', 'same sign'],
    train: xorSplit(count, seed),
    ...(validation ? { validation: xorSplit(validation, seed + 1) } : {}),
  };
}

/**
 * Tiny 8×8 grayscale images of two classes: a bright bar on the left half or
 * on the right half, with noise. Stored as raw bytes, as MNIST is.
 */
export function barImages(count: number, seed: number): DatasetSplit {
  const random = mulberry32(seed);
  const images = new Uint8Array(count * 64);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const right = random() < 0.5;
    labels[i] = right ? 1 : 0;
    const column = (right ? 4 : 0) + Math.floor(random() * 4);
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++)
        images[i * 64 + y * 8 + x] = x === column ? 200 + Math.floor(random() * 55) : Math.floor(random() * 60);
    }
  }
  return { images, labels, count };
}
