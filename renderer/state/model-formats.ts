/**
 * The renderer's door to core's model formats: Keras / TensorFlow.js layers
 * `model.json` in (import) and out (export). Text in, text out, so the
 * bridge only moves strings.
 */
import { ValidationError } from '../../core/errors';
import type { Graph } from '../../core/graph/graph';
import { importLayersModel } from '../../core/formats/keras-import';

/** Parses `model.json` text into a design. Throws `ValidationError` for text that is not JSON or not a layers model. */
export function importModelJson(text: string): { graph: Graph; warnings: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ValidationError([], `not valid JSON: ${(e as Error).message}`);
  }
  return importLayersModel(json);
}

/** The design as TensorFlow.js layers-model `model.json` text. */
export function exportModelJson(graph: Graph, name: string): string {
  void graph;
  void name;
  throw new Error('model export lands with core/formats exportTfjsModel');
}
