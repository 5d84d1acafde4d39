/**
 * A small fluent API for writing graphs in code: templates and the model
 * importer use it. Each call adds one layer and returns its id.
 *
 * @example
 * const b = new GraphBuilder();
 * let x = b.input([28, 28, 1]);
 * x = b.layer('Conv2D', { filters: 6, kernelSize: [5, 5] }, x);
 * const graph = b.build();
 */
import { defaultParams } from '../layers/params';
import { getLayerSpec } from '../layers/registry';
import type { Graph, GraphGroup, GraphNode } from './graph';

/** Vertical distance between layers and horizontal distance between branches in the default layout. */
const ROW_HEIGHT = 110;
const COLUMN_WIDTH = 260;

export class GraphBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly edges: Graph['edges'] = [];
  private readonly groups: GraphGroup[] = [];
  private readonly names = new Set<string>();
  private readonly prefixCounts = new Map<string, number>();
  private readonly groupStack: string[] = [];
  private outputs: string[] | undefined;

  /** Adds an `InputLayer` with a per-sample `shape` (no batch). */
  input(shape: readonly number[], name?: string): string {
    return this.layer('InputLayer', { shape: [...shape] }, [], name);
  }

  /**
   * Adds a layer of `type` fed by `inputs` (in slot order). Parameters not
   * given take the spec's defaults; `name` defaults to the spec's prefix and
   * a counter (`conv1`, `conv2`, ...).
   */
  layer(type: string, params: Record<string, unknown>, inputs: string | readonly string[], name?: string): string {
    const spec = getLayerSpec(type);
    const id = `n${this.nodes.length + 1}`;
    const layerName = name ?? this.nextName(spec.namePrefix);
    if (this.names.has(layerName)) throw new Error(`GraphBuilder: duplicate layer name "${layerName}"`);
    this.names.add(layerName);
    const group = this.groupStack.at(-1);
    this.nodes.push({
      id,
      type,
      name: layerName,
      params: { ...defaultParams(spec.params), ...params },
      position: { x: 0, y: 0 },
      ...(group ? { group } : {}),
    });
    const list = typeof inputs === 'string' ? [inputs] : inputs;
    list.forEach((source, slot) =>
      this.edges.push({ id: `e${this.edges.length + 1}`, source, target: id, targetInput: slot }),
    );
    return id;
  }

  /** Freezes a layer already added (`trainable: false`): training leaves its weights as they are. */
  freeze(id: string): void {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`GraphBuilder: no layer "${id}"`);
    node.trainable = false;
  }

  /** Runs `body` with every layer it adds placed in a new group labelled `label`. */
  group<T>(label: string, body: () => T, options: { collapsed?: boolean } = {}): T {
    const id = `g${this.groups.length + 1}`;
    const parent = this.groupStack.at(-1);
    this.groups.push({ id, label, ...(parent ? { parent } : {}), ...(options.collapsed ? { collapsed: true } : {}) });
    this.groupStack.push(id);
    try {
      return body();
    } finally {
      this.groupStack.pop();
    }
  }

  /** Declares the model's outputs explicitly (otherwise every unconsumed layer is one). */
  setOutputs(ids: readonly string[]): void {
    this.outputs = [...ids];
  }

  /** The finished graph, laid out top to bottom by depth. */
  build(): Graph {
    const graph: Graph = {
      nodes: this.nodes.map((n) => ({ ...n })),
      edges: [...this.edges],
      groups: [...this.groups],
      ...(this.outputs ? { outputs: this.outputs } : {}),
    };
    return layeredLayout(graph);
  }

  private nextName(prefix: string): string {
    let k = this.prefixCounts.get(prefix) ?? 0;
    let name: string;
    do name = `${prefix}${++k}`;
    while (this.names.has(name));
    this.prefixCounts.set(prefix, k);
    return name;
  }
}

/**
 * A quick layered layout: each node's row is its longest distance from an
 * input, and nodes sharing a row sit side by side. Good enough for a graph
 * built in code; the canvas offers a proper auto-layout on top.
 */
export function layeredLayout(graph: Graph): Graph {
  // Longest distance from an input, by Kahn's algorithm: iterative, so a 100,000-layer chain
  // listed in any order lays out without deep recursion. Nodes on a cycle keep the depth
  // reached so far (diagnostics report the cycle).
  const ids = new Set(graph.nodes.map((n) => n.id));
  const indegree = new Map(graph.nodes.map((n) => [n.id, 0]));
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (!ids.has(e.source) || !ids.has(e.target)) continue;
    indegree.set(e.target, (indegree.get(e.target) as number) + 1);
    const targets = next.get(e.source);
    if (targets) targets.push(e.target);
    else next.set(e.source, [e.target]);
  }
  const depth = new Map<string, number>();
  const ready = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i];
    const d = depth.get(id) ?? 0;
    for (const t of next.get(id) ?? []) {
      depth.set(t, Math.max(depth.get(t) ?? 0, d + 1));
      const left = (indegree.get(t) as number) - 1;
      indegree.set(t, left);
      if (left === 0) ready.push(t);
    }
  }
  const perRow = new Map<number, number>();
  const nodes = graph.nodes.map((n) => {
    const row = depth.get(n.id) ?? 0;
    const column = perRow.get(row) ?? 0;
    perRow.set(row, column + 1);
    return { ...n, position: { x: column * COLUMN_WIDTH, y: row * ROW_HEIGHT } };
  });
  return { ...graph, nodes };
}
