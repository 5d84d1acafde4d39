/**
 * The renderer's door to core's model formats: Keras / TensorFlow.js layers
 * `model.json` in (import) and out (export). Text in, text out, so the
 * bridge only moves strings.
 */
import { ValidationError } from '../../core/errors';
import type { Graph } from '../../core/graph/graph';
import { importLayersModel } from '../../core/formats/keras-import';

/**
 * Parses `model.json` text into a design, at `inputSize` where the model
 * leaves its input unsized. Throws `ValidationError` for text that is not
 * JSON or not a layers model (`UnknownInputSizeError` when a size is needed).
 */
export function importModelJson(text: string, inputSize?: readonly number[]): { graph: Graph; warnings: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValidationError([], `not valid JSON: ${(e as Error).message}`);
  }
  return importLayersModel(json, inputSize ? { inputSize } : {});
}

/**
 * The name a Keras / tfjs `model.json` gives its model (`model_config.config.name`),
 * or, when it gives none, its file name without the ending; `model` for the
 * generic `model.json`.
 */
export function importedModelName(text: string, fileName: string): string {
  let named: unknown;
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    const topology = (json.modelTopology ?? json) as Record<string, unknown>;
    const model = (topology.model_config ?? topology) as { config?: { name?: unknown } };
    named = model.config?.name;
  } catch {
    // Unreadable text never gets this far: the import refuses it first.
  }
  if (typeof named === 'string' && named.trim()) return named.trim();
  return fileName.replace(/\.json$/i, '') || 'model';
}

/**
 * The design as TensorFlow.js layers-model `model.json` text: the topology,
 * which `tf.loadLayersModel` reads with freshly initialised weights. tfjs is
 * loaded on first use so that opening the editor does not wait for it.
 * Throws core's `CompileError` for a design with errors.
 */
export async function exportModelJson(graph: Graph): Promise<string> {
  const [tf, { exportTfjsModel }] = await Promise.all([
    import('@tensorflow/tfjs'),
    import('../../core/formats/tfjs-export'),
  ]);
  const { modelJson } = await exportTfjsModel(graph, tf, { weights: false });
  return `${JSON.stringify(modelJson, null, 2)}\n`;
}
