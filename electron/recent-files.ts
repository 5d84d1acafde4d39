/** The File → Open Recent list: most recent first, no duplicates, persisted as JSON in the app's data folder. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write';

/** How many recent files the menu shows. */
export const MAX_RECENT = 10;

const schema = z.object({ files: z.array(z.string().min(1)).max(100) });

/** `file` moved to the front of `list`, trimmed to {@link MAX_RECENT}. */
export function pushRecent(list: readonly string[], file: string): string[] {
  const resolved = path.resolve(file);
  return [resolved, ...list.filter((f) => f !== resolved)].slice(0, MAX_RECENT);
}

/** `list` without `file` (for a recent file that no longer opens). */
export const removeRecent = (list: readonly string[], file: string): string[] =>
  list.filter((f) => f !== path.resolve(file));

/** Reads the list; a missing or corrupt store gives an empty list rather than blocking start-up. */
export async function loadRecent(storeFile: string): Promise<string[]> {
  try {
    const parsed = schema.safeParse(JSON.parse(await fs.readFile(storeFile, 'utf8')));
    return parsed.success ? parsed.data.files.slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

/** Writes the list atomically. */
export async function saveRecent(storeFile: string, files: readonly string[]): Promise<void> {
  await fs.mkdir(path.dirname(storeFile), { recursive: true });
  await writeFileAtomic(storeFile, `${JSON.stringify({ files }, null, 2)}\n`);
}
