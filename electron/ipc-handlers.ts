/**
 * What the main process does for each bridge call, as plain functions over
 * injected dialogs, so every refusal can be unit-tested without Electron.
 * Every payload is validated here: main does not trust the renderer.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ValidationError } from '../core/errors';
import { identifyFile } from '../core/formats/design-file';
import { PROJECT_EXTENSION, projectFromJson, serializeProjectFile } from '../core/formats/project-file';
import { DATASET_FILES_KINDS } from '../core/data/dataset-files';
import type {
  DatasetProgress,
  OpenedDataset,
  OpenedFile,
  OpenedModel,
  PendingAutosave,
  ProjectSidecar,
  SaveResult,
} from './contract';
import type { Autosave } from './autosave';
import { readDatasetFiles } from './dataset-reader';
import { writeFileAtomic } from './atomic-write';
import { PathGrants } from './path-grants';
import { writeProjectFile } from './project-files';

/** The native dialogs main needs; `main.ts` passes Electron's, tests pass scripted ones. */
export interface Dialogs {
  /** Paths the user picked, or an empty list when cancelled. */
  showOpen(options: {
    title: string;
    filters: { name: string; extensions: string[] }[];
    multiple?: boolean;
  }): Promise<string[]>;
  /** The folder the user picked, or null when cancelled. */
  showFolder(options: { title: string }): Promise<string | null>;
  /** The path the user chose, or null when cancelled. */
  showSave(options: {
    title: string;
    defaultPath: string;
    filters: { name: string; extensions: string[] }[];
  }): Promise<string | null>;
}

/** Things that happen after a successful open or save (recent files, title bar). */
export interface FileEvents {
  opened(file: string): void;
  saved(file: string): void;
}

/** A refused payload: the bridge answers with one line, the renderer shows it. */
export class PayloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PayloadError';
  }
}

/** Project text larger than this is refused (a design is kilobytes; this leaves room for huge imports). */
const MAX_TEXT = 64 * 1024 * 1024;
const safeFileName = z
  .string()
  .min(1)
  .max(255)
  .refine((n) => !/[/\\\0]/.test(n) && n !== '.' && n !== '..', 'must be a plain file name');

const saveProjectSchema = z.object({
  text: z.string().max(MAX_TEXT),
  suggestedName: safeFileName,
  path: z.string().optional(),
  sidecar: z.object({ name: safeFileName, data: z.instanceof(ArrayBuffer) }).optional(),
});

/**
 * The weights file that belongs to the project at `projectFile`: its name
 * without `.netcanvas.json` (or `.json`), then `.weights.bin`. Naming it
 * after the file actually written keeps two projects saved in one folder
 * from sharing (and overwriting) one weights file.
 */
export function weightsFileFor(projectFile: string): string {
  return `${path
    .basename(projectFile)
    .replace(/\.netcanvas\.json$/i, '')
    .replace(/\.json$/i, '')}.weights.bin`;
}

/** The `training.weights` record of a parsed project, when it has one. */
function weightsRecord(project: unknown): Record<string, unknown> | null {
  const training = (project as { training?: unknown } | null)?.training;
  const weights = (training as { weights?: unknown } | null | undefined)?.weights;
  return typeof weights === 'object' && weights !== null && !Array.isArray(weights)
    ? (weights as Record<string, unknown>)
    : null;
}
const exportModelSchema = z.object({
  modelJson: z.string().max(MAX_TEXT),
  suggestedName: safeFileName,
  weights: z
    .array(z.object({ name: safeFileName, data: z.instanceof(ArrayBuffer) }))
    .max(1000)
    .optional(),
});
const exportTextSchema = z.object({
  text: z.string().max(MAX_TEXT),
  suggestedName: safeFileName,
  format: z.enum(['csv', 'markdown']),
});

