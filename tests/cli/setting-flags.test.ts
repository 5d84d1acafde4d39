/**
 * `netcanvas train`'s setting flags and their help are generated from core's
 * descriptions of the settings (core/train/setting-fields.ts): every described
 * flag is listed with its help and the default the command applies, every
 * backend is named, and out-of-range values are refused naming the flag.
 */
import { describe, expect, it } from 'vitest';
import { AUGMENTATION_FIELDS, BACKEND_NAMES } from '../../core/train/setting-fields';
import { main } from '../../cli/main';
import { acceptedNumbers, flagForPath, SETTING_FLAGS, settingsFromFlags } from '../../cli/setting-flags';
import { UsageError } from '../../cli/command';

describe('netcanvas train flags generated from the descriptions', () => {
  async function help(): Promise<string> {
    let out = '';
    await main(['train', '--help'], { out: (t) => void (out += t), err: () => undefined, cwd: process.cwd() });
    return out;
  }

  it('--help lists every setting flag with its help and the default the parser applies, and every backend', async () => {
    const text = (await help()).replace(/\n {20,}/g, ' ');
    for (const flag of SETTING_FLAGS) {
      const line = text.split('\n').find((l) => l.startsWith(`  --${flag.name} ${flag.placeholder}`));
      expect(line, flag.name).toBeDefined();
      expect(line).toContain(flag.setting.help);
    }
    // The starting points per kind of data (core/train/defaults.ts) and the schema's.
    expect(text).toMatch(/--lr X .*Default 0\.002 for images, 0\.03 for points\./);
    expect(text).toMatch(/--preprocess NAME .*One of none, scale, center, standardize; default standardize\./);
    expect(text).toMatch(/--epochs N .*Default 5 for images, 30 for points\./);
    expect(text).toMatch(/--seed N .*Default random\./);
    const backendLine = text.split('\n').find((l) => l.startsWith('  --backend NAME'))!;
    for (const name of BACKEND_NAMES) expect(backendLine).toContain(name);
    for (const name of Object.keys(AUGMENTATION_FIELDS)) expect(text).toContain(name);
  });

  it('every number flag refuses a value below its range, naming the flag and what it accepts', () => {
    for (const flag of SETTING_FLAGS) {
      if (flag.setting.type !== 'number') continue;
      const below = String(flag.setting.min - 1);
      expect(() => settingsFromFlags({ [flag.name]: below })).toThrow(UsageError);
      expect(() => settingsFromFlags({ [flag.name]: below })).toThrow(
        `--${flag.name} expects ${acceptedNumbers(flag.setting)}, got "${below}"`,
      );
    }
    expect(settingsFromFlags({ lr: '0.05', l2: '0.0005', initializer: 'heNormal' })).toEqual({
      learningRate: 0.05,
      initializer: 'heNormal',
      weightDecay: { l2: 0.0005 },
    });
  });

  it('names the flag of a field the schema refuses', () => {
    expect(flagForPath(['learningRate'])).toBe('--lr');
    expect(flagForPath(['weightDecay', 'l2'])).toBe('--l2');
    expect(flagForPath(['augmentation', 'crop'])).toBe('--augment crop');
  });
});
