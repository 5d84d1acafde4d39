/**
 * Trained weights as TensorFlow.js saves them: a `weightsManifest` (groups
 * of files, each listing its weights' names, shapes and dtypes in order) and
 * the bytes of those files. Read here, checked whole, for the exporters that
 * carry a trained design's weights out (PyTorch, ONNX).
 */
import { ValidationError } from '../errors';

/** One weight in a TensorFlow.js weights manifest. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

/** Weights as TensorFlow.js saves them: the manifest's entries in order and their bytes back to back. */
export interface TfjsWeights {
  specs: readonly WeightSpec[];
  data: ArrayBuffer;
}

/** One group of a manifest: the files it is split into and the weights they hold. */
export interface ManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a `weightsManifest` value; throws `ValidationError` at `path` (e.g.
 * `['weightsManifest']`) naming the first bad field. Only float32 weights are
 * accepted: NetCanvas trains and saves nothing else, and a quantized file
 * would not round-trip exactly.
 */
export function parseWeightsManifest(value: unknown, path: readonly (string | number)[]): ManifestGroup[] {
  if (!Array.isArray(value)) throw new ValidationError(path, 'must be a list of weight groups');
  return value.map((group, g) => {
    if (!isObject(group)) throw new ValidationError([...path, g], 'must be an object with paths and weights');
    const paths = group.paths;
    if (!Array.isArray(paths) || !paths.every((p) => typeof p === 'string' && p !== ''))
      throw new ValidationError([...path, g, 'paths'], 'must be a list of file names');
    if (!Array.isArray(group.weights)) throw new ValidationError([...path, g, 'weights'], 'must be a list');
    const weights = group.weights.map((w, i) => {
      const at = [...path, g, 'weights', i];
      if (!isObject(w) || typeof w.name !== 'string') throw new ValidationError(at, 'must have a name');
      if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && (d as number) >= 0))
        throw new ValidationError([...at, 'shape'], `must be a list of sizes, got ${JSON.stringify(w.shape)}`);
      if ('quantization' in w)
        throw new ValidationError(at, `${w.name} is quantized; NetCanvas exports float32 weights only`);
      if (w.dtype !== 'float32')
        throw new ValidationError([...at, 'dtype'], `${w.name} is ${String(w.dtype)}; expected float32`);
      return { name: w.name, shape: w.shape as number[], dtype: 'float32' };
    });
    return { paths: paths as string[], weights };
  });
}

/**
 * The weights a manifest describes, with the files' bytes from `read` (by
 * the manifest's path). Throws `ValidationError` naming the file when one is
 * missing or its size does not match the manifest.
 */
export function joinWeights(groups: readonly ManifestGroup[], read: (path: string) => Uint8Array): TfjsWeights {
  const specs = groups.flatMap((g) => g.weights);
  const chunks: Uint8Array[] = [];
  for (const group of groups) {
    const bytes = group.paths.map(read);
    const size = bytes.reduce((n, b) => n + b.byteLength, 0);
    const expected = group.weights.reduce((n, w) => n + 4 * w.shape.reduce((a, d) => a * d, 1), 0);
    if (size !== expected)
      throw new ValidationError(
        [group.paths.join(', ')],
        `holds ${size} bytes; the manifest describes ${expected} (${group.weights.length} float32 weights)`,
      );
    chunks.push(...bytes);
  }
  const data = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    data.set(c, offset);
    offset += c.byteLength;
  }
  return { specs, data: data.buffer };
}
