/**
 * The project files the renderer may read and write: exactly those the user
 * picked in an Open or Save dialog, opened from the recent list, passed on
 * the command line or double-clicked, each at the real path it resolves to.
 * Nothing else is granted: a dataset folder is read once, read-only, by the
 * dataset reader; a model picked for import is read once; an export writes
 * only the files main names itself. The main process never reads or writes a
 * path just because the renderer asked for it.
 *
 * Every path is resolved with `realpath` (symbolic links followed) before it
 * is granted and again before it is checked, so `granted/link-out/secret`
 * is checked as the file it really is.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Where a grant came from: a choice the user made in this session, or the recent list kept from before. */
export type GrantSource = 'chosen' | 'recent';

/**
 * The real path of `file`: symbolic links resolved. A file that does not
 * exist yet (a Save As target) is its real folder plus its name.
 */
export async function realPath(file: string): Promise<string> {
  const absolute = path.resolve(file);
  try {
    return await fs.realpath(absolute);
  } catch {
    return path.join(
      await fs.realpath(path.dirname(absolute)).catch(() => path.dirname(absolute)),
      path.basename(absolute),
    );
  }
}

const isPath = (target: unknown): target is string =>
  typeof target === 'string' && target.length > 0 && target.length < 4096 && !target.includes('\0');

export class PathGrants {
  /** Real paths of granted project files, with where each grant came from. */
  private readonly projects = new Map<string, Set<GrantSource>>();

  /** Grants one project file for reading and writing; returns its real path. */
  async grantProject(file: string, source: GrantSource = 'chosen'): Promise<string> {
    const real = await realPath(file);
    const sources = this.projects.get(real) ?? new Set<GrantSource>();
    sources.add(source);
    this.projects.set(real, sources);
    return real;
  }

  /**
   * The real path of `target` when it is a granted project file, else null.
   * Any string the renderer sends is resolved first, so a link or `..`
   * cannot make another file look like a granted one.
   */
  async projectPath(target: unknown): Promise<string | null> {
    if (!isPath(target)) return null;
    const real = await realPath(target);
    return this.projects.has(real) ? real : null;
  }

  /** Revokes every grant of the project file at real path `real` (it turned out not to be a project). */
  revokeProject(real: string): void {
    this.projects.delete(real);
  }

  /** Revokes the grants that only the recent list gave (File → Clear Recent); files chosen this session stay. */
  revokeRecent(): void {
    for (const [file, sources] of this.projects) {
      sources.delete('recent');
      if (sources.size === 0) this.projects.delete(file);
    }
  }
}
