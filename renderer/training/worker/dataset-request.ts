/**
 * What the dataset worker is asked and what it answers, and the handler that
 * does the work. The handler is a plain function so it runs (and is tested)
 * anywhere; `dataset-worker.ts` only wires it to `postMessage`. Parsing a
 * 160 MB `cifar-10-binary.tar.gz` (gunzip, tar, record conversion) or
 * decoding an image folder takes seconds, which on the editor's thread would
 * freeze the window.
 */
import { cifar10Dataset, cifar10FromTarGz } from '../../../core/data/cifar10';
import type { Dataset, DatasetSplit } from '../../../core/data/dataset';
import { idxDataset } from '../../../core/data/idx';
import { imageFolderDataset, type ClassFolders, type ImageDecoder } from '../../../core/data/image-folder';

/** One file's bytes as handed to the worker: its path (the name errors show) and its contents, transferred. */
export interface RequestFile {
  path: string;
  data: ArrayBuffer;
}

/** Image files by class folder, as read from a picked folder. */
export type RequestClassFolders = Record<string, RequestFile[]>;

/** A dataset to parse from bytes the editor's thread has read. */
export type DatasetRequest =
  | { kind: 'idx'; name: string; files: RequestFile[]; classNames?: readonly string[] }
  | { kind: 'cifar10'; files: RequestFile[] }
  | { kind: 'cifar10-archive'; archive: RequestFile }
  | {
      kind: 'image-folder';
      name: string;
      inputShape: [number, number, number];
      train: RequestClassFolders;
      test?: RequestClassFolders;
    };

/** The worker's answers: any number of progress lines, then exactly one `done` or `failed`. */
export type DatasetResponse =
  | { type: 'progress'; fraction: number | null; text: string }
  | { type: 'done'; dataset: Dataset }
  | {
      type: 'failed';
      /** The error's class name (`DatasetError`, `ValidationError`, `Error`). */
      name: string;
      /** Exactly the message the reader threw, file name first for a bad file. */
      message: string;
    };

/** What {@link handleDatasetRequest} needs from where it runs. */
export interface DatasetRequestContext {
  /** Called with progress lines while the work goes on. */
  onProgress?: (fraction: number | null, text: string) => void;
  /** Decodes PNG/JPEG; required for image folders (the browser's decoder in the worker). */
  decode?: ImageDecoder;
}

const bytesByPath = (files: readonly RequestFile[]): Record<string, Uint8Array> =>
  Object.fromEntries(files.map((file) => [file.path, new Uint8Array(file.data)]));

const classFolders = (folders: RequestClassFolders): ClassFolders =>
  Object.fromEntries(
    Object.entries(folders).map(([className, files]) => [
      className,
      files.map((file) => ({ name: file.path, bytes: new Uint8Array(file.data) })),
    ]),
  );

async function parse(request: DatasetRequest, context: DatasetRequestContext): Promise<Dataset> {
  const progress = context.onProgress ?? (() => undefined);
  switch (request.kind) {
    case 'idx':
      return idxDataset(bytesByPath(request.files), {
        name: request.name,
        ...(request.classNames ? { classNames: request.classNames } : {}),
      });
    case 'cifar10':
      return cifar10Dataset(bytesByPath(request.files));
    case 'cifar10-archive':
      progress(null, `Unpacking ${request.archive.path}…`);
      return cifar10FromTarGz(new Uint8Array(request.archive.data), request.archive.path);
    case 'image-folder': {
      const { decode } = context;
      if (!decode) throw new Error('No image decoder here to read an image folder with');
      const total = [request.train, request.test ?? {}].reduce(
        (sum, classes) => sum + Object.values(classes).reduce((s, list) => s + list.length, 0),
        0,
      );
      let decoded = 0;
      return imageFolderDataset(classFolders(request.train), {
        inputShape: request.inputShape,
        decode: async (bytes, name) => {
          const image = await decode(bytes, name);
          decoded++;
          progress(total ? decoded / total : null, `Decoding images: ${decoded} of ${total}`);
          return image;
        },
        name: request.name,
        ...(request.test ? { test: classFolders(request.test) } : {}),
      });
    }
  }
}

/**
 * Parses the dataset a request describes and answers `done` with it, or
 * `failed` with the reader's own error name and message (a `DatasetError`
 * names the bad file), so the data panel shows what it showed when parsing
 * ran on the editor's thread.
 */
export async function handleDatasetRequest(
  request: DatasetRequest,
  context: DatasetRequestContext = {},
): Promise<DatasetResponse> {
  try {
    return { type: 'done', dataset: await parse(request, context) };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    return { type: 'failed', name: error.name, message: error.message };
  }
}

/**
 * The distinct buffers behind a dataset's arrays, to transfer instead of
 * copy. Distinct because a reader may return views of one buffer (both splits
 * of one file), and a transfer list naming a buffer twice is refused.
 */
export function datasetBuffers(dataset: Dataset): ArrayBuffer[] {
  const splits = [dataset.train, dataset.validation, dataset.test].filter((s): s is DatasetSplit => s !== undefined);
  const buffers = new Set<ArrayBuffer>();
  for (const split of splits) {
    for (const array of [split.images, split.labels]) {
      if (array.buffer instanceof ArrayBuffer) buffers.add(array.buffer);
    }
  }
  return [...buffers];
}

/** The distinct buffers a request carries, to transfer into the worker. */
export function requestBuffers(request: DatasetRequest): ArrayBuffer[] {
  const files: RequestFile[] =
    request.kind === 'cifar10-archive'
      ? [request.archive]
      : request.kind === 'image-folder'
        ? [request.train, request.test ?? {}].flatMap((classes) => Object.values(classes).flat())
        : request.files;
  return [...new Set(files.map((file) => file.data))];
}
