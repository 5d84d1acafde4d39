/**
 * The layered layout and the in-place geometry edits, checked as a reader of
 * the canvas would: no two boxes overlap, every line runs between boxes (not
 * under them), a residual block shows its shortcut beside the main path, and
 * opening or closing a group moves the rest aside without an overlap.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BOX,
  collapseInPlace,
  expandInPlace,
  overlappingPairs,
  routeAround,
  visibleBoxes,
  boxIdOf,
  type Rect,
} from '../../../core/graph/geometry';
import type { Graph, Position } from '../../../core/graph/graph';
import { layoutGraph } from '../../../core/graph/layout';
import { getTemplate } from '../../../templates/index';

/** Where a box's input and output handles are, as the canvas draws them. */
function handles(box: Rect, direction: Graph['direction']): { in: Position; out: Position } {
  return direction === 'LR'
    ? { in: { x: box.x, y: box.y + box.height / 2 }, out: { x: box.x + box.width, y: box.y + box.height / 2 } }
    : { in: { x: box.x + box.width / 2, y: box.y }, out: { x: box.x + box.width / 2, y: box.y + box.height } };
}

/**
 * For every drawn line: the share of its length that runs under a box it does
 * not connect, sampled every 2 units along the polyline handle → bends → handle.
 */
function worstLineUnderBoxes(graph: Graph): { share: number; edge: string } {
  const boxes = visibleBoxes(graph);
  const boxOf = boxIdOf(graph);
  let worst = { share: 0, edge: '' };
  for (const e of graph.edges) {
    const a = boxOf.get(e.source) as string;
    const b = boxOf.get(e.target) as string;
    if (a === b) continue;
    const points = [
      handles(boxes.get(a) as Rect, graph.direction).out,
      ...(e.route ?? []),
      handles(boxes.get(b) as Rect, graph.direction).in,
    ];
    let under = 0;
    let total = 0;
    for (let i = 0; i + 1 < points.length; i++) {
      const [p, q] = [points[i], points[i + 1]];
      const length = Math.hypot(q.x - p.x, q.y - p.y);
      for (let t = 0; t < length; t += 2) {
        const x = p.x + ((q.x - p.x) * t) / length;
        const y = p.y + ((q.y - p.y) * t) / length;
        total++;
        for (const [id, r] of boxes)
          if (id !== a && id !== b && x > r.x && x < r.x + r.width && y > r.y && y < r.y + r.height) {
            under++;
            break;
          }
      }
    }
    if (total && under / total > worst.share) worst = { share: under / total, edge: e.id };
  }
  return worst;
}

/** Whether every segment of every route is horizontal or vertical. */
const orthogonal = (graph: Graph): boolean =>
  graph.edges.every((e) => (e.route ?? []).every((p, i, r) => i === 0 || p.x === r[i - 1].x || p.y === r[i - 1].y));

let resnet18: Graph;
beforeAll(async () => {
  resnet18 = await layoutGraph(getTemplate('resnet18').build());
});

describe('the layered layout', () => {
  it('lays ResNet-18 out with no overlapping boxes and every line between the boxes', () => {
    expect(overlappingPairs(visibleBoxes(resnet18))).toEqual([]);
    expect(worstLineUnderBoxes(resnet18).share).toBe(0);
    expect(orthogonal(resnet18)).toBe(true);
    expect(resnet18.edges.every((e) => e.route)).toBe(true);
  });

  it('draws a residual block as its paper does: the main path in a column, the shortcut in a lane beside it', () => {
    const byName = new Map(resnet18.nodes.map((n) => [n.name, n]));
    const main = ['layer1.0.conv1', 'layer1.0.bn1', 'layer1.0.relu1', 'layer1.0.conv2', 'layer1.0.bn2', 'layer1.0.add'];
    const xs = new Set(main.map((name) => byName.get(name)?.position.x));
    expect(xs.size).toBe(1);
    const ys = main.map((name) => byName.get(name)?.position.y as number);
    expect([...ys].sort((a, b) => a - b)).toEqual(ys);
    // The identity shortcut from the stem's max pool into the add bends out of that column and back.
    const pool = byName.get('maxpool')?.id;
    const add = byName.get('layer1.0.add')?.id;
    const shortcut = resnet18.edges.find((e) => e.source === pool && e.target === add);
    const column = (byName.get('layer1.0.conv1')?.position.x as number) + BOX.width / 2;
    expect(shortcut?.route?.some((p) => Math.abs(p.x - column) >= BOX.width / 2)).toBe(true);
  });

  it('lays out left to right when the design says so', async () => {
    const lenet = await layoutGraph({ ...getTemplate('lenet5').build(), direction: 'LR' });
    const xs = lenet.nodes.map((n) => n.position.x);
    expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    expect(new Set(lenet.nodes.map((n) => n.position.y)).size).toBe(1);
    expect(worstLineUnderBoxes(lenet).share).toBe(0);
  });

  it('shows a collapsed group as one box, its layers keeping their arrangement inside it', async () => {
    const stages = new Set(resnet18.groups.filter((g) => !g.parent).map((g) => g.id));
    const collapsed = await layoutGraph({
      ...resnet18,
      groups: resnet18.groups.map((g) => (stages.has(g.id) ? { ...g, collapsed: true } : g)),
    });
    const boxes = visibleBoxes(collapsed);
    expect(boxes.size).toBe(3 + stages.size);
    expect(overlappingPairs(boxes)).toEqual([]);
    expect(worstLineUnderBoxes(collapsed).share).toBe(0);
    // Inside layer1 the layers sit as they did before, relative to each other.
    const offset = (g: Graph, a: string, b: string) => {
      const [na, nb] = [a, b].map((name) => g.nodes.find((n) => n.name === name)?.position as Position);
      return { x: nb.x - na.x, y: nb.y - na.y };
    };
    expect(offset(collapsed, 'layer1.0.conv1', 'layer1.1.add')).toEqual(
      offset(resnet18, 'layer1.0.conv1', 'layer1.1.add'),
    );
  });
});

