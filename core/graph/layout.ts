/**
 * The layered layout: boxes in layers along the flow (top to bottom or left
 * to right), expanded groups as frames around their layers, and every
 * connection routed orthogonally between the boxes, never under them, so a
 * residual block reads as it does in the ResNet paper: the main path in a
 * column and the shortcut in a lane beside it.
 *
 * The engine is ELK's layered algorithm (elkjs), run once over the whole
 * visible hierarchy (`INCLUDE_CHILDREN`), which places the layers, keeps each
 * group's layers together inside its frame, and routes edges across group
 * borders. It takes about a second of CPU on ResNet-152 (half a second on
 * ResNet-18; `npm run bench layout`), so the app runs it in a Web Worker; the
 * CLI, the tests and the benchmarks call it directly.
 *
 * Only positions and edge routes change, so a layout is one undo step.
 */
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkExtendedEdge, ElkNode, ElkPort } from 'elkjs/lib/elk-api';
import type { Graph, LayoutDirection, Position } from './graph';
import { applyLayout, BOX, FRAME, collapsedOwners, translateRoute, type GraphLayout } from './geometry';

/** Gap between layers along the flow, and between boxes side by side. */
const LAYER_GAP = 40;
const NODE_GAP = 36;

/** One engine for the process: it keeps its compiled layout algorithms warm between calls. */
let engine: InstanceType<typeof ELK> | undefined;

/** The id of the ELK box that shows a collapsed group. */
const collapsedBoxId = (groupId: string): string => `collapsed:${groupId}`;
const groupBoxId = (groupId: string): string => `group:${groupId}`;

/**
 * Lays `graph` out in its direction (`graph.direction`, top to bottom by
 * default). Collapsed groups are one box each.
 *
 * @example
 * const laidOut = applyLayout(graph, await computeLayout(graph));
 */
export async function computeLayout(graph: Graph): Promise<GraphLayout> {
  const down = (graph.direction ?? 'TB') === 'TB';
  const groups = new Map(graph.groups.map((g) => [g.id, g]));
  const owner = collapsedOwners(graph);

  const root: ElkNode = { id: 'root', layoutOptions: rootOptions(down), children: [], edges: [] };
  const frames = new Map<string, ElkNode>();
  /** The ELK node an expanded group's boxes go into (created with its parents on first use). */
  const frameOf = (groupId: string | undefined): ElkNode => {
    if (!groupId || !groups.has(groupId)) return root;
    const known = frames.get(groupId);
    if (known) return known;
    // Parents first, walked iteratively: nesting can be deep in an imported model.
    const chain: string[] = [];
    const seen = new Set<string>();
    for (let id: string | undefined = groupId; id && groups.has(id) && !frames.has(id) && !seen.has(id);) {
      seen.add(id);
      chain.push(id);
      id = groups.get(id)?.parent;
    }
    let parent = frames.get(groups.get(chain.at(-1) as string)?.parent ?? '') ?? root;
    for (const id of chain.reverse()) {
      const frame: ElkNode = { id: groupBoxId(id), children: [], layoutOptions: { 'elk.padding': framePadding() } };
      (parent.children as ElkNode[]).push(frame);
      frames.set(id, frame);
      parent = frame;
    }
    return frames.get(groupId) as ElkNode;
  };

  /** The ELK box each layer is drawn in: its own, or its collapsed group's. */
  const boxOf = new Map<string, string>();
  const made = new Set<string>();
  for (const node of graph.nodes) {
    const hiddenBy = owner.get(node.id);
    const id = hiddenBy ? collapsedBoxId(hiddenBy) : node.id;
    boxOf.set(node.id, id);
    if (made.has(id)) continue;
    made.add(id);
    const container = hiddenBy ? groups.get(hiddenBy)?.parent : node.group;
    (frameOf(container).children as ElkNode[]).push(box(id, down));
  }

  // One ELK edge per pair of boxes: the edges into a collapsed group share one line.
  const edgesOfLine = new Map<string, string[]>();
  for (const edge of graph.edges) {
    const source = boxOf.get(edge.source);
    const target = boxOf.get(edge.target);
    if (!source || !target || source === target) continue;
    const line = `${source}>${target}`;
    const members = edgesOfLine.get(line);
    if (members) members.push(edge.id);
    else {
      edgesOfLine.set(line, [edge.id]);
      (root.edges as ElkExtendedEdge[]).push({ id: line, sources: [`${source}.out`], targets: [`${target}.in`] });
    }
  }

  engine ??= new ELK();
  const laid = await engine.layout(root);

  // ELK gives positions relative to the parent box; walk down adding offsets (iteratively).
  const corner = new Map<string, Position>();
  const stack: [ElkNode, Position][] = [[laid, { x: 0, y: 0 }]];
  while (stack.length) {
    const [node, origin] = stack.pop() as [ElkNode, Position];
    const at = { x: origin.x + (node.x ?? 0), y: origin.y + (node.y ?? 0) };
    corner.set(node.id, at);
    for (const child of node.children ?? []) stack.push([child, at]);
  }

  const positions = new Map<string, Position>();
  const delta = new Map<string, Position>();
  const hidden = new Map<string, { minX: number; minY: number }>();
  for (const node of graph.nodes) {
    const hiddenBy = owner.get(node.id);
    if (!hiddenBy) continue;
    const seen = hidden.get(hiddenBy) ?? { minX: Infinity, minY: Infinity };
    hidden.set(hiddenBy, { minX: Math.min(seen.minX, node.position.x), minY: Math.min(seen.minY, node.position.y) });
  }
  for (const node of graph.nodes) {
    const at = corner.get(boxOf.get(node.id) as string) as Position;
    const hiddenBy = owner.get(node.id);
    // A collapsed group's layers keep their arrangement, its top-left corner at the group's box.
    const from = hiddenBy ? (hidden.get(hiddenBy) as { minX: number; minY: number }) : null;
    const x = Math.round(from ? node.position.x - from.minX + at.x : at.x);
    const y = Math.round(from ? node.position.y - from.minY + at.y : at.y);
    positions.set(node.id, { x, y });
    delta.set(node.id, { x: x - node.position.x, y: y - node.position.y });
  }

  const routes = new Map<string, Position[]>();
  const lineRoute = new Map<string, Position[]>();
  const collect: ElkNode[] = [laid];
  while (collect.length) {
    const node = collect.pop() as ElkNode;
    for (const edge of (node.edges ?? []) as (ElkExtendedEdge & { container?: string })[]) {
      const section = edge.sections?.[0];
      if (!section) continue;
      // elkjs reports an edge's points relative to the box that contains it.
      const origin = corner.get(edge.container ?? node.id) ?? { x: 0, y: 0 };
      lineRoute.set(
        edge.id,
        (section.bendPoints ?? []).map((p) => ({ x: Math.round(origin.x + p.x), y: Math.round(origin.y + p.y) })),
      );
    }
    collect.push(...(node.children ?? []));
  }
  for (const [line, edgeIds] of edgesOfLine) {
    const route = lineRoute.get(line);
    if (route) for (const id of edgeIds) routes.set(id, route);
  }
  // Connections inside a collapsed group move with its layers.
  for (const edge of graph.edges) {
    if (routes.has(edge.id) || !edge.route) continue;
    const d = delta.get(edge.source);
    const e = delta.get(edge.target);
    if (d && e && d.x === e.x && d.y === e.y) routes.set(edge.id, translateRoute(edge.route, d));
  }
  return { positions, routes };
}

