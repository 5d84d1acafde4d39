/**
 * The trained weights of the design, kept with the open project for as long
 * as the design is the one they were trained on, so the model export can
 * include them. Any edit to the graph makes them stale (a new graph object).
 */
import type { ExportModelRequest } from '../../electron/contract';
import type { Graph } from '../../core/graph/graph';

/** A trained model as TensorFlow.js Layers files. */
export interface TrainedModel {
  /** The design it was trained from. */
  graph: Graph;
  modelJson: string;
  weightData: ArrayBuffer;
  /** Test accuracy, for the export notice. */
  accuracy: number;
}

let trained: TrainedModel | null = null;

/** Records the model a run produced. */
export function keepTrainedModel(model: TrainedModel | null): void {
  trained = model;
}

/** The trained model of `graph`, or null when there is none or the design has changed since. */
export function trainedModelFor(graph: Graph): TrainedModel | null {
  if (!trained) return null;
  if (trained.graph === graph || designKey(trained.graph) === designKey(graph)) return trained;
  return null;
}

/** What the weights depend on: layers, their parameters and wiring; not where the nodes sit on the canvas. */
function designKey(graph: Graph): string {
  return JSON.stringify([
    graph.nodes.map((n) => [n.id, n.type, n.name, n.params]),
    graph.edges.map((e) => [e.source, e.target, e.targetInput]),
    graph.outputs ?? null,
  ]);
}

/**
 * The export request for a trained model: `<name>.model.json` whose manifest
 * points at `<name>.weights.bin`, the two files `tf.loadLayersModel` reads back.
 */
export function trainedModelExport(model: TrainedModel, name: string): ExportModelRequest {
  const weightsName = `${name}.weights.bin`;
  const modelJson = JSON.parse(model.modelJson) as { weightsManifest?: { paths: string[] }[] };
  for (const group of modelJson.weightsManifest ?? []) group.paths = [weightsName];
  return {
    modelJson: `${JSON.stringify(modelJson, null, 2)}\n`,
    // A copy: a bridge may transfer the buffer, and the project keeps its weights.
    weights: [{ name: weightsName, data: model.weightData.slice(0) }],
    suggestedName: `${name}.model.json`,
  };
}
