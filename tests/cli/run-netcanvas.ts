/** Running the real `netcanvas` command in a child process, as the CLI tests do. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The command's entry point. */
export const BIN = fileURLToPath(new URL('../../bin/netcanvas.mjs', import.meta.url));

/** What one run printed and how it exited. */
export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `netcanvas ...args` in `cwd`; resolves with the exit code and output, never rejects on a non-zero exit. */
export function netcanvas(args: string[], cwd = process.cwd()): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: { ...process.env, NETCANVAS_DEBUG: '' } },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') reject(error);
        else resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}