describe('groups open and close in place', () => {
  it('leaves no overlap when any one group of ResNet-18 opens or closes, and closing undoes opening', () => {
    for (const group of resnet18.groups) {
      const closed = collapseInPlace(resnet18, group.id);
      expect(overlappingPairs(visibleBoxes(closed)), `closing ${group.label}`).toEqual([]);
      expect(visibleBoxes(closed).has(`group:${group.id}`)).toBe(true);
      const opened = expandInPlace(closed, group.id);
      expect(overlappingPairs(visibleBoxes(opened)), `opening ${group.label}`).toEqual([]);
      expect(opened.nodes.map((n) => n.position)).toEqual(resnet18.nodes.map((n) => n.position));
    }
  });

  it('opens a group among closed ones by moving only what comes after it', () => {
    const allClosed = resnet18.groups.reduce((g, group) => collapseInPlace(g, group.id), resnet18);
    const stage = resnet18.groups.find((g) => g.label === 'layer2') as Graph['groups'][number];
    const before = visibleBoxes(allClosed);
    const opened = expandInPlace(allClosed, stage.id);
    const after = visibleBoxes(opened);
    expect(overlappingPairs(after)).toEqual([]);
    const stageBox = before.get(`group:${stage.id}`) as Rect;
    for (const [id, box] of before) {
      if (!after.has(id)) continue;
      const moved = after.get(id) as Rect;
      // Above the opened stage nothing moves; below it everything moves down by the same amount.
      if (box.y + box.height <= stageBox.y) expect(moved).toEqual(box);
      if (box.y >= stageBox.y + stageBox.height) expect(moved.y).toBeGreaterThan(box.y);
    }
  });
});

describe('routing a line around boxes', () => {
  const block: Rect = { x: 0, y: 100, width: BOX.width, height: BOX.height };
  const under = (route: Position[], from: Position, to: Position) => {
    const points = [from, ...route, to];
    for (let i = 0; i + 1 < points.length; i++) {
      const [p, q] = [points[i], points[i + 1]];
      if (p.x !== q.x && p.y !== q.y) return 'diagonal';
      const x0 = Math.min(p.x, q.x),
        x1 = Math.max(p.x, q.x),
        y0 = Math.min(p.y, q.y),
        y1 = Math.max(p.y, q.y);
      if (x1 > block.x && x0 < block.x + block.width && y1 > block.y && y0 < block.y + block.height) return 'under';
    }
    return 'clear';
  };

  it('goes straight when nothing is in the way, and around a box that is', () => {
    expect(routeAround({ x: 105, y: 0 }, { x: 105, y: 90 }, [block])).toEqual([]);
    const from = { x: 105, y: 0 };
    const to = { x: 105, y: 300 };
    const around = routeAround(from, to, [block]);
    expect(around.length).toBeGreaterThan(0);
    expect(under(around, from, to)).toBe('clear');
  });

  it('finds a way back up for a line drawn against the flow', () => {
    const from = { x: 105, y: 300 };
    const to = { x: 400, y: 0 };
    expect(under(routeAround(from, to, [block]), from, to)).toBe('clear');
  });
});
