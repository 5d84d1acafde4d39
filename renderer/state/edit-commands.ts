/**
 * The editor's design edits. Each one reads the current graph, calls one of
 * core's pure graph functions and commits the result as one undo step.
 * Shared by the canvas, the palette, the inspector and keyboard shortcuts.
 */
import type { Fix } from '../../core/errors';
import { applyFix } from '../../core/graph/fixes';
import {
  closeRowAt,
  collapseInPlace,
  expandInPlace,
  freeSpot,
  openRowAfter,
  ROW_GAP,
  visibleBoxes,
  boundsOf,
  applyLayout,
} from '../../core/graph/geometry';
import {
  addNode,
  connect,
  connectionRefusal,
  extractSubgraph,
  findNode,
  insertAfter,
  moveNodes,
  nextFreeInput,
  pasteNodes,
  removeEdges,
  removeNodesReconnecting,
  removeNodes,
  renameNode,
  setParams,
  setTrainable,
  type Graph,
  type LayoutDirection,
  type Position,
} from '../../core/graph/graph';
import { getLayerSpec } from '../../core/layers/registry';
import { inferShapes } from '../../core/graph/infer';
import { requestLayout } from '../canvas/layout-client';
import type { EditorStore } from './editor-store';

/** Where a layer goes when nothing says where: the first free spot after everything on the canvas. */
function freePosition(graph: Graph): Position {
  const all = boundsOf(visibleBoxes(graph).values());
  if (!all) return { x: 0, y: 0 };
  return (graph.direction ?? 'TB') === 'TB'
    ? freeSpot(graph, { x: all.x, y: all.y + all.height + ROW_GAP })
    : freeSpot(graph, { x: all.x + all.width + ROW_GAP, y: all.y });
}

/** The input slot a new connection into `target` takes: single-input layers replace their input, merges add one. */
function slotFor(graph: Graph, target: string): number {
  const node = findNode(graph, target);
  return node && getLayerSpec(node.type).inputs.max === 1 ? 0 : nextFreeInput(graph, target);
}

/**
 * Adds a layer of `type`, where it overlaps no other box. Dropped on the
 * canvas it goes at the nearest free spot to the drop. Clicked in the
 * palette with one layer selected, it is inserted after that layer, between
 * it and what it fed, one row further along, everything after moving one row
 * on to make room. Otherwise it goes after everything. The new layer becomes
 * the selection; the whole addition is one undo step.
 */
export function addLayer(store: EditorStore, type: string, at?: Position): string {
  const { graph, selectedNodes } = store.getState();
  const spec = getLayerSpec(type);
  const after = at === undefined && selectedNodes.size === 1 ? findNode(graph, [...selectedNodes][0]) : undefined;
  let added: { graph: Graph; id: string };
  if (after && spec.inputs.max > 0) {
    const room = openRowAfter(graph, after.id, graph.direction);
    added = insertAfter(room.graph, after.id, type, room.position);
  } else {
    const position = at ? freeSpot(graph, at) : freePosition(graph);
    added = addNode(graph, type, { position });
  }
  store.commit(added.graph);
  store.select([added.id]);
  return added.id;
}

/**
 * What connecting `source` into `target` would do, for the hint shown while a
 * line is dragged: `refused` when it cannot be made (a cycle, into an Input),
 * `problem` when it can but the target could not use that tensor (the
 * diagnostic it would get, e.g. a Dense fed a feature map), else `ok`.
 */
