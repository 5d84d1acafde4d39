/** JSON text as every NetCanvas reader takes it: one place that parses it and strips a byte-order mark. */
import { ValidationError } from '../errors';

/**
 * Parses the text of a JSON file. Editors on Windows may save UTF-8 with a
 * byte-order mark, which `JSON.parse` rejects, so a leading one is dropped.
 * Throws `ValidationError` ("not valid JSON: …") for anything else that is
 * not JSON.
 *
 * @example
 * parseJsonText('\uFEFF{"format": "netcanvas-project"}') // { format: 'netcanvas-project' }
 */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new ValidationError([], `not valid JSON: ${(e as Error).message}`);
  }
}
