/**
 * Preprocessing: from stored sample values to network inputs. Statistics are
 * computed once, from the training split only, so validation and test data
 * never leak into what the network sees during training.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { SampleValues } from '../data/dataset';
import type { Tfjs } from '../layers/layer-spec';
import type { Preprocessing } from './settings';

/** What turns stored values into inputs: `x · scale`, then `(x − mean[c]) / std[c]` per channel `c`. */
export interface Normalization {
  /** The mode it was computed for. */
  mode: Preprocessing;
  /** 1/255 for raw pixels under every mode but `none`; 1 for values used as stored (toy sets). */
  scale: number;
  /** Per-channel mean of the scaled training values (zeros unless centering). */
  mean: number[];
  /** Per-channel standard deviation of the scaled training values (ones unless standardizing). */
  std: number[];
}

/**
 * Computes the normalization of `mode` from the training split's values:
 * channels are the last axis of `inputShape` (one channel for a flat vector's
 * every feature). A channel with no spread keeps a standard deviation of 1.
 *
 * @example
 * computeNormalization(train.images, [32, 32, 3], 'standardize') // { scale: 1/255, mean: [0.49, 0.48, 0.45], std: [...] }
 */
export function computeNormalization(
  values: SampleValues,
  inputShape: readonly number[],
  mode: Preprocessing,
): Normalization {
  const channels =
    inputShape.length >= 3 ? inputShape[inputShape.length - 1] : inputShape.length === 1 ? inputShape[0] : 1;
  const scale = values instanceof Uint8Array && mode !== 'none' ? 1 / 255 : 1;
  const mean = new Array<number>(channels).fill(0);
  const std = new Array<number>(channels).fill(1);
  if (mode === 'center' || mode === 'standardize') {
    const sum = new Float64Array(channels);
    const sumSquares = new Float64Array(channels);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] * scale;
      const c = i % channels;
      sum[c] += v;
      sumSquares[c] += v * v;
    }
    const perChannel = values.length / channels;
    for (let c = 0; c < channels; c++) {
      mean[c] = perChannel ? sum[c] / perChannel : 0;
      if (mode === 'standardize' && perChannel) {
        const variance = Math.max(0, sumSquares[c] / perChannel - mean[c] * mean[c]);
        std[c] = variance > 1e-12 ? Math.sqrt(variance) : 1;
      }
    }
  }
  return { mode, scale, mean, std };
}

/** Applies the mean and standard deviation of `n` to an already scaled batch, broadcasting over the last axis. */
export function normalizeBatch(tf: Tfjs, batch: tfjs.Tensor, n: Normalization): tfjs.Tensor {
  if (n.mode !== 'center' && n.mode !== 'standardize') return batch;
  return tf.tidy(() => {
    const centered = tf.sub(batch, tf.tensor1d(n.mean));
    return n.mode === 'standardize' ? tf.div(centered, tf.tensor1d(n.std)) : centered;
  });
}
