/**
 * Writing a file so that it is either entirely the old content or entirely
 * the new: write a temporary file beside it, flush it to disk, then rename it
 * over the target (rename is atomic within one file system). A file written
 * over keeps its permissions (a project saved as 0600 stays private).
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

/** A name for a temporary sibling of `target` that no other write (of this process or another) uses. */
export function temporarySibling(target: string, tag = 'tmp'): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.${counter++}.${tag}`);
}

/** The permission bits of `file`, or undefined when it does not exist yet. */
export async function existingMode(file: string): Promise<number | undefined> {
  try {
    return (await nodeFs.stat(file)).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/**
 * Writes `data` to `target` atomically: temp file in the same folder, fsync,
 * rename, then fsync the folder so the rename itself survives a power cut.
 * On any failure the temp file is removed and `target` is left as it was.
 * A target that exists keeps its permission bits; a new one gets 0644 less
 * the umask.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, fs: AtomicFs = nodeFs): Promise<void> {
  const dir = path.dirname(target);
  const temp = temporarySibling(target);
  const mode = await existingMode(target);
  let handle: Awaited<ReturnType<typeof nodeFs.open>> | undefined;
  try {
    handle = await fs.open(temp, 'wx', mode ?? 0o644);
    // open() applies the umask; chmod gives the old file's exact bits back (a private 0600 stays 0600).
    if (mode !== undefined) await nodeFs.chmod(temp, mode);
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

/** Flushes a folder's entries (a rename, a new file) to disk; best effort where the platform cannot. */
export async function syncDirectory(dir: string): Promise<void> {
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
