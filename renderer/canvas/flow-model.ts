/**
 * Turns the design (graph + what core derived from it) into React Flow's nodes
 * and edges: one box per layer, one box per collapsed group, a frame behind
 * each expanded group, and edges labelled with the tensor shape they carry.
 * Flow objects are reused when nothing they show changed, so React Flow
 * re-renders only the boxes an edit touched.
 */
import type { Edge, Node } from '@xyflow/react';
import type { Diagnostic } from '../../core/errors';
import { BOX, collapsedOwners, groupAndDescendants, routeAround, type Rect } from '../../core/graph/geometry';
import type { Graph, GraphGroup, GraphNode, LayoutDirection, Position } from '../../core/graph/graph';
import { shapeText, type ShapeReport } from '../../core/graph/infer';
import type { ModelSummary } from '../../core/graph/summary';
import type { LayerCategory, ResolvedParams, Shape } from '../../core/layers/layer-spec';
import { resolveParams } from '../../core/layers/params';
import { getLayerSpec, isLayerType } from '../../core/layers/registry';
import type { LayerHealth } from '../../core/train/layer-health';
import { groupHealth, healthBadgeText, healthLines, healthStatus, type HealthStatus } from './health-view';
/** Appends `value` to the list under `key` (in place: lists here grow to hundreds of entries). */
function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A problem as a node's badge shows it. */
export interface BadgeProblem {
  severity: Diagnostic['severity'];
  message: string;
}

/** A layer's health as its box shows it (see health-view.ts). */
export interface NodeHealth {
  status: HealthStatus;
  /** The short text on the box. */
  text: string;
  /** Every figure and problem, one per line, for the tooltip. */
  detail: string;
}

/** What a layer box shows. */
export interface LayerNodeData extends Record<string, unknown> {
  name: string;
  type: string;
  label: string;
  category: LayerCategory | 'unknown';
  /** The key parameters in short, e.g. `5×5 ×6 valid`. */
  detail: string;
  /** Output shape without the batch, e.g. `28×28×6`; empty when it could not be inferred. */
  shape: string;
  params: number;
  /** Whether the layer takes inputs (has a target handle). */
  hasInputs: boolean;
  /** Whether the layer is frozen (`trainable: false`): training leaves its weights alone. */
  frozen: boolean;
  problems: BadgeProblem[];
  /** Which way the design flows, so the handles sit on the sides the lines leave and enter. */
  direction: LayoutDirection;
  /** The last training run's health of this layer, while the design is the one trained; null otherwise. */
  health: NodeHealth | null;
}

/** What a collapsed group box shows. */
export interface GroupNodeData extends Record<string, unknown> {
  groupId: string;
  label: string;
  layers: number;
  inShape: string;
  outShape: string;
  params: number;
  problems: BadgeProblem[];
  direction: LayoutDirection;
  /** The last run's health of its layers in one mark; null when none was measured. */
  health: NodeHealth | null;
}

/** The frame drawn behind an expanded group. */
export interface FrameNodeData extends Record<string, unknown> {
  groupId: string;
  label: string;
}

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;
export type GroupFlowNode = Node<GroupNodeData, 'collapsedGroup'>;
export type FrameFlowNode = Node<FrameNodeData, 'frame'>;
export type FlowNode = LayerFlowNode | GroupFlowNode | FrameFlowNode;
/**
 * An edge names the layer whose output it carries; the label's shape is read
 * from the current shape report when drawn (ShapeEdge), so a parameter edit
 * that changes shapes does not change the edges array, which React Flow would
 * re-index in full. `route` is where the line bends between its handles: the
 * layout's route, or one found around the boxes in the way.
 */
export type FlowEdge = Edge<{ from: string; route: readonly Position[] }>;

/** The flow id of a collapsed group's box. */
export const groupFlowId = (groupId: string): string => `group:${groupId}`;
const frameFlowId = (groupId: string): string => `frame:${groupId}`;

const shallowEqual = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

/** Remembers the flow objects of the last render so unchanged ones keep their identity. */
export class FlowCache {
  private nodes = new Map<string, { deps: unknown[]; node: FlowNode }>();
  private edges = new Map<string, { deps: unknown[]; edge: FlowEdge }>();
  private nextNodes = new Map<string, { deps: unknown[]; node: FlowNode }>();
  private nextEdges = new Map<string, { deps: unknown[]; edge: FlowEdge }>();
  /** The arrays handed out last time, reused when every element is unchanged. */
  lastNodes: FlowNode[] = [];
  lastEdges: FlowEdge[] = [];
  /** Routes found around the boxes for lines the layout did not route, kept while no box moves. */
  routes = new Map<string, { key: string; route: Position[] }>();
  /** The boxes those routes avoided, as one string: when it changes, every found route is found again. */
  routedAround = '';

