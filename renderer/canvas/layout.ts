/**
 * Auto-layout with dagre: layers flow top to bottom, branches side by side.
 * It lays out what is on screen: a collapsed group is one box, and its layers
 * move with it. Only positions change, through core's `moveNodes`, so a
 * layout is one undo step.
 */
import { Graph as DagreGraph, layout } from '@dagrejs/dagre';
import { moveNodes, type Graph, type Position } from '../../core/graph/graph';
import { collapsedOwner } from './groups';

/** Appends `value` to the list under `key` (in place: lists here grow to hundreds of entries). */
function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The size the layout reserves for one layer box (the node component is this wide). */
export const NODE_WIDTH = 210;
export const NODE_HEIGHT = 78;

/** New positions for every layer, laid out by dagre over the boxes the canvas shows. */
export function layoutPositions(graph: Graph): Map<string, Position> {
  const owner = collapsedOwner(graph);
  const boxOf = (id: string): string => {
    const group = owner.get(id);
    return group ? `group:${group}` : id;
  };
  const g = new DagreGraph();
  g.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 46, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  const members = new Map<string, Graph['nodes']>();
  for (const node of graph.nodes) {
    const box = boxOf(node.id);
    pushTo(members, box, node);
  }
  for (const box of members.keys()) g.setNode(box, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of graph.edges) {
    const source = boxOf(edge.source);
    const target = boxOf(edge.target);
    if (source !== target && g.hasNode(source) && g.hasNode(target)) g.setEdge(source, target);
  }
  layout(g);
  const positions = new Map<string, Position>();
  for (const [box, nodes] of members) {
    const laid = g.node(box);
    // dagre gives centres; React Flow positions are top-left corners.
    const x = Math.round(laid.x - NODE_WIDTH / 2);
    const y = Math.round(laid.y - NODE_HEIGHT / 2);
    // A collapsed group's box sits at its layers' top-left corner; they keep their arrangement inside it.
    const left = Math.min(...nodes.map((n) => n.position.x));
    const top = Math.min(...nodes.map((n) => n.position.y));
    for (const n of nodes) positions.set(n.id, { x: n.position.x - left + x, y: n.position.y - top + y });
  }
  return positions;
}

/** The graph laid out with dagre. */
export function autoLayout(graph: Graph): Graph {
  return moveNodes(graph, layoutPositions(graph));
}
