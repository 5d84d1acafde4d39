/**
 * Reading dataset files from disk in the main process: list the folder the
 * user chose, keep the files core says the dataset needs, and read them with
 * progress, so the renderer never touches the file system and sees a bar
 * move while hundreds of megabytes load.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { wantsDatasetFile, type DatasetFilesKind } from '../core/data/dataset-files';
import type { DatasetProgress, OpenedDataset } from './contract';
import { fsErrorText } from './fs-errors';

/** The most a picked dataset may hold; the renderer keeps it all in memory. */
export const MAX_DATASET_BYTES = 2 * 1024 ** 3;

/** Why a pick cannot be read: too large, or nothing usable in it. */
export class DatasetPickError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatasetPickError';
  }
}

/** Runs one file-system call on `target`; a failure (ELOOP, ENOTDIR, EACCES, …) becomes one line naming the path. */
async function onDisk<T>(target: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new DatasetPickError(`${target}: ${fsErrorText(error)}.`);
  }
}

/**
 * Relative `/`-separated paths of the regular files under `root`, at most
 * three levels deep (train/class/image). Symbolic links are not followed: a
 * dataset folder gives access to what is in it, not to what a link points at.
 */
async function listFiles(root: string, depth = 3, prefix = ''): Promise<string[]> {
  if (depth === 0) return [];
  const folder = path.join(root, prefix);
  const entries = await onDisk(folder, () => fs.readdir(folder, { withFileTypes: true }));
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(root, depth - 1, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out.sort();
}

/**
 * Reads the dataset files of `kind` at `chosen` (a folder, or for
 * `cifar10-archive` the archive file). A CIFAR-10 folder may be the one
 * above `cifar-10-batches-bin/`. Reports progress after every file.
 */
export async function readDatasetFiles(
  kind: DatasetFilesKind,
  chosen: string,
  onProgress: (progress: DatasetProgress) => void = () => undefined,
): Promise<OpenedDataset> {
  let root = chosen;
  let names: string[];
  if (kind === 'cifar10-archive') {
    root = path.dirname(chosen);
    names = [path.basename(chosen)];
  } else {
    names = await listFiles(root);
    if (kind === 'cifar10' && !names.some((n) => wantsDatasetFile(kind, n) && !n.includes('/'))) {
      const inner = names.filter((n) => n.startsWith('cifar-10-batches-bin/'));
      if (inner.length) {
        root = path.join(root, 'cifar-10-batches-bin');
        names = inner.map((n) => n.slice('cifar-10-batches-bin/'.length));
      }
    }
    // IDX and CIFAR files sit at the top of the folder.
    if (kind !== 'image-folder') names = names.filter((n) => !n.includes('/'));
  }
  names = names.filter((n) => wantsDatasetFile(kind, n));
  if (names.length === 0) throw new DatasetPickError(`${chosen} holds no ${describeKind(kind)}.`);
  const sizes: number[] = [];
  for (const n of names) {
    const file = path.join(root, n);
    // lstat: the archive (or a file swapped in since the listing) must be a regular file, not a link or a FIFO.
    const info = await onDisk(file, () => fs.lstat(file));
    if (!info.isFile()) throw new DatasetPickError(`${file} is not a regular file.`);
    sizes.push(info.size);
  }
  const totalBytes = sizes.reduce((a, b) => a + b, 0);
  if (totalBytes > MAX_DATASET_BYTES)
    throw new DatasetPickError(
      `${chosen} holds ${(totalBytes / 1024 ** 3).toFixed(1)} GiB of data; NetCanvas reads at most 2 GiB.`,
    );
  const files: OpenedDataset['files'] = [];
  let loadedBytes = 0;
  for (const name of names) {
    const file = path.join(root, name);
    const bytes = await onDisk(file, () => fs.readFile(file));
    files.push({
      path: name,
      data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    });
    loadedBytes += bytes.byteLength;
    onProgress({ loadedBytes, totalBytes, file: name });
  }
  return { kind, name: path.basename(chosen), files };
}

function describeKind(kind: DatasetFilesKind): string {
  switch (kind) {
    case 'idx':
      return 'IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-…)';
    case 'cifar10':
      return 'CIFAR-10 binary files (data_batch_1.bin … test_batch.bin)';
    case 'cifar10-archive':
      return 'CIFAR-10 archive (cifar-10-binary.tar.gz)';
    case 'image-folder':
      return 'PNG or JPEG images in one subfolder per class';
  }
}
