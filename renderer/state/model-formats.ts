/**
 * The renderer's door to core's model export: the design as Keras /
 * TensorFlow.js layers `model.json` text, so the bridge only moves strings.
 * (Reading a model.json is core's `openDesignFile`.)
 */
import type { Graph } from '../../core/graph/graph';

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
