/**
 * What a layer name may be. A name becomes the tfjs and Keras layer name and,
 * in code exported for PyTorch, an attribute path, so it must satisfy all
 * three:
 *
 * - tfjs: `^[A-Za-z0-9][-A-Za-z0-9._/]*$` (`isValidTensorName`; anything
 *   else fails with "Not a valid tensor name" when the model is built);
 * - Keras 3: no `/`;
 * - Python: each dot-separated part an identifier (`str.isidentifier`) or an
 *   index, as in torchvision's module paths (`layer1.0.conv1`). Keywords
 *   pass, as they do for `isidentifier` and `nn.Module.add_module`; code that
 *   writes `self.<name>` must spell those through `getattr`.
 *
 * Together: an ASCII letter first, then letters, digits and `_`, with single
 * dots between parts.
 */
import { LIMITS, limitText } from '../limits';

const PART = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+)$/;

/** A name as a message shows it: quoted, control characters escaped, cut to 40 characters. */
export function nameText(name: string): string {
  const shown = name.length > 40 ? `${name.slice(0, 39)}…` : name;
  return JSON.stringify(shown);
}

/**
 * Why `name` cannot name a layer, or null when it can. The reason is
 * written to follow the layer's type and name ("… : its name …").
 *
 * @example
 * layerNameProblem('conv 1') // 'its name "conv 1" has a space; …'
 * layerNameProblem('layer1.0.conv1') // null
 */
export function layerNameProblem(name: string): string | null {
  const rule = 'a name starts with a letter and has only letters, digits, "_" and single dots';
  if (name === '') return 'has no name; every layer needs one (it names the layer in TensorFlow.js, Keras and PyTorch)';
  if (name.length > LIMITS.nameLength)
    return `its name has ${limitText(name.length)} characters; NetCanvas allows at most ${LIMITS.nameLength}`;
  const bad = [...name].find((c) => !/[A-Za-z0-9_.]/.test(c));
  if (bad !== undefined) {
    const code = bad.codePointAt(0) as number;
    const what =
      bad === ' '
        ? 'a space'
        : code < 0x20 || code === 0x7f
          ? 'a control character'
          : code > 0x7e
            ? `the non-ASCII character "${bad}"`
            : `the character "${bad}"`;
    return `its name has ${what}; ${rule}`;
  }
  if (!/^[A-Za-z]/.test(name)) return `its name must start with a letter (TensorFlow.js and Python need it); ${rule}`;
  const parts = name.split('.');
  if (parts.some((p) => !PART.test(p))) return `its name has an empty or malformed part between dots; ${rule}`;
  return null;
}

/** Whether `name` can name a layer. */
export const isValidLayerName = (name: string): boolean => layerNameProblem(name) === null;

/**
 * A valid name close to `name`: runs of bad characters become one `_`, a
 * part that starts with a digit but is no index gets `_` in front, and a name that does not start with a letter gets
 * `stem` in front; then `_2`, `_3`, ... until no name in `taken` has it. A
 * name with nothing usable becomes `stem1`, `stem2`, ... as new layers are named.
 *
 * @example
 * suggestLayerName('conv 1', 'conv', new Set()) // "conv_1"
 * suggestLayerName('', 'dense', new Set(['dense1'])) // "dense2"
 */
export function suggestLayerName(name: string, stem: string, taken: ReadonlySet<string>): string {
  const base = name
    .slice(0, LIMITS.nameLength - 8)
    .replace(/[^A-Za-z0-9_.]+/g, '_')
    .split('.')
    .map((p) => p.replace(/^_+|_+$/g, ''))
    .filter((p) => p !== '')
    .map((p) => (/^[0-9]+$/.test(p) || !/^[0-9]/.test(p) ? p : `_${p}`))
    .join('.');
  if (base === '') {
    for (let k = 1; ; k++) if (!taken.has(`${stem}${k}`)) return `${stem}${k}`;
  }
  const candidate = /^[A-Za-z]/.test(base) ? base : `${stem}_${base.replace(/^_/, '')}`;
  const valid = isValidLayerName(candidate) ? candidate : stem;
  if (!taken.has(valid)) return valid;
  for (let k = 2; ; k++) if (!taken.has(`${valid}_${k}`)) return `${valid}_${k}`;
}
