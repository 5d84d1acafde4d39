/**
 * Toy 2-D datasets that no linear classifier can separate, for the lecture's
 * point that hidden layers with a nonlinearity are what make a network more
 * than a line: `quadrants` (XOR of the signs), `ring` (an annulus) and `modes`
 * (three discs against everything else). Points lie in the box [-3, 3]².
 */
import { checkSplit, seededPermutation, type Dataset, type DatasetSplit } from './dataset';
import { mulberry32 } from './random';

/** The toy sets' names, as used in `toy:<name>`. */
export const TOY_DATASET_NAMES = ['quadrants', 'ring', 'modes'] as const;

/** A toy set's name. */
export type ToyDatasetName = (typeof TOY_DATASET_NAMES)[number];

/** Half the side of the square the points are drawn from. */
export const TOY_BOX_HALF_SIDE = 3;

/** Centres of the `modes` discs: three points 120° apart on a circle of radius 1.8. */
export const MODES_CENTRES: readonly (readonly [number, number])[] = [90, 210, 330].map((degrees) => {
  const radians = (degrees * Math.PI) / 180;
  return [1.8 * Math.cos(radians), 1.8 * Math.sin(radians)] as const;
});

/** Radius of each `modes` disc. */
export const MODES_RADIUS = 0.8;

const CLASS_NAMES: Record<ToyDatasetName, readonly [string, string]> = {
  quadrants: ['x·y ≤ 0', 'x·y > 0'],
  ring: ['off the ring', 'on the ring'],
  modes: ['rest', 'in a cluster'],
};

/**
 * The class of point `(x, y)` in a toy set, the rule the generator labels by:
 * `quadrants` 1 when x·y > 0; `ring` 1 when 1 ≤ ‖(x, y)‖ ≤ 2; `modes` 1 inside
 * one of the three {@link MODES_CENTRES} discs.
 */
export function toyLabel(name: ToyDatasetName, x: number, y: number): 0 | 1 {
  switch (name) {
    case 'quadrants':
      return x * y > 0 ? 1 : 0;
    case 'ring': {
      const radius = Math.hypot(x, y);
      return radius >= 1 && radius <= 2 ? 1 : 0;
    }
    case 'modes':
      return MODES_CENTRES.some(([cx, cy]) => Math.hypot(x - cx, y - cy) <= MODES_RADIUS) ? 1 : 0;
  }
}

/** Options for {@link toyDataset}. */
export interface ToyDatasetOptions {
  /** Training points; default 2000. */
  trainCount?: number;
  /** Test points; default 1000. */
  testCount?: number;
  /** The same seed gives the same points; default 0. */
  seed?: number;
}

/**
 * Draws `count` points, half of each class (the odd one to class 0), by
 * rejection sampling uniformly in the box, then shuffles them so the classes
 * are not in blocks. Labels are computed from the stored float32 coordinates,
 * so `toyLabel` agrees with every stored point.
 */
function drawSplit(name: ToyDatasetName, count: number, seed: number): DatasetSplit {
  const random = mulberry32(seed);
  const points = new Float32Array(2 * count);
  const classes = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const wanted = i % 2;
    for (;;) {
      const x = Math.fround((random() * 2 - 1) * TOY_BOX_HALF_SIDE);
      const y = Math.fround((random() * 2 - 1) * TOY_BOX_HALF_SIDE);
      if (toyLabel(name, x, y) !== wanted) continue;
      points[2 * i] = x;
      points[2 * i + 1] = y;
      classes[i] = wanted;
      break;
    }
  }
  const order = seededPermutation(count, seed ^ 0x5bd1e995);
  const images = new Float32Array(2 * count);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    images[2 * i] = points[2 * order[i]];
    images[2 * i + 1] = points[2 * order[i] + 1];
    labels[i] = classes[order[i]];
  }
  return { images, labels, count };
}

/** True when `name` is one of {@link TOY_DATASET_NAMES}. */
export function isToyDatasetName(name: string): name is ToyDatasetName {
  return (TOY_DATASET_NAMES as readonly string[]).includes(name);
}

/**
 * Generates a toy 2-D set: balanced classes, input shape `[2]`, coordinates
 * as float32. Train and test points come from separate seeded streams, so
 * changing one count leaves the other split's points unchanged.
 *
 * @example
 * const ring = toyDataset('ring', { seed: 1 });
 * ring.train.count; // 2000, 1000 of them with 1 ≤ ‖x‖ ≤ 2
 */
export function toyDataset(name: ToyDatasetName, options: ToyDatasetOptions = {}): Dataset {
  const trainCount = options.trainCount ?? 2000;
  const testCount = options.testCount ?? 1000;
  const seed = options.seed ?? 0;
  for (const [what, count] of [
    ['trainCount', trainCount],
    ['testCount', testCount],
  ] as const) {
    if (!(Number.isInteger(count) && count >= 2)) throw new RangeError(`${what} must be an integer ≥ 2, got ${count}`);
  }
  const inputShape = [2];
  const classNames = [...CLASS_NAMES[name]];
  // Distinct seeds per split (derived, not consecutive draws) keep the test points fixed when trainCount changes.
  const train = drawSplit(name, trainCount, seed >>> 0);
  const test = drawSplit(name, testCount, (seed ^ 0x9e3779b9) >>> 0);
  checkSplit(`toy:${name}`, train, inputShape, classNames.length);
  checkSplit(`toy:${name}`, test, inputShape, classNames.length);
  return { name: `toy:${name}`, inputShape, classNames, train, test };
}