/** `graph` laid out (see {@link computeLayout}). */
export async function layoutGraph(graph: Graph): Promise<Graph> {
  return applyLayout(graph, await computeLayout(graph));
}

/** `graph` turned to flow in `direction` and laid out again. */
export async function layoutInDirection(graph: Graph, direction: LayoutDirection): Promise<Graph> {
  return layoutGraph({ ...graph, direction });
}

function rootOptions(down: boolean): Record<string, string> {
  return {
    'elk.algorithm': 'layered',
    'elk.direction': down ? 'DOWN' : 'RIGHT',
    'elk.edgeRouting': 'ORTHOGONAL',
    // One layout over the whole hierarchy, so edges between groups are routed together.
    'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
    'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_GAP),
    'elk.spacing.nodeNode': String(NODE_GAP),
    'elk.layered.spacing.edgeNodeBetweenLayers': '12',
    'elk.spacing.edgeNode': '16',
    'elk.spacing.edgeEdge': '10',
    'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
    // The order layers were added in breaks ties, so the same design always gets the same picture.
    'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  };
}

/** Room around an expanded group's layers for its frame and title (the canvas draws the frame inside it). */
function framePadding(): string {
  return `[top=${FRAME.top},left=${FRAME.side},bottom=${FRAME.bottom},right=${FRAME.side}]`;
}

/** A layer's (or collapsed group's) box, with its input and output handles where the canvas draws them. */
function box(id: string, down: boolean): ElkNode {
  const { width, height } = BOX;
  const ports: ElkPort[] = [
    {
      id: `${id}.in`,
      width: 0,
      height: 0,
      x: down ? width / 2 : 0,
      y: down ? 0 : height / 2,
      layoutOptions: { 'elk.port.side': down ? 'NORTH' : 'WEST' },
    },
    {
      id: `${id}.out`,
      width: 0,
      height: 0,
      x: down ? width / 2 : width,
      y: down ? height : height / 2,
      layoutOptions: { 'elk.port.side': down ? 'SOUTH' : 'EAST' },
    },
  ];
  return { id, width, height, ports, layoutOptions: { 'elk.portConstraints': 'FIXED_POS' } };
}
