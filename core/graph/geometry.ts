/**
 * The design's geometry as the canvas draws it: one box per visible layer
 * and per collapsed group, frames around expanded groups, and connections as
 * orthogonal routes. Pure and synchronous, so edits can keep the picture
 * free of overlaps at every step: a group opens in place by moving the rest
 * aside (and closes by moving it back), and a connection without a laid-out
 * route is routed around the boxes in its way.
 */
import type { Graph, GraphEdge, GraphGroup, LayoutDirection, Position } from './graph';

/** The size of a layer's box, and of a collapsed group's, in canvas units (the canvas draws them this size). */
export const BOX = { width: 210, height: 78 } as const;

/**
 * Room the layout keeps around an expanded group's boxes: the title on top
 * and a margin on the other sides. The frame the canvas draws fits inside it.
 */
export const FRAME = { top: 40, side: 16, bottom: 16 } as const;

/** An axis-aligned rectangle in canvas units. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** New positions for every layer and a route for every connection. */
export interface GraphLayout {
  /** Top-left corner of every layer's box; layers hidden in a collapsed group keep their arrangement inside it. */
  positions: Map<string, Position>;
  /** Bend points of each connection between its two handles, in canvas coordinates. */
  routes: Map<string, Position[]>;
}

/** `graph` with the positions and routes of `layout`; connections the layout did not route lose their old route. */
export function applyLayout(graph: Graph, layout: GraphLayout): Graph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      const p = layout.positions.get(n.id);
      return p && (p.x !== n.position.x || p.y !== n.position.y) ? { ...n, position: p } : n;
    }),
    edges: graph.edges.map((e): GraphEdge => {
      const route = layout.routes.get(e.id);
      if (route) return { ...e, route };
      if (!e.route) return e;
      const { route: _dropped, ...rest } = e;
      return rest;
    }),
  };
}

/** The canvas id of a collapsed group's box. */
export const groupBoxId = (groupId: string): string => `group:${groupId}`;

/**
 * For each layer hidden in a collapsed group, the outermost collapsed group
 * that hides it. Group chains are walked iteratively and a cycle of parents
 * (a hand-edited file) ends the walk.
 */
export function collapsedOwners(graph: Graph): Map<string, string> {
  const groups = new Map(graph.groups.map((g) => [g.id, g]));
  const outermost = new Map<string, string | null>();
  const ownerOfGroup = (groupId: string): string | null => {
    const known = outermost.get(groupId);
    if (known !== undefined) return known;
    let found: string | null = null;
    const seen = new Set<string>();
    for (let g: GraphGroup | undefined = groups.get(groupId); g && !seen.has(g.id);) {
      seen.add(g.id);
      if (g.collapsed) found = g.id;
      g = g.parent ? groups.get(g.parent) : undefined;
    }
    outermost.set(groupId, found);
    return found;
  };
  const owner = new Map<string, string>();
  for (const node of graph.nodes) {
    const found = node.group ? ownerOfGroup(node.group) : null;
    if (found) owner.set(node.id, found);
  }
  return owner;
}

/** The ids of `groupId` and every group nested in it. */
export function groupAndDescendants(graph: Graph, groupId: string): Set<string> {
  const children = new Map<string, string[]>();
  for (const g of graph.groups) {
    if (!g.parent) continue;
    const list = children.get(g.parent);
    if (list) list.push(g.id);
    else children.set(g.parent, [g.id]);
  }
  const ids = new Set([groupId]);
  const stack = [groupId];
  while (stack.length) {
    for (const child of children.get(stack.pop() as string) ?? []) {
      if (ids.has(child)) continue;
      ids.add(child);
      stack.push(child);
    }
  }
  return ids;
}

/** The ids of the layers inside `groupId`, nested groups included. */
export function layersInGroup(graph: Graph, groupId: string): string[] {
  const groups = groupAndDescendants(graph, groupId);
  return graph.nodes.filter((n) => n.group !== undefined && groups.has(n.group)).map((n) => n.id);
}

