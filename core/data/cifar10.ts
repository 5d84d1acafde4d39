/**
 * CIFAR-10 in its binary version: each batch file is 10,000 records of one
 * label byte and 3,072 pixel bytes (the 1,024 red values of the 32×32 image
 * row by row, then the green, then the blue). We store them as NHWC.
 */
import { DatasetError, asUint8Array, checkSplit, type Bytes, type Dataset, type DatasetSplit } from './dataset';
import { gunzipIfNeeded } from './gzip';
import { readTar } from './tar';

const SIDE = 32;
const PLANE = SIDE * SIDE;
const RECORD = 1 + 3 * PLANE;

/** CIFAR-10's class names in label order, as `batches.meta.txt` lists them. */
export const CIFAR10_CLASS_NAMES: readonly string[] = [
  'airplane',
  'automobile',
  'bird',
  'cat',
  'deer',
  'dog',
  'frog',
  'horse',
  'ship',
  'truck',
];

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** The number of records in a batch file; throws naming the file and record when the last one is cut short. */
function recordCount(data: Uint8Array, fileName: string): number {
  const count = Math.floor(data.length / RECORD);
  const rest = data.length - count * RECORD;
  if (rest !== 0) {
    throw new DatasetError(
      fileName,
      `record ${count} is truncated: it has ${rest} of ${RECORD} bytes (1 label + 3072 pixels); the file has ${data.length} bytes, not a multiple of ${RECORD}`,
    );
  }
  if (count === 0) throw new DatasetError(fileName, 'is empty');
  return count;
}

/** Decodes every record of `data` into `images`/`labels` starting at sample `first`. */
function decodeRecords(
  data: Uint8Array,
  fileName: string,
  classCount: number,
  images: Uint8Array,
  labels: Int32Array,
  first: number,
): void {
  const count = data.length / RECORD;
  for (let n = 0; n < count; n++) {
    const record = n * RECORD;
    const label = data[record];
    if (label >= classCount) {
      throw new DatasetError(fileName, `record ${n} has label ${label}, outside the class range 0–${classCount - 1}`);
    }
    labels[first + n] = label;
    // Plane by plane: a sequential read and a stride-3 write per channel keep the loop simple for the JIT.
    for (let c = 0; c < 3; c++) {
      const from = record + 1 + c * PLANE;
      let to = (first + n) * 3 * PLANE + c;
      for (let p = 0; p < PLANE; p++, to += 3) images[to] = data[from + p];
    }
  }
}

/**
 * Reads CIFAR-10 binary batches into one split of NHWC pixels and labels, in
 * the order given. Throws a {@link DatasetError} naming the file and the record
 * for a truncated record or a label outside `0 … classCount - 1`.
 *
 * @example
 * const test = parseCifar10Batches([{ name: 'test_batch.bin', bytes }]);
 * test.count; // 10000
 */
export function parseCifar10Batches(
  batches: readonly { name: string; bytes: Bytes }[],
  classCount = CIFAR10_CLASS_NAMES.length,
): DatasetSplit {
  const data = batches.map((batch) => asUint8Array(batch.bytes));
  // Sizes first, so a truncated last batch is refused before any decoding and the pixels are allocated once.
  const counts = data.map((bytes, i) => recordCount(bytes, batches[i].name));
  const count = counts.reduce((sum, n) => sum + n, 0);
  const images = new Uint8Array(count * 3 * PLANE);
  const labels = new Int32Array(count);
  let first = 0;
  data.forEach((bytes, i) => {
    decodeRecords(bytes, batches[i].name, classCount, images, labels, first);
    first += counts[i];
  });
  return { images, labels, count };
}

/** Reads one CIFAR-10 binary batch; see {@link parseCifar10Batches}. */
export function parseCifar10Batch(
  bytes: Bytes,
  fileName: string,
  classCount = CIFAR10_CLASS_NAMES.length,
): DatasetSplit {
  return parseCifar10Batches([{ name: fileName, bytes }], classCount);
}

/** Class names from `batches.meta.txt`: one per line, blank lines ignored. */
export function parseCifar10Meta(bytes: Bytes, fileName: string): string[] {
  const names = new TextDecoder()
    .decode(asUint8Array(bytes))
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (names.length === 0) throw new DatasetError(fileName, 'lists no class names');
  return names;
}

/**
 * Builds CIFAR-10 from its binary files, given as path → bytes (a folder's
 * files, or an archive's members): `data_batch_1.bin` … `data_batch_5.bin`
 * (those present, in order) for training, `test_batch.bin` for testing, and
 * `batches.meta.txt` for the class names (the standard ten when absent).
 * Files are matched by their base name, and errors quote the full path given.
 */
export function cifar10Dataset(files: Record<string, Bytes>, name = 'cifar10'): Dataset {
  const paths = Object.keys(files);
  const trainPaths = paths
    .filter((path) => /^data_batch_\d+\.bin$/.test(baseName(path)))
    .sort((a, b) => parseInt(baseName(a).slice(11), 10) - parseInt(baseName(b).slice(11), 10));
  const testPath = paths.find((path) => baseName(path) === 'test_batch.bin');
  const metaPath = paths.find((path) => baseName(path) === 'batches.meta.txt');
  const found = paths.length ? paths.join(', ') : 'no files';
  if (trainPaths.length === 0) {
    throw new DatasetError(name, `has no training batch (data_batch_1.bin … data_batch_5.bin); found: ${found}`);
  }
  if (!testPath) throw new DatasetError(name, `has no test batch (test_batch.bin); found: ${found}`);
  const classNames = metaPath ? parseCifar10Meta(files[metaPath], metaPath) : [...CIFAR10_CLASS_NAMES];
  const train = parseCifar10Batches(
    trainPaths.map((path) => ({ name: path, bytes: files[path] })),
    classNames.length,
  );
  const test = parseCifar10Batch(files[testPath], testPath, classNames.length);
  const inputShape = [SIDE, SIDE, 3];
  checkSplit(name, train, inputShape, classNames.length);
  checkSplit(testPath, test, inputShape, classNames.length);
  return { name, inputShape, classNames, train, test };
}

/**
 * Builds CIFAR-10 straight from `cifar-10-binary.tar.gz` (or the unpacked
 * `.tar`) as downloaded, reading its `cifar-10-batches-bin/` members in memory.
 * Errors name the archive and the member, e.g.
 * `cifar-10-binary.tar.gz/cifar-10-batches-bin/data_batch_3.bin: record 9999 is truncated: …`.
 */
export function cifar10FromTarGz(bytes: Bytes, archiveName = 'cifar-10-binary.tar.gz', name = 'cifar10'): Dataset {
  const files: Record<string, Uint8Array> = {};
  for (const entry of readTar(gunzipIfNeeded(bytes, archiveName), archiveName)) {
    files[`${archiveName}/${entry.path}`] = entry.bytes;
  }
  return cifar10Dataset(files, name);
}
