/**
 * Crash recovery: while the design has unsaved changes a copy is handed to
 * the host (the desktop shell keeps it in the app's data folder, a browser in
 * local storage); at start-up a copy left behind is offered back. The stored
 * project goes through core's validation on the way back in.
 */
import { ValidationError } from '../../core/errors';
import type { Graph } from '../../core/graph/graph';
import { createProject, parseProjectFile, serializeProjectFile } from '../../core/formats/project-file';
import type { PendingAutosave } from '../../electron/contract';

/** The local-storage key of the autosaved design in a browser. */
export const AUTOSAVE_KEY = 'netcanvas:autosave';

/** A design that can be restored. */
export interface AutosavedDesign {
  graph: Graph;
  fileName: string | null;
  /** When it was written, ISO 8601. */
  savedAt: string;
}

/** The project text the host keeps for `graph`. */
export const autosaveText = (graph: Graph): string => serializeProjectFile(createProject(graph));

/** The restorable design in what the host kept, or null when there is none or it does not validate. */
export function designFromAutosave(pending: PendingAutosave | null): AutosavedDesign | null {
  if (!pending) return null;
  try {
    const project = parseProjectFile(pending.text);
    if (!project.graph.nodes.length) return null;
    return { graph: project.graph, fileName: pending.fileName, savedAt: pending.savedAt };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return null;
  }
}

/**
 * The browser's autosave store over `storage`. Storage that is full or
 * blocked is not worth interrupting the user for: autosave is a convenience.
 */
export function localAutosave(storage: Storage) {
  return {
    store(design: { text: string; fileName: string | null } | null, now = new Date()): void {
      try {
        if (design) storage.setItem(AUTOSAVE_KEY, JSON.stringify({ savedAt: now.toISOString(), ...design }));
        else storage.removeItem(AUTOSAVE_KEY);
      } catch {
        // Quota exceeded or storage disabled: the design itself is unaffected.
      }
    },
    pending(): PendingAutosave | null {
      try {
        const raw = storage.getItem(AUTOSAVE_KEY);
        const stored = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
        if (!stored || typeof stored.text !== 'string') return null;
        return {
          text: stored.text,
          fileName: typeof stored.fileName === 'string' ? stored.fileName : null,
          savedAt: typeof stored.savedAt === 'string' ? stored.savedAt : '',
        };
      } catch {
        return null;
      }
    },
  };
}
