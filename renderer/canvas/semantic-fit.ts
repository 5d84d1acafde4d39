/**
 * Semantic zoom for Fit: the whole network on screen at a scale whose text
 * can be read. When the expanded network would be too small to read, groups
 * are shown collapsed, level by level: first every top-level group (ResNet's
 * stages), then, if their insides fit too, the next level (its blocks), and
 * so on as deep as still reads.
 *
 * Deciding needs the network's extent at each level before laying it out,
 * so it is estimated from the layering: boxes per layer across the flow,
 * layers along it, plus each expanded group's frame.
 */
import { BOX, FRAME, ROW_GAP, collapsedOwners, groupBoxId } from '../../core/graph/geometry';
import type { Graph } from '../../core/graph/graph';

/** Below this zoom a box's 12-pixel text is under 6 pixels high. */
export const READABLE_ZOOM = 0.5;
/** Fit leaves this share of the canvas as margin (React Flow's `padding`). */
export const FIT_PADDING = 0.1;
/** Space the layout keeps between boxes side by side (with room for a shortcut lane). */
const ACROSS_GAP = 60;

/** Depth of each group: 0 for top-level groups, parents walked iteratively. */
function groupDepths(graph: Graph): Map<string, number> {
  const byId = new Map(graph.groups.map((g) => [g.id, g]));
  const depth = new Map<string, number>();
  for (const group of graph.groups) {
    let d = 0;
    const seen = new Set<string>([group.id]);
    for (let p = group.parent; p && byId.has(p) && !seen.has(p); p = byId.get(p)?.parent) {
      seen.add(p);
      d++;
    }
    depth.set(group.id, d);
  }
  return depth;
}

/**
 * The extent the layered layout will give `graph`, along the flow and across
 * it, estimated from the longest path of the boxes on screen and the most
 * boxes side by side in one layer.
 */
export function estimateExtent(graph: Graph): { along: number; across: number } {
  const owner = collapsedOwners(graph);
  const boxOf = (id: string) => {
    const g = owner.get(id);
    return g ? groupBoxId(g) : id;
  };
  const boxes = new Set(graph.nodes.map((n) => boxOf(n.id)));
  const next = new Map<string, string[]>();
  const indegree = new Map([...boxes].map((b) => [b, 0]));
  for (const e of graph.edges) {
    const a = boxOf(e.source);
    const b = boxOf(e.target);
    if (a === b || !boxes.has(a) || !boxes.has(b)) continue;
    next.set(a, [...(next.get(a) ?? []), b]);
    indegree.set(b, (indegree.get(b) ?? 0) + 1);
  }
  // Longest-path layering (Kahn's order); boxes on a cycle keep layer 0.
  const layer = new Map<string, number>();
  const ready = [...boxes].filter((b) => indegree.get(b) === 0);
  for (const b of ready) layer.set(b, 0);
  for (let i = 0; i < ready.length; i++) {
    const b = ready[i];
    for (const t of next.get(b) ?? []) {
      layer.set(t, Math.max(layer.get(t) ?? 0, (layer.get(b) ?? 0) + 1));
      const left = (indegree.get(t) ?? 0) - 1;
      indegree.set(t, left);
      if (left === 0) ready.push(t);
    }
  }
  const perLayer = new Map<number, number>();
  for (const b of boxes) perLayer.set(layer.get(b) ?? 0, (perLayer.get(layer.get(b) ?? 0) ?? 0) + 1);
  const layers = perLayer.size;
  const widest = Math.max(1, ...perLayer.values());
  // Each expanded group on screen adds its frame along the flow (ResNet's groups follow one another).
  const hidden = new Set(owner.values());
  const framed = graph.groups.filter((g) => !g.collapsed && !isHidden(graph, g.id, hidden)).length;
  const down = (graph.direction ?? 'TB') === 'TB';
  const boxAlong = down ? BOX.height : BOX.width;
  const boxAcross = down ? BOX.width : BOX.height;
  return {
    along: layers * (boxAlong + ROW_GAP) + framed * (FRAME.top + FRAME.bottom),
    across: widest * (boxAcross + ACROSS_GAP),
  };
}

/** Whether group `id` sits inside a collapsed group (so draws no frame). */
function isHidden(graph: Graph, id: string, collapsed: ReadonlySet<string>): boolean {
  const byId = new Map(graph.groups.map((g) => [g.id, g]));
  const seen = new Set<string>();
  for (let p = byId.get(id)?.parent; p && !seen.has(p); p = byId.get(p)?.parent) {
    seen.add(p);
    if (collapsed.has(p) || byId.get(p)?.collapsed) return true;
  }
  return false;
}

/** The zoom at which Fit would show `graph` whole in a canvas of `width` × `height` pixels. */
export function fitZoom(graph: Graph, width: number, height: number): number {
  const { along, across } = estimateExtent(graph);
  const down = (graph.direction ?? 'TB') === 'TB';
  const [w, h] = down ? [across, along] : [along, across];
  const room = 1 - 2 * FIT_PADDING;
  return Math.min((width * room) / w, (height * room) / h);
}

/**
 * The groups Fit should show collapsed so the network reads whole in a
 * canvas of `width` × `height`, as `graph` with those flags; null when the
 * design reads as it is (Fit then only moves the view).
 */
export function planSemanticFit(graph: Graph, width: number, height: number): Graph | null {
  if (!graph.groups.length || fitZoom(graph, width, height) >= READABLE_ZOOM) return null;
  const depth = groupDepths(graph);
  const deepest = Math.max(0, ...depth.values());
  const withOpenLevels = (levels: number): Graph => ({
    ...graph,
    groups: graph.groups.map((g) => ({ ...g, collapsed: (depth.get(g.id) ?? 0) >= levels })),
  });
  // Level by level: open the next level only while the whole network still reads.
  let plan = withOpenLevels(0);
  for (let levels = 1; levels <= deepest + 1; levels++) {
    const candidate = withOpenLevels(levels);
    if (fitZoom(candidate, width, height) < READABLE_ZOOM) break;
    plan = candidate;
  }
  const same = plan.groups.every((g, i) => Boolean(g.collapsed) === Boolean(graph.groups[i].collapsed));
  return same ? null : plan;
}
