/**
 * Writes CIFAR-10 binary batches for tests, in the real layout: per record one
 * label byte, then the red plane, the green plane and the blue plane, each
 * 32×32 row-major.
 */

/** A recognisable value for record `n`, row `y`, column `x`, channel `c` (0 red, 1 green, 2 blue). */
export function cifarPixel(n: number, y: number, x: number, c: number): number {
  return (n * 13 + y * 5 + x * 3 + c * 101) & 0xff;
}

/** A batch of records with these labels, pixels from {@link cifarPixel} offset by `firstRecord`. */
export function cifarBatch(labels: readonly number[], firstRecord = 0): Uint8Array {
  const out = new Uint8Array(labels.length * 3073);
  labels.forEach((label, i) => {
    const record = i * 3073;
    out[record] = label;
    for (let c = 0; c < 3; c++)
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++) out[record + 1 + c * 1024 + y * 32 + x] = cifarPixel(firstRecord + i, y, x, c);
  });
  return out;
}

/** `count` labels cycling through 0–9, starting at `start`. */
export function cyclingLabels(count: number, start = 0): number[] {
  return Array.from({ length: count }, (_, i) => (start + i) % 10);
}
