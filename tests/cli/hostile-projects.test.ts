/**
 * Hostile project files through the command line: a seeded few hundred
 * mutations of real projects (hostile-projects.ts) run through `validate`
 * and `export` in-process, and a handful through the real binary. Each must
 * be refused with exit 1 and readable one-line messages, never a crash, a
 * stack trace or a file written.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { hostileProjects, type HostileCase } from './hostile-projects';
import { netcanvas } from './run-netcanvas';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SEED = 20_251_129;
const cases = hostileProjects(SEED, 300);

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { out: (t) => void (stdout += t), err: (t) => void (stderr += t), cwd: dir });
  return { code, stdout, stderr };
}

/** What a refusal must look like, whichever way it was refused. */
function expectRefusal(result: { code: number; stdout: string; stderr: string }, file: string, command: string) {
  const { stdout, stderr } = result;
  expect(result.code, `${command} exit code; stderr: ${stderr.slice(0, 300)}`).toBe(1);
  expect(stderr).not.toMatch(/internal error|^\s+at /m);
  for (const line of `${stdout}${stderr}`.split('\n')) expect(line.length).toBeLessThan(600);
  if (stderr !== '') {
    // One line naming the file; `export` lists the design's errors below it, one per line.
    const [first, ...rest] = stderr.trimEnd().split('\n');
    expect(first).toMatch(new RegExp(`^netcanvas: (cannot read ")?(.* \\()?${file}`));
    for (const line of rest) expect(line).toMatch(/^ {2}- \S/);
  }
  if (stdout !== '') {
    // `validate` of a file that loads: the verdict, then one line per problem (and per fix).
    const [first, ...rest] = stdout.trimEnd().split('\n');
    expect(first).toMatch(new RegExp(`^${file}: invalid \\(`));
    for (const line of rest) expect(line).toMatch(/^ {2}(error|warning) {1,3}\S| {10}fix: \S/);
  }
}

function write(c: HostileCase, index: number): string {
  const file = `case-${index}.netcanvas.json`;
  writeFileSync(join(dir, file), c.text);
  return file;
}

describe(`${cases.length} hostile project files (seed ${SEED})`, () => {
  it('covers every kind of mutation', () => {
    const kinds = new Set(cases.map((c) => c.name.replace(/^#\d+ [\w-]+: /, '').split(/[ =]/)[0]));
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining(['frame', 'name', 'outputs', 'too', 'type', 'wiring', 'truncated', 'empty']),
    );
  });

  it('validate and export refuse each with exit 1 and one-line messages, and write nothing', async () => {
    for (const [index, c] of cases.entries()) {
      const file = write(c, index);
      const out = join(dir, `out-${index}`);
      try {
        if (c.refusedBy.includes('validate')) expectRefusal(await run(['validate', file]), file, 'validate');
        if (c.refusedBy.includes('export')) {
          expectRefusal(await run(['export', file, '-o', `out-${index}`]), file, 'export');
          expect(existsSync(out)).toBe(false);
        }
      } catch (error) {
        (error as Error).message = `${c.name}: ${(error as Error).message}`;
        throw error;
      }
    }
  }, 120_000);

  // One of each sixth of the cases: a few real processes, to see what a user's shell sees.
  const sample = [0, 1, 2, 3, 4, 5].map((i) => cases.find((c, k) => k % 6 === i && c.refusedBy.length === 2)!);
  it.concurrent.each(sample)('the real binary refuses $name too', async (c) => {
    const file = write(c, cases.indexOf(c) + 10_000);
    expectRefusal(await netcanvas(['validate', file], dir), file, 'validate');
  });
});
