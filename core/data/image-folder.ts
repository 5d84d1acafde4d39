/**
 * A dataset from the user's own images, one folder per class. Decoding is the
 * shell's job (a browser has its own decoder, Node uses a pure-JS one), so the
 * caller passes a decoder; this module resizes each image to the model's input
 * and converts it to 1 or 3 channels.
 */
import { LIMITS, limitText } from '../limits';
import {
  DatasetError,
  asUint8Array,
  checkSplit,
  seededPermutation,
  type Bytes,
  type Dataset,
  type DatasetSplit,
} from './dataset';
import { readImageHeader } from './image-header';

/** One image file: its name (for messages) and its undecoded bytes. */
export interface ImageFile {
  name: string;
  bytes: Bytes;
}

/** Class name → its image files, as read from one folder per class. */
export type ClassFolders = Record<string, readonly ImageFile[]>;

/** A decoded image: `width × height` pixels of 4 bytes each (RGBA), row by row. */
export interface DecodedImage {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

/** Turns an encoded image (PNG, JPEG, …) into RGBA pixels; supplied by the shell. */
export type ImageDecoder = (bytes: Uint8Array, name: string) => Promise<DecodedImage>;

/** Options for {@link imageFolderDataset}. */
export interface ImageFolderOptions {
  /** The model's input `[height, width, channels]`, channels 1 (grayscale) or 3 (RGB). */
  inputShape: readonly [number, number, number];
  decode: ImageDecoder;
  /** Separate test images (a `test/` folder); without them a stratified `testFraction` of each class is held out. */
  test?: ClassFolders;
  /** Share of each class held out for testing when `test` is absent; default 0.2. */
  testFraction?: number;
  /** Seed for choosing the held-out test images; default 0. */
  seed?: number;
  /** Name for progress lines and messages; default `image folder`. */
  name?: string;
}

/**
 * Resizes an image with bilinear interpolation, sampling at pixel centres
 * (`src = (dst + 0.5) · scale − 0.5`, as `tf.image.resize` and OpenCV do), so
 * halving an image averages each 2×2 block. Like Keras' image loader it does
 * not low-pass filter first. Values stay unrounded.
 */
export function resizeBilinear(
  source: ArrayLike<number>,
  width: number,
  height: number,
  channels: number,
  targetWidth: number,
  targetHeight: number,
): Float32Array {
  const out = new Float32Array(targetWidth * targetHeight * channels);
  const scaleX = width / targetWidth;
  const scaleY = height / targetHeight;
  for (let y = 0; y < targetHeight; y++) {
    const sy = Math.min(Math.max((y + 0.5) * scaleY - 0.5, 0), height - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, height - 1);
    const fy = sy - y0;
    for (let x = 0; x < targetWidth; x++) {
      const sx = Math.min(Math.max((x + 0.5) * scaleX - 0.5, 0), width - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, width - 1);
      const fx = sx - x0;
      for (let c = 0; c < channels; c++) {
        const top = source[(y0 * width + x0) * channels + c] * (1 - fx) + source[(y0 * width + x1) * channels + c] * fx;
        const bottom =
          source[(y1 * width + x0) * channels + c] * (1 - fx) + source[(y1 * width + x1) * channels + c] * fx;
        out[(y * targetWidth + x) * channels + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return out;
}

/**
 * Converts RGBA pixels to 3 channels (alpha dropped, as Keras' loader does)
 * or to 1 channel of luma `0.299 R + 0.587 G + 0.114 B` (ITU-R BT.601, as
 * PIL's grayscale and `tf.image.rgbToGrayscale`).
 */
export function rgbaToChannels(rgba: ArrayLike<number>, pixels: number, channels: 1 | 3): Float32Array {
  const out = new Float32Array(pixels * channels);
  for (let p = 0; p < pixels; p++) {
    const r = rgba[4 * p];
    const g = rgba[4 * p + 1];
    const b = rgba[4 * p + 2];
    if (channels === 1) out[p] = 0.299 * r + 0.587 * g + 0.114 * b;
    else {
      out[3 * p] = r;
      out[3 * p + 1] = g;
      out[3 * p + 2] = b;
    }
  }
  return out;
}

/** Decodes one image and fits it to `[h, w, c]`, writing its rounded bytes into `target`. */
async function loadImage(
  file: ImageFile,
  path: string,
  inputShape: readonly [number, number, number],
  decode: ImageDecoder,
  target: Uint8Array,
): Promise<void> {
  const [height, width, channels] = inputShape;
  const bytes = asUint8Array(file.bytes);
  // The header first: decoders allocate what it declares before they look any further.
  let header;
  try {
    header = readImageHeader(bytes);
  } catch (error) {
    throw new DatasetError(path, (error as Error).message);
  }
  if (header.width === 0 || header.height === 0 || header.width * header.height > LIMITS.imagePixels)
    throw new DatasetError(
      path,
      `declares ${header.width}×${header.height} pixels; NetCanvas decodes images of 1 to ${limitText(LIMITS.imagePixels)} pixels`,
    );
  let image: DecodedImage;
  try {
    image = await decode(bytes, file.name);
  } catch (error) {
    throw new DatasetError(path, `cannot be decoded as an image (${(error as Error).message})`);
  }
  if (!(image.width > 0 && image.height > 0) || image.data.length !== image.width * image.height * 4) {
    throw new DatasetError(
      path,
      `decoded to ${image.data.length} bytes for ${image.width}×${image.height} pixels, expected ${image.width * image.height * 4} (RGBA)`,
    );
  }
  const converted = rgbaToChannels(image.data, image.width * image.height, channels as 1 | 3);
  const resized =
    image.width === width && image.height === height
      ? converted
      : resizeBilinear(converted, image.width, image.height, channels, width, height);
  for (let i = 0; i < resized.length; i++) target[i] = Math.min(255, Math.max(0, Math.round(resized[i])));
}

interface Pick {
  classIndex: number;
  file: ImageFile;
  path: string;
}

async function buildSplit(
  picks: Pick[],
  inputShape: readonly [number, number, number],
  decode: ImageDecoder,
): Promise<DatasetSplit> {
  const size = inputShape[0] * inputShape[1] * inputShape[2];
  const images = new Uint8Array(picks.length * size);
  const labels = new Int32Array(picks.length);
  // One image at a time: decoded photos can be large, and only the resized copy is kept.
  for (let i = 0; i < picks.length; i++) {
    await loadImage(picks[i].file, picks[i].path, inputShape, decode, images.subarray(i * size, (i + 1) * size));
    labels[i] = picks[i].classIndex;
  }
  return { images, labels, count: picks.length };
}

function byName(a: ImageFile, b: ImageFile): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Builds a dataset from images grouped by class. Classes are sorted by name
 * (label 0 is the first), as Keras' `image_dataset_from_directory` does, and
 * each image is decoded, converted to the input's channels and resized to its
 * height and width.
 *
 * @example
 * const data = await imageFolderDataset({ cat: [...], dog: [...] }, { inputShape: [64, 64, 3], decode });
 * data.classNames; // ['cat', 'dog']
 */
export async function imageFolderDataset(classes: ClassFolders, options: ImageFolderOptions): Promise<Dataset> {
  const name = options.name ?? 'image folder';
  const { inputShape, decode } = options;
  const [height, width, channels] = inputShape;
  if (!(Number.isInteger(height) && height > 0 && Number.isInteger(width) && width > 0)) {
    throw new DatasetError(name, `cannot resize images to ${height}×${width}: expected whole numbers of pixels ≥ 1`);
  }
  if (channels !== 1 && channels !== 3) {
    throw new DatasetError(name, `cannot give images ${channels} channels: expected 1 (grayscale) or 3 (RGB)`);
  }
  const classNames = Object.keys(classes).sort();
  if (classNames.length < 2) {
    throw new DatasetError(
      name,
      `needs at least two class folders, found ${classNames.length ? classNames.join(', ') : 'none'}`,
    );
  }
  if (classNames.length > LIMITS.classes)
    throw new DatasetError(
      name,
      `has ${limitText(classNames.length)} class folders; NetCanvas trains at most ${limitText(LIMITS.classes)} classes`,
    );
  for (const className of classNames) {
    if (classes[className].length === 0) throw new DatasetError(`${name}/${className}`, 'holds no images');
  }
  const trainPicks: Pick[] = [];
  const testPicks: Pick[] = [];
  const pathOf = (className: string, file: ImageFile) => `${className}/${file.name}`;
  if (options.test) {
    for (const className of Object.keys(options.test)) {
      if (!classNames.includes(className)) {
        throw new DatasetError(
          `${name}/test/${className}`,
          `is a test class with no training folder (classes: ${classNames.join(', ')})`,
        );
      }
    }
    classNames.forEach((className, classIndex) => {
      for (const file of [...classes[className]].sort(byName)) {
        trainPicks.push({ classIndex, file, path: pathOf(className, file) });
      }
      const testFiles = Object.hasOwn(options.test ?? {}, className) ? (options.test as ClassFolders)[className] : [];
      for (const file of [...testFiles].sort(byName)) {
        testPicks.push({ classIndex, file, path: `test/${pathOf(className, file)}` });
      }
    });
  } else {
    const fraction = options.testFraction ?? 0.2;
    if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`testFraction must be in [0, 1), got ${fraction}`);
    classNames.forEach((className, classIndex) => {
      const files = [...classes[className]].sort(byName);
      const held = Math.round(files.length * fraction);
      // Seeded per class so adding images to one class does not reshuffle another's test images.
      const order = seededPermutation(files.length, (options.seed ?? 0) + classIndex);
      const heldOut = new Set(Array.from(order.subarray(0, held)));
      files.forEach((file, i) => {
        (heldOut.has(i) ? testPicks : trainPicks).push({ classIndex, file, path: pathOf(className, file) });
      });
    });
  }
  // Before decoding anything: a test split asked for but empty would report an accuracy of NaN.
  // (An explicit testFraction of 0 asks for none; training refuses that dataset in its turn.)
  if (testPicks.length === 0 && (options.test || (options.testFraction ?? 0.2) > 0))
    throw new DatasetError(
      options.test ? `${name}/test` : name,
      options.test
        ? 'holds no test images; put images in test/<class>/ or leave test/ out to hold out a share of each class'
        : `has too few images to hold out a test share of ${options.testFraction ?? 0.2}; add images or a test/ folder`,
    );
  const train = await buildSplit(trainPicks, inputShape, decode);
  const test = await buildSplit(testPicks, inputShape, decode);
  checkSplit(name, train, inputShape, classNames.length);
  checkSplit(name, test, inputShape, classNames.length);
  return { name, inputShape: [height, width, channels], classNames, train, test };
}
