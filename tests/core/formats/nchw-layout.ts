/**
 * NetCanvas keeps 4-D tensors channels last (NHWC); PyTorch and ONNX Runtime
 * take and give them channels first (NCHW). The parity suites compare across
 * that boundary with these two.
 */

/** NHWC values → NCHW; tensors of another rank are returned as they are. */
export function toNchw(values: Float32Array, shape: readonly number[]): Float32Array {
  if (shape.length !== 4) return values;
  const [n, h, w, c] = shape;
  const out = new Float32Array(values.length);
  for (let b = 0; b < n; b++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        for (let k = 0; k < c; k++) out[((b * c + k) * h + y) * w + x] = values[((b * h + y) * w + x) * c + k];
  return out;
}

/** An NHWC shape written NCHW; other ranks unchanged. */
export const nchwShape = (shape: readonly number[]): number[] =>
  shape.length === 4 ? [shape[0], shape[3], shape[1], shape[2]] : [...shape];
