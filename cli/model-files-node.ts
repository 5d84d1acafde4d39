/**
 * Writing what the command produces (a TensorFlow.js model's files, a JSON
 * report) to disk in Node. Every file goes through `writeFileAtomic`, so an
 * interrupted run leaves either the old file or the new one, never half of
 * one; failures become one `CliError` line naming the path.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ExportedFile } from '../core/formats/pytorch/index';
import type { TfjsExport } from '../core/formats/tfjs-export';
import { writeFileAtomic } from '../electron/atomic-write';
import { CliError } from './command';

/** The name tfjs's `loadLayersModel('file://…')` and every tfjs example expect. */
export const MODEL_JSON_FILE_NAME = 'model.json';

function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOTDIR' || code === 'EEXIST') return 'a part of the path is a file, not a folder';
  if (code === 'ENOSPC') return 'the disk is full';
  return (error as Error).message;
}

/** Writes `data` to `path` atomically; the message of a failure names `shown` (the path as the user typed it). */
export async function writeFileOrFail(path: string, data: string | Uint8Array, shown: string = path): Promise<void> {
  try {
    await writeFileAtomic(path, data);
  } catch (error) {
    throw new CliError(`cannot write "${shown}": ${reason(error)}`);
  }
}

/**
 * Creates `dir` (and its parents) if needed, so a long training run finds out
 * before it starts that it could not save its result.
 */
export async function ensureFolder(dir: string, shown: string = dir): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    throw new CliError(`cannot create the folder "${shown}": ${reason(error)}`);
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
 * Writes a TensorFlow.js Layers model into `dir`: `model.json` and, unless the
 * export is topology-only, the weights file its manifest names. Returns the
 * names of the files written, weights first. The weights go first, so a `model.json` on disk never points
 * to weights that are not there yet.
 */
export async function writeTfjsModelFiles(
  dir: string,
  exported: TfjsExport,
  shownDir: string = dir,
): Promise<string[]> {
  await ensureFolder(dir, shownDir);
  const written: string[] = [];
  const { modelJson, weightData } = exported;
  if (weightData !== null) {
    const weightsFile = modelJson.weightsManifest?.[0]?.paths[0];
    if (!weightsFile) throw new Error('an export with weights has no weights file in its manifest');
    await writeFileOrFail(join(dir, weightsFile), new Uint8Array(weightData), join(shownDir, weightsFile));
    written.push(weightsFile);
  }
  await writeFileOrFail(
    join(dir, MODEL_JSON_FILE_NAME),
    `${JSON.stringify(modelJson)}\n`,
    join(shownDir, MODEL_JSON_FILE_NAME),
  );
  written.push(MODEL_JSON_FILE_NAME);
  return written;
}

/**
 * Writes an export's files into `dir` (created if needed), each atomically,
 * in the order given, and returns their names.
 */
export async function writeExportFiles(
  dir: string,
  files: readonly ExportedFile[],
  shownDir: string = dir,
): Promise<string[]> {
  await ensureFolder(dir, shownDir);
  for (const file of files) await writeFileOrFail(join(dir, file.name), file.data, join(shownDir, file.name));
  return files.map((f) => f.name);
}
