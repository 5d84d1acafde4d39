/**
 * Writing a model folder (`model.json`, its weights, `preprocessing.json`)
 * as a whole: every file is staged in a temporary sibling folder, flushed,
 * and the folder renamed into place, so a reader (tfjs, a web server, the
 * next run) sees either the whole old model or the whole new one, never the
 * old model.json beside new weights. Used by `netcanvas train --out` and
 * `netcanvas export -o`; the exporters of other formats use it too.
 *
 * A crash between the two renames of a replacement leaves the old folder as
 * a hidden sibling (`.DIR.<pid>…old`) and no `DIR`; the next write into
 * `DIR` clears such leftovers.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { existingMode, syncDirectory, temporarySibling } from './atomic-write';
import { fsErrorText } from './fs-errors';

/** One file of a model folder: a plain name (no folders) and its contents. */
export interface ModelFolderFile {
  name: string;
  data: string | Uint8Array;
}

/** Why a model folder cannot be written; the message names the folder and says what to do. */
export class ModelFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFolderError';
  }
}

/**
 * Whether a file may sit in a model folder that NetCanvas replaces whole:
 * what it writes itself (`model.json`, `*.bin` weights, `*.json` beside them
 * such as `preprocessing.json`, the PyTorch export's `README.md`, or other
 * formats' single files). Anything else (notes, code, data) is the user's,
 * and NetCanvas will not delete it.
 */
const MODEL_FILE = /^(model\.json|README\.md|[\w.-]+\.(bin|json|onnx|py|txt|pt|pth))$/i;

/** Leftovers of an interrupted write into `dir`: `.DIR.<pid>.<time>.<n>.stage|old`. */
function isLeftover(name: string, base: string): boolean {
  return name.startsWith(`.${base}.`) && /\.\d+\.\d+\.\d+\.(stage|old)$/.test(name);
}

/**
 * Checks, without writing anything, that `dir` can become a model folder:
 * it is a folder that holds only model files, or it does not exist and its
 * nearest existing parent is a folder. Throws {@link ModelFolderError}
 * naming `shown` (the path as the user typed it). Call it before a long run.
 */
export async function checkModelFolder(dir: string, shown: string = dir): Promise<void> {
  const info = await fs.lstat(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw new ModelFolderError(`cannot write "${shown}": ${fsErrorText(e)}`);
  });
  if (info === null) {
    let parent = path.dirname(dir);
    for (;;) {
      const up = await fs.stat(parent).catch(() => null);
      if (up) {
        if (!up.isDirectory()) throw new ModelFolderError(`cannot write "${shown}": ${parent} is a file, not a folder`);
        return;
      }
      if (path.dirname(parent) === parent) return;
      parent = path.dirname(parent);
    }
  }
  const real = info.isSymbolicLink() ? await fs.stat(dir).catch(() => null) : info;
  if (!real?.isDirectory()) throw new ModelFolderError(`cannot write "${shown}": it is a file, not a folder`);
  const names = await fs.readdir(dir).catch((e) => {
    throw new ModelFolderError(`cannot write "${shown}": ${fsErrorText(e)}`);
  });
  const foreign = names.filter((n) => !MODEL_FILE.test(n));
  if (foreign.length)
    throw new ModelFolderError(
      `"${shown}" holds files that are not a model's (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); ` +
        'NetCanvas replaces the whole folder, so give it a folder of its own',
    );
}

