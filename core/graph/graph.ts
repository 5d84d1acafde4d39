/**
 * The graph model: the only design state NetCanvas stores. Shapes, counts
 * and diagnostics are always derived from it (see `infer.ts`, `summary.ts`).
 * Every edit is a pure function that returns a new graph, so undo/redo is a
 * stack of graphs.
 */
import { getLayerSpec, isLayerType } from '../layers/registry';
import { defaultParams } from '../layers/params';

/** A position on the canvas, in canvas units. */
export interface Position {
  x: number;
  y: number;
}

/** One layer in the design. */
export interface GraphNode {
  /** Stable identity; never shown, never reused within a graph. */
  id: string;
  /** Keras class name, a key of the layer registry (`Conv2D`). */
  type: string;
  /** Layer name, unique in the graph; becomes the Keras/tfjs layer name. */
  name: string;
  /** Parameter values by tfjs argument name; missing ones take the spec's default. */
  params: Record<string, unknown>;
  position: Position;
  /** The group (residual block, VGG stage, imported sub-model) the node belongs to. */
  group?: string;
  /**
   * `false` freezes the layer: training leaves its weights as they are, and
   * they count as non-trainable (Keras's `trainable: false`, as in transfer
   * learning). Absent means trainable; `true` is never stored.
   */
  trainable?: false;
}

/** A tensor flowing from `source`'s output into input slot `targetInput` of `target`. */
export interface GraphEdge {
  id: string;
  source: string;
  target: string;
  /** Which input of the target: 0 for single-input layers, 0, 1, ... for merges. */
  targetInput: number;
  /**
   * Where the line bends between the two handles, in canvas coordinates, as
   * the layered layout routed it around the boxes. A view detail like
   * `position`: absent when the line has not been laid out (the canvas then
   * routes it itself), and dropped when one of its ends moves.
   */
  route?: Position[];
}

/** Which way data flows on the canvas: top to bottom (`TB`) or left to right (`LR`). */
export type LayoutDirection = 'TB' | 'LR';

/** A named set of nodes the canvas can collapse into one box. */
export interface GraphGroup {
  id: string;
  /** Shown on the collapsed box, e.g. `layer2.0 (BasicBlock)`. */
  label: string;
  /** The group this group sits in, for nested sub-models. */
  parent?: string;
  /** Whether the canvas shows it collapsed. A view preference, stored so a reopened file looks the same. */
  collapsed?: boolean;
}

/** A whole design. */
export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  groups: GraphGroup[];
  /**
   * Node ids whose tensors are the model's outputs, in order. When absent,
   * every node nothing consumes is an output.
   */
  outputs?: string[];
  /** Which way the canvas lays the design out; top to bottom when absent. A view choice, saved with the design. */
  direction?: LayoutDirection;
}

/** An empty design. */
export const emptyGraph = (): Graph => ({ nodes: [], edges: [], groups: [] });

/** The node with `id`, or undefined. */
export const findNode = (graph: Graph, id: string): GraphNode | undefined => graph.nodes.find((n) => n.id === id);

/** Edges into `nodeId`, sorted by input slot. */
export function incomingEdges(graph: Graph, nodeId: string): GraphEdge[] {
  return graph.edges.filter((e) => e.target === nodeId).sort((a, b) => a.targetInput - b.targetInput);
}

/**
 * Edges into every node, each list sorted by input slot: build it once when
 * looking up the inputs of many nodes (shape inference over ResNet-152 does
 * this for 500+ nodes).
 */
export function incomingEdgeIndex(graph: Graph): Map<string, GraphEdge[]> {
  const index = new Map<string, GraphEdge[]>();
  for (const e of graph.edges) {
    const list = index.get(e.target);
    if (list) list.push(e);
    else index.set(e.target, [e]);
  }
  for (const list of index.values()) list.sort((a, b) => a.targetInput - b.targetInput);
  return index;
}

/** The model's input node ids: the layers that take no inputs (`InputLayer`), in node order. */
export function inputNodeIds(graph: Graph): string[] {
  return graph.nodes.filter((n) => isLayerType(n.type) && getLayerSpec(n.type).inputs.max === 0).map((n) => n.id);
}

/** The model's output node ids: the declared ones, or every node nothing consumes. */
export function outputNodeIds(graph: Graph): string[] {
  if (graph.outputs?.length) {
    const ids = new Set(graph.nodes.map((n) => n.id));
    return graph.outputs.filter((id) => ids.has(id));
  }
  const consumed = new Set(graph.edges.map((e) => e.source));
  return graph.nodes.filter((n) => !consumed.has(n.id)).map((n) => n.id);
}

