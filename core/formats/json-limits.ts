/**
 * Bounds on a decoded JSON document before anything walks it. `JSON.parse`
 * itself reads any depth, but every recursive walk after it (a schema check,
 * `JSON.stringify`, `structuredClone`) overflows the call stack on arrays
 * nested a few thousand deep, so a file is measured here first, iteratively.
 */
import { ValidationError } from '../errors';
import { LIMITS } from '../limits';

/** A path for a message: the field a deep list sits in, not 64 list indices after it. */
function shownPath(path: readonly (string | number)[]): (string | number)[] {
  let end = path.length;
  while (end > 1 && typeof path[end - 1] === 'number' && typeof path[end - 2] === 'number') end--;
  return end > 12 ? [...path.slice(0, 12), '…'] : path.slice(0, end);
}

/**
 * Throws `ValidationError` with the path of the first value nested deeper
 * than `maxDepth` (the document itself is depth 0), or of a `__proto__` key
 * (`JSON.parse` keeps it as a plain key, but copying the object into another
 * one, as schema checks do, would set the copy's prototype instead). Walks
 * with an explicit stack, so it never overflows whatever the input.
 *
 * @example
 * checkJsonDepth(JSON.parse('{"a": [[[[1]]]]}'), 2) // throws "At a: nested more than 2 levels deep; …"
 */
export function checkJsonDepth(value: unknown, maxDepth: number = LIMITS.jsonDepth): void {
  // A first walk only measures (a 100,000-layer project has millions of values); the second,
  // with paths, runs only to name the place of a problem found.
  if (withinLimits(value, maxDepth)) return;
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: current, path } = stack.pop() as (typeof stack)[number];
    if (typeof current !== 'object' || current === null) continue;
    if (path.length >= maxDepth)
      throw new ValidationError(
        shownPath(path),
        `nested more than ${maxDepth} levels deep; a NetCanvas or Keras file is never this deep`,
      );
    if (Array.isArray(current)) current.forEach((v, i) => stack.push({ value: v, path: [...path, i] }));
    else
      for (const [k, v] of Object.entries(current)) {
        if (k === '__proto__')
          throw new ValidationError(shownPath([...path, k]), 'a key named "__proto__" is not allowed');
        stack.push({ value: v, path: [...path, k] });
      }
  }
}

/** Whether `value` is at most `maxDepth` deep and has no `__proto__` key. */
function withinLimits(value: unknown, maxDepth: number): boolean {
  const values: unknown[] = [value];
  const depths: number[] = [0];
  while (values.length) {
    const current = values.pop();
    const depth = depths.pop() as number;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= maxDepth) return false;
    if (Array.isArray(current)) {
      for (const v of current) {
        if (typeof v === 'object' && v !== null) {
          values.push(v);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const k in current) {
        if (k === '__proto__') return false;
        const v = (current as Record<string, unknown>)[k];
        if (typeof v === 'object' && v !== null) {
          values.push(v);
          depths.push(depth + 1);
        }
      }
    }
  }
  return true;
}
