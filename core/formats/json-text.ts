/**
 * JSON text as every NetCanvas reader takes it: one place that parses it,
 * strips a byte-order mark and applies the bounds of `json-limits.ts`.
 */
import { ValidationError } from '../errors';
import { LIMITS } from '../limits';
import { checkJsonDepth } from './json-limits';

/**
 * Parses the text of a JSON file. Editors on Windows may save UTF-8 with a
 * byte-order mark, which `JSON.parse` rejects, so a leading one is dropped.
 * Text over {@link LIMITS.designFileBytes}, values nested deeper than
 * {@link LIMITS.jsonDepth} and `__proto__` keys are refused before anything
 * walks the document. Throws `ValidationError` ("not valid JSON: …", one
 * line) for anything else that is not JSON.
 *
 * @example
 * parseJsonText('\uFEFF{"format": "netcanvas-project"}') // { format: 'netcanvas-project' }
 */
export function parseJsonText(text: string): unknown {
  // A UTF-16 length is at most the UTF-8 byte length, so this never refuses a file within the limit.
  if (text.length > LIMITS.designFileBytes)
    throw new ValidationError(
      [],
      `the file is over ${LIMITS.designFileBytes / 1024 ** 2} MiB; NetCanvas reads designs up to that size`,
    );
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    // V8 quotes a stretch of the text, which may hold line breaks: the message stays one line.
    throw new ValidationError([], `not valid JSON: ${(e as Error).message.replace(/\s+/g, ' ')}`);
  }
  checkJsonDepth(value);
  return value;
}