export function connectionPreview(
  graph: Graph,
  source: string,
  target: string,
): { kind: 'ok' } | { kind: 'refused' | 'problem'; message: string } {
  const refusal = connectionRefusal(graph, source, target);
  if (refusal) return { kind: 'refused', message: refusal };
  const before = new Set(inferShapes(graph).diagnostics.map((d) => `${d.nodeId}:${d.message}`));
  const after = inferShapes(connect(graph, source, target, slotFor(graph, target))).diagnostics;
  const fresh = after.find(
    (d) => d.severity === 'error' && d.nodeId === target && !before.has(`${d.nodeId}:${d.message}`),
  );
  return fresh ? { kind: 'problem', message: fresh.message } : { kind: 'ok' };
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

/**
 * Deletes the selected layers and connections. A deleted layer with one
 * input has that input connected to what it fed, so the chain stays whole;
 * the notice names the new connections and offers to leave them out. When a
 * single layer goes, the row it leaves empty closes.
 */
export function deleteSelection(store: EditorStore): void {
  const { graph, selectedNodes, selectedEdges } = store.getState();
  if (!selectedNodes.size && !selectedEdges.size) return;
  const withoutEdges = removeEdges(graph, selectedEdges);
  const { graph: reconnected, reconnected: made } = removeNodesReconnecting(withoutEdges, selectedNodes);
  let next = reconnected;
  if (selectedNodes.size === 1 && made.length) {
    const gap = visibleBoxes(graph).get([...selectedNodes][0]);
    if (gap) next = closeRowAt(next, gap, graph.direction);
  }
  store.commit(next);
  store.select([]);
  if (!made.length) return;
  const name = (id: string) => `"${findNode(graph, id)?.name ?? id}"`;
  const removed = [...selectedNodes].map(name).join(', ');
  const links = made.map(([a, b]) => `${name(a)} → ${name(b)}`).join(', ');
  store.notify('info', `Deleted ${removed} and connected ${links}.`, {
    label: 'Leave unconnected',
    run: () => {
      if (store.getState().graph !== next) return;
      store.undo();
      store.commit(removeNodes(withoutEdges, selectedNodes));
      store.dismissNotice();
    },
  });
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

/** Numbers each layout request, so the undo steps of two layouts never merge. */
let layoutSerial = 0;

/**
 * Lays `graph` out (in the layout worker) and commits the result, unless the
 * design changed meanwhile (the store no longer holds `base`, the design the
 * request was made from). `coalesceKey` joins the commit to the step the
 * caller already made. Resolves to whether the layout was applied.
 */
async function commitLaidOut(
  store: EditorStore,
  graph: Graph,
  coalesceKey?: string,
  base: Graph = store.getState().graph,
): Promise<boolean> {
  const layout = await requestLayout(graph);
  // The user went on editing meanwhile: their edit wins, the layout of the older design is dropped.
  if (store.getState().graph !== base) return false;
  store.commit(applyLayout(graph, layout), coalesceKey);
  return true;
}

/** Shows `graph`'s groups open or closed as in `flagged` (the same design otherwise), laid out: one undo step. */
export function showGroupsAs(store: EditorStore, flagged: Graph): Promise<boolean> {
  const { graph } = store.getState();
  const key = `layout:${++layoutSerial}`;
  const next = { ...graph, groups: flagged.groups };
  store.commit(next, key);
  return commitLaidOut(store, next, key);
}

/** Lays the whole design out again: one undo step. */
export function layoutAll(store: EditorStore): Promise<boolean> {
  return commitLaidOut(store, store.getState().graph);
}

/** Turns the design to flow top to bottom or left to right, laid out again: one undo step. */
export function setDirection(store: EditorStore, direction: LayoutDirection): Promise<boolean> {
  const { graph } = store.getState();
  if ((graph.direction ?? 'TB') === direction) return Promise.resolve(false);
  return commitLaidOut(store, { ...graph, direction });
}

/**
 * Opens or closes one group in place: the rest of the design moves aside
 * (or back) just enough, so no two boxes ever overlap. One undo step.
 */
export function toggleGroup(store: EditorStore, groupId: string): void {
  const { graph } = store.getState();
  const group = graph.groups.find((g) => g.id === groupId);
  if (!group) return;
  store.commit(
    group.collapsed ? expandInPlace(graph, groupId, graph.direction) : collapseInPlace(graph, groupId, graph.direction),
  );
}

/**
 * Collapses or expands every group at once and lays the result out, one
 * undo step. Collapsing shows at once (each group's box where its layers
 * began, which overlaps nothing) and tightens when the layout arrives;
 * expanding waits for the layout, so layers never land on each other.
 */
export async function setAllGroupsCollapsed(store: EditorStore, collapsed: boolean): Promise<boolean> {
  const { graph } = store.getState();
  // Nothing to change (a template opens with every group open): no new layout, no undo step.
  if (graph.groups.every((g) => Boolean(g.collapsed) === collapsed)) return false;
  const flagged = { ...graph, groups: graph.groups.map((g) => ({ ...g, collapsed })) };
  // Shown at once: closed, each group's box where its layers began; opened, each group in place,
  // outermost first, which moves the rest aside. Neither overlaps. The layout then tightens it.
  const key = `layout:${++layoutSerial}`;
  const now = collapsed ? flagged : expandAllInPlace(graph);
  store.commit(now, key);
  return commitLaidOut(store, { ...now, groups: flagged.groups }, key);
}

/** Every group opened in place, outermost first (a group inside a closed one has no box to open from). */
function expandAllInPlace(graph: Graph): Graph {
  let next = graph;
  let opened = true;
  while (opened) {
    opened = false;
    for (const group of next.groups) {
      if (!group.collapsed) continue;
      const after = expandInPlace(next, group.id, next.direction);
      // expandInPlace only flips the flag of a group hidden in a closed one; open that one first.
      if (visibleBoxes(next).has(`group:${group.id}`)) {
        next = after;
        opened = true;
      }
    }
  }
  return { ...next, groups: next.groups.map((g) => (g.collapsed ? { ...g, collapsed: false } : g)) };
}

/** Moves layers while dragging (shown at once, one undo step when the drag ends). */
export function dragTo(store: EditorStore, positions: ReadonlyMap<string, Position>): void {
  store.preview(moveNodes(store.getState().graph, positions));
}