  node<T extends FlowNode>(id: string, deps: unknown[], make: () => T): T {
    const old = this.nodes.get(id);
    const node = old && shallowEqual(old.deps, deps) ? (old.node as T) : make();
    this.nextNodes.set(id, { deps, node });
    return node;
  }

  edge(id: string, deps: unknown[], make: () => FlowEdge): FlowEdge {
    const old = this.edges.get(id);
    const edge = old && shallowEqual(old.deps, deps) ? old.edge : make();
    this.nextEdges.set(id, { deps, edge });
    return edge;
  }

  /** Ends one render: only what it used is kept. */
  swap(): void {
    this.nodes = this.nextNodes;
    this.edges = this.nextEdges;
    this.nextNodes = new Map();
    this.nextEdges = new Map();
  }
}

/** Inputs to {@link toFlow}. */
export interface FlowInputs {
  graph: Graph;
  report: ShapeReport;
  summary: ModelSummary;
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  /** Sizes React Flow measured, by flow id. */
  measured: ReadonlyMap<string, { width: number; height: number }>;
  /** Each layer's health from the last training run, by node id (renderer/state/layer-health.ts). */
  health?: { byNode: ReadonlyMap<string, LayerHealth>; epoch: number };
}

function problemsByNode(diagnostics: readonly Diagnostic[]): Map<string, BadgeProblem[]> {
  const map = new Map<string, BadgeProblem[]>();
  for (const d of diagnostics) pushTo(map, d.nodeId, { severity: d.severity, message: d.message });
  return map;
}

const problemsKey = (problems: readonly BadgeProblem[] | undefined): string =>
  problems ? problems.map((p) => `${p.severity}:${p.message}`).join('\n') : '';

function layerFace(node: GraphNode): Pick<LayerNodeData, 'label' | 'category' | 'detail' | 'hasInputs'> {
  if (!isLayerType(node.type)) return { label: node.type, category: 'unknown', detail: '', hasInputs: true };
  const spec = getLayerSpec(node.type);
  let detail = '';
  try {
    detail = spec.summarize?.(resolveParams(spec.params, node.params) as ResolvedParams) ?? '';
  } catch {
    // A parameter the user is still typing can be malformed; the badge says why, the face stays blank.
    detail = '';
  }
  return { label: spec.label, category: spec.category, detail, hasInputs: spec.inputs.max > 0 };
}

const shapeTexts = new WeakMap<Shape, string>();
/** `28×28×6`, remembered per shape array: every box and edge asks on every edit. */
export function shapeOf(shape: Shape | undefined): string {
  if (!shape) return '';
  let text = shapeTexts.get(shape);
  if (text === undefined) shapeTexts.set(shape, (text = shapeText(shape)));
  return text;
}

