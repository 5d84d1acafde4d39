/**
 * The one set of bounds NetCanvas holds every design to. Each limit sits far
 * above any real network and far below what would overflow a typed array, the
 * call stack or the memory of the machine, so a typo or a hostile file gets a
 * message naming the limit instead of a crash deep inside TensorFlow.js.
 *
 * Parameter specs take these as their default range (`core/layers/params.ts`),
 * shape inference checks the tensor, weight and depth limits
 * (`core/graph/infer.ts`), and the file readers check the size limits
 * (`core/formats/`).
 */

/** The bounds, by what they bound. */
export const LIMITS = {
  /**
   * Largest whole-number parameter (units, filters, kernel and pool sizes,
   * strides, dilation, depth multiplier): 65,536. The widest layers in real
   * networks have a few thousand units; Keras and tfjs set no bound, and a
   * `filters: 1e9` only fails when the weights are allocated.
   */
  wholeNumber: 65_536,
  /**
   * Largest entry of a shape-like list (an input's size, a reshape target, a
   * padding): 2²⁴. A flattened 224×224×3 image is 150,528 values, so shapes
   * get more room than parameters; the tensor limit below bounds their product.
   */
  dimension: 2 ** 24,
  /** Largest magnitude of a real-number parameter (a slope, a cap, an epsilon): 10⁶. */
  realNumber: 1e6,
  /**
   * Most values one sample's tensor may hold: 2³¹. TensorFlow.js keeps a
   * tensor in one typed array (and WebGL in textures far smaller), so a
   * larger output cannot be computed at all.
   */
  tensorElements: 2 ** 31,
  /** Most weights a design may hold, all layers together: 2³¹ (8 GiB of float32). */
  weights: 2 ** 31,
  /**
   * Longest chain of layers TensorFlow.js can build: 2,000. tfjs walks the
   * model recursively when it builds and saves it and overflows the call
   * stack between 4,000 and 8,000 layers deep; ResNet-152 is about 500 deep.
   */
  depth: 2_000,
  /** Most layers a design may hold: 100,000. */
  layers: 100_000,
  /** Most connections a design may hold: 400,000. */
  edges: 400_000,
  /** Most groups a design may hold. */
  groups: 100_000,
  /** Longest layer name, in characters. */
  nameLength: 128,
  /**
   * Deepest nesting of arrays and objects in a project or model file: 64. A
   * project is about 8 levels deep and a Keras model.json about 12 plus 4 per
   * nested sub-model; JSON nested thousands deep would overflow the call stack
   * of every recursive walk (JSON.stringify, structuredClone, schema checks).
   */
  jsonDepth: 64,
  /** Largest design file (project or model.json) read, in bytes: 128 MiB. A 100,000-layer project is about 50 MiB. */
  designFileBytes: 128 * 1024 ** 2,
  /**
   * Most bytes one gzip file of a dataset may unpack to: 1 GiB (EMNIST's
   * largest images file is 547 MB, CIFAR-10's tar 185 MB). Checked before
   * anything is allocated, and again while unpacking, so a 2 MB "gzip bomb"
   * is refused instead of filling the memory.
   */
  unpackedFileBytes: 2 ** 30,
  /**
   * Most pixels one image of an image folder may declare: 2²⁶ (67 million, a
   * 48-megapixel phone photo fits). Read from the PNG or JPEG header before
   * decoding, since a 0.4 MB PNG can declare 20000×20000 pixels (1.6 GB of RGBA).
   */
  imagePixels: 2 ** 26,
  /** Most classes a dataset may have; a network's last Dense layer has at most {@link LIMITS.wholeNumber} units. */
  classes: 65_536,
} as const;

/** `1073741824` → `1 GiB`, `3200000` → `3.1 MiB`: byte counts in messages. */
export function bytesText(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** `65536` → `65,536`: limits in messages read as in these docs. */
export const limitText = (n: number): string => n.toLocaleString('en-US');
