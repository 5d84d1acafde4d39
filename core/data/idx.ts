/**
 * The IDX format of MNIST, Fashion-MNIST, KMNIST and EMNIST: a magic number
 * (two zero bytes, a type code, the number of dimensions), each dimension as a
 * big-endian uint32, then the values, big-endian, row-major.
 */
import { DatasetError, asUint8Array, checkSplit, type Bytes, type Dataset, type DatasetSplit } from './dataset';
import { LIMITS, limitText } from '../limits';
import { gunzipIfNeeded } from './gzip';

/** Element types an IDX file can declare, by their type code. */
const IDX_TYPES = {
  0x08: { type: 'uint8', bytes: 1, label: 'unsigned byte' },
  0x09: { type: 'int8', bytes: 1, label: 'signed byte' },
  0x0b: { type: 'int16', bytes: 2, label: 'short' },
  0x0c: { type: 'int32', bytes: 4, label: 'int' },
  0x0d: { type: 'float32', bytes: 4, label: 'float' },
  0x0e: { type: 'float64', bytes: 8, label: 'double' },
} as const;

/** The element type of an IDX file. */
export type IdxType = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]['type'];

/** The contents of one IDX file. */
export interface IdxTensor {
  type: IdxType;
  /** Dimensions in file order, e.g. `[60000, 28, 28]` for MNIST's training images. */
  shape: number[];
  /** Values in row-major order. A `uint8` file's data is a view of the (gunzipped) input bytes, not a copy. */
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

/**
 * Reads one IDX file, gunzipping it first when it is gzip. Throws a
 * {@link DatasetError} naming `fileName` when the magic number is wrong or the
 * file is shorter or longer than its header promises.
 *
 * @example
 * const labels = parseIdx(bytes, 'train-labels-idx1-ubyte');
 * labels.shape; // [60000]
 * labels.data[0]; // 5
 */
export function parseIdx(bytes: Bytes, fileName: string): IdxTensor {
  const data = gunzipIfNeeded(bytes, fileName);
  if (data.length < 4) {
    throw new DatasetError(fileName, `is ${data.length} bytes long, too short for an IDX header`);
  }
  const typeInfo = IDX_TYPES[data[2] as keyof typeof IDX_TYPES];
  if (data[0] !== 0 || data[1] !== 0 || !typeInfo || data[3] === 0) {
    const magic = Array.from(data.subarray(0, 4), hex).join(' ');
    throw new DatasetError(
      fileName,
      `is not an IDX file: it starts with ${magic}, expected 0x00 0x00, a type code (0x08 for unsigned bytes) and a dimension count`,
    );
  }
  const rank = data[3];
  const headerLength = 4 + 4 * rank;
  if (data.length < headerLength) {
    throw new DatasetError(
      fileName,
      `is truncated inside its header: ${rank} dimensions need ${headerLength} bytes, the file has ${data.length}`,
    );
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const count = shape.reduce((product, dim) => product * dim, 1);
  const expectedLength = headerLength + count * typeInfo.bytes;
  const dims = shape.join('×');
  if (data.length < expectedLength) {
    throw new DatasetError(
      fileName,
      `is truncated: its header promises ${dims} ${typeInfo.label}s (${expectedLength} bytes in all), the file has ${data.length} bytes`,
    );
  }
  if (data.length > expectedLength) {
    throw new DatasetError(
      fileName,
      `has ${data.length - expectedLength} bytes after the ${dims} ${typeInfo.label}s its header promises; is it the right file?`,
    );
  }
  return { type: typeInfo.type, shape, data: readValues(view, headerLength, count, typeInfo.type) };
}

function readValues(view: DataView, offset: number, count: number, type: IdxType): IdxTensor['data'] {
  switch (type) {
    case 'uint8':
      return new Uint8Array(view.buffer, view.byteOffset + offset, count);
    case 'int8':
      return new Int8Array(view.buffer, view.byteOffset + offset, count);
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/** The four files of an IDX dataset, matched by the suffixes MNIST's files use (any prefix, e.g. `emnist-digits-`). */
const IDX_ROLES = [
  { role: 'train images', pattern: /(^|[-_])train-images[-.]idx3-ubyte(\.gz)?$/i, example: 'train-images-idx3-ubyte' },
  { role: 'train labels', pattern: /(^|[-_])train-labels[-.]idx1-ubyte(\.gz)?$/i, example: 'train-labels-idx1-ubyte' },
  {
    role: 'test images',
    pattern: /(^|[-_])(t10k|test)-images[-.]idx3-ubyte(\.gz)?$/i,
    example: 't10k-images-idx3-ubyte',
  },
  {
    role: 'test labels',
    pattern: /(^|[-_])(t10k|test)-labels[-.]idx1-ubyte(\.gz)?$/i,
    example: 't10k-labels-idx1-ubyte',
  },
] as const;

function baseName(path: string): string {
  return path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
}

/** True for a file name that {@link idxDataset} would use, so a shell reads only those files from a folder. */
export function isIdxFileName(path: string): boolean {
  const name = baseName(path);
  return IDX_ROLES.some(({ pattern }) => pattern.test(name));
}

/** Class names of MNIST (and of any IDX set whose labels are digits). */
export const DIGIT_CLASS_NAMES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Class names of Fashion-MNIST, in label order, for `idxDataset(files, { classNames })`. */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** Options for {@link idxDataset}. */
export interface IdxDatasetOptions {
  /** The dataset's name in progress lines and error messages; defaults to `IDX files`. */
  name?: string;
  /**
   * Class names in label order. Labels at or past their count are refused.
   * Without them the classes are named `0`, `1`, … up to the largest label.
   */
  classNames?: readonly string[];
}

function pickFile(files: Record<string, Bytes>, role: (typeof IDX_ROLES)[number], source: string): string {
  const names = Object.keys(files);
  const matches = names.filter((name) => role.pattern.test(baseName(name)));
  if (matches.length === 0) {
    throw new DatasetError(
      source,
      `has no ${role.role} file (${role.example}, optionally .gz); found: ${names.length ? names.join(', ') : 'no files'}`,
    );
  }
  // The same set often sits there both gzipped and unpacked; the unpacked one saves the gunzip.
  const unpacked = matches.filter((name) => !/\.gz$/i.test(name));
  const candidates = unpacked.length ? unpacked : matches;
  if (candidates.length > 1) {
    throw new DatasetError(
      source,
      `has several ${role.role} files (${candidates.join(', ')}); keep one set per folder`,
    );
  }
  return candidates[0];
}

function imagesSplit(
  imagesName: string,
  images: IdxTensor,
  labelsName: string,
  labels: IdxTensor,
): { split: DatasetSplit; inputShape: number[] } {
  if (images.shape.length !== 3 && images.shape.length !== 4) {
    throw new DatasetError(
      imagesName,
      `holds a ${images.shape.length}-dimensional ${images.shape.join('×')} array, expected images (count × rows × columns); is it a labels file?`,
    );
  }
  if (images.type !== 'uint8') {
    throw new DatasetError(imagesName, `holds ${images.type} values, expected unsigned byte pixels (type 0x08)`);
  }
  if (labels.shape.length !== 1) {
    throw new DatasetError(
      labelsName,
      `holds a ${labels.shape.length}-dimensional ${labels.shape.join('×')} array, expected one label per image; is it an images file?`,
    );
  }
  if (labels.type === 'float32' || labels.type === 'float64') {
    throw new DatasetError(labelsName, `holds ${labels.type} values, expected integer class labels`);
  }
  const [count, rows, columns, channels = 1] = images.shape;
  if (labels.shape[0] !== count) {
    throw new DatasetError(labelsName, `holds ${labels.shape[0]} labels but ${imagesName} holds ${count} images`);
  }
  return {
    split: { images: images.data as Uint8Array, labels: Int32Array.from(labels.data), count },
    inputShape: [rows, columns, channels],
  };
}

function checkLabels(labelsName: string, labels: Int32Array, classCount: number, named: boolean): void {
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0 || labels[i] >= classCount) {
      const range = named ? `0–${classCount - 1} (${classCount} class names)` : `0 or more`;
      throw new DatasetError(labelsName, `label ${i} is ${labels[i]}, outside the class range ${range}`);
    }
  }
}

/**
 * Builds a dataset from the four IDX files of MNIST or a set in its format
 * (`train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte`,
 * `t10k-labels-idx1-ubyte`, each optionally `.gz`), given as file name → bytes.
 * Refuses mismatched counts, labels out of range and train/test images of different sizes,
 * naming the file at fault.
 *
 * @example
 * const mnist = idxDataset({ 'train-images-idx3-ubyte': bytes1, … }, { name: 'mnist' });
 * mnist.inputShape; // [28, 28, 1]
 */
export function idxDataset(files: Record<string, Bytes>, options: IdxDatasetOptions = {}): Dataset {
  const source = options.name ?? 'IDX files';
  const [trainImagesName, trainLabelsName, testImagesName, testLabelsName] = IDX_ROLES.map((role) =>
    pickFile(files, role, source),
  );
  const parse = (name: string) => parseIdx(asUint8Array(files[name]), name);
  const train = imagesSplit(trainImagesName, parse(trainImagesName), trainLabelsName, parse(trainLabelsName));
  const test = imagesSplit(testImagesName, parse(testImagesName), testLabelsName, parse(testLabelsName));
  if (train.inputShape.join('×') !== test.inputShape.join('×')) {
    throw new DatasetError(
      testImagesName,
      `holds ${test.inputShape.join('×')} images but ${trainImagesName} holds ${train.inputShape.join('×')} images`,
    );
  }
  let classNames = options.classNames;
  if (!classNames) {
    let largest = 0;
    for (const { split } of [train, test]) for (const label of split.labels) largest = Math.max(largest, label);
    // A damaged labels file may hold 2³¹ − 1: refuse it before making a name for every class up to it.
    if (largest >= LIMITS.classes) {
      const file = train.split.labels.includes(largest) ? trainLabelsName : testLabelsName;
      throw new DatasetError(
        file,
        `has label ${largest}; NetCanvas trains at most ${limitText(LIMITS.classes)} classes (labels 0–${LIMITS.classes - 1})`,
      );
    }
    classNames = Array.from({ length: largest + 1 }, (_, i) => String(i));
  }
  const named = options.classNames !== undefined;
  checkLabels(trainLabelsName, train.split.labels, classNames.length, named);
  checkLabels(testLabelsName, test.split.labels, classNames.length, named);
  checkSplit(trainImagesName, train.split, train.inputShape, classNames.length);
  checkSplit(testImagesName, test.split, test.inputShape, classNames.length);
  return {
    name: source,
    inputShape: train.inputShape,
    classNames: [...classNames],
    train: train.split,
    test: test.split,
  };
}