/**
 * The boxes the canvas draws, by canvas id: a layer's id, or `group:<id>` for
 * a collapsed group, whose box sits at the top-left corner of its layers.
 */
export function visibleBoxes(graph: Graph): Map<string, Rect> {
  const owner = collapsedOwners(graph);
  const boxes = new Map<string, Rect>();
  for (const node of graph.nodes) {
    const hiddenBy = owner.get(node.id);
    const id = hiddenBy ? groupBoxId(hiddenBy) : node.id;
    const seen = boxes.get(id);
    if (!seen) boxes.set(id, { x: node.position.x, y: node.position.y, ...BOX });
    else {
      seen.x = Math.min(seen.x, node.position.x);
      seen.y = Math.min(seen.y, node.position.y);
    }
  }
  return boxes;
}

/** The canvas id of the box each layer is drawn in. */
export function boxIdOf(graph: Graph): Map<string, string> {
  const owner = collapsedOwners(graph);
  return new Map(
    graph.nodes.map((n) => {
      const hiddenBy = owner.get(n.id);
      return [n.id, hiddenBy ? groupBoxId(hiddenBy) : n.id];
    }),
  );
}

/** Whether two rectangles share any area (touching edges do not count). */
export const intersects = (a: Rect, b: Rect): boolean =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

/**
 * Every pair of overlapping rectangles, found with a sweep over x (hundreds
 * of boxes are checked on every edit that moves some).
 */
export function overlappingPairs(rects: ReadonlyMap<string, Rect>): [string, string][] {
  const sorted = [...rects].sort((a, b) => a[1].x - b[1].x);
  const pairs: [string, string][] = [];
  for (let i = 0; i < sorted.length; i++) {
    const [idA, a] = sorted[i];
    for (let j = i + 1; j < sorted.length && sorted[j][1].x < a.x + a.width; j++) {
      const [idB, b] = sorted[j];
      if (intersects(a, b)) pairs.push([idA, idB]);
    }
  }
  return pairs;
}

/** `route` moved by `d`. */
export const translateRoute = (route: readonly Position[], d: Position): Position[] =>
  route.map((p) => ({ x: p.x + d.x, y: p.y + d.y }));

