/**
 * The `netcanvas train` flags that set training settings, generated from
 * core's descriptions (`core/train/setting-fields.ts`): each described
 * setting with a flag gets its option declaration, its parser (with the
 * accepted values worded from the setting's range) and its `--help` line
 * (with the default the command really uses).
 */
import {
  AUGMENTATION_FIELDS,
  DATA_KINDS,
  TRAINING_FIELDS,
  WEIGHT_DECAY_FIELDS,
  type NumberSetting,
  type Setting,
  type DataKind,
} from '../core/train/setting-fields';
import type { Augmentation, TrainingSettingsInput } from '../core/train/settings';
import { UsageError, type CommandArgs, type CommandOptions } from './command';

/** Where in the settings a flag's value goes: a top-level field, or one inside `weightDecay`. */
type FlagTarget = { group: null; key: keyof typeof TRAINING_FIELDS } | { group: 'weightDecay'; key: 'l1' | 'l2' };

interface SettingFlag {
  name: string;
  placeholder: string;
  setting: Setting;
  target: FlagTarget;
}

/** Every setting with a flag, in the order `--help` lists them. */
export const SETTING_FLAGS: readonly SettingFlag[] = [
  ...Object.entries(TRAINING_FIELDS).map(([key, setting]) => ({
    setting: setting as Setting,
    target: { group: null, key: key as keyof typeof TRAINING_FIELDS } as const,
  })),
  ...Object.entries(WEIGHT_DECAY_FIELDS).map(([key, setting]) => ({
    setting: setting as Setting,
    target: { group: 'weightDecay', key: key as 'l1' | 'l2' } as const,
  })),
].flatMap(({ setting, target }) =>
  setting.flag ? [{ name: setting.flag.name, placeholder: setting.flag.placeholder, setting, target }] : [],
);

/** The `parseArgs` declarations of the setting flags. */
export function settingFlagOptions(): CommandOptions {
  return Object.fromEntries(SETTING_FLAGS.map((flag) => [flag.name, { type: 'string' as const }]));
}

/**
 * What a number flag accepts, in words: the lower bound, and the upper one
 * where it is part of the meaning (a fraction below 1), not a guard against
 * typos (the schema still refuses a batch of 10⁶, naming the flag).
 */
export function acceptedNumbers(setting: NumberSetting): string {
  const { min, max, minOpen, maxOpen, whole, maxIsGuard } = setting;
  const noun = whole ? 'a whole number' : min === 0 && max === 1 ? 'a fraction' : 'a number';
  if (maxIsGuard) return `${noun} ${minOpen ? '>' : '≥'} ${min}`;
  const from = minOpen ? `above ${min}` : `from ${min}`;
  const to = maxOpen ? `up to (not including) ${max}` : `to ${max}`;
  return `${noun} ${from} ${to}`;
}

/** Reads one flag's text as its setting's value, or refuses it naming the flag and what it accepts. */
function parseFlagValue(flag: SettingFlag, text: string): string | number {
  const { setting } = flag;
  if (setting.type === 'choice') {
    if (!setting.options.includes(text))
      throw new UsageError(`--${flag.name} expects one of ${setting.options.join(', ')}, got "${text}"`);
    return text;
  }
  const value = Number(text);
  const { min, max, minOpen, maxOpen, whole, maxIsGuard } = setting;
  const wellFormed = whole ? /^\d+$/.test(text.trim()) : text.trim() !== '' && Number.isFinite(value);
  const inRange = (minOpen ? value > min : value >= min) && (maxIsGuard || (maxOpen ? value < max : value <= max));
  if (!wellFormed || !inRange)
    throw new UsageError(`--${flag.name} expects ${acceptedNumbers(setting)}, got "${text}"`);
  return value;
}

/** The settings the flags given set (only those given), checked one by one; the schema checks the whole afterwards. */
export function settingsFromFlags(values: CommandArgs['values']): TrainingSettingsInput {
  const settings: Record<string, unknown> = {};
  const weightDecay: Record<string, unknown> = {};
  for (const flag of SETTING_FLAGS) {
    const text = values[flag.name];
    if (typeof text !== 'string') continue;
    const value = parseFlagValue(flag, text);
    if (flag.target.group === 'weightDecay') weightDecay[flag.target.key] = value;
    else settings[flag.target.key] = value;
  }
  if (Object.keys(weightDecay).length > 0) settings.weightDecay = weightDecay;
  return settings as TrainingSettingsInput;
}

