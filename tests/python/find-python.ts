/**
 * Finding a Python that has PyTorch, for the tests and benchmarks that run
 * exported code. Debian's `/usr/bin/python3` has it where `python3` on PATH
 * may be another interpreter (a pyenv shim) without it.
 */
import { execFile, spawnSync } from 'node:child_process';

/** Interpreters tried, in order. */
export const CANDIDATES = [process.env.NETCANVAS_PYTHON, '/usr/bin/python3', 'python3', 'python'].filter(
  (p): p is string => Boolean(p),
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
