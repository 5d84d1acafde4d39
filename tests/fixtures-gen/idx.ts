/**
 * Writes IDX files (MNIST's format) for tests: the magic number, big-endian
 * uint32 dimensions, then unsigned bytes.
 */

/** An IDX file of unsigned bytes with the given dimensions and values. */
export function idxBytes(shape: readonly number[], values: ArrayLike<number>): Uint8Array {
  const header = 4 + 4 * shape.length;
  const out = new Uint8Array(header + values.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = shape.length;
  shape.forEach((dim, i) => view.setUint32(4 + 4 * i, dim, false));
  out.set(Array.from(values), header);
  return out;
}

/** A recognisable pixel value for image `n` at row `y`, column `x`. */
export function idxPixel(n: number, y: number, x: number): number {
  return (n * 31 + y * 7 + x * 3) & 0xff;
}

/** `count` images of `rows × columns` filled with {@link idxPixel}, as an IDX file. */
export function idxImages(count: number, rows: number, columns: number): Uint8Array {
  const values = new Uint8Array(count * rows * columns);
  for (let n = 0; n < count; n++)
    for (let y = 0; y < rows; y++)
      for (let x = 0; x < columns; x++) values[(n * rows + y) * columns + x] = idxPixel(n, y, x);
  return idxBytes([count, rows, columns], values);
}

/** An IDX labels file. */
export function idxLabels(labels: readonly number[]): Uint8Array {
  return idxBytes([labels.length], labels);
}
