import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic, type AtomicFs } from '../../electron/atomic-write';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'netcanvas-atomic-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  it('replaces the file and leaves no temp file behind', async () => {
    const file = path.join(dir, 'a.netcanvas.json');
    await fs.writeFile(file, 'old');
    await writeFileAtomic(file, 'new content');
    expect(await fs.readFile(file, 'utf8')).toBe('new content');
    expect(await fs.readdir(dir)).toEqual(['a.netcanvas.json']);
  });

  it('keeps the old file intact when the write is interrupted halfway', async () => {
    const file = path.join(dir, 'a.netcanvas.json');
    await fs.writeFile(file, 'the old design');
    // A file system whose write dies after half the bytes, like a full disk or a crash mid-save.
    const failing: AtomicFs = {
      ...fs,
      open: (async (...args: Parameters<typeof fs.open>) => {
        const handle = await fs.open(...args);
        return Object.assign(Object.create(Object.getPrototypeOf(handle)), handle, {
          writeFile: async (data: string) => {
            await handle.write(String(data).slice(0, 5));
            throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
          },
          close: () => handle.close(),
          sync: () => handle.sync(),
        });
      }) as typeof fs.open,
    };
    await expect(writeFileAtomic(file, 'the new design, much longer', failing)).rejects.toThrow(/ENOSPC/);
    expect(await fs.readFile(file, 'utf8')).toBe('the old design');
    expect(await fs.readdir(dir)).toEqual(['a.netcanvas.json']);
  });

  it('keeps the old file when the rename fails', async () => {
    const file = path.join(dir, 'b.json');
    await fs.writeFile(file, 'old');
    const failing: AtomicFs = { ...fs, rename: async () => Promise.reject(new Error('EXDEV: rename failed')) };
    await expect(writeFileAtomic(file, 'new', failing)).rejects.toThrow(/EXDEV/);
    expect(await fs.readFile(file, 'utf8')).toBe('old');
    expect(await fs.readdir(dir)).toEqual(['b.json']);
  });
});
