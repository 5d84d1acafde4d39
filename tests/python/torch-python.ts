/**
 * Finding a Python that has PyTorch, for the tests that run exported code.
 * Debian's `/usr/bin/python3` has it where `python3` on PATH may be another
 * interpreter (a pyenv shim) without it. Where none has it the suites skip
 * with a message saying so, except in CI: `.ci/run` sets
 * NETCANVAS_REQUIRE_TORCH=1, and then a missing PyTorch fails the run.
 */
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';
import { CANDIDATES, findPython } from './find-python';

export { findPython, runPython } from './find-python';

/** The checker script the suites hand their exports to. */
export const CHECK_EXPORTS = fileURLToPath(new URL('./check_exports.py', import.meta.url));

/**
 * `describe` when an interpreter with `modules` exists; otherwise a skipped
 * suite and a warning naming what is missing, or, in CI, an error.
 */
export function describeWithPython(name: string, modules: readonly string[], body: (python: string) => void): void {
  const python = findPython(modules);
  if (python) {
    describe(name, () => body(python));
    return;
  }
  const missing = `no Python interpreter here imports ${modules.join(', ')} (tried ${CANDIDATES.join(', ')}); install Debian's python3-torch python3-numpy python3-onnx`;
  if (process.env.NETCANVAS_REQUIRE_TORCH === '1') throw new Error(`${name}: ${missing}`);
  console.warn(`Skipping "${name}": ${missing}.`);
  describe.skip(name, () => body(''));
}
