/**
 * Datasets from files a user picked: the host (the desktop shell's main
 * process, or a browser's folder picker) lists a folder, keeps the files
 * {@link wantsDatasetFile} accepts, reads their bytes, and hands them here
 * with paths relative to the chosen folder (`cat/001.png`,
 * `train/cat/001.png`). Parsing stays in core so every host behaves the same.
 */
import { cifar10Dataset, cifar10FromTarGz } from './cifar10';
import { DatasetError, type Bytes, type Dataset } from './dataset';
import { idxDataset } from './idx';
import { isIdxFileName } from './idx';
import { imageFolderDataset, type ClassFolders, type ImageDecoder, type ImageFile } from './image-folder';

/** What kind of files the user is picking. */
export type DatasetFilesKind = 'idx' | 'cifar10' | 'cifar10-archive' | 'image-folder';

/** Every kind, for pickers and payload validation. */
export const DATASET_FILES_KINDS: readonly DatasetFilesKind[] = ['idx', 'cifar10', 'cifar10-archive', 'image-folder'];

/** One picked file: its path relative to the chosen folder, `/`-separated, and its bytes. */
export interface DatasetFile {
  path: string;
  data: Bytes | ArrayBuffer;
}

/** Image files an image folder may hold; browsers and the Node decoder both read these. */
export const IMAGE_FILE_SUFFIXES: readonly string[] = ['.png', '.jpg', '.jpeg'];

const CIFAR10_FILE = /^(data_batch_\d+\.bin|test_batch\.bin|batches\.meta\.txt)$/;

const segments = (path: string): string[] => path.split(/[/\\]/).filter(Boolean);
const hidden = (path: string): boolean => segments(path).some((s) => s.startsWith('.'));

/** Whether a host should read `relativePath` for a dataset of `kind` (hidden files and folders never). */
export function wantsDatasetFile(kind: DatasetFilesKind, relativePath: string): boolean {
  if (hidden(relativePath)) return false;
  const parts = segments(relativePath);
  const name = parts.at(-1) ?? '';
  switch (kind) {
    case 'idx':
      return isIdxFileName(name);
    case 'cifar10':
      return CIFAR10_FILE.test(name);
    case 'cifar10-archive':
      return parts.length === 1 && /\.tar(\.gz)?$|\.tgz$/i.test(name);
    case 'image-folder':
      // class/image, or train|test/class/image
      return (
        (parts.length === 2 || (parts.length === 3 && ['train', 'test'].includes(parts[0]))) &&
        IMAGE_FILE_SUFFIXES.some((suffix) => name.toLowerCase().endsWith(suffix))
      );
  }
}

const bytesOf = (data: Bytes | ArrayBuffer): Bytes => (data instanceof ArrayBuffer ? new Uint8Array(data) : data);

/** Options for {@link datasetFromFiles}. */
export interface DatasetFromFilesOptions {
  /** The model's input `[height, width, channels]`; image folders are resized to it. */
  imageShape?: readonly [number, number, number];
  /** Decodes PNG/JPEG; required for image folders. */
  decode?: ImageDecoder;
  /** Class names for IDX sets whose labels are not digits. */
  classNames?: readonly string[];
  seed?: number;
}

/**
 * Builds a dataset from picked files. Throws `DatasetError` naming the file
 * and what is wrong, so a bad pick is refused whole.
 *
 * @example
 * await datasetFromFiles('image-folder', 'pets', [{ path: 'cat/1.png', data }, ...], { imageShape: [64, 64, 3], decode });
 */
export async function datasetFromFiles(
  kind: DatasetFilesKind,
  name: string,
  files: readonly DatasetFile[],
  options: DatasetFromFilesOptions = {},
): Promise<Dataset> {
  const picked = files.filter((f) => wantsDatasetFile(kind, f.path));
  const byPath = Object.fromEntries(picked.map((f) => [`${name}/${f.path}`, bytesOf(f.data)]));
  switch (kind) {
    case 'idx':
      return idxDataset(byPath, { name, ...(options.classNames ? { classNames: options.classNames } : {}) });
    case 'cifar10':
      return cifar10Dataset(byPath, name);
    case 'cifar10-archive': {
      if (picked.length !== 1)
        throw new DatasetError(name, `expected one cifar-10-binary.tar.gz archive, got ${picked.length} files`);
      return cifar10FromTarGz(bytesOf(picked[0].data), picked[0].path, name);
    }
    case 'image-folder': {
      if (!options.imageShape || !options.decode)
        throw new DatasetError(name, "needs the model's input shape and an image decoder to read an image folder");
      // No prototype: a class folder may be called "constructor" or "__proto__".
      const train: Record<string, ImageFile[]> = Object.create(null);
      const test: Record<string, ImageFile[]> = Object.create(null);
      const split = picked.some((f) => segments(f.path).length === 3);
      for (const f of picked) {
        const parts = segments(f.path);
        if (split && parts.length !== 3) continue; // loose class folders beside train/ and test/ are ignored
        const [target, className, fileName] =
          parts.length === 3 ? [parts[0] === 'test' ? test : train, parts[1], parts[2]] : [train, parts[0], parts[1]];
        (target[className] ??= []).push({ name: fileName, bytes: bytesOf(f.data) });
      }
      return imageFolderDataset(train as ClassFolders, {
        inputShape: options.imageShape,
        decode: options.decode,
        ...(split ? { test } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        name,
      });
    }
  }
}
