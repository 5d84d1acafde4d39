/**
 * tfjs's Dropout layer with its training mask drawn in one pass. tfjs draws
 * each value of the mask with seedrandom's Alea generator and builds the
 * multiplier from four more kernels (`floor(uniform + keep) / keep`, then
 * `× x`): 13–14 ms for one [32, 16, 16, 32] activation on wasm, some 24 ms of
 * the CIFAR-10 CNN's ~190 ms training step, none of it in a kernel profile.
 * Here the multiplier — 0 for a dropped value, `1 / keep` in float32 for a
 * kept one, the very values tfjs's division gives — is filled into one
 * Float32Array by a fast generator from the layer's seed, and multiplied in by one
 * kernel; the gradient is tfjs's own for that product (dy times the mask).
 * The class keeps tfjs's name (Dropout), its configuration and inference
 * (the input as it is), so a saved model holds a plain Dropout.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Tfjs } from './layer-spec';

/** tfjs's Dropout layer options, as `tf.layers.dropout` takes them. */
type DropoutArgs = Parameters<Tfjs['layers']['dropout']>[0];

type DropoutClass = new (args: DropoutArgs) => tfjs.layers.Layer;

/** The parts of tfjs's Dropout that its `call` reads (public in JavaScript, not in its types). */
interface DropoutInternals {
  rate: number;
  noiseShape?: number[] | null;
  seed?: number;
  invokeCallHook(inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: Record<string, unknown>): void;
}

/**
 * Fills `multiplier` with dropout's multiplier for `rate`: each value 0 with
 * probability `rate`, else `scale`. A value is dropped when the top 24 bits of
 * its draw (a float32 uniform's resolution, as tfjs compares) fall below
 * `rate · 2²⁴`. The draws are xorshift32's, from the seed mixed by one round of
 * mulberry32 so that nearby seeds start far apart: 1.0 ms for 262,144 values
 * where mulberry32 for every value took 2.1 (one Node process, fastest of 6).
 */
function fillDropoutMultiplier(multiplier: Float32Array, rate: number, scale: number, seed: number): void {
  const threshold = Math.round(rate * 16777216);
  let state = (seed + 0x6d2b79f5) | 0;
  state = Math.imul(state ^ (state >>> 15), state | 1);
  state ^= state + Math.imul(state ^ (state >>> 7), state | 61);
  state = (state ^ (state >>> 14)) | 1; // xorshift32 never leaves 0
  for (let i = 0; i < multiplier.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    multiplier[i] = state >>> 8 < threshold ? 0 : scale;
  }
}

const classes = new WeakMap<Tfjs, DropoutClass>();

/**
 * tfjs's Dropout class with the faster training mask (see the file's
 * comment), one class per tfjs namespace. A layer without a seed draws one
 * from `Math.random` each step, as tfjs's does; training sets a new seed
 * every step from the run's seed (core/train/session.ts).
 *
 * @example
 * const layer = new (fastDropout(tf))({ rate: 0.25, name: 'drop1' });
 */
export function fastDropout(tf: Tfjs): DropoutClass {
  const known = classes.get(tf);
  if (known) return known;
  const [TfjsDropout] = tf.serialization.SerializationMap.getMap().classNameMap.Dropout as unknown as [DropoutClass];
  class FastDropout extends TfjsDropout {
    override call(inputs: tfjs.Tensor | tfjs.Tensor[], kwargs: Record<string, unknown>): tfjs.Tensor | tfjs.Tensor[] {
      const layer = this as unknown as DropoutInternals;
      const { rate } = layer;
      if (kwargs.training !== true || !(rate > 0 && rate < 1) || layer.noiseShape != null)
        return super.call(inputs, kwargs);
      layer.invokeCallHook(inputs, kwargs);
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const multiplier = new Float32Array(x.size);
        // tfjs divides in float32 by the float32 keep probability.
        const scale = Math.fround(1 / Math.fround(1 - rate));
        fillDropoutMultiplier(multiplier, rate, scale, layer.seed ?? Math.floor(Math.random() * 4294967296));
        return tf.mul(x, tf.tensor(multiplier, x.shape, 'float32'));
      });
    }
  }
  classes.set(tf, FastDropout);
  return FastDropout;
}