function parse<T>(schema: z.ZodType<T>, payload: unknown): T {
  const result = schema.safeParse(payload);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new PayloadError(`Refused request: ${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
  }
  return result.data;
}

const PROJECT_FILTER = { name: 'NetCanvas project', extensions: ['json'] };
const failed = (e: unknown): SaveResult => ({ status: 'failed', error: e instanceof Error ? e.message : String(e) });

/** The handlers behind each bridge method, with the grants that limit which files they touch. */
export function createIpcHandlers(dialogs: Dialogs, events: FileEvents, grants = new PathGrants()) {
  async function writeProject(target: string, text: string, sidecar?: ProjectSidecar): Promise<SaveResult> {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { status: 'failed', error: 'Refused request: the project text is not JSON.' };
    }
    try {
      if (sidecar) {
        const record = weightsRecord(value);
        if (!record)
          return { status: 'failed', error: 'Refused request: weights sent without training.weights in the project.' };
        record.file = weightsFileFor(target);
        // Validate before writing anything, then write the weights first, so a project on disk never names weights that are not there.
        projectFromJson(value);
        await writeFileAtomic(path.join(path.dirname(target), record.file as string), new Uint8Array(sidecar.data));
      }
      await writeProjectFile(target, value);
    } catch (e) {
      if (e instanceof ValidationError)
        return { status: 'failed', error: `Refused to save an invalid project. ${e.message}` };
      return failed(e);
    }
    events.saved(target);
    return { status: 'saved', name: path.basename(target), path: target };
  }

  async function saveAs(payload: unknown): Promise<SaveResult> {
    const request = parse(saveProjectSchema, payload);
    const chosen = await dialogs.showSave({
      title: 'Save Project',
      defaultPath: request.suggestedName.endsWith(PROJECT_EXTENSION)
        ? request.suggestedName
        : `${request.suggestedName}${PROJECT_EXTENSION}`,
      filters: [PROJECT_FILTER],
    });
    if (!chosen) return { status: 'cancelled' };
    return writeProject(grants.grantFile(chosen), request.text, request.sidecar);
  }

  /** The weights file the project names, from the project's own folder; nothing when it names none, or it is missing. */
  async function readSidecar(projectFile: string, text: string): Promise<{ sidecar?: ProjectSidecar }> {
    let name: string | undefined;
    try {
      const identified = identifyFile(text);
      if (identified.kind === 'project') [name] = identified.companions;
    } catch {
      return {}; // Not JSON: the renderer reports that with the file name.
    }
    // Only a plain name: a project must not make main read files outside its folder.
    if (name === undefined || !safeFileName.safeParse(name).success) return {};
    const bytes = await fs.readFile(path.join(path.dirname(projectFile), name)).catch(() => null);
    if (!bytes) return {};
    return {
      sidecar: { name, data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer },
    };
  }

  return {
    grants,

    /** Opens a file the user picks, or one already granted (recent list, command line, drop). */
    async openProject(granted?: string): Promise<OpenedFile | null> {
      const file =
        granted ?? (await dialogs.showOpen({ title: 'Open Project', filters: [PROJECT_FILTER] }).then((p) => p[0]));
      if (!file) return null;
      if (!grants.allows(file) && granted !== undefined)
        throw new PayloadError(`Refused request: ${file} was not chosen by the user.`);
      const resolved = grants.grantFile(file);
      const text = await fs.readFile(resolved, 'utf8').catch((e: NodeJS.ErrnoException) => {
        throw new PayloadError(e.code === 'ENOENT' ? `${resolved} no longer exists` : `${resolved}: ${e.message}`);
      });
      events.opened(resolved);
      return { name: path.basename(resolved), path: resolved, text, ...(await readSidecar(resolved, text)) };
    },

    /** Saves in place when the renderer names a path the user chose before; otherwise asks. */
    async saveProject(payload: unknown): Promise<SaveResult> {
      const request = parse(saveProjectSchema, payload);
      if (request.path === undefined) return saveAs(request);
      if (!grants.allows(request.path))
        throw new PayloadError(`Refused request: ${request.path} was not chosen by the user.`);
      return writeProject(path.resolve(request.path), request.text, request.sidecar);
    },

    saveProjectAs: saveAs,

    /** Asks for a model.json and reads it together with the weight files it names from the same folder. */
    async importModel(): Promise<OpenedModel | null> {
      const [file] = await dialogs.showOpen({
        title: 'Import Model JSON',
        filters: [{ name: 'TensorFlow.js model', extensions: ['json'] }],
      });
      if (!file) return null;
      const text = await fs.readFile(grants.grantFile(file), 'utf8');
      const weights: { name: string; data: ArrayBuffer }[] = [];
      try {
        const identified = identifyFile(text);
        const names = identified.kind === 'layers-model' ? identified.companions : [];
        for (const name of names) {
          if (!safeFileName.safeParse(name).success) continue;
          const bytes = await fs.readFile(path.join(path.dirname(file), name)).catch(() => null);
          if (bytes)
            weights.push({
              name,
              data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
            });
        }
      } catch {
        // Not JSON: the renderer's importer reports that with the file name.
      }
      return { name: path.basename(file), path: file, text, ...(weights.length ? { weights } : {}) };
    },

    /** Writes model.json and its weight shards side by side in the folder the user picks. */
    async exportModel(payload: unknown): Promise<SaveResult> {
      const request = parse(exportModelSchema, payload);
      let model: unknown;
      try {
        model = JSON.parse(request.modelJson);
      } catch {
        throw new PayloadError('Refused request: modelJson is not JSON.');
      }
      if (typeof model !== 'object' || model === null || !('modelTopology' in model))
        throw new PayloadError('Refused request: modelJson has no modelTopology.');
      const chosen = await dialogs.showSave({
        title: 'Export Model JSON',
        defaultPath: request.suggestedName,
        filters: [{ name: 'TensorFlow.js model', extensions: ['json'] }],
      });
      if (!chosen) return { status: 'cancelled' };
      try {
        const dir = path.dirname(chosen);
        for (const w of request.weights ?? []) await writeFileAtomic(path.join(dir, w.name), new Uint8Array(w.data));
        await writeFileAtomic(chosen, request.modelJson);
      } catch (e) {
        return failed(e);
      }
      return { status: 'saved', name: path.basename(chosen), path: chosen };
    },

    /** Asks for a dataset folder (or the CIFAR-10 archive) and reads the files core needs from it, with progress. */
    async openDataset(payload: unknown, onProgress: (p: DatasetProgress) => void): Promise<OpenedDataset | null> {
      const kind = parse(z.enum(DATASET_FILES_KINDS as [string, ...string[]]), payload) as OpenedDataset['kind'];
      const chosen =
        kind === 'cifar10-archive'
          ? (
              await dialogs.showOpen({
                title: 'Open CIFAR-10 archive',
                filters: [{ name: 'CIFAR-10 binary archive', extensions: ['gz', 'tgz', 'tar'] }],
              })
            )[0]
          : await dialogs.showFolder({
              title: kind === 'image-folder' ? 'Open image folder (one subfolder per class)' : 'Open dataset folder',
            });
      if (!chosen) return null;
      return readDatasetFiles(
        kind,
        kind === 'cifar10-archive' ? grants.grantFile(chosen) : grants.grantFolder(chosen),
        onProgress,
      );
    },

    /** Writes a summary report where the user picks. */
    async exportText(payload: unknown): Promise<SaveResult> {
      const request = parse(exportTextSchema, payload);
      const ext = request.format === 'csv' ? 'csv' : 'md';
      const chosen = await dialogs.showSave({
        title: 'Export Summary',
        defaultPath: request.suggestedName,
        filters: [{ name: request.format === 'csv' ? 'CSV' : 'Markdown', extensions: [ext] }],
      });
      if (!chosen) return { status: 'cancelled' };
      try {
        await writeFileAtomic(chosen, request.text);
      } catch (e) {
        return failed(e);
      }
      return { status: 'saved', name: path.basename(chosen), path: chosen };
    },
  };
}

export type IpcHandlers = ReturnType<typeof createIpcHandlers>;

const autosavePayload = z
  .object({ text: z.string().max(MAX_TEXT), fileName: z.string().max(4096).nullable() })
  .nullable();

/**
 * Crash recovery for the desktop: the renderer's design goes to `autosave`
 * (validated there before anything is written), and comes back at start-up.
 */
export function createAutosaveHandlers(autosave: Autosave) {
  return {
    /** Keeps or (with `null`) forgets the design. A bad payload is refused and the last good copy kept. */
    async store(payload: unknown): Promise<void> {
      const design = parse(autosavePayload, payload);
      if (!design) return autosave.clear();
      let value: unknown;
      try {
        value = JSON.parse(design.text);
      } catch {
        throw new PayloadError('Refused request: the autosaved project is not JSON.');
      }
      await autosave.store(value, design.fileName);
    },
    /** The design the last session left unsaved, as the renderer's bridge returns it. */
    async pending(): Promise<PendingAutosave | null> {
      const recovery = await autosave.pending();
      return (
        recovery && {
          text: serializeProjectFile(recovery.project),
          fileName: recovery.fileName,
          savedAt: recovery.savedAt,
        }
      );
    },
  };
}
