/**
 * Crash recovery for the web page: while the design has unsaved changes it
 * is kept in local storage; at start-up a copy left behind is offered back.
 * The stored project goes through core's validation on the way back in.
 */
import { ValidationError } from '../../core/errors';
import type { Graph } from '../../core/graph/graph';
import { createProject, projectFromJson } from '../../core/formats/project-file';

/** The local-storage key of the autosaved design. */
export const AUTOSAVE_KEY = 'netcanvas:autosave';

/** A design that can be restored. */
export interface AutosavedDesign {
  graph: Graph;
  fileName: string | null;
  /** When it was written, ISO 8601. */
  savedAt: string;
}

/** Stores the design (call only while it has unsaved changes). Storage full or blocked is not worth interrupting the user for. */
export function writeAutosave(storage: Storage, graph: Graph, fileName: string | null, now = new Date()): void {
  try {
    storage.setItem(AUTOSAVE_KEY, JSON.stringify({ savedAt: now.toISOString(), fileName, project: createProject(graph) }));
  } catch {
    // Quota exceeded or storage disabled: autosave is a convenience, the design itself is unaffected.
  }
}

/** Forgets the autosaved design (after a save, or when the user declines to restore it). */
export function clearAutosave(storage: Storage): void {
  try {
    storage.removeItem(AUTOSAVE_KEY);
  } catch {
    // Storage disabled: nothing was stored.
  }
}

/** The autosaved design, or null when there is none or it does not validate (it is then discarded). */
export function readAutosave(storage: Storage): AutosavedDesign | null {
  let raw: string | null;
  try {
    raw = storage.getItem(AUTOSAVE_KEY);
  } catch {
    return null;
  }
  if (!raw) return null;
  try {
    const stored = JSON.parse(raw) as { savedAt?: unknown; fileName?: unknown; project?: unknown };
    const project = projectFromJson(stored.project);
    if (!project.graph.nodes.length) return null;
    return {
      graph: project.graph,
      fileName: typeof stored.fileName === 'string' ? stored.fileName : null,
      savedAt: typeof stored.savedAt === 'string' ? stored.savedAt : '',
    };
  } catch (e) {
    if (!(e instanceof ValidationError) && !(e instanceof SyntaxError)) throw e;
    clearAutosave(storage);
    return null;
  }
}
