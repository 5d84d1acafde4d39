import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors';
import { defaultSettingsFor } from '../../../core/train/defaults';
import { learningRateAt } from '../../../core/train/schedule';
import { compileOptionsFor, parseTrainingSettings, trainingSettingsSchema } from '../../../core/train/settings';

describe('training settings', () => {
  it('fills every default from an empty object', () => {
    const settings = parseTrainingSettings({});
    expect(settings).toMatchObject({
      optimizer: 'adam',
      learningRate: 0.002,
      schedule: { kind: 'none' },
      batchSize: 32,
      epochs: 5,
      validationSplit: 0.1,
      loss: 'categoricalCrossentropy',
      weightDecay: { l1: 0, l2: 0 },
      initializer: 'glorotUniform',
      preprocessing: 'standardize',
    });
    expect(settings.augmentation).toMatchObject({ flipHorizontal: 0, crop: 0, rotation: 0, noise: 0 });
    expect(settings.seed).toBeUndefined();
  });

  it('fills a left-out field with the same starting value a new run takes, per kind of data (one source of defaults)', () => {
    for (const kind of ['images', 'points'] as const)
      expect(parseTrainingSettings({}, [], kind)).toMatchObject(defaultSettingsFor(kind));
    expect(parseTrainingSettings({}, [], 'points')).toMatchObject({
      learningRate: 0.03,
      schedule: { kind: 'cosine', to: 0 },
      epochs: 30,
    });
  });

  it('keeps what is given and fills the rest inside nested objects', () => {
    const settings = parseTrainingSettings({
      weightDecay: { l2: 5e-4 },
      augmentation: { crop: 4, flipHorizontal: 0.5 },
      seed: 9,
    });
    expect(settings.weightDecay).toEqual({ l1: 0, l2: 5e-4 });
    expect(settings.augmentation.crop).toBe(4);
    expect(settings.augmentation.rotation).toBe(0);
    expect(compileOptionsFor(settings)).toEqual({
      kernelInitializer: 'glorotUniform',
      seed: 9,
      weightDecay: { l1: 0, l2: 5e-4 },
    });
  });

  it.each([
    [{ optimizer: 'adamw' }, ['training', 'optimizer']],
    [{ batchSize: 0 }, ['training', 'batchSize']],
    [{ batchSize: 2.5 }, ['training', 'batchSize']],
    [{ learningRate: -1 }, ['training', 'learningRate']],
    [{ validationSplit: 1 }, ['training', 'validationSplit']],
    [{ schedule: { kind: 'step', every: 0, factor: 0.5 } }, ['training', 'schedule', 'every']],
    [{ schedule: { kind: 'exponential' } }, ['training', 'schedule', 'kind']],
    [{ augmentation: { rotation: 400 } }, ['training', 'augmentation', 'rotation']],
    [{ augmentation: { blur: 1 } }, ['training', 'augmentation']],
    [{ seed: -3 }, ['training', 'seed']],
  ])('refuses %j with the path of the bad field', (value, path) => {
    let error: unknown;
    try {
      parseTrainingSettings(value, ['training']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).path).toEqual(path);
    expect((error as ValidationError).message).toMatch(new RegExp(`^At ${path.join('\\.')}: `));
  });

  it('is a zod schema a project file can embed', () => {
    expect(trainingSettingsSchema.safeParse({ epochs: 3 }).success).toBe(true);
    expect(trainingSettingsSchema.safeParse({ epochs: 0 }).success).toBe(false);
  });
});

describe('learning-rate schedules', () => {
  it('keeps the rate without a schedule', () => {
    expect([0, 5, 9].map((e) => learningRateAt(0.1, { kind: 'none' }, e, 10))).toEqual([0.1, 0.1, 0.1]);
  });

  it('multiplies by the factor every few epochs with a step schedule', () => {
    const rates = [...Array(7).keys()].map((e) => learningRateAt(0.1, { kind: 'step', every: 3, factor: 0.1 }, e, 7));
    const expected = [0.1, 0.1, 0.1, 0.01, 0.01, 0.01, 0.001];
    rates.forEach((r, i) => expect(r).toBeCloseTo(expected[i], 12));
  });

  it('follows half a cosine from the base rate towards the floor', () => {
    const schedule = { kind: 'cosine', to: 0.001 } as const;
    expect(learningRateAt(0.1, schedule, 0, 10)).toBeCloseTo(0.1, 12);
    expect(learningRateAt(0.1, schedule, 5, 10)).toBeCloseTo((0.1 + 0.001) / 2, 12);
    expect(learningRateAt(0.1, schedule, 9, 10)).toBeCloseTo(
      0.001 + (0.099 * (1 + Math.cos((Math.PI * 9) / 10))) / 2,
      12,
    );
    const rates = [...Array(10).keys()].map((e) => learningRateAt(0.1, schedule, e, 10));
    for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeLessThan(rates[i - 1]);
  });
});