/**
 * The flag that sets a settings field, to name it when the schema refuses a
 * value: `['learningRate']` → `--lr`, `['augmentation', 'crop']` → `--augment crop`.
 */
export function flagForPath(path: readonly (string | number)[]): string {
  const [field, ...rest] = path.map(String);
  if (field === 'augmentation') return `--augment${rest.length ? ` ${rest.join('.')}` : ''}`;
  const flag = SETTING_FLAGS.find(
    (f) => (f.target.group ?? f.target.key) === field && (f.target.group === null || f.target.key === rest[0]),
  );
  if (flag) return `--${flag.name}`;
  return [field, ...rest].join('.');
}

const FLAG_COLUMN = 27;
const HELP_WIDTH = 100;

/** Wraps `text` to the help's width, every line after the first indented to the description column. */
function wrapped(head: string, text: string): string[] {
  const lines: string[] = [];
  let line = head.padEnd(FLAG_COLUMN - 1);
  for (const word of text.split(' ')) {
    if (line.length + 1 + word.length > HELP_WIDTH && line.trim().length > 0 && line.length > FLAG_COLUMN) {
      lines.push(line);
      line = ' '.repeat(FLAG_COLUMN - 1);
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

/** `5`, or `0.001 for images, 0.01 for points` where the kinds of data differ. */
function describeDefault(defaults: (kind: DataKind) => unknown): string {
  const values = DATA_KINDS.map((kind) => String(defaults(kind)));
  return values.every((v) => v === values[0])
    ? values[0]
    : DATA_KINDS.map((kind, i) => `${values[i]} for ${kind}`).join(', ');
}

/**
 * The `--help` lines of the setting flags. `defaults(kind)` gives the
 * settings the command starts from for a kind of data, so the help shows the
 * defaults the parser really applies.
 */
export function settingFlagHelp(defaults: (kind: DataKind) => Record<string, unknown>): string[] {
  return SETTING_FLAGS.flatMap((flag) => {
    const { setting, target } = flag;
    const read = (kind: DataKind) => {
      const settings = defaults(kind);
      return target.group === null
        ? settings[target.key]
        : (settings[target.group] as Record<string, unknown> | undefined)?.[target.key];
    };
    const fallback =
      setting.default === undefined && setting.type === 'number' && setting.whenEmpty
        ? setting.whenEmpty
        : describeDefault(read);
    const accepted =
      setting.type === 'choice' ? `One of ${setting.options.join(', ')}; default ${fallback}.` : `Default ${fallback}.`;
    return wrapped(`  --${flag.name} ${flag.placeholder}`, `${setting.help} ${accepted}`);
  });
}

/** The `--augment` help: its names (and short aliases) from the augmentation descriptions. */
export function augmentHelp(): string[] {
  const names = Object.entries(AUGMENTATION_FIELDS).map(([key, setting]) =>
    setting.aliases.length ? `${key} (${setting.aliases.join(', ')})` : key,
  );
  return wrapped(
    '  --augment LIST',
    `random changes to each training batch, image data only, e.g. flip,crop=4,rotation=10; a name alone takes the usual strength. Names: ${names.join(', ')}`,
  );
}

const kebabToCamel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Parses `--augment`: comma-separated names, each optionally with a strength
 * (`flip,crop=4,rotation=15`). Names are the settings' fields in camelCase or
 * kebab-case, or a short alias; a name alone gets its usual strength.
 */
export function parseAugment(text: string): Partial<Augmentation> {
  const fields = Object.keys(AUGMENTATION_FIELDS) as (keyof Augmentation)[];
  const result: Partial<Augmentation> = {};
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [rawName, rawValue] = item.split('=').map((s) => s.trim());
    const camel = kebabToCamel(rawName);
    const name =
      fields.find((f) => (AUGMENTATION_FIELDS[f].aliases as readonly string[]).includes(rawName)) ??
      fields.find((f) => f.toLowerCase() === camel.toLowerCase());
    if (!name)
      throw new UsageError(
        `--augment: unknown augmentation "${rawName}"; expected ${fields.join(', ')} (optionally =strength, e.g. crop=4)`,
      );
    const value = rawValue === undefined ? AUGMENTATION_FIELDS[name].namedStrength : Number(rawValue);
    if (rawValue !== undefined && (rawValue === '' || !Number.isFinite(value)))
      throw new UsageError(`--augment: ${name} expects a number after "=", got "${rawValue}"`);
    result[name] = value;
  }
  return result;
}