/** Writes a new file and flushes it; `mode` (an old file's bits) is set exactly, else 0644 less the umask. */
async function writeFileSynced(file: string, data: string | Uint8Array, mode: number | undefined): Promise<void> {
  const handle = await fs.open(file, 'wx', mode ?? 0o644);
  try {
    if (mode !== undefined) await fs.chmod(file, mode); // open() applied the umask
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `files` as the whole content of the folder `dir`, atomically: stage
 * them in a hidden sibling folder, fsync each file and the folder, then
 * rename it over `dir` (the old folder, if any, is moved aside first and
 * removed after). Files that existed keep their permissions, and so does the
 * folder. Refuses (before writing) a `dir` that holds files other than a
 * model's. Failures become one-line {@link ModelFolderError}s naming `shown`.
 *
 * @example
 * await writeModelFolder('out', [{ name: 'model.weights.bin', data }, { name: 'model.json', data: json }]);
 */
export async function writeModelFolder(
  dir: string,
  files: readonly ModelFolderFile[],
  shown: string = dir,
): Promise<void> {
  for (const f of files)
    if (!MODEL_FILE.test(f.name)) throw new Error(`writeModelFolder: "${f.name}" is not a model file name`);
  await checkModelFolder(dir, shown);
  // Write into the real folder a link points at, so the link itself survives the swap.
  const target = await fs.realpath(dir).catch(() => path.resolve(dir));
  const parent = path.dirname(target);
  const base = path.basename(target);
  const fail = (e: unknown): never => {
    throw new ModelFolderError(`cannot write "${shown}": ${fsErrorText(e)}`);
  };
  await fs.mkdir(parent, { recursive: true }).catch(fail);
  await removeLeftovers(parent, base);

  const folderMode = await existingMode(target);
  const stage = temporarySibling(target, 'stage');
  try {
    await fs.mkdir(stage, { mode: folderMode ?? 0o755 });
    if (folderMode !== undefined) await fs.chmod(stage, folderMode);
    for (const f of files)
      await writeFileSynced(path.join(stage, f.name), f.data, await existingMode(path.join(target, f.name)));
    await syncDirectory(stage);
  } catch (e) {
    await fs.rm(stage, { recursive: true, force: true }).catch(() => undefined);
    fail(e);
  }

  const old = folderMode === undefined ? undefined : temporarySibling(target, 'old');
  try {
    if (old) await fs.rename(target, old);
    try {
      await fs.rename(stage, target);
    } catch (e) {
      if (old) await fs.rename(old, target).catch(() => undefined); // put the old model back
      throw e;
    }
  } catch (e) {
    await fs.rm(stage, { recursive: true, force: true }).catch(() => undefined);
    fail(e);
  }
  await syncDirectory(parent);
  if (old) await fs.rm(old, { recursive: true, force: true }).catch(() => undefined);
}

/** Removes what an interrupted write into `parent/base` left behind (staged or set-aside folders). */
async function removeLeftovers(parent: string, base: string): Promise<void> {
  const names = await fs.readdir(parent).catch(() => [] as string[]);
  for (const name of names) {
    if (!isLeftover(name, base)) continue;
    const pid = Number(name.slice(base.length + 2).split('.')[0]);
    // Another process writing the same folder right now keeps its files.
    if (pid !== process.pid && isRunning(pid)) continue;
    await fs.rm(path.join(parent, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * What a model file records about the weights file beside it: its name,
 * byte length and SHA-256. Written into the model.json (or the project) that
 * is written last, and checked when the pair is read back, so weights left
 * by an interrupted write or copied from another model are refused instead
 * of loaded into the wrong network.
 */
export interface WeightsRecord {
  file: string;
  bytes: number;
  sha256: string;
}

/** The record of `data` as the weights file `file`. */
export function weightsRecord(file: string, data: Uint8Array): WeightsRecord {
  return { file, bytes: data.byteLength, sha256: createHash('sha256').update(data).digest('hex') };
}

/** Whether `value` is a weights record (a file written before records existed has none). */
export function isWeightsRecord(value: unknown): value is WeightsRecord {
  const r = value as Partial<WeightsRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.file === 'string' &&
    typeof r.bytes === 'number' &&
    typeof r.sha256 === 'string'
  );
}

/**
 * Why `data`, read as `record.file`, is not the weights the record describes,
 * or null when it is.
 */
export function weightsMismatch(record: WeightsRecord, data: Uint8Array): string | null {
  if (data.byteLength !== record.bytes)
    return `${record.file} holds ${data.byteLength} bytes where ${record.bytes} were written with it`;
  const actual = weightsRecord(record.file, data).sha256;
  return actual === record.sha256
    ? null
    : `${record.file} is not the weights file written with it (its checksum differs)`;
}
