/**
 * Finding a Python that has PyTorch, for the tests that run exported code.
 * Debian's `/usr/bin/python3` has it where `python3` on PATH may be another
 * interpreter (a pyenv shim) without it. Where none has it the suites skip
 * with a message saying so, except in CI: `.ci/run` sets
 * NETCANVAS_REQUIRE_TORCH=1, and then a missing PyTorch fails the run.
 */
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

/** The checker script the suites hand their exports to. */
export const CHECK_EXPORTS = fileURLToPath(new URL('./check_exports.py', import.meta.url));

const CANDIDATES = [process.env.NETCANVAS_PYTHON, '/usr/bin/python3', 'python3', 'python'].filter((p): p is string =>
  Boolean(p),
);

function probe(python: string, modules: readonly string[]): boolean {
  const run = spawnSync(python, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8', timeout: 60_000 });
  return run.status === 0;
}

const found = new Map<string, string | undefined>();

/** The first interpreter that imports all of `modules` (torch and numpy by default), or undefined. */
export function findPython(modules: readonly string[] = ['torch', 'numpy']): string | undefined {
  const key = modules.join(',');
  if (!found.has(key))
    found.set(
      key,
      CANDIDATES.find((p) => probe(p, modules)),
    );
  return found.get(key);
}

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

/** Runs `python script args…`; resolves with stdout, rejects with stderr on failure. */
export function runPython(
  python: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [...args],
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        timeout: options.timeout ?? 600_000,
        maxBuffer: 64 << 20,
      },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${python} ${args.join(' ')} failed: ${error.message}\n${stderr}`));
        else resolve({ stdout, stderr });
      },
    );
  });
}
