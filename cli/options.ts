/** Parsing the option values several commands share (`--input`, `--classes`, `--batch`). */
import type { TemplateOptions } from '../templates/template';
import { UsageError, type CommandArgs } from './command';

/** Parses a positive whole number given for `--name`. */
export function positiveInt(name: string, text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1)
    throw new UsageError(`--${name} expects a whole number ≥ 1, got "${text}"`);
  return Number(text);
}

/** Parses `--input`: `224,224,3`, `224x224x3` or a flat length such as `784`. */
export function parseInputShape(text: string): number[] {
  const parts = text.split(/[,x×]/i).map((p) => p.trim());
  if (!parts.every((p) => /^\d+$/.test(p) && Number(p) >= 1))
    throw new UsageError(`--input expects sizes ≥ 1 separated by commas, like 224,224,3 (H,W,C), got "${text}"`);
  return parts.map(Number);
}

/** The template options given by `--input` and `--classes` (empty when neither is). */
export function templateOptions(values: CommandArgs['values']): TemplateOptions {
  const options: TemplateOptions = {};
  if (typeof values.input === 'string') options.input = parseInputShape(values.input);
  if (typeof values.classes === 'string') options.classes = positiveInt('classes', values.classes);
  return options;
}
