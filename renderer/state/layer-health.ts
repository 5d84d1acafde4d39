/**
 * The layer health of the last training run, as the editor keeps it: the
 * worker's report (core/train/layer-health.ts) with the design it was measured
 * on, and which canvas node each figure belongs to.
 */
import type { Graph } from '../../core/graph/graph';
import type { LayerHealth, LayerHealthReport } from '../../core/train/layer-health';
import { sameDesign } from './trained-model';

/** A health report and the design it describes. */
export interface LayerHealthRecord {
  /** The design the run trained. */
  graph: Graph;
  report: LayerHealthReport;
}

/**
 * Each node's health, by node id, while `graph` is the design the run
 * trained; an empty map once the design has changed (the figures describe a
 * network that no longer exists) or when there is no record.
 */
export function healthByNode(record: LayerHealthRecord | null, graph: Graph): ReadonlyMap<string, LayerHealth> {
  const byNode = new Map<string, LayerHealth>();
  if (!record || !sameDesign(record.graph, graph)) return byNode;
  const byName = new Map(record.report.layers.map((layer) => [layer.name, layer]));
  for (const node of graph.nodes) {
    const health = byName.get(node.name);
    if (health) byNode.set(node.id, health);
  }
  return byNode;
}
