/**
 * What the main process does for each bridge call, as plain functions over
 * injected dialogs, so every refusal can be unit-tested without Electron.
 * Every payload is validated here: main does not trust the renderer.
 *
 * Files are touched by purpose (see `path-grants.ts`): a project at exactly
 * the path the user chose, readable and writable; a model picked for import,
 * read once with the weights file its manifest names (a `.bin` beside it,
 * checked against the checksum written with it); a dataset folder, read once
 * and read-only by the dataset reader; an export, written only as the files
 * main names itself (`<name>.model.json`, `<name>.weights.bin`) in the
 * folder the user chose.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { z } from 'zod';
import { ValidationError } from '../core/errors';
import { identifyFile } from '../core/formats/design-file';
import { parseJsonText } from '../core/formats/json-text';
import { LIMITS, bytesText } from '../core/limits';
import { PROJECT_EXTENSION, projectFromJson, serializeProjectFile } from '../core/formats/project-file';
import { onnxFileName, PYTORCH_FILES } from '../core/formats/export-files';
import { joinWeights, parseWeightsManifest } from '../core/formats/tfjs-weights';
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
import { fsErrorText } from './fs-errors';
import { isWeightsRecord, weightsMismatch, weightsRecord } from './model-folder';
import { PathGrants, realPath } from './path-grants';
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

/** Project text larger than this is refused: the design-file limit core reads (a 100,000-layer project is about 50 MiB). */
const MAX_TEXT = LIMITS.designFileBytes;
/** Weights larger than this are not read or written (2 GiB: an ArrayBuffer this size is all a renderer can hold). */
const MAX_WEIGHTS_BYTES = 2 ** 31;
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
function projectWeightsRecord(project: unknown): Record<string, unknown> | null {
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
const exportDesignSchema = z.discriminatedUnion('format', [
  z.object({
    format: z.literal('pytorch'),
    name: z.string().max(255),
    modelPy: z.string().max(MAX_TEXT),
    trainPy: z.string().max(MAX_TEXT),
    readme: z.string().max(MAX_TEXT),
    weights: z.object({ data: z.instanceof(ArrayBuffer), manifest: z.string().max(MAX_TEXT) }).optional(),
  }),
  z.object({ format: z.literal('onnx'), name: z.string().max(255), onnx: z.instanceof(ArrayBuffer) }),
]);
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

const { onnx } = onnxProto;
const PROJECT_FILTER = { name: 'NetCanvas project', extensions: ['json'] };

/**
 * Reads a file the user chose, refusing (with one line naming it) anything
 * but a regular file within `limit` bytes; with `noLinks`, a symbolic link
 * is refused too (for files main finds beside a chosen one, rather than
 * files the user picked).
 */
async function readChosenFile(file: string, limit: number, noLinks = false): Promise<Buffer> {
  const info = await (noLinks ? fs.lstat(file) : fs.stat(file)).catch((e: NodeJS.ErrnoException) => {
    throw new PayloadError(e.code === 'ENOENT' ? `${file} no longer exists` : `${file}: ${fsErrorText(e)}`);
  });
  if (!info.isFile()) throw new PayloadError(`${file} is not a regular file.`);
  if (info.size > limit)
    throw new PayloadError(`${file} is ${bytesText(info.size)}; NetCanvas reads at most ${bytesText(limit)}.`);
  return fs.readFile(file).catch((e) => {
    throw new PayloadError(`${file}: ${fsErrorText(e)}`);
  });
}

const arrayBufferOf = (bytes: Buffer): ArrayBuffer =>
  bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;

/** `lenet.model.json` → `lenet`: the name an export's files share, from the file the user chose. */
export function exportBaseName(chosen: string): string {
  const base = path
    .basename(chosen)
    .replace(/\.model\.json$/i, '')
    .replace(/\.json$/i, '');
  return base === '' || base === '.' || base === '..' ? 'model' : base;
}
/** Whether `text` is a NetCanvas project (not a model.json, not something else). */
function isProjectText(text: string): boolean {
  try {
    return identifyFile(text).kind === 'project';
  } catch {
    return false;
  }
}

const failed = (e: unknown): SaveResult => ({ status: 'failed', error: e instanceof Error ? e.message : String(e) });

/**
 * The files of an export request, named here and nowhere else, in the order
 * they are written: the weights before the code that loads them, `model.py`
 * (or the `.onnx` file) last. Throws {@link PayloadError} for weights that do
 * not match their manifest or bytes that are not an ONNX model.
 */
function exportDesignFiles(request: z.infer<typeof exportDesignSchema>): { name: string; data: string | Uint8Array }[] {
  if (request.format === 'onnx') {
    const bytes = new Uint8Array(request.onnx);
    let model: ReturnType<typeof onnx.ModelProto.decode>;
    try {
      model = onnx.ModelProto.decode(bytes);
    } catch {
      throw new PayloadError('Refused request: onnx is not an ONNX model.');
    }
    if (!model.graph) throw new PayloadError('Refused request: onnx holds no graph.');
    return [{ name: onnxFileName(request.name), data: bytes }];
  }
  const files: { name: string; data: string | Uint8Array }[] = [];
  if (request.weights) {
    const data = new Uint8Array(request.weights.data);
    try {
      const groups = parseWeightsManifest(JSON.parse(request.weights.manifest), ['weights', 'manifest']);
      if (groups.some((g) => g.paths.length !== 1 || g.paths[0] !== PYTORCH_FILES.weights))
        throw new ValidationError(['weights', 'manifest'], `must name ${PYTORCH_FILES.weights} as its one file`);
      joinWeights(groups, () => data);
    } catch (e) {
      if (e instanceof SyntaxError) throw new PayloadError('Refused request: weights.manifest is not JSON.');
      if (e instanceof ValidationError) throw new PayloadError(`Refused request: ${e.message}`);
      throw e;
    }
    files.push({ name: PYTORCH_FILES.weights, data }, { name: PYTORCH_FILES.manifest, data: request.weights.manifest });
  }
  files.push(
    { name: PYTORCH_FILES.train, data: request.trainPy },
    { name: PYTORCH_FILES.readme, data: request.readme },
    { name: PYTORCH_FILES.model, data: request.modelPy },
  );
  return files;
}

/** The handlers behind each bridge method, with the grants that limit which files they touch. */
export function createIpcHandlers(dialogs: Dialogs, events: FileEvents, grants = new PathGrants()) {
  async function writeProject(target: string, text: string, sidecar?: ProjectSidecar): Promise<SaveResult> {
    let value: unknown;
    try {
      value = parseJsonText(text);
    } catch (e) {
      return {
        status: 'failed',
        error: `Refused request: the project text is not JSON NetCanvas reads (${(e as Error).message}).`,
      };
    }
    try {
      if (sidecar) {
        const record = projectWeightsRecord(value);
        if (!record)
          return { status: 'failed', error: 'Refused request: weights sent without training.weights in the project.' };
        // Main names the weights file after the project, and records its size and checksum in the
        // project, which is written last: weights that do not match are refused when it is opened.
        const data = new Uint8Array(sidecar.data);
        Object.assign(record, weightsRecord(weightsFileFor(target), data));
        // Validate before writing anything, then write the weights first, so a project on disk never names weights that are not there.
        projectFromJson(value);
        await writeFileAtomic(path.join(path.dirname(target), record.file as string), data);
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
    return writeProject(await grants.grantProject(chosen), request.text, request.sidecar);
  }

  /**
   * The project's trained weights: the file main itself named when it saved
   * the project (`<project>.weights.bin` beside it, a regular file, not a
   * link), and only when it matches the size and checksum recorded in the
   * project. Nothing when the project names none or the file is missing; the
   * reason when it does not match (either way the renderer opens the design
   * untrained, and says why).
   */
  async function readSidecar(
    projectFile: string,
    text: string,
  ): Promise<{ sidecar?: ProjectSidecar; sidecarProblem?: string }> {
    let record: Record<string, unknown> | null = null;
    const name = weightsFileFor(projectFile);
    try {
      const identified = identifyFile(text);
      // Only the name main gives: a project must not make main read any other file.
      if (identified.kind === 'project' && identified.companions[0] === name)
        record = projectWeightsRecord(identified.json);
    } catch {
      return {}; // Not JSON: the renderer reports that with the file name.
    }
    if (!record) return {};
    const bytes = await readChosenFile(path.join(path.dirname(projectFile), name), MAX_WEIGHTS_BYTES, true).catch(
      () => null,
    );
    if (!bytes) return {};
    const mismatch = isWeightsRecord(record) ? weightsMismatch(record, bytes) : null;
    if (mismatch !== null) return { sidecarProblem: mismatch };
    return { sidecar: { name, data: arrayBufferOf(bytes) } };
  }

  return {
    grants,

    /** Opens a file the user picks, or one already granted (recent list, command line, double-click). */
    async openProject(granted?: string): Promise<OpenedFile | null> {
      let file: string;
      if (granted !== undefined) {
        const real = await grants.projectPath(granted);
        if (!real)
          throw new PayloadError(`Refused request: ${String(granted).slice(0, 300)} was not chosen by the user.`);
        // Opened now by the user's own hand, the grant outlives Clear Recent.
        file = await grants.grantProject(real);
      } else {
        const [picked] = await dialogs.showOpen({ title: 'Open Project', filters: [PROJECT_FILTER] });
        if (!picked) return null;
        file = await grants.grantProject(picked);
      }
      const text = (await readChosenFile(file, MAX_TEXT)).toString('utf8');
      if (!isProjectText(text)) {
        // A model.json (imported by the renderer, as a drop is) or a file that is no design: read once,
        // never writable as a project and not a recent project.
        grants.revokeProject(file);
        return { name: path.basename(file), path: file, text };
      }
      events.opened(file);
      return { name: path.basename(file), path: file, text, ...(await readSidecar(file, text)) };
    },

    /** Saves in place when the renderer names a path the user chose before; otherwise asks. */
    async saveProject(payload: unknown): Promise<SaveResult> {
      const request = parse(saveProjectSchema, payload);
      if (request.path === undefined) return saveAs(request);
      const real = await grants.projectPath(request.path);
      if (!real) throw new PayloadError(`Refused request: ${request.path.slice(0, 300)} was not chosen by the user.`);
      return writeProject(real, request.text, request.sidecar);
    },

    saveProjectAs: saveAs,

    /**
     * Asks for a model.json and reads it with the weights files its manifest
     * names: plain `.bin` names beside it, regular files, at most 2 GiB in all,
     * and matching the checksum NetCanvas wrote with them. Grants nothing.
     */
    async importModel(): Promise<OpenedModel | null> {
      const [picked] = await dialogs.showOpen({
        title: 'Import Model JSON',
        filters: [{ name: 'TensorFlow.js model', extensions: ['json'] }],
      });
      if (!picked) return null;
      const file = await realPath(picked);
      const text = (await readChosenFile(file, MAX_TEXT)).toString('utf8');
      let identified: ReturnType<typeof identifyFile>;
      try {
        identified = identifyFile(text);
      } catch {
        // Not JSON (or too deep to read): the renderer's importer reports that with the file name.
        return { name: path.basename(file), path: file, text };
      }
      // Only the weights of a Layers model, by plain `.bin` names beside it.
      const names = [...new Set(identified.kind === 'layers-model' ? identified.companions : [])].filter(
        (name) => safeFileName.safeParse(name).success && /\.bin$/i.test(name),
      );
      const metadata = (identified.json as { userDefinedMetadata?: { netcanvas?: { weights?: unknown } } })
        .userDefinedMetadata;
      const record = metadata?.netcanvas?.weights;
      const weights: { name: string; data: ArrayBuffer }[] = [];
      let total = 0;
      for (const name of names) {
        const bytes = await readChosenFile(path.join(path.dirname(file), name), MAX_WEIGHTS_BYTES, true).catch(
          () => null,
        );
        if (!bytes) continue; // missing: the importer says which weights it lacks
        total += bytes.byteLength;
        if (total > MAX_WEIGHTS_BYTES)
          throw new PayloadError(
            `${file} names over ${bytesText(MAX_WEIGHTS_BYTES)} of weights; NetCanvas reads at most that.`,
          );
        if (isWeightsRecord(record) && record.file === name) {
          const mismatch = weightsMismatch(record, bytes);
          if (mismatch)
            throw new PayloadError(
              `${path.basename(file)} cannot be imported with its weights: ${mismatch} (an export was interrupted, or the files come from different models).`,
            );
        }
        weights.push({ name, data: arrayBufferOf(bytes) });
      }
      return { name: path.basename(file), path: file, text, ...(weights.length ? { weights } : {}) };
    },

    /**
     * Writes an exported model as `<name>.weights.bin` then `<name>.model.json`
     * in the folder the user picks, `<name>` taken from the file chosen. Main
     * names both files itself whatever the renderer sends: the weight shards
     * the manifest lists are joined into the one weights file, and the
     * manifest (written last) points at it with its size and checksum.
     */
    async exportModel(payload: unknown): Promise<SaveResult> {
      const request = parse(exportModelSchema, payload);
      let model: Record<string, unknown>;
      try {
        model = parseJsonText(request.modelJson) as Record<string, unknown>;
      } catch (e) {
        throw new PayloadError(`Refused request: modelJson is not JSON NetCanvas reads (${(e as Error).message}).`);
      }
      if (typeof model !== 'object' || model === null || Array.isArray(model) || !('modelTopology' in model))
        throw new PayloadError('Refused request: modelJson has no modelTopology.');
      const groups = Array.isArray(model.weightsManifest)
        ? (model.weightsManifest as { paths?: unknown; weights?: unknown }[])
        : [];
      const shardNames = groups.flatMap((g) => (Array.isArray(g?.paths) ? g.paths : []));
      const sent = new Map((request.weights ?? []).map((w) => [w.name, new Uint8Array(w.data)]));
      const missing = shardNames.filter((n) => typeof n !== 'string' || !sent.has(n));
      if (missing.length)
        throw new PayloadError(
          `Refused request: the manifest lists weights that were not sent (${String(missing[0]).slice(0, 100)}).`,
        );
      const chosen = await dialogs.showSave({
        title: 'Export TensorFlow.js Model',
        defaultPath: request.suggestedName,
        filters: [{ name: 'TensorFlow.js model', extensions: ['json'] }],
      });
      if (!chosen) return { status: 'cancelled' };
      try {
        const dir = await realPath(path.dirname(chosen));
        const name = exportBaseName(chosen);
        const modelFile = path.join(dir, `${name}.model.json`);
        if (shardNames.length) {
          const shards = shardNames.map((n) => sent.get(n as string) as Uint8Array);
          const data = new Uint8Array(shards.reduce((a, b) => a + b.byteLength, 0));
          let offset = 0;
          for (const shard of shards) {
            data.set(shard, offset);
            offset += shard.byteLength;
          }
          const weightsFile = `${name}.weights.bin`;
          model.weightsManifest = [
            { paths: [weightsFile], weights: groups.flatMap((g) => (Array.isArray(g?.weights) ? g.weights : [])) },
          ];
          const metadata = (model.userDefinedMetadata ?? {}) as Record<string, unknown>;
          model.userDefinedMetadata = { ...metadata, netcanvas: { weights: weightsRecord(weightsFile, data) } };
          await writeFileAtomic(path.join(dir, weightsFile), data);
        }
        await writeFileAtomic(modelFile, `${JSON.stringify(model)}\n`);
        return { status: 'saved', name: path.basename(modelFile), path: modelFile };
      } catch (e) {
        return failed(e);
      }
    },

    /**
     * Writes a PyTorch or ONNX export into the folder the user picks, under
     * the names main fixes (`PYTORCH_FILES`, `<name>.onnx`), each file
     * atomically. The weights are checked against their manifest and the
     * ONNX bytes must decode as a model before anything is asked or written.
     */
    async exportDesign(payload: unknown): Promise<SaveResult> {
      const request = parse(exportDesignSchema, payload);
      const files = exportDesignFiles(request);
      const chosen = await dialogs.showFolder({
        title: request.format === 'onnx' ? 'Export ONNX into folder' : 'Export PyTorch code into folder',
      });
      if (!chosen) return { status: 'cancelled' };
      try {
        const folder = await realPath(chosen);
        // model.py loads whatever weights sit beside it: an untrained export must not leave an older export's behind.
        if (request.format === 'pytorch' && !request.weights)
          for (const stale of [PYTORCH_FILES.manifest, PYTORCH_FILES.weights])
            await fs.rm(path.join(folder, stale), { force: true });
        for (const file of files) await writeFileAtomic(path.join(folder, file.name), file.data);
        const main = files[files.length - 1].name;
        return { status: 'saved', name: main, path: path.join(folder, main) };
      } catch (e) {
        return failed(e);
      }
    },

    /**
     * Asks for a dataset folder (or the CIFAR-10 archive) and reads the files
     * core needs from it, with progress: once, read-only, and without
     * granting anything (a dataset folder never becomes readable or writable
     * through the project calls).
     */
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
      return readDatasetFiles(kind, await realPath(chosen), onProgress);
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
        value = parseJsonText(design.text);
      } catch (e) {
        throw new PayloadError(
          `Refused request: the autosaved project is not JSON NetCanvas reads (${(e as Error).message}).`,
        );
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
