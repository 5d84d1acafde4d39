import { describe, expect, it } from 'vitest';
import { BUILT_IN_DATASETS } from '../../../core/data/catalogue';
import {
  dataKindOf,
  DEFAULTED_FIELDS,
  defaultSettingsFor,
  retargetDefaults,
  TRAINING_DEFAULTS,
} from '../../../core/train/defaults';
import { parseTrainingSettings } from '../../../core/train/settings';

describe('training defaults per kind of data', () => {
  it('call MNIST and CIFAR-10 images and the toy sets points', () => {
    expect(Object.fromEntries(BUILT_IN_DATASETS.map((d) => [d.id, dataKindOf(d.sampleShape)]))).toEqual({
      mnist: 'images',
      cifar10: 'images',
      'toy:quadrants': 'points',
      'toy:ring': 'points',
      'toy:modes': 'points',
    });
  });

  it('are the issue’s figures for images (Adam 0.002, standardize, batch 32), valid settings, each with its reason', () => {
    expect(defaultSettingsFor('images')).toMatchObject({
      optimizer: 'adam',
      learningRate: 0.002,
      preprocessing: 'standardize',
      batchSize: 32,
    });
    for (const kind of ['images', 'points'] as const) {
      expect(parseTrainingSettings(defaultSettingsFor(kind))).toMatchObject(defaultSettingsFor(kind));
      for (const field of DEFAULTED_FIELDS) expect(TRAINING_DEFAULTS[kind][field].why).toMatch(/^[A-Z0-9].{20,}\.$/);
    }
  });

  it('follow the data when it changes kind, except where the user changed a value', () => {
    const images = parseTrainingSettings({ ...defaultSettingsFor('images'), epochs: 12, seed: 4 });
    const points = retargetDefaults(images, 'images', 'points');
    expect(points).toMatchObject({ ...defaultSettingsFor('points'), epochs: 12, seed: 4 });
    expect(retargetDefaults(points, 'points', 'images')).toEqual(images);
    expect(retargetDefaults(images, 'images', 'images')).toBe(images);
  });
});
