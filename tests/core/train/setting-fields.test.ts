/**
 * Training settings are described once (core/train/setting-fields.ts) and
 * the zod schema is generated from the descriptions: the schema and the
 * settings panel's check (`numberProblem`) accept exactly the same values,
 * and `{}` fills in every described default for each kind of data.
 */
import { describe, expect, it } from 'vitest';
import {
  AUGMENTATION_FIELDS,
  DATA_KINDS,
  numberProblem,
  SCHEDULE_FIELDS,
  TRAINING_FIELDS,
  WEIGHT_DECAY_FIELDS,
  type NumberSetting,
  type Setting,
} from '../../../core/train/setting-fields';
import { parseTrainingSettings } from '../../../core/train/settings';

/** Each number setting with where it sits in the settings object, to probe the schema with. */
const NUMBER_SETTINGS: (readonly [string, NumberSetting, (value: number) => unknown])[] = [
  ...Object.entries(TRAINING_FIELDS).flatMap(([key, s]) =>
    s.type === 'number' ? [[key, s, (v: number) => ({ [key]: v })] as const] : [],
  ),
  ...Object.entries(WEIGHT_DECAY_FIELDS).map(
    ([key, s]) => [`weightDecay.${key}`, s, (v: number) => ({ weightDecay: { [key]: v } })] as const,
  ),
  ...Object.entries(AUGMENTATION_FIELDS).map(
    ([key, s]) => [`augmentation.${key}`, s, (v: number) => ({ augmentation: { [key]: v } })] as const,
  ),
  ['schedule.every', SCHEDULE_FIELDS.every, (v: number) => ({ schedule: { kind: 'step', every: v, factor: 0.5 } })],
  ['schedule.factor', SCHEDULE_FIELDS.factor, (v: number) => ({ schedule: { kind: 'step', every: 1, factor: v } })],
  ['schedule.to', SCHEDULE_FIELDS.to, (v: number) => ({ schedule: { kind: 'cosine', to: v } })],
];

const accepts = (value: unknown) => {
  try {
    parseTrainingSettings(value);
    return true;
  } catch {
    return false;
  }
};

describe('settings described once', () => {
  it.each(NUMBER_SETTINGS)(
    '%s: the schema and the panel’s check accept and refuse the same values',
    (_, setting, at) => {
      const { min, max, whole } = setting;
      const probes = [min - 1, min, min + (whole ? 1 : 1e-3), max - (whole ? 1 : 1e-3), max, max + 1, (min + max) / 2];
      if (whole) probes.push(min + 0.5);
      for (const value of probes) expect(accepts(at(value)), `${value}`).toBe(numberProblem(setting, value) === null);
      expect(accepts(at(min))).toBe(!setting.minOpen);
      expect(accepts(at(max))).toBe(!setting.maxOpen);
    },
  );

  it.each(DATA_KINDS)('an empty setting takes every described default for %s', (kind) => {
    const settings = parseTrainingSettings({}, [], kind);
    for (const [key, setting] of Object.entries(TRAINING_FIELDS))
      expect(settings[key as keyof typeof settings], key).toEqual((setting as Setting).default?.[kind]);
    for (const [key, setting] of Object.entries(WEIGHT_DECAY_FIELDS))
      expect(settings.weightDecay[key as 'l1' | 'l2']).toBe(setting.default[kind]);
    for (const [key, setting] of Object.entries(AUGMENTATION_FIELDS))
      expect(settings.augmentation[key as keyof typeof settings.augmentation]).toBe(setting.default[kind]);
  });

  it('every choice setting refuses a name outside its options', () => {
    for (const [key, setting] of Object.entries(TRAINING_FIELDS)) {
      if (setting.type !== 'choice') continue;
      for (const option of setting.options) expect(accepts({ [key]: option })).toBe(true);
      expect(accepts({ [key]: 'nonsense' })).toBe(false);
    }
  });
});