/** The first id of the form `${prefix}${k}` not used by any node, edge or group. */
export function freshId(graph: Graph, prefix: string): string {
  const used = new Set([
    ...graph.nodes.map((n) => n.id),
    ...graph.edges.map((e) => e.id),
    ...graph.groups.map((g) => g.id),
  ]);
  for (let k = 1; ; k++) if (!used.has(`${prefix}${k}`)) return `${prefix}${k}`;
}

/** A layer name not yet used, from the spec's prefix: `conv1`, `conv2`, ... */
export function freshName(graph: Graph, stem: string): string {
  const used = new Set(graph.nodes.map((n) => n.name));
  for (let k = 1; ; k++) if (!used.has(`${stem}${k}`)) return `${stem}${k}`;
}

/** Options for {@link addNode}. */
export interface AddNodeOptions {
  params?: Record<string, unknown>;
  name?: string;
  position?: Position;
  group?: string;
  id?: string;
}

/** Adds a layer of `type` with default parameters (overridden by `options.params`). Returns the new graph and node id. */
export function addNode(graph: Graph, type: string, options: AddNodeOptions = {}): { graph: Graph; id: string } {
  const spec = getLayerSpec(type);
  const id = options.id ?? freshId(graph, 'n');
  const node: GraphNode = {
    id,
    type,
    name: options.name ?? freshName(graph, spec.namePrefix),
    params: { ...defaultParams(spec.params), ...options.params },
    position: options.position ?? { x: 0, y: 0 },
    ...(options.group ? { group: options.group } : {}),
  };
  return { graph: { ...graph, nodes: [...graph.nodes, node] }, id };
}

/**
 * Connects `source` to input `targetInput` of `target`, replacing whatever fed
 * that slot. Whether the connection makes sense is for {@link canConnect}.
 */
export function connect(graph: Graph, source: string, target: string, targetInput = 0): Graph {
  const kept = graph.edges.filter((e) => !(e.target === target && e.targetInput === targetInput));
  const id = freshId(graph, 'e');
  return { ...graph, edges: [...kept, { id, source, target, targetInput }] };
}

/** The targets of each node's outgoing edges: build it once to walk a graph forwards. */
export function outgoingIndex(graph: Graph): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const e of graph.edges) {
    const list = index.get(e.source);
    if (list) list.push(e.target);
    else index.set(e.source, [e.target]);
  }
  return index;
}

/** Whether `to` can be reached from `from` by following edges (iteratively: a chain may be 100,000 layers long). */
export function reaches(graph: Graph, from: string, to: string): boolean {
  const next = outgoingIndex(graph);
  const seen = new Set<string>();
  const stack = [from];
  while (stack.length) {
    const id = stack.pop() as string;
    if (id === to) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const target of next.get(id) ?? []) stack.push(target);
  }
  return false;
}

/**
 * Why connecting `source` into `target` must be refused, or null when it may
 * be made. Refuses self-loops, cycles and feeding an input layer; shape
 * mismatches are left to diagnostics, which explain them better.
 */
export function connectionRefusal(graph: Graph, source: string, target: string): string | null {
  const from = findNode(graph, source);
  const to = findNode(graph, target);
  if (!from || !to) return 'Both ends must be layers in this design.';
  if (source === target) return `"${to.name}" cannot feed itself.`;
  const spec = getLayerSpec(to.type);
  if (spec.inputs.max === 0) return `${spec.label} "${to.name}" takes no inputs: it is where data enters.`;
  if (reaches(graph, target, source)) return `Connecting "${from.name}" to "${to.name}" would make a cycle.`;
  return null;
}

/** The next free input slot of `target` (0 for an unconnected single-input layer). */
export function nextFreeInput(graph: Graph, target: string): number {
  const used = new Set(incomingEdges(graph, target).map((e) => e.targetInput));
  let slot = 0;
  while (used.has(slot)) slot++;
  return slot;
}

/**
 * Removes nodes and every edge touching them. Remaining inputs of merge
 * layers are renumbered so their slots stay 0, 1, 2, ...
 */
export function removeNodes(graph: Graph, ids: Iterable<string>): Graph {
  const gone = new Set(ids);
  const edges = graph.edges.filter((e) => !gone.has(e.source) && !gone.has(e.target));
  return {
    ...graph,
    nodes: graph.nodes.filter((n) => !gone.has(n.id)),
    edges: compactInputs(edges),
    ...(graph.outputs ? { outputs: graph.outputs.filter((id) => !gone.has(id)) } : {}),
  };
}

/** Removes edges by id, renumbering merge inputs. */
export function removeEdges(graph: Graph, ids: Iterable<string>): Graph {
  const gone = new Set(ids);
  return { ...graph, edges: compactInputs(graph.edges.filter((e) => !gone.has(e.id))) };
}