/** React Flow's nodes and edges for the design. */
export function toFlow(input: FlowInputs, cache: FlowCache): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const { graph, report, summary, selectedNodes, selectedEdges, measured } = input;
  const owner = collapsedOwners(graph);
  const direction = graph.direction ?? 'TB';
  const problems = problemsByNode(report.diagnostics);
  const paramsById = new Map(summary.layers.map((l) => [l.nodeId, l.trainableParams + l.nonTrainableParams]));
  const frames: FrameFlowNode[] = [];
  const boxes: FlowNode[] = [];

  // Expanded groups get a frame around the boxes on screen inside them (layers, and the
  // boxes of collapsed sub-groups), drawn behind them.
  type Box = { id: string; x: number; y: number };
  const boxesByGroup = new Map<string, Box[]>();
  const groupsById = new Map(graph.groups.map((g) => [g.id, g]));
  const addToAncestors = (box: Box, first: GraphGroup | undefined) => {
    const seen = new Set<string>();
    for (let g = first; g && !seen.has(g.id); g = g.parent ? groupsById.get(g.parent) : undefined) {
      seen.add(g.id);
      pushTo(boxesByGroup, g.id, box);
    }
  };
  const collapsedCorner = new Map<string, Box>();
  for (const node of graph.nodes) {
    const hiddenBy = owner.get(node.id);
    if (!hiddenBy) {
      addToAncestors({ id: node.id, ...node.position }, node.group ? groupsById.get(node.group) : undefined);
      continue;
    }
    const corner = collapsedCorner.get(hiddenBy);
    const box = {
      id: groupFlowId(hiddenBy),
      x: Math.min(corner?.x ?? Infinity, node.position.x),
      y: Math.min(corner?.y ?? Infinity, node.position.y),
    };
    collapsedCorner.set(hiddenBy, box);
  }
  for (const [groupId, box] of collapsedCorner) {
    const parent = groupsById.get(groupId)?.parent;
    addToAncestors(box, parent ? groupsById.get(parent) : undefined);
  }
  for (const group of graph.groups) {
    const members = boxesByGroup.get(group.id);
    // A group hidden inside a collapsed one has nothing on screen, so no frame.
    if (!members?.length || group.collapsed) continue;
    const pad = 14;
    let minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity;
    for (const m of members) {
      const size = measured.get(m.id) ?? BOX;
      minX = Math.min(minX, m.x);
      minY = Math.min(minY, m.y);
      maxX = Math.max(maxX, m.x + size.width);
      maxY = Math.max(maxY, m.y + size.height);
    }
    const id = frameFlowId(group.id);
    const x = minX - pad,
      y = minY - pad - 22,
      width = maxX - minX + 2 * pad,
      height = maxY - minY + 2 * pad + 22;
    frames.push(
      cache.node(id, [group.label, x, y, width, height], () => ({
        id,
        type: 'frame',
        position: { x, y },
        data: { groupId: group.id, label: group.label },
        style: { width, height },
        width,
        height,
        measured: { width, height },
        selectable: false,
        draggable: false,
        connectable: false,
        focusable: false,
        zIndex: -1,
      })),
    );
  }

  // Collapsed groups: one box each.
  const collapsedMembers = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) {
    const g = owner.get(node.id);
    if (g) pushTo(collapsedMembers, g, node);
  }
  for (const [groupId, members] of collapsedMembers) {
    const group = groupsById.get(groupId) as GraphGroup;
    const memberIds = new Set(members.map((m) => m.id));
    const entering = graph.edges.filter((e) => memberIds.has(e.target) && !memberIds.has(e.source));
    const leaving = graph.edges.filter((e) => memberIds.has(e.source) && !memberIds.has(e.target));
    const outputs = leaving.length ? leaving.map((e) => e.source) : members.slice(-1).map((m) => m.id);
    const inShape = [...new Set(entering.map((e) => shapeOf(report.shapes.get(e.source))))].join(', ');
    const outShape = [...new Set(outputs.map((id) => shapeOf(report.shapes.get(id))))].join(', ');
    const params = members.reduce((a, m) => a + (paramsById.get(m.id) ?? 0), 0);
    const groupProblems = members.flatMap((m) => problems.get(m.id) ?? []);
    const memberHealth = members.flatMap((m) => {
      const h = input.health?.byNode.get(m.id);
      return h ? [h] : [];
    });
    const x = Math.min(...members.map((m) => m.position.x));
    const y = Math.min(...members.map((m) => m.position.y));
    const id = groupFlowId(groupId);
    const selected = members.some((m) => selectedNodes.has(m.id));
    const size = measured.get(id);
    boxes.push(
      cache.node(
        id,
        [
          group.label,
          members.length,
          inShape,
          outShape,
          params,
          problemsKey(groupProblems),
          x,
          y,
          selected,
          size?.width,
          size?.height,
          direction,
          ...memberHealth,
        ],
        () => ({
          id,
          type: 'collapsedGroup',
          position: { x, y },
          ariaLabel: `${group.label}, closed group of ${members.length} layers`,
          data: {
            groupId,
            label: group.label,
            layers: members.length,
            inShape,
            outShape,
            params,
            problems: groupProblems,
            direction,
            health: groupHealth(memberHealth),
          },
          selected,
          ...(size ? { measured: size } : {}),
        }),
      ),
    );
  }

  for (const node of graph.nodes) {
    if (owner.has(node.id)) continue;
    const shape = shapeOf(report.shapes.get(node.id));
    const params = paramsById.get(node.id) ?? 0;
    const nodeProblems = problems.get(node.id);
    const layerHealth = input.health?.byNode.get(node.id);
    const selected = selectedNodes.has(node.id);
    const size = measured.get(node.id);
    boxes.push(
      cache.node(
        node.id,
        [node, shape, params, problemsKey(nodeProblems), selected, size?.width, size?.height, direction, layerHealth],
        () => {
          const face = layerFace(node);
          return {
            id: node.id,
            type: 'layer',
            position: node.position,
            // What a screen reader says on Tab: the layer's name and type, and what it outputs.
            ariaLabel: `${node.name}, ${face.label}, output ${shape || 'unknown'}`,
            data: {
              name: node.name,
              type: node.type,
              ...face,
              shape,
              params,
              frozen: node.trainable === false,
              problems: nodeProblems ?? [],
              direction,
              health: layerHealth
                ? {
                    status: healthStatus(layerHealth),
                    text: healthBadgeText(layerHealth),
                    detail: healthLines(layerHealth, input.health?.epoch ?? 0).join('\n'),
                  }
                : null,
            },
            selected,
            ...(size ? { measured: size } : {}),
          };
        },
      ),
    );
  }

  // Lines go along the layout's route, or around the boxes in their way when they have none.
  const boxRects = new Map<string, Rect>();
  for (const box of boxes) boxRects.set(box.id, { ...box.position, ...BOX });
  const around = [...boxRects].map(([id, r]) => `${id}:${r.x},${r.y}`).join(';') + direction;
  if (around !== cache.routedAround) {
    cache.routes.clear();
    cache.routedAround = around;
  }
  const obstacles = [...boxRects.values()];
  const lineRoute = (edgeId: string, source: string, target: string, laidOut: Position[] | undefined) => {
    if (laidOut) return laidOut;
    const from = boxRects.get(source);
    const to = boxRects.get(target);
    if (!from || !to) return [];
    const key = `${source}>${target}`;
    const known = cache.routes.get(edgeId);
    if (known?.key === key) return known.route;
    const [start, end] =
      direction === 'TB'
        ? [
            { x: from.x + from.width / 2, y: from.y + from.height },
            { x: to.x + to.width / 2, y: to.y },
          ]
        : [
            { x: from.x + from.width, y: from.y + from.height / 2 },
            { x: to.x, y: to.y + to.height / 2 },
          ];
    const route = routeAround(
      start,
      end,
      obstacles.filter((r) => r !== from && r !== to),
      direction,
    );
    cache.routes.set(edgeId, { key, route });
    return route;
  };

  const names = new Map(graph.nodes.map((n) => [n.id, n.name]));
  /** A box's name as a line's accessible name says it: the layer's name, or the closed group's. */
  const boxName = (flowId: string): string =>
    flowId.startsWith('group:')
      ? (groupsById.get(flowId.slice('group:'.length))?.label ?? flowId)
      : (names.get(flowId) ?? flowId);
  const edges: FlowEdge[] = [];
  const seenGroupEdges = new Set<string>();
  for (const edge of graph.edges) {
    const source = owner.has(edge.source) ? groupFlowId(owner.get(edge.source) as string) : edge.source;
    const target = owner.has(edge.target) ? groupFlowId(owner.get(edge.target) as string) : edge.target;
    if (source === target) continue; // inside one collapsed group
    const viaGroup = source !== edge.source || target !== edge.target;
    const id = viaGroup ? `${source}->${target}` : edge.id;
    if (viaGroup) {
      if (seenGroupEdges.has(id)) continue;
      seenGroupEdges.add(id);
    }
    const selected = selectedEdges.has(edge.id);
    const route = lineRoute(id, source, target, edge.route);
    const ariaLabel = `Line from ${boxName(source)} to ${boxName(target)}`;
    edges.push(
      cache.edge(id, [source, target, edge.source, selected, edge.targetInput, route, ariaLabel], () => ({
        id,
        source,
        target,
        ariaLabel,
        type: 'shape',
        data: { from: edge.source, route },
        selected,
        // An edge into a collapsed group stands for several edges; it is deleted by expanding the group first.
        selectable: !viaGroup,
      })),
    );
  }
  cache.swap();
  const nodes = [...frames, ...boxes];
  // React Flow rebuilds its connection lookup whenever the edges array changes identity;
  // most edits change no edge, so hand back the previous array then.
  const sameEdges = edges.length === cache.lastEdges.length && edges.every((e, i) => e === cache.lastEdges[i]);
  const sameNodes = nodes.length === cache.lastNodes.length && nodes.every((n, i) => n === cache.lastNodes[i]);
  cache.lastEdges = sameEdges ? cache.lastEdges : edges;
  cache.lastNodes = sameNodes ? cache.lastNodes : nodes;
  return { nodes: cache.lastNodes, edges: cache.lastEdges };
}

/** The ids of the layers a flow node stands for (one layer, or every member of a collapsed group). */
export function layerIdsOf(graph: Graph, flowId: string): string[] {
  if (!flowId.startsWith('group:')) return [flowId];
  const groups = groupAndDescendants(graph, flowId.slice('group:'.length));
  return graph.nodes.filter((n) => n.group && groups.has(n.group)).map((n) => n.id);
}
