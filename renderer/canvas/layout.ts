/**
 * Auto-layout with dagre: layers flow top to bottom, branches side by side.
 * Only positions change, through core's `moveNodes`, so a layout is one undo step.
 */
import { Graph as DagreGraph, layout } from '@dagrejs/dagre';
import { moveNodes, type Graph, type Position } from '../../core/graph/graph';

/** The size the layout reserves for one layer box (the node component is this wide). */
export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 78;

/**
 * New positions for every node (or only `onlyIds`, keeping the others as
 * anchors), laid out top to bottom by dagre.
 */
export function layoutPositions(graph: Graph): Map<string, Position> {
  const g = new DagreGraph();
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 46, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes) g.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of graph.edges) g.setEdge(edge.source, edge.target);
  layout(g);
  const positions = new Map<string, Position>();
  for (const node of graph.nodes) {
    const laid = g.node(node.id);
    // dagre gives centres; React Flow positions are top-left corners.
    positions.set(node.id, { x: Math.round(laid.x - NODE_WIDTH / 2), y: Math.round(laid.y - NODE_HEIGHT / 2) });
  }
  return positions;
}

/** The graph laid out with dagre. */
export function autoLayout(graph: Graph): Graph {
  return moveNodes(graph, layoutPositions(graph));
}