function compactInputs(edges: GraphEdge[]): GraphEdge[] {
  const byTarget = new Map<string, GraphEdge[]>();
  for (const e of edges) {
    const list = byTarget.get(e.target);
    if (list) list.push(e);
    else byTarget.set(e.target, [e]);
  }
  const renumbered = new Map<string, number>();
  for (const list of byTarget.values()) {
    list.sort((a, b) => a.targetInput - b.targetInput).forEach((e, slot) => renumbered.set(e.id, slot));
  }
  return edges.map((e) =>
    renumbered.get(e.id) === e.targetInput ? e : { ...e, targetInput: renumbered.get(e.id) as number },
  );
}

/** Sets parameters of one node (merged into the existing ones). */
export function setParams(graph: Graph, id: string, params: Record<string, unknown>): Graph {
  return { ...graph, nodes: graph.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, ...params } } : n)) };
}

/** Freezes (`trainable` false) or unfreezes nodes; a trainable node stores nothing. */
export function setTrainable(graph: Graph, ids: Iterable<string>, trainable: boolean): Graph {
  const chosen = new Set(ids);
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      if (!chosen.has(n.id) || (n.trainable !== false) === trainable) return n;
      if (!trainable) return { ...n, trainable: false };
      const { trainable: _frozen, ...rest } = n;
      return rest;
    }),
  };
}

/** Renames one node. Uniqueness and validity are checked by diagnostics (`duplicate-name`, `invalid-name`). */
export function renameNode(graph: Graph, id: string, name: string): Graph {
  return { ...graph, nodes: graph.nodes.map((n) => (n.id === id ? { ...n, name } : n)) };
}

/** Adds `id` to the model's declared outputs (nothing changes when outputs are not declared: every unconsumed node is one). */
export function addOutput(graph: Graph, id: string): Graph {
  if (!graph.outputs?.length || graph.outputs.includes(id)) return graph;
  return { ...graph, outputs: [...graph.outputs, id] };
}

/**
 * Moves nodes to new positions. A connection whose two ends move by the same
 * amount keeps its route, moved with them; one whose ends move apart loses
 * it (the canvas routes it anew).
 */
export function moveNodes(graph: Graph, positions: ReadonlyMap<string, Position>): Graph {
  const delta = new Map<string, Position>();
  const nodes = graph.nodes.map((n) => {
    const to = positions.get(n.id);
    if (!to || (to.x === n.position.x && to.y === n.position.y)) return n;
    delta.set(n.id, { x: to.x - n.position.x, y: to.y - n.position.y });
    return { ...n, position: to };
  });
  if (!delta.size) return graph;
  const edges = graph.edges.map((e) => {
    if (!e.route) return e;
    const ds = delta.get(e.source);
    const dt = delta.get(e.target);
    if (!ds && !dt) return e;
    if (ds && dt && ds.x === dt.x && ds.y === dt.y)
      return { ...e, route: e.route.map((p) => ({ x: p.x + ds.x, y: p.y + ds.y })) };
    const { route: _moved, ...rest } = e;
    return rest;
  });
  return { ...graph, nodes, edges };
}

/**
 * Inserts a new layer of `type` on the tensor feeding input `input` of
 * `nodeId`: `a → node` becomes `a → new → node`.
 */
export function insertBefore(
  graph: Graph,
  nodeId: string,
  input: number,
  type: string,
  params: Record<string, unknown> = {},
): { graph: Graph; id: string } {
  const node = findNode(graph, nodeId);
  if (!node) throw new Error(`No node "${nodeId}"`);
  const feeding = graph.edges.find((e) => e.target === nodeId && e.targetInput === input);
  const sourceNode = feeding ? findNode(graph, feeding.source) : undefined;
  const position = sourceNode
    ? { x: (sourceNode.position.x + node.position.x) / 2, y: (sourceNode.position.y + node.position.y) / 2 }
    : { x: node.position.x, y: node.position.y - 80 };
  const added = addNode(graph, type, { params, position, ...(node.group ? { group: node.group } : {}) });
  let next = added.graph;
  // The last `connect` replaces the feeding edge in its slot. Removing that
  // edge first (removeEdges) would renumber a merge's later inputs and the
  // new edge would then replace a different branch.
  if (feeding) next = connect(next, feeding.source, added.id, 0);
  next = connect(next, added.id, nodeId, input);
  return { graph: next, id: added.id };
}

