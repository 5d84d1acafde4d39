/**
 * The file names of the PyTorch and ONNX exports, in one place: the
 * exporters, the CLI, the desktop shell (which names the files it writes
 * itself, never taking a name from the renderer) and the web page's
 * downloads all read them here. Pure data, no exporter code, so a shell
 * can name files without loading an exporter.
 */

/** The files of a PyTorch export folder, by role. */
export const PYTORCH_FILES = {
  model: 'model.py',
  train: 'train.py',
  readme: 'README.md',
  /** The trained weights as tfjs saved them (only for a trained design). */
  weights: 'model.weights.bin',
  /** Their tfjs `weightsManifest`, which `model.py` reads to convert them. */
  manifest: 'model.weights.json',
} as const;

/**
 * The design's name as a file name's stem: kept but for characters a file
 * name should not hold, which become `-` (`my net/v2` → `my-net-v2`);
 * `model` when nothing is left.
 */
export function exportFileStem(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'model';
}

/**
 * The file an ONNX export is written to: `<name>.onnx` (`ResNet-18.onnx`).
 *
 * @example
 * onnxFileName('my net/v2') // 'my-net-v2.onnx'
 */
export function onnxFileName(name: string): string {
  return `${exportFileStem(name)}.onnx`;
}