/** The bounding box of `rects`, or null when there are none. */
export function boundsOf(rects: Iterable<Rect>): Rect | null {
  let minX = Infinity,
    minY = Infinity,
    maxX = -Infinity,
    maxY = -Infinity;
  for (const r of rects) {
    minX = Math.min(minX, r.x);
    minY = Math.min(minY, r.y);
    maxX = Math.max(maxX, r.x + r.width);
    maxY = Math.max(maxY, r.y + r.height);
  }
  return minX === Infinity ? null : { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

/**
 * A shift of the boxes that opens (or closes) room at `at`. `local`: boxes
 * after `at` along the flow move along it by `below`, and boxes beside `at`
 * (sharing some of its extent along the flow) move across by `right` or
 * `left`; the rest of the design stays put. `global`: every box after `at`
 * on either axis moves, whatever its height, which keeps the order of all
 * boxes on both axes, so opening that way can never make an overlap.
 */
interface Shift {
  at: Rect;
  right: number;
  left: number;
  below: number;
  mode: 'local' | 'global';
}

function moveOfBox(s: Shift, r: Rect): Position {
  const after = r.y >= s.at.y + s.at.height;
  const beside = !after && r.y < s.at.y + s.at.height && r.y + r.height > s.at.y;
  const across = s.mode === 'global' || beside;
  const dx = !across ? 0 : r.x >= s.at.x + s.at.width ? s.right : r.x + r.width <= s.at.x ? s.left : 0;
  return { x: dx, y: after ? s.below : 0 };
}

/** The shift along the flow and across it, whatever the direction: transposed for left to right. */
const flip = (r: Rect): Rect => ({ x: r.y, y: r.x, width: r.height, height: r.width });

/** Moves every layer outside `skip` and every route by `shift` (in the transposed frame when `across`). */
function applyShift(
  graph: Graph,
  shift: Shift,
  skip: ReadonlySet<string>,
  across: boolean,
  dropRoutes: ReadonlySet<string>,
): Graph {
  const boxId = boxIdOf(graph);
  const boxes = visibleBoxes(graph);
  const moveOf = new Map<string, Position>();
  for (const [id, raw] of boxes) {
    const d = moveOfBox(shift, across ? flip(raw) : raw);
    moveOf.set(id, across ? { x: d.y, y: d.x } : d);
  }
  const nodes = graph.nodes.map((n) => {
    if (skip.has(n.id)) return n;
    const d = moveOf.get(boxId.get(n.id) as string) as Position;
    return d.x || d.y ? { ...n, position: { x: n.position.x + d.x, y: n.position.y + d.y } } : n;
  });
  const edges = graph.edges.map((e): GraphEdge => {
    if (!e.route) return e;
    if (dropRoutes.has(e.id) || skip.has(e.source) || skip.has(e.target)) return withoutRoute(e);
    const ds = moveOf.get(boxId.get(e.source) as string);
    const dt = moveOf.get(boxId.get(e.target) as string);
    if (ds && dt && ds.x === dt.x && ds.y === dt.y)
      return ds.x || ds.y ? { ...e, route: translateRoute(e.route, ds) } : e;
    // The ends moved apart (a connection past the room): the canvas routes it anew.
    return withoutRoute(e);
  });
  return { ...graph, nodes, edges };
}

function withoutRoute(edge: GraphEdge): GraphEdge {
  const { route: _dropped, ...rest } = edge;
  return rest;
}

/** `graph` with its layers in `ids` moved by `d` (with the routes among them). */
function translateLayers(graph: Graph, ids: ReadonlySet<string>, d: Position): Graph {
  if (!d.x && !d.y) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((n) =>
      ids.has(n.id) ? { ...n, position: { x: n.position.x + d.x, y: n.position.y + d.y } } : n,
    ),
    edges: graph.edges.map((e) =>
      e.route && ids.has(e.source) && ids.has(e.target) ? { ...e, route: translateRoute(e.route, d) } : e,
    ),
  };
}

/** Connections with exactly one end among `ids`. */
const crossing = (graph: Graph, ids: ReadonlySet<string>): Set<string> =>
  new Set(graph.edges.filter((e) => ids.has(e.source) !== ids.has(e.target)).map((e) => e.id));

/** The room an expanded group takes: its boxes plus the frame around them. */
function roomOf(boxes: Iterable<Rect>, down: boolean): Rect | null {
  const inner = boundsOf(boxes);
  if (!inner) return null;
  return down
    ? {
        x: inner.x - FRAME.side,
        y: inner.y - FRAME.top,
        width: inner.width + 2 * FRAME.side,
        height: inner.height + FRAME.top + FRAME.bottom,
      }
    : {
        x: inner.x - FRAME.top,
        y: inner.y - FRAME.side,
        width: inner.width + FRAME.top + FRAME.bottom,
        height: inner.height + 2 * FRAME.side,
      };
}

/**
 * Opens collapsed group `groupId` in place: its layers appear where its box
 * was, in the arrangement they had, and everything after the box along the
 * flow (and beside it) moves aside by exactly the room they need. Boxes that
 * did not overlap before still do not. Routes of connections into and out of
 * the group are dropped (the canvas routes them around the boxes); the rest
 * move with their boxes.
 */
export function expandInPlace(graph: Graph, groupId: string, direction: LayoutDirection = 'TB'): Graph {
  const group = graph.groups.find((g) => g.id === groupId);
  if (!group?.collapsed) return graph;
  const before = visibleBoxes(graph).get(groupBoxId(groupId));
  const opened: Graph = {
    ...graph,
    groups: graph.groups.map((g) => (g.id === groupId ? { ...g, collapsed: false } : g)),
  };
  // An empty group, or one inside a closed group: nothing on screen changes.
  if (!before) return opened;
  const down = direction === 'TB';
  const members = new Set(layersInGroup(graph, groupId));
  const boxId = boxIdOf(opened);
  const inside = new Set([...members].map((id) => boxId.get(id) as string));
  const all = visibleBoxes(opened);
  const room = roomOf(
    [...all].filter(([id]) => inside.has(id)).map(([, r]) => r),
    down,
  ) as Rect;
  // The room hangs from where the box was, centred across the flow.
  const target = down
    ? { x: before.x + before.width / 2 - room.width / 2, y: before.y }
    : { x: before.x, y: before.y + before.height / 2 - room.height / 2 };
  const moved = translateLayers(opened, members, {
    x: Math.round(target.x - room.x),
    y: Math.round(target.y - room.y),
  });
  const placed = { ...room, x: Math.round(target.x), y: Math.round(target.y) };
  const at = down ? before : flip(before);
  const grown = down ? placed : flip(placed);
  const shift = {
    at,
    right: Math.max(0, grown.x + grown.width - (at.x + at.width)),
    left: Math.min(0, grown.x - at.x),
    below: Math.max(0, grown.y + grown.height - (at.y + at.height)),
  };
  const drop = crossing(moved, members);
  // Moving only what is after and beside the group keeps the rest still; where that would
  // collide (boxes placed by hand), everything after it on either axis moves, which cannot.
  const local = applyShift(moved, { ...shift, mode: 'local' }, members, !down, drop);
  if (overlappingPairs(visibleBoxes(local)).length === 0) return local;
  return applyShift(moved, { ...shift, mode: 'global' }, members, !down, drop);
}

/**
 * Closes expanded group `groupId` in place: its box takes the top of the room
 * its layers took (centred across the flow), and what lies after moves back
 * by the room freed, unless that would make boxes overlap (after other
 * edits), in which case it stays where it is.
 */
export function collapseInPlace(graph: Graph, groupId: string, direction: LayoutDirection = 'TB'): Graph {
  const group = graph.groups.find((g) => g.id === groupId);
  if (!group || group.collapsed) return graph;
  const down = direction === 'TB';
  const members = new Set(layersInGroup(graph, groupId));
  const closed: Graph = {
    ...graph,
    groups: graph.groups.map((g) => (g.id === groupId ? { ...g, collapsed: true } : g)),
  };
  const owner = collapsedOwners(graph);
  // An empty group, or one inside a closed group: nothing on screen changes.
  if (!members.size || [...members].some((id) => owner.has(id))) return closed;
  const boxId = boxIdOf(graph);
  const inside = new Set([...members].map((id) => boxId.get(id) as string));
  const room = roomOf(
    [...visibleBoxes(graph)].filter(([id]) => inside.has(id)).map(([, r]) => r),
    down,
  ) as Rect;
  const corner = down
    ? { x: Math.round(room.x + room.width / 2 - BOX.width / 2), y: room.y }
    : { x: room.x, y: Math.round(room.y + room.height / 2 - BOX.height / 2) };
  // The box is drawn at its layers' top-left corner: move them there, keeping their arrangement.
  const layers = graph.nodes.filter((n) => members.has(n.id));
  const minX = Math.min(...layers.map((n) => n.position.x));
  const minY = Math.min(...layers.map((n) => n.position.y));
  const moved = translateLayers(closed, members, { x: corner.x - minX, y: corner.y - minY });
  const box = { ...corner, ...BOX };
  const at = down ? room : flip(room);
  const small = down ? box : flip(box);
  const shift: Shift = {
    at,
    right: -Math.max(0, at.x + at.width - (small.x + small.width)),
    left: Math.max(0, small.x - at.x),
    below: -Math.max(0, at.y + at.height - (small.y + small.height)),
    mode: 'local',
  };
  const drop = crossing(moved, members);
  const pulled = applyShift(moved, shift, members, !down, drop);
  if (overlappingPairs(visibleBoxes(pulled)).length === 0) return pulled;
  // Something was moved by hand since the group opened: leave the gap rather than make an overlap.
  return {
    ...moved,
    edges: moved.edges.map((e) => (drop.has(e.id) && e.route ? withoutRoute(e) : e)),
  };
}

/** How far routes keep from the boxes they pass. */
const CLEARANCE = 10;

/**
 * An orthogonal route from `from` (a source handle) to `to` (a target
 * handle) that passes no box in `obstacles`, as the bend points between the
 * two: straight when nothing is in the way, else with one jog, else along a
 * lane beside the boxes in between. Used for connections that have no
 * laid-out route (new ones, and those whose ends moved).
 *
 * @example
 * routeAround({ x: 105, y: 78 }, { x: 105, y: 500 }, boxesInBetween, 'TB') // [{x:105,y:88},{x:231,y:88},...]
 */
export function routeAround(
  from: Position,
  to: Position,
  obstacles: readonly Rect[],
  direction: LayoutDirection = 'TB',
): Position[] {
  if (direction === 'LR') {
    const swap = (p: Position): Position => ({ x: p.y, y: p.x });
    return routeDown(swap(from), swap(to), obstacles.map(flip)).map(swap);
  }
  return routeDown(from, to, obstacles);
}

/** {@link routeAround} for a top-to-bottom flow: leaves `from` downwards and enters `to` from above. */
function routeDown(from: Position, to: Position, obstacles: readonly Rect[]): Position[] {
  const blocked = (a: Position, b: Position): boolean => {
    const seg: Rect = {
      x: Math.min(a.x, b.x) - CLEARANCE + 1,
      y: Math.min(a.y, b.y) - CLEARANCE + 1,
      width: Math.abs(a.x - b.x) + 2 * CLEARANCE - 2,
      height: Math.abs(a.y - b.y) + 2 * CLEARANCE - 2,
    };
    return obstacles.some((r) => intersects(r, seg));
  };
  const clear = (points: Position[]): boolean => {
    const all = [from, ...points, to];
    // The first and last stubs touch their own boxes' edges; start the checks just clear of them.
    for (let i = 0; i + 1 < all.length; i++) {
      const a = i === 0 ? { x: all[0].x, y: all[0].y + 1 } : all[i];
      const b = i + 2 === all.length ? { x: all[i + 1].x, y: all[i + 1].y - 1 } : all[i + 1];
      if (blocked(a, b)) return false;
    }
    return true;
  };
  const leave = from.y + CLEARANCE + 2;
  const enter = to.y - CLEARANCE - 2;
  if (from.x === to.x && to.y > from.y && clear([])) return [];
  if (to.y > from.y) {
    // One jog: at a height between the two that crosses no box.
    const heights = new Set([leave, enter, Math.round((from.y + to.y) / 2)]);
    for (const r of obstacles) {
      if (r.y + r.height > from.y && r.y + r.height < to.y) heights.add(r.y + r.height + CLEARANCE + 2);
      if (r.y > from.y && r.y < to.y) heights.add(r.y - CLEARANCE - 2);
    }
    const jogs = [...heights].filter((y) => y >= leave && y <= enter).sort((a, b) => a - b);
    for (const y of jogs) {
      const points = [
        { x: from.x, y },
        { x: to.x, y },
      ];
      if (from.x === to.x) points.length = 0;
      if (clear(points)) return points;
    }
  }
  // A lane: down a little, across to a column clear of the boxes in between, along it, and across to the target.
  const top = Math.min(leave, enter);
  const bottom = Math.max(leave, enter);
  const lanes = new Set([from.x, to.x]);
  for (const r of obstacles) {
    if (r.y + r.height < top || r.y > bottom) continue;
    lanes.add(r.x - CLEARANCE - 2);
    lanes.add(r.x + r.width + CLEARANCE + 2);
  }
  const byDetour = [...lanes].sort(
    (a, b) => Math.abs(a - from.x) + Math.abs(a - to.x) - (Math.abs(b - from.x) + Math.abs(b - to.x)),
  );
  for (const x of byDetour) {
    const points = [
      { x: from.x, y: leave },
      { x, y: leave },
      { x, y: enter },
      { x: to.x, y: enter },
    ];
    if (clear(points)) return simplifyRoute(points);
  }
  // Nothing is clear (boxes overlap, or enclose an end): the plainest path.
  return simplifyRoute([
    { x: from.x, y: leave },
    { x: to.x, y: leave },
  ]);
}

/** Drops repeated points and the middle one of three in a line. */
export function simplifyRoute(points: readonly Position[]): Position[] {
  const out: Position[] = [];
  for (const p of points) {
    const last = out.at(-1);
    if (last && last.x === p.x && last.y === p.y) continue;
    const before = out.at(-2);
    if (before && last && ((before.x === last.x && last.x === p.x) || (before.y === last.y && last.y === p.y))) {
      out[out.length - 1] = p;
      continue;
    }
    out.push(p);
  }
  return out;
}

/** The distance from one layer's box to the next along the flow, as the layout spaces them. */
export const ROW_GAP = 40;

/**
 * Makes room for one box right after box `boxId` along the flow: every box
 * that starts after it moves one row further (which keeps all boxes apart),
 * and returns where the new box goes: one row after `boxId`, in line with it.
 */
export function openRowAfter(
  graph: Graph,
  boxId: string,
  direction: LayoutDirection = 'TB',
): { graph: Graph; position: Position } {
  const box = visibleBoxes(graph).get(boxId);
  if (!box) throw new Error(`No box "${boxId}" on the canvas`);
  const down = direction === 'TB';
  const pitch = (down ? BOX.height : BOX.width) + ROW_GAP;
  const shift: Shift = { at: down ? box : flip(box), right: 0, left: 0, below: pitch, mode: 'global' };
  const moved = applyShift(graph, shift, new Set(), !down, new Set());
  const position = down ? { x: box.x, y: box.y + box.height + ROW_GAP } : { x: box.x + box.width + ROW_GAP, y: box.y };
  return { graph: moved, position };
}

/**
 * Closes the row a deleted box `gap` left: boxes after it along the flow move
 * back one row, unless that would make two boxes overlap (the row is shared
 * with boxes beside it), in which case nothing moves.
 */
export function closeRowAt(graph: Graph, gap: Rect, direction: LayoutDirection = 'TB'): Graph {
  const down = direction === 'TB';
  const pitch = (down ? BOX.height : BOX.width) + ROW_GAP;
  const at = down ? gap : flip(gap);
  // Only when no remaining box shares the row: pulling the rest into it would run them into that box.
  const boxes = visibleBoxes(graph);
  for (const r of boxes.values()) {
    const q = down ? r : flip(r);
    if (q.y < at.y + at.height && q.y + q.height > at.y) return graph;
  }
  const shift: Shift = { at, right: 0, left: 0, below: -pitch, mode: 'global' };
  const moved = applyShift(graph, shift, new Set(), !down, new Set());
  return overlappingPairs(visibleBoxes(moved)).length ? graph : moved;
}

/** How far apart a new box keeps from the boxes around it. */
const MARGIN = 20;

/**
 * The free spot nearest `near` for a new box's top-left corner: `near`
 * itself when the box fits there, else the closest point on a widening ring
 * around it where it overlaps no box (with a small margin).
 */
export function freeSpot(graph: Graph, near: Position): Position {
  const boxes = [...visibleBoxes(graph).values()].map((r) => ({
    x: r.x - MARGIN,
    y: r.y - MARGIN,
    width: r.width + 2 * MARGIN,
    height: r.height + 2 * MARGIN,
  }));
  const fits = (p: Position) => !boxes.some((r) => intersects(r, { ...p, ...BOX }));
  const start = { x: Math.round(near.x), y: Math.round(near.y) };
  if (fits(start)) return start;
  const step = 20;
  for (let ring = 1; ring < 400; ring++) {
    const candidates: Position[] = [];
    for (let k = -ring; k <= ring; k++) {
      candidates.push(
        { x: start.x + k * step, y: start.y - ring * step },
        { x: start.x + k * step, y: start.y + ring * step },
        { x: start.x - ring * step, y: start.y + k * step },
        { x: start.x + ring * step, y: start.y + k * step },
      );
    }
    const free = candidates
      .filter(fits)
      .sort((a, b) => Math.hypot(a.x - start.x, a.y - start.y) - Math.hypot(b.x - start.x, b.y - start.y));
    if (free.length) return free[0];
  }
  return start;
}