/**
 * Inserts a new layer of `type` on the output of `nodeId`: `node → a, b`
 * becomes `node → new → a, b`, each consumer keeping its input slot. The new
 * layer joins the node's group and, when the node was a declared output,
 * takes its place. It goes at `position`; making room is the caller's (see
 * `openRowAfter` in geometry.ts).
 */
export function insertAfter(
  graph: Graph,
  nodeId: string,
  type: string,
  position: Position,
  params: Record<string, unknown> = {},
): { graph: Graph; id: string } {
  const node = findNode(graph, nodeId);
  if (!node) throw new Error(`No node "${nodeId}"`);
  const added = addNode(graph, type, { params, position, ...(node.group ? { group: node.group } : {}) });
  const edges = added.graph.edges.map((e) => {
    if (e.source !== nodeId) return e;
    const { route: _old, ...rest } = e;
    return { ...rest, source: added.id };
  });
  let next: Graph = {
    ...added.graph,
    edges,
    ...(graph.outputs ? { outputs: graph.outputs.map((id) => (id === nodeId ? added.id : id)) } : {}),
  };
  next = connect(next, nodeId, added.id, 0);
  return { graph: next, id: added.id };
}

/**
 * Removes nodes as {@link removeNodes} does, except that a removed layer
 * with exactly one input has that input connected to whatever it fed, in the
 * same input slots, so deleting a layer from the middle of a chain keeps the
 * chain whole. Returns the graph and the connections made, as
 * `[source, target]` node ids.
 */
export function removeNodesReconnecting(
  graph: Graph,
  ids: Iterable<string>,
): { graph: Graph; reconnected: [string, string][] } {
  const gone = new Set(ids);
  let next = graph;
  const reconnected: [string, string][] = [];
  for (const node of graph.nodes) {
    if (!gone.has(node.id)) continue;
    const inputs = next.edges.filter((e) => e.target === node.id);
    const outputs = next.edges.filter((e) => e.source === node.id);
    next = removeNodes(next, [node.id]);
    if (inputs.length !== 1) continue;
    const source = inputs[0].source;
    for (const out of outputs) {
      if (connectionRefusal(next, source, out.target) !== null) continue;
      // removeNodes renumbered the target's inputs; put the source back where the removed layer was.
      const slot = Math.min(out.targetInput, nextFreeInput(next, out.target));
      next = insertInputAt(next, source, out.target, slot);
      if (!gone.has(source) && !gone.has(out.target)) reconnected.push([source, out.target]);
    }
  }
  return { graph: next, reconnected };
}

/** Connects `source` into input `slot` of `target`, moving later inputs up one slot. */
function insertInputAt(graph: Graph, source: string, target: string, slot: number): Graph {
  const shifted = graph.edges.map((e) =>
    e.target === target && e.targetInput >= slot ? { ...e, targetInput: e.targetInput + 1 } : e,
  );
  const id = freshId(graph, 'e');
  return { ...graph, edges: [...shifted, { id, source, target, targetInput: slot }] };
}

/** Copies nodes (and the edges among them) with fresh ids and names, shifted by `offset`. */
export function duplicateNodes(graph: Graph, ids: Iterable<string>, offset: Position = { x: 40, y: 40 }) {
  return pasteNodes(graph, extractSubgraph(graph, ids), offset);
}

/** The nodes with `ids` and the edges among them: what the clipboard holds. */
export function extractSubgraph(graph: Graph, ids: Iterable<string>): Pick<Graph, 'nodes' | 'edges'> {
  const keep = new Set(ids);
  return {
    nodes: graph.nodes.filter((n) => keep.has(n.id)).map((n) => structuredClone(n)),
    edges: graph.edges.filter((e) => keep.has(e.source) && keep.has(e.target)).map((e) => ({ ...e })),
  };
}

/** Adds a copied subgraph with fresh ids and names. Returns the new graph and the new node ids. */
export function pasteNodes(
  graph: Graph,
  clip: Pick<Graph, 'nodes' | 'edges'>,
  offset: Position = { x: 40, y: 40 },
): { graph: Graph; ids: string[] } {
  const idMap = new Map<string, string>();
  let next = graph;
  for (const node of clip.nodes) {
    const spec = getLayerSpec(node.type);
    const added = addNode(next, node.type, {
      params: structuredClone(node.params),
      name: freshName(next, spec.namePrefix),
      position: { x: node.position.x + offset.x, y: node.position.y + offset.y },
    });
    idMap.set(node.id, added.id);
    next = node.trainable === false ? setTrainable(added.graph, [added.id], false) : added.graph;
  }
  for (const e of clip.edges)
    next = connect(next, idMap.get(e.source) as string, idMap.get(e.target) as string, e.targetInput);
  return { graph: next, ids: [...idMap.values()] };
}
