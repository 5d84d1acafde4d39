/**
 * The trained weights of the design, kept with the open project for as long
 * as the design is the one they were trained on, so the model export can
 * include them. Any edit to the graph makes them stale (a new graph object).
 */
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
