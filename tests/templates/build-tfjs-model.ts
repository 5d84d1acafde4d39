/**
 * Builds a template's tfjs model straight from the layer registry, for the
 * compile-parity tests: `tf.input` for each InputLayer, then every other
 * layer's `toTfjs(...)` applied in topological order. A stand-in for the
 * compile module, which is not written yet; it uses nothing but the specs.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Graph } from '../../core/graph/graph';
import { incomingEdges, outputNodeIds } from '../../core/graph/graph';
import { inferShapes } from '../../core/graph/infer';
import { getLayerSpec } from '../../core/layers/registry';

/** The model and each node's symbolic output, so tests can compare shapes layer by layer. */
export interface BuiltModel {
  model: tfjs.LayersModel;
  tensors: Map<string, tfjs.SymbolicTensor>;
}

export function buildTfjsModel(tf: typeof tfjs, graph: Graph): BuiltModel {
  const report = inferShapes(graph);
  if (report.diagnostics.length)
    throw new Error(`graph has diagnostics: ${report.diagnostics.map((d) => d.message).join('; ')}`);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const tensors = new Map<string, tfjs.SymbolicTensor>();
  const inputs: tfjs.SymbolicTensor[] = [];
  for (const id of report.order) {
    const node = byId.get(id)!;
    const params = report.params.get(id)!;
    // A layer that takes no inputs is where data enters: in the functional API that is `tf.input`.
    if (getLayerSpec(node.type).inputs.max === 0) {
      const input = tf.input({ shape: params.shape as number[], name: node.name });
      inputs.push(input);
      tensors.set(id, input);
      continue;
    }
    const feeds = incomingEdges(graph, id).map((e) => tensors.get(e.source)!);
    const layer = getLayerSpec(node.type).toTfjs(params, tf, node.name);
    tensors.set(id, layer.apply(feeds.length === 1 ? feeds[0] : feeds) as tfjs.SymbolicTensor);
  }
  const outputs = outputNodeIds(graph).map((id) => tensors.get(id)!);
  return { model: tf.model({ inputs, outputs }), tensors };
}
