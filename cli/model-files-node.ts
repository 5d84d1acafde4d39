/**
 * Writing what the command produces (a TensorFlow.js model folder, a JSON
 * report) to disk in Node. A file goes through `writeFileAtomic` and a model
 * folder through `writeModelFolder`, so an interrupted run leaves either the
 * old one or the new one, never half of one or a mix; failures become one
 * `CliError` line naming the path.
 */
import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { ExportedFile } from '../core/formats/pytorch/index';
import type { TfjsExport } from '../core/formats/tfjs-export';
import { writeFileAtomic } from '../electron/atomic-write';
import { fsErrorText } from '../electron/fs-errors';
import {
  checkModelFolder,
  ModelFolderError,
  weightsRecord,
  writeModelFolder,
  type ModelFolderFile,
} from '../electron/model-folder';
import { CliError } from './command';

/** The name tfjs's `loadLayersModel('file://…')` and every tfjs example expect. */
export const MODEL_JSON_FILE_NAME = 'model.json';
/** Written beside model.json when the model needs layer classes defined before it loads elsewhere. */
export const README_FILE_NAME = 'README.md';

function reason(error: unknown): string {
  // mkdir -p reports a file in the way as EEXIST.
  return (error as NodeJS.ErrnoException).code === 'EEXIST'
    ? 'a part of the path is a file, not a folder'
    : fsErrorText(error);
}

/** Writes `data` to `path` atomically; the message of a failure names `shown` (the path as the user typed it). */
export async function writeFileOrFail(path: string, data: string | Uint8Array, shown: string = path): Promise<void> {
  try {
    await writeFileAtomic(path, data);
  } catch (error) {
    throw new CliError(`cannot write "${shown}": ${reason(error)}`);
  }
}

/** Fails unless the folder a file will be written into exists (checked before a long run, not after). */
export async function requireParentFolder(file: string, shown: string = file): Promise<void> {
  const parent = dirname(resolve(file));
  const isDir = await stat(parent).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) throw new CliError(`cannot write "${shown}": the folder ${parent} does not exist`);
}

/**
 * The files of a TensorFlow.js Layers model folder: the weights file its
 * manifest names (unless the export is topology-only), a README.md when the
 * model holds layers NetCanvas adds to tfjs (Maxout, Subtract), and `model.json`,
 * which records the weights' size and checksum (`userDefinedMetadata.netcanvas`)
 * so weights from another model are refused when the pair is read back.
 */
export function tfjsModelFiles(exported: TfjsExport): ModelFolderFile[] {
  const files: ModelFolderFile[] = [];
  const { modelJson, weightData } = exported;
  let json: TfjsExport['modelJson'] & { userDefinedMetadata?: Record<string, unknown> } = modelJson;
  if (weightData !== null) {
    const weightsFile = modelJson.weightsManifest?.[0]?.paths[0];
    if (!weightsFile) throw new Error('an export with weights has no weights file in its manifest');
    const data = new Uint8Array(weightData);
    files.push({ name: weightsFile, data });
    json = { ...modelJson, userDefinedMetadata: { netcanvas: { weights: weightsRecord(weightsFile, data) } } };
  }
  if (exported.readme !== null) files.push({ name: README_FILE_NAME, data: exported.readme });
  files.push({ name: MODEL_JSON_FILE_NAME, data: `${JSON.stringify(json)}\n` });
  return files;
}

/**
 * Writes `files` as the whole model folder `dir`, atomically (see
 * `electron/model-folder.ts`): a reader sees the old model or the new one,
 * never a mix, and nothing is written when it fails. Returns the file names.
 */
export async function writeModelFolderOrFail(
  dir: string,
  files: readonly ModelFolderFile[],
  shownDir: string = dir,
): Promise<string[]> {
  try {
    await writeModelFolder(dir, files, shownDir);
  } catch (error) {
    if (error instanceof ModelFolderError) throw new CliError(error.message);
    throw error;
  }
  return files.map((f) => f.name);
}

/** Fails now, without writing anything, unless `dir` can become a model folder (checked before a long run). */
export async function checkModelFolderOrFail(dir: string, shownDir: string = dir): Promise<void> {
  try {
    await checkModelFolder(dir, shownDir);
  } catch (error) {
    if (error instanceof ModelFolderError) throw new CliError(error.message);
    throw error;
  }
}

/**
 * Writes an export's files as the model folder `dir`, whole and atomically
 * (see {@link writeModelFolderOrFail}), and returns their names.
 */
export async function writeExportFiles(
  dir: string,
  files: readonly ExportedFile[],
  shownDir: string = dir,
): Promise<string[]> {
  return writeModelFolderOrFail(dir, files, shownDir);
}
