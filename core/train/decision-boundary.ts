/**
 * The decision boundary of a classifier of 2-D points, as TensorFlow
 * Playground draws it but for any design: the class the model gives every
 * cell of a square grid over the toy sets' box, with how sure it is. The
 * training worker takes one after every epoch, so the Train view shows the
 * regions moving as the network learns.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tfjs } from '../layers/layer-spec';
import { outputIsProbability, probabilities } from './metrics';
import { normalizeBatch, type Normalization } from './preprocess';

/** A square grid centred on the origin. */
export interface BoundaryGrid {
  /** Cells per side. */
  resolution: number;
  /** Half the side of the square. */
  halfSide: number;
}

/** The model's answer on every cell of a grid, row by row from the top (y = +halfSide), left to right. */
export interface DecisionBoundary extends BoundaryGrid {
  /** Epochs of training behind it: 1 after the first epoch, 2.5 for a run stopped half-way through the third. */
  epochs: number;
  /** Classes the model tells apart. */
  classCount: number;
  /** The most probable class of each cell. */
  classes: Uint8Array;
  /** That class's probability, `1 / classCount` (a toss-up) to 1 (sure). */
  confidence: Float32Array;
}

/**
 * The centre of every cell as `(x, y)` pairs, row by row from the top, so
 * that row 0 is y = +halfSide − half a cell, the way an image is stored.
 *
 * @example
 * gridPoints({ resolution: 2, halfSide: 1 }) // [-0.5, 0.5,  0.5, 0.5,  -0.5, -0.5,  0.5, -0.5]
 */
export function gridPoints({ resolution, halfSide }: BoundaryGrid): Float32Array {
  const points = new Float32Array(resolution * resolution * 2);
  const cell = (2 * halfSide) / resolution;
  for (let row = 0; row < resolution; row++) {
    for (let column = 0; column < resolution; column++) {
      const i = row * resolution + column;
      points[2 * i] = -halfSide + (column + 0.5) * cell;
      points[2 * i + 1] = halfSide - (row + 0.5) * cell;
    }
  }
  return points;
}

/**
 * The model's class and confidence on every cell of `grid`, the points
 * prepared as training prepared its samples (`normalization`). Resolves
 * once the figures are read back; every tensor it makes is released.
 */
export async function decisionBoundary(
  tf: Tfjs,
  model: tfjs.LayersModel,
  grid: BoundaryGrid,
  normalization: Normalization,
  epochs: number,
): Promise<DecisionBoundary> {
  const count = grid.resolution * grid.resolution;
  const points = gridPoints(grid);
  if (normalization.scale !== 1) for (let i = 0; i < points.length; i++) points[i] *= normalization.scale;
  const [best, sure] = tf.tidy(() => {
    const xs = normalizeBatch(tf, tf.tensor2d(points, [count, 2]), normalization);
    const probs = probabilities(tf, model.predict(xs) as tfjs.Tensor, outputIsProbability(model));
    return [tf.argMax(probs, -1), tf.max(probs, -1)];
  });
  try {
    const [classes, confidence] = await Promise.all([best.data(), sure.data()]);
    return {
      ...grid,
      epochs,
      classCount: model.outputs[0].shape[1] ?? 1,
      classes: Uint8Array.from(classes),
      confidence: confidence as Float32Array,
    };
  } finally {
    tf.dispose([best, sure]);
  }
}
