/**
 * Crash recovery: the renderer's current design is written to the app's data
 * folder every few seconds while it has unsaved changes, and removed after a
 * clean save or close. A file left behind at start-up means the last session
 * ended without saving, so the app offers to restore it.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ValidationError } from '../core/errors';
import { projectFromJson, serializeProjectFile, type ProjectFile } from '../core/formats/project-file';
import { writeFileAtomic } from './atomic-write';

const envelope = z.object({
  savedAt: z.string(),
  /** The file the design belongs to, if it was ever opened or saved. */
  fileName: z.string().nullable(),
  project: z.unknown(),
});

/** A design that can be recovered. */
export interface Recovery {
  savedAt: string;
  fileName: string | null;
  project: ProjectFile;
}

export class Autosave {
  constructor(private readonly folder: string) {}

  private get file(): string {
    return path.join(this.folder, 'autosave.json');
  }

  /** Stores the current design (validated first: a bad payload is refused, and the last good autosave kept). */
  async store(payload: unknown, fileName: string | null, now = new Date()): Promise<void> {
    const project = projectFromJson(payload);
    await fs.mkdir(this.folder, { recursive: true });
    const body = { savedAt: now.toISOString(), fileName, project: JSON.parse(serializeProjectFile(project)) };
    await writeFileAtomic(this.file, `${JSON.stringify(body)}\n`);
  }

  /** The design left by a session that did not end cleanly, or null. A corrupt autosave is discarded. */
  async pending(): Promise<Recovery | null> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed = envelope.parse(JSON.parse(text));
      return { savedAt: parsed.savedAt, fileName: parsed.fileName, project: projectFromJson(parsed.project) };
    } catch (e) {
      if (!(e instanceof ValidationError || e instanceof SyntaxError || e instanceof z.ZodError)) throw e;
      await this.clear();
      return null;
    }
  }

  /** Forgets the autosave (after a save, a clean close, or when the user declines recovery). */
  async clear(): Promise<void> {
    await fs.rm(this.file, { force: true });
  }
}
