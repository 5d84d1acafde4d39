/**
 * Turning a template's options into checked numbers. The CLI and the gallery
 * pass what a user typed (`--input 64,64,3 --classes 10`), so a bad value is
 * refused with a message that names the template and the value.
 */
import type { TemplateOptions } from './template';

/** Options a template cannot build from, e.g. a 1-D input for a CNN or 0 classes. */
export class InvalidTemplateOptionsError extends Error {
  readonly templateId: string;
  constructor(templateId: string, message: string) {
    super(`Template "${templateId}": ${message}`);
    this.name = 'InvalidTemplateOptionsError';
    this.templateId = templateId;
  }
}

/** Checked options with the template's defaults filled in. */
export interface ResolvedOptions {
  input: readonly number[];
  classes: number;
}

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/**
 * The input shape and class count to build with. `rank` is how many input
 * dimensions the template needs: 3 for image networks (height, width,
 * channels); `'any'` for templates that flatten whatever they get.
 */
export function resolveOptions(
  templateId: string,
  options: TemplateOptions | undefined,
  defaults: ResolvedOptions,
  rank: 3 | 'any',
): ResolvedOptions {
  const input = options?.input ?? defaults.input;
  const classes = options?.classes ?? defaults.classes;
  if (!isPositiveInt(classes))
    throw new InvalidTemplateOptionsError(templateId, `classes must be a whole number ≥ 1, got ${classes}`);
  if (input.length === 0 || !input.every(isPositiveInt))
    throw new InvalidTemplateOptionsError(
      templateId,
      `input dimensions must be whole numbers ≥ 1, got [${input.join(', ')}]`,
    );
  if (rank === 3 && input.length !== 3)
    throw new InvalidTemplateOptionsError(
      templateId,
      `input must be height × width × channels (3 numbers), got [${input.join(', ')}]`,
    );
  if (rank === 'any' && input.length > 3)
    throw new InvalidTemplateOptionsError(templateId, `input may have at most 3 dimensions, got [${input.join(', ')}]`);
  return { input: [...input], classes };
}
