/**
 * Model folders written whole (electron/model-folder.ts): a reader sees the
 * old model or the new one, never the old model.json beside new weights,
 * even when the writer is killed with SIGKILL at any moment; permissions are
 * kept; a folder holding anything but a model is refused before anything is written.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../electron/atomic-write';
import { checkModelFolder, ModelFolderError, writeModelFolder } from '../../electron/model-folder';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'netcanvas-model-folder-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** A model whose model.json names its weights' size and fill byte, so a mixed pair is detectable. */
function model(tag: string, bytes: number) {
  return [
    { name: 'model.weights.bin', data: new Uint8Array(bytes).fill(tag.charCodeAt(0)) },
    { name: 'model.json', data: JSON.stringify({ tag, bytes }) },
  ];
}

/** Whether `folder` holds a complete, matching pair; throws if it holds a mix. */
async function expectConsistent(folder: string): Promise<string> {
  const json = JSON.parse(await fs.readFile(path.join(folder, 'model.json'), 'utf8')) as { tag: string; bytes: number };
  const weights = await fs.readFile(path.join(folder, 'model.weights.bin'));
  expect({ tag: json.tag, bytes: weights.length, fill: String.fromCharCode(weights[0]) }).toEqual({
    tag: json.tag,
    bytes: json.bytes,
    fill: json.tag,
  });
  expect(weights.every((b) => b === weights[0])).toBe(true);
  return json.tag;
}

describe('writeModelFolder', () => {
  it('creates the folder, and replaces an old model whole', async () => {
    const out = path.join(dir, 'nested', 'model');
    await writeModelFolder(out, model('A', 1000));
    expect(await expectConsistent(out)).toBe('A');
    await writeModelFolder(out, [...model('B', 3000), { name: 'preprocessing.json', data: '{}' }]);
    expect(await expectConsistent(out)).toBe('B');
    expect((await fs.readdir(out)).sort()).toEqual(['model.json', 'model.weights.bin', 'preprocessing.json']);
    // Nothing staged or set aside is left beside it.
    expect(await fs.readdir(path.dirname(out))).toEqual(['model']);
  });

  it('keeps the permissions of the folder and of the files it replaces', async () => {
    const out = path.join(dir, 'private');
    await writeModelFolder(out, model('A', 10));
    await fs.chmod(out, 0o700);
    await fs.chmod(path.join(out, 'model.json'), 0o600);
    await writeModelFolder(out, model('B', 20));
    expect((await fs.stat(out)).mode & 0o777).toBe(0o700);
    expect((await fs.stat(path.join(out, 'model.json'))).mode & 0o777).toBe(0o600);
    expect((await fs.stat(path.join(out, 'model.weights.bin'))).mode & 0o777).toBe(0o644 & ~process.umask());
  });

  it('refuses a folder holding the user’s other files, before writing anything', async () => {
    const out = path.join(dir, 'project');
    await fs.mkdir(out);
    await fs.writeFile(path.join(out, 'notes.md'), 'mine');
    await fs.writeFile(path.join(out, 'model.json'), 'old');
    await expect(writeModelFolder(out, model('A', 10), 'project')).rejects.toThrow(
      '"project" holds files that are not a model\'s (notes.md); NetCanvas replaces the whole folder, so give it a folder of its own',
    );
    expect((await fs.readdir(out)).sort()).toEqual(['model.json', 'notes.md']);
    expect(await fs.readdir(dir)).toEqual(['project']);
  });

  it('refuses a path through a file, naming it, before writing anything', async () => {
    await fs.writeFile(path.join(dir, 'file'), 'x');
    await expect(checkModelFolder(path.join(dir, 'file', 'out'), 'file/out')).rejects.toThrow(ModelFolderError);
    await expect(writeModelFolder(path.join(dir, 'file'), model('A', 1), 'file')).rejects.toThrow(
      'cannot write "file": it is a file, not a folder',
    );
  });

  it('a write that fails while staging leaves the old model as it was and nothing beside it', async () => {
    const out = path.join(dir, 'model');
    await writeModelFolder(out, model('A', 100));
    const broken = [...model('B', 100), { name: 'extra.json', data: 42 as unknown as string }];
    await expect(writeModelFolder(out, broken)).rejects.toThrow(ModelFolderError);
    expect(await expectConsistent(out)).toBe('A');
    expect(await fs.readdir(dir)).toEqual(['model']);
  });

  it('killed with SIGKILL at random moments, it never leaves a mixed model; the next write cleans up', async () => {
    const out = path.join(dir, 'model');
    const writer = fileURLToPath(new URL('./model-folder-writer.ts', import.meta.url));
    let written = false;
    for (let round = 0; round < 6; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', writer, out], { stdio: ['ignore', 'pipe', 'inherit'] });
      // Kill it once it has started writing (its first line), a little later each round.
      await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 5 + round * 37));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const names = await fs.readdir(dir);
      if (names.includes('model')) {
        await expectConsistent(out);
        written = true;
      } else if (written) {
        // Killed between its two renames: the old model waits, whole, beside the new one.
        const aside = names.filter((n) => n.startsWith('.model.') && n.endsWith('.old'));
        expect(aside.length).toBeGreaterThan(0);
        for (const n of aside) await expectConsistent(path.join(dir, n));
      }
    }
    await writeModelFolder(out, model('C', 5));
    expect(await expectConsistent(out)).toBe('C');
    expect(await fs.readdir(dir)).toEqual(['model']);
  }, 120_000);
});

describe('writeFileAtomic', () => {
  it('keeps a private file private when saving over it', async () => {
    const file = path.join(dir, 'secret.netcanvas.json');
    await fs.writeFile(file, 'old', { mode: 0o600 });
    await fs.chmod(file, 0o600);
    await writeFileAtomic(file, 'new');
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
    expect(await fs.readFile(file, 'utf8')).toBe('new');
  });
});
