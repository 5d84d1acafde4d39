/**
 * The editor's design edits. Each one reads the current graph, calls one of
 * core's pure graph functions and commits the result as one undo step.
 * Shared by the canvas, the palette, the inspector and keyboard shortcuts.
 */
import type { Fix } from '../../core/errors';
import { applyFix } from '../../core/graph/fixes';
import {
  addNode,
  connect,
  connectionRefusal,
  extractSubgraph,
  findNode,
  moveNodes,
  nextFreeInput,
  pasteNodes,
  removeEdges,
  removeNodes,
  renameNode,
  setParams,
  setTrainable,
  type Graph,
  type Position,
} from '../../core/graph/graph';
import { getLayerSpec } from '../../core/layers/registry';
import { autoLayout } from '../canvas/layout';
import type { EditorStore } from './editor-store';

/** Vertical step between a layer and one added after it. */
const NEXT_ROW = 110;

/** Where a layer goes when nothing says where: below the lowest layer. */
function freePosition(graph: Graph): Position {
  if (!graph.nodes.length) return { x: 0, y: 0 };
  const lowest = graph.nodes.reduce((a, n) => (n.position.y > a.position.y ? n : a));
  return { x: lowest.position.x, y: lowest.position.y + NEXT_ROW };
}

/** The input slot a new connection into `target` takes: single-input layers replace their input, merges add one. */
function slotFor(graph: Graph, target: string): number {
  const node = findNode(graph, target);
  return node && getLayerSpec(node.type).inputs.max === 1 ? 0 : nextFreeInput(graph, target);
}

/**
 * Adds a layer of `type`. Dropped on the canvas it goes where it was dropped;
 * clicked in the palette it goes after the selected layer and is connected
 * to it. The new layer becomes the selection.
 */
export function addLayer(store: EditorStore, type: string, at?: Position): string {
  const { graph, selectedNodes } = store.getState();
  const spec = getLayerSpec(type);
  const after = at === undefined && selectedNodes.size === 1 ? findNode(graph, [...selectedNodes][0]) : undefined;
  const position = at ?? (after ? { x: after.position.x, y: after.position.y + NEXT_ROW } : freePosition(graph));
  const added = addNode(graph, type, { position, ...(after?.group ? { group: after.group } : {}) });
  let next = added.graph;
  if (after && spec.inputs.max > 0 && connectionRefusal(next, after.id, added.id) === null) {
    next = connect(next, after.id, added.id, 0);
  }
  store.commit(next);
  store.select([added.id]);
  return added.id;
}

/** Connects two layers, or says why not. Returns whether the edge was made. */
export function connectLayers(store: EditorStore, source: string, target: string): boolean {
  const { graph } = store.getState();
  const refusal = connectionRefusal(graph, source, target);
  if (refusal) {
    store.notify('error', refusal);
    return false;
  }
  store.commit(connect(graph, source, target, slotFor(graph, target)));
  return true;
}

/** Deletes the selected layers and connections. */
export function deleteSelection(store: EditorStore): void {
  const { graph, selectedNodes, selectedEdges } = store.getState();
  if (!selectedNodes.size && !selectedEdges.size) return;
  let next = removeEdges(graph, selectedEdges);
  next = removeNodes(next, selectedNodes);
  store.commit(next);
  store.select([]);
}

let clipboard: Pick<Graph, 'nodes' | 'edges'> | null = null;

/** Copies the selected layers (and the connections among them). */
export function copySelection(store: EditorStore): void {
  const { graph, selectedNodes } = store.getState();
  if (selectedNodes.size) clipboard = extractSubgraph(graph, selectedNodes);
}

/** Cuts the selected layers. */
export function cutSelection(store: EditorStore): void {
  copySelection(store);
  deleteSelection(store);
}

/** Pastes the copied layers, offset so they do not hide the originals, and selects them. */
export function paste(store: EditorStore): void {
  if (!clipboard?.nodes.length) return;
  const pasted = pasteNodes(store.getState().graph, clipboard, { x: 40, y: 40 });
  store.commit(pasted.graph);
  store.select(pasted.ids);
  // Pasting again steps further, as in drawing programs.
  clipboard = {
    ...clipboard,
    nodes: clipboard.nodes.map((n) => ({ ...n, position: { x: n.position.x + 40, y: n.position.y + 40 } })),
  };
}

/** Duplicates the selected layers in one step. */
export function duplicateSelection(store: EditorStore): void {
  const { graph, selectedNodes } = store.getState();
  if (!selectedNodes.size) return;
  const pasted = pasteNodes(graph, extractSubgraph(graph, selectedNodes), { x: 40, y: 40 });
  store.commit(pasted.graph);
  store.select(pasted.ids);
}

/** Selects every layer. */
export function selectAll(store: EditorStore): void {
  store.select(store.getState().graph.nodes.map((n) => n.id));
}

/** Sets one parameter; typing into one field is one undo step. */
export function setParam(store: EditorStore, nodeId: string, name: string, value: unknown): void {
  store.commit(setParams(store.getState().graph, nodeId, { [name]: value }), `param:${nodeId}:${name}`);
}

/** Freezes a layer (training leaves its weights as they are) or lets it train again. */
export function setFrozen(store: EditorStore, nodeId: string, frozen: boolean): void {
  store.commit(setTrainable(store.getState().graph, [nodeId], !frozen));
}

/** Renames a layer. */
export function rename(store: EditorStore, nodeId: string, name: string): void {
  store.commit(renameNode(store.getState().graph, nodeId, name), `name:${nodeId}`);
}

/** Applies a diagnostic's one-click fix. */
export function fix(store: EditorStore, repair: Fix): void {
  store.commit(applyFix(store.getState().graph, repair));
}

/** Lays the whole graph out with dagre. */
export function layoutAll(store: EditorStore): void {
  store.commit(autoLayout(store.getState().graph));
}

/** Collapses or expands a group. */
export function toggleGroup(store: EditorStore, groupId: string): void {
  const { graph } = store.getState();
  store.commit({
    ...graph,
    groups: graph.groups.map((g) => (g.id === groupId ? { ...g, collapsed: !g.collapsed } : g)),
  });
}

/**
 * Collapses or expands every group at once, and lays the result out: the
 * boxes of a collapsed network would otherwise sit where their layers were,
 * far apart. One undo step.
 */
export function setAllGroupsCollapsed(store: EditorStore, collapsed: boolean): void {
  const { graph } = store.getState();
  if (!graph.groups.length) return;
  store.commit(autoLayout({ ...graph, groups: graph.groups.map((g) => ({ ...g, collapsed })) }));
}

/** Moves layers while dragging (shown at once, one undo step when the drag ends). */
export function dragTo(store: EditorStore, positions: ReadonlyMap<string, Position>): void {
  store.preview(moveNodes(store.getState().graph, positions));
}
