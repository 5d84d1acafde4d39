/**
 * A small seeded pseudo-random generator, so splits and toy sets come out the
 * same for the same seed in Node, a browser and a worker (`Math.random` has no seed).
 */

/**
 * mulberry32: a 32-bit-state generator returning floats in [0, 1). Fast and
 * well mixed for shuffling and sampling, not for cryptography.
 *
 * @example
 * const random = mulberry32(42);
 * random(); // 0.6011037519201636, every time for seed 42
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
