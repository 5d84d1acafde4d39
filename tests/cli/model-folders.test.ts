/**
 * `--out` / `-o` folders from the command line (in-process, through `main`):
 * written whole, refused before anything is written when they hold the
 * user's own files, untouched when the command fails, permissions kept.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-out-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { out: (t) => void (stdout += t), err: (t) => void (stderr += t), cwd: dir });
  return { code, stdout, stderr };
}

describe('model folders on the command line', () => {
  it('export -o into a folder of the user’s files is refused in one line, and nothing in it changes', async () => {
    mkdirSync(join(dir, 'work'));
    writeFileSync(join(dir, 'work', 'notes.md'), 'mine');
    const result = await run('export', 'mlp', '-o', 'work');
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'netcanvas: "work" holds files that are not a model\'s (notes.md); NetCanvas replaces the whole folder, so give it a folder of its own\n',
    });
    expect(readdirSync(join(dir, 'work'))).toEqual(['notes.md']);
  });

  it('export -o over an earlier export replaces it whole and keeps its permissions', async () => {
    expect((await run('export', 'mlp', '--weights', '-o', 'model')).code).toBe(0);
    chmodSync(join(dir, 'model', 'model.json'), 0o600);
    expect((await run('export', 'lenet5', '-o', 'model')).code).toBe(0);
    // Topology only now: the old weights file went with the old model.
    expect(readdirSync(join(dir, 'model'))).toEqual(['model.json']);
    expect(readFileSync(join(dir, 'model', 'model.json'), 'utf8')).toContain('"c1"');
    expect(statSync(join(dir, 'model', 'model.json')).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('train --out writes nothing when training cannot start', async () => {
    const result = await run('train', 'mlp', '--dataset', `idx:${join(dir, 'no-such-data')}`, '--out', 'trained');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no-such-data: no such file or folder\n$/);
    expect(existsSync(join(dir, 'trained'))).toBe(false);
  });

  it('train --out refuses a folder of the user’s files before training', async () => {
    mkdirSync(join(dir, 'results'));
    writeFileSync(join(dir, 'results', 'plot.png'), 'png');
    const result = await run('train', 'mlp', '--dataset', 'toy:ring', '--out', 'results');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^netcanvas: "results" holds files that are not a model's \(plot\.png\)/);
  });
});
