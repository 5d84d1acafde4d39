/**
 * The files the renderer may touch: only those the user picked in a native
 * dialog, opened from the recent list, passed on the command line or dropped
 * on the window. The main process never reads or writes a path just because
 * the renderer asked for it.
 */
import path from 'node:path';

export class PathGrants {
  private readonly files = new Set<string>();
  private readonly folders = new Set<string>();

  /** Grants one file (chosen in a save or open dialog). */
  grantFile(file: string): string {
    const resolved = path.resolve(file);
    this.files.add(resolved);
    return resolved;
  }

  /** Grants a folder and everything below it (a data set folder the user picked). */
  grantFolder(folder: string): string {
    const resolved = path.resolve(folder);
    this.folders.add(resolved);
    return resolved;
  }

  /** Whether `target` was granted, directly or through a granted folder. Refuses anything that climbs out with `..`. */
  allows(target: unknown): target is string {
    if (typeof target !== 'string' || target.length === 0 || target.includes('\0')) return false;
    const resolved = path.resolve(target);
    if (this.files.has(resolved)) return true;
    for (const folder of this.folders) {
      const rel = path.relative(folder, resolved);
      if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return true;
    }
    return false;
  }
}
