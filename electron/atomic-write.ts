/**
 * Writing a file so that it is either entirely the old content or entirely
 * the new: write a temporary file beside it, flush it to disk, then rename it
 * over the target (rename is atomic within one file system).
 */
import { promises as nodeFs } from 'node:fs';
import path from 'node:path';

/** The file-system calls an atomic write needs; tests pass a failing one to simulate a crash. */
export interface AtomicFs {
  open: typeof nodeFs.open;
  rename: typeof nodeFs.rename;
  unlink: typeof nodeFs.unlink;
}

let counter = 0;

/**
 * Writes `data` to `target` atomically: temp file in the same folder, fsync,
 * rename, then fsync the folder so the rename itself survives a power cut.
 * On any failure the temp file is removed and `target` is left as it was.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, fs: AtomicFs = nodeFs): Promise<void> {
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.${counter++}.tmp`);
  let handle: Awaited<ReturnType<typeof nodeFs.open>> | undefined;
  try {
    handle = await fs.open(temp, 'wx', 0o644);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await fs.unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

async function syncDirectory(dir: string): Promise<void> {
  // Not every platform lets a directory be opened for fsync (Windows does not); the rename is still atomic there.
  try {
    const handle = await nodeFs.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* best effort */
  }
}
