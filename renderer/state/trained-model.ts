/**
 * The trained weights of the design. The editor store keeps the last run's
 * model (`EditorState.trainedModel`) with the open project; it counts for as
 * long as the design is the one it was trained on, so saving writes the
 * weights beside the project and the model export includes them.
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

/**
 * The trained model of `graph` (the current design unless given), or null
 * when there is none or the design has changed since: any change to layers,
 * parameters or wiring makes the weights stale, moving nodes does not.
 */
export function trainedModelFor(state: { trainedModel: TrainedModel | null }, graph: Graph): TrainedModel | null {
  const trained = state.trainedModel;
  if (!trained) return null;
  return sameDesign(trained.graph, graph) ? trained : null;
}

/** Whether two graphs are the same network: layers, parameters and wiring alike (positions may differ). */
export function sameDesign(a: Graph, b: Graph): boolean {
  return a === b || designKey(a) === designKey(b);
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
