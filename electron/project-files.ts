/**
 * Reading and writing project files for the desktop shell. Every file is
 * validated with core's schema on the way in and on the way out, so neither
 * a corrupt file nor a misbehaving renderer can leave a bad project on disk.
 */
import { promises as fs } from 'node:fs';
import { ValidationError } from '../core/errors';
import {
  parseProjectFile,
  projectFromJson,
  serializeProjectFile,
  type ProjectFile,
} from '../core/formats/project-file';
import { writeFileAtomic } from './atomic-write';

/** The outcome of a read: the project, or one clear line saying why not. */
export type ReadResult = { ok: true; project: ProjectFile } | { ok: false; error: string };

/** Reads and validates a project file. Never throws for a user's file; the message names the file. */
export async function readProjectFile(file: string): Promise<ReadResult> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    return { ok: false, error: `Cannot open ${file}: ${why}.` };
  }
  try {
    return { ok: true, project: parseProjectFile(text) };
  } catch (e) {
    if (e instanceof ValidationError)
      return { ok: false, error: `${file} is not a valid NetCanvas project. ${e.message}` };
    throw e;
  }
}

/**
 * Validates `payload` as a project (it comes from the renderer, which main
 * does not trust) and writes it atomically. The old file survives any failure.
 */
export async function writeProjectFile(file: string, payload: unknown): Promise<void> {
  const project = projectFromJson(payload);
  await writeFileAtomic(file, serializeProjectFile(project));
}
