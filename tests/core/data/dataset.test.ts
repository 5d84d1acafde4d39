import { describe, expect, it } from 'vitest';
import {
  DatasetError,
  checkSplit,
  classCounts,
  describeDataset,
  limitDataset,
  seededPermutation,
  selectSamples,
  splitValidation,
  takeFirst,
  type Dataset,
} from '../../../core/data/dataset';
import { ValidationError } from '../../../core/errors';

/** 100 samples of shape [2, 1, 1]; sample i holds [i, 200 - i] and label i % 4. */
function numbered(count = 100): Dataset {
  const images = new Uint8Array(count * 2);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    images[2 * i] = i;
    images[2 * i + 1] = 200 - i;
    labels[i] = i % 4;
  }
  return {
    name: 'numbered',
    inputShape: [2, 1, 1],
    classNames: ['a', 'b', 'c', 'd'],
    train: { images, labels, count },
    test: { images: images.slice(0, 20), labels: labels.slice(0, 20), count: 20 },
  };
}

describe('DatasetError', () => {
  it('starts its message with the file and is a ValidationError', () => {
    const error = new DatasetError('data_batch_2.bin', 'record 7 is truncated');
    expect(error.message).toBe('data_batch_2.bin: record 7 is truncated');
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.file).toBe('data_batch_2.bin');
    expect(error.name).toBe('DatasetError');
  });
});

describe('classCounts', () => {
  it('counts each class', () => {
    expect(classCounts(numbered(10).train, 4)).toEqual([3, 3, 2, 2]);
  });
});

describe('takeFirst and limitDataset', () => {
  it('keep the first N samples of every split, sharing memory', () => {
    const data = numbered();
    const limited = limitDataset(data, 5);
    expect(limited.train.count).toBe(5);
    expect(Array.from(limited.train.images)).toEqual([0, 200, 1, 199, 2, 198, 3, 197, 4, 196]);
    expect(Array.from(limited.train.labels)).toEqual([0, 1, 2, 3, 0]);
    expect(limited.test.count).toBe(5);
    expect(limited.train.images.buffer).toBe(data.train.images.buffer);
  });

  it('keep everything when N exceeds the count', () => {
    expect(takeFirst(numbered(10).train, 1000, [2, 1, 1]).count).toBe(10);
  });
});

describe('seededPermutation', () => {
  it('is a permutation, repeatable for a seed and different across seeds', () => {
    const a = seededPermutation(50, 7);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(seededPermutation(50, 7))).toEqual(Array.from(a));
    expect(Array.from(seededPermutation(50, 8))).not.toEqual(Array.from(a));
  });
});

describe('splitValidation', () => {
  it('moves a seeded fraction of training samples into validation without loss or overlap', () => {
    const data = numbered();
    const split = splitValidation(data, 0.2, 42);
    expect(split.train.count).toBe(80);
    expect(split.validation!.count).toBe(20);
    const ids = (images: Uint8Array | Float32Array) => Array.from(images).filter((_, i) => i % 2 === 0);
    const trainIds = ids(split.train.images);
    const validationIds = ids(split.validation!.images);
    expect([...trainIds, ...validationIds].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // Samples stay whole (both values and the label travel together) and keep their original order.
    for (const part of [split.train, split.validation!]) {
      for (let i = 0; i < part.count; i++) {
        expect(part.images[2 * i + 1]).toBe(200 - part.images[2 * i]);
        expect(part.labels[i]).toBe(part.images[2 * i] % 4);
        if (i > 0) expect(part.images[2 * i]).toBeGreaterThan(part.images[2 * i - 2]);
      }
    }
    expect(split.test).toBe(data.test);
  });

  it('picks the same samples for the same seed and others for another seed', () => {
    const first = splitValidation(numbered(), 0.1, 3).validation!.images;
    expect(Array.from(splitValidation(numbered(), 0.1, 3).validation!.images)).toEqual(Array.from(first));
    expect(Array.from(splitValidation(numbered(), 0.1, 4).validation!.images)).not.toEqual(Array.from(first));
  });

  it('refuses fractions that leave a part empty', () => {
    expect(() => splitValidation(numbered(), 0, 1)).toThrow(RangeError);
    expect(() => splitValidation(numbered(10), 0.01, 1)).toThrow(
      /leaves 10 of 10 training samples for training and 0 for validation/,
    );
  });
});

describe('checkSplit', () => {
  it('refuses labels outside the classes and arrays of the wrong size', () => {
    const split = selectSamples(numbered().train, [0, 1, 2, 3], [2, 1, 1]);
    expect(() => checkSplit('x', split, [2, 1, 1], 4)).not.toThrow();
    expect(() => checkSplit('x', split, [2, 1, 1], 3)).toThrow('x: sample 3 has label 3, expected 0–2');
    expect(() => checkSplit('x', split, [3, 1, 1], 4)).toThrow('x: holds 8 values, expected 4 samples × 3 = 12');
  });
});

describe('describeDataset', () => {
  it('gives the counts, the sample shape and the class count', () => {
    expect(describeDataset(numbered())).toBe('numbered: 100 train, 20 test, 2×1×1, 4 classes');
    expect(describeDataset(splitValidation(numbered(), 0.25, 1))).toBe(
      'numbered: 75 train, 25 validation, 20 test, 2×1×1, 4 classes',
    );
  });
});
