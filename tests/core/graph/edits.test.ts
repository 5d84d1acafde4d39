import { describe, expect, it } from 'vitest';
import { GraphBuilder, layeredLayout } from '../../../core/graph/builder';
import { applyFix } from '../../../core/graph/fixes';
import {
  addNode,
  connect,
  connectionRefusal,
  duplicateNodes,
  emptyGraph,
  extractSubgraph,
  freshId,
  incomingEdges,
  inputNodeIds,
  insertBefore,
  moveNodes,
  nextFreeInput,
  pasteNodes,
  removeEdges,
  removeNodes,
  renameNode,
  setParams,
  type Graph,
} from '../../../core/graph/graph';
import { inferShapes } from '../../../core/graph/infer';

const name = (g: Graph, id: string) => g.nodes.find((n) => n.id === id)?.name;
const feeds = (g: Graph, id: string) => incomingEdges(g, id).map((e) => [e.targetInput, name(g, e.source)]);

/** image → conv → pool → flat → fc; plus a residual pair a, b → sum. */
function sample() {
  const b = new GraphBuilder();
  const image = b.input([8, 8, 1], 'image');
  const conv = b.layer('Conv2D', { filters: 4, padding: 'same' }, image, 'conv');
  const pool = b.layer('MaxPooling2D', {}, conv, 'pool');
  const flat = b.layer('Flatten', {}, pool, 'flat');
  const fc = b.layer('Dense', {}, flat, 'fc');
  return { graph: b.build(), image, conv, pool, flat, fc };
}

function threeWayAdd() {
  const b = new GraphBuilder();
  const a = b.input([4], 'a');
  const c = b.input([4], 'b');
  const d = b.input([4], 'c');
  const sum = b.layer('Add', {}, [a, c, d], 'sum');
  return { graph: b.build(), a, b: c, c: d, sum };
}

describe('adding and connecting', () => {
  it('addNode fills defaults and picks the next free name and id', () => {
    const { graph } = sample();
    const { graph: g, id } = addNode(graph, 'Conv2D', { params: { filters: 8 } });
    const node = g.nodes.find((n) => n.id === id)!;
    expect(node.name).toBe('conv1');
    expect(node.params).toMatchObject({ filters: 8, kernelSize: [3, 3], padding: 'valid', useBias: true });
    expect(graph.nodes.some((n) => n.id === id)).toBe(false); // pure: the old graph is untouched
    expect(new Set(g.nodes.map((n) => n.id)).size).toBe(g.nodes.length);
    expect(addNode(g, 'Conv2D').graph.nodes.at(-1)?.name).toBe('conv2');
  });

  it('freshId skips ids used by nodes, edges and groups', () => {
    const g: Graph = {
      ...emptyGraph(),
      nodes: [],
      edges: [{ id: 'x1', source: 'a', target: 'b', targetInput: 0 }],
      groups: [{ id: 'x2', label: 'g' }],
    };
    expect(freshId(g, 'x')).toBe('x3');
  });

  it('connect replaces whatever fed the slot', () => {
    const { graph, image, conv, pool } = sample();
    const g = connect(graph, image, pool, 0);
    expect(feeds(g, pool)).toEqual([[0, 'image']]);
    expect(g.edges).toHaveLength(graph.edges.length);
    expect(feeds(graph, pool)).toEqual([[0, 'conv']]);
    expect(new Set(g.edges.map((e) => e.id)).size).toBe(g.edges.length);
    expect(inferShapes(g).shapes.get(pool)).toEqual([null, 4, 4, 1]);
    expect(g.edges.some((e) => e.source === conv && e.target === pool)).toBe(false);
  });

  it('nextFreeInput finds the first open slot', () => {
    const { graph, sum } = threeWayAdd();
    expect(nextFreeInput(graph, sum)).toBe(3);
    const { graph: g2, conv } = sample();
    const lone = addNode(g2, 'Add');
    expect(nextFreeInput(lone.graph, lone.id)).toBe(0);
    expect(nextFreeInput(g2, conv)).toBe(1);
  });

  it.each([
    ['self', (s: ReturnType<typeof sample>) => [s.conv, s.conv], '"conv" cannot feed itself.'],
    ['cycle', (s: ReturnType<typeof sample>) => [s.fc, s.conv], 'Connecting "fc" to "conv" would make a cycle.'],
    [
      'into an input',
      (s: ReturnType<typeof sample>) => [s.conv, s.image],
      'Input "image" takes no inputs: it is where data enters.',
    ],
    ['missing node', (s: ReturnType<typeof sample>) => [s.conv, 'nope'], 'Both ends must be layers in this design.'],
    ['forward is fine', (s: ReturnType<typeof sample>) => [s.image, s.fc], null],
    ['a skip forward is fine', (s: ReturnType<typeof sample>) => [s.conv, s.flat], null],
  ])('connectionRefusal: %s', (_why, ends, expected) => {
    const s = sample();
    const [from, to] = ends(s);
    expect(connectionRefusal(s.graph, from, to)).toBe(expected);
  });
});

describe('removing', () => {
  it('removeNodes drops touching edges and renumbers merge inputs', () => {
    const { graph, b, sum } = threeWayAdd();
    const g = removeNodes(graph, [b]);
    expect(g.nodes.map((n) => n.name)).toEqual(['a', 'c', 'sum']);
    expect(feeds(g, sum)).toEqual([
      [0, 'a'],
      [1, 'c'],
    ]);
    expect(inferShapes(g).diagnostics).toEqual([]);
    expect(feeds(graph, sum)).toHaveLength(3);
  });

  it('removeNodes drops removed ids from declared outputs', () => {
    const { graph, fc, flat } = sample();
    const g = removeNodes({ ...graph, outputs: [flat, fc] }, [fc]);
    expect(g.outputs).toEqual([flat]);
  });

  it('removeEdges renumbers the remaining merge inputs', () => {
    const { graph, sum } = threeWayAdd();
    const first = incomingEdges(graph, sum)[0];
    const g = removeEdges(graph, [first.id]);
    expect(feeds(g, sum)).toEqual([
      [0, 'b'],
      [1, 'c'],
    ]);
  });
});

describe('editing in place', () => {
  it('setParams merges, renameNode renames, moveNodes moves; all pure', () => {
    const { graph, conv, fc } = sample();
    const g1 = setParams(graph, conv, { filters: 16 });
    expect(g1.nodes.find((n) => n.id === conv)?.params).toMatchObject({ filters: 16, padding: 'same' });
    expect(graph.nodes.find((n) => n.id === conv)?.params.filters).toBe(4);
    const g2 = renameNode(g1, fc, 'classifier');
    expect(name(g2, fc)).toBe('classifier');
    const g3 = moveNodes(g2, new Map([[fc, { x: 5, y: 6 }]]));
    expect(g3.nodes.find((n) => n.id === fc)?.position).toEqual({ x: 5, y: 6 });
    expect(g2.nodes.find((n) => n.id === fc)?.position).not.toEqual({ x: 5, y: 6 });
  });

  it("insertBefore puts a layer on an edge, midway, in the node's group", () => {
    const b = new GraphBuilder();
    const x = b.input([4, 4, 2], 'x');
    const inner = b.group('block', () => b.layer('Flatten', {}, x, 'flat'));
    const graph = b.build();
    const { graph: g, id } = insertBefore(graph, inner, 0, 'ReLU', { maxValue: 6 });
    expect(feeds(g, id)).toEqual([[0, 'x']]);
    expect(feeds(g, inner)).toEqual([[0, 'relu1']]);
    const added = g.nodes.find((n) => n.id === id)!;
    const [px, pf] = [graph.nodes[0].position, graph.nodes[1].position];
    expect(added.position).toEqual({ x: (px.x + pf.x) / 2, y: (px.y + pf.y) / 2 });
    expect(added.group).toBe('g1');
    expect(added.params.maxValue).toBe(6);
    expect(inferShapes(g).diagnostics).toEqual([]);
  });

  it('insertBefore on the first input of a merge keeps the other inputs', () => {
    const { graph, sum } = threeWayAdd();
    const { graph: g } = insertBefore(graph, sum, 0, 'ReLU');
    expect(feeds(g, sum)).toEqual([
      [0, 'relu1'],
      [1, 'b'],
      [2, 'c'],
    ]);
    expect(inferShapes(g).diagnostics).toEqual([]);
  });

  it('insertBefore an unconnected slot adds a layer that feeds it', () => {
    const g0 = addNode(emptyGraph(), 'Dense');
    const { graph: g, id } = insertBefore(g0.graph, g0.id, 0, 'Flatten');
    expect(feeds(g, g0.id)).toEqual([[0, 'flatten1']]);
    expect(feeds(g, id)).toEqual([]);
  });

  it('applyFix with set-param changes just that parameter', () => {
    const { graph, conv } = sample();
    const g = applyFix(graph, {
      label: 'x',
      nodeId: conv,
      edit: { kind: 'set-param', param: 'padding', value: 'valid' },
    });
    expect(g.nodes.find((n) => n.id === conv)?.params).toMatchObject({ padding: 'valid', filters: 4 });
  });
});

describe('copy and paste', () => {
  it('duplicateNodes copies nodes and the edges among them with fresh ids and names', () => {
    const { graph, conv, pool } = sample();
    const { graph: g, ids } = duplicateNodes(graph, [conv, pool], { x: 10, y: 20 });
    expect(ids).toHaveLength(2);
    expect(ids.some((id) => graph.nodes.some((n) => n.id === id))).toBe(false);
    const copies = ids.map((id) => g.nodes.find((n) => n.id === id)!);
    expect(copies.map((n) => n.name)).toEqual(['conv1', 'pool1']);
    expect(new Set(g.nodes.map((n) => n.name)).size).toBe(g.nodes.length);
    expect(copies[0].position).toEqual({ x: graph.nodes[1].position.x + 10, y: graph.nodes[1].position.y + 20 });
    // Only the internal edge comes along; the copy's input is open.
    expect(feeds(g, ids[1])).toEqual([[0, 'conv1']]);
    expect(feeds(g, ids[0])).toEqual([]);
    // Parameters are deep copies.
    (copies[0].params.kernelSize as number[])[0] = 9;
    expect(graph.nodes.find((n) => n.id === conv)?.params.kernelSize).toEqual([3, 3]);
  });

  it('pasting the same clipboard twice never repeats a name or id', () => {
    const { graph, conv, pool } = sample();
    const clip = extractSubgraph(graph, [conv, pool]);
    let g = pasteNodes(graph, clip).graph;
    g = pasteNodes(g, clip).graph;
    expect(g.nodes).toHaveLength(graph.nodes.length + 4);
    expect(new Set(g.nodes.map((n) => n.name)).size).toBe(g.nodes.length);
    expect(new Set(g.nodes.map((n) => n.id)).size).toBe(g.nodes.length);
    expect(new Set(g.edges.map((e) => e.id)).size).toBe(g.edges.length);
  });
});

describe('GraphBuilder', () => {
  it('names layers by prefix, groups them, and refuses duplicate names', () => {
    const b = new GraphBuilder();
    const x = b.input([4, 4, 1]);
    const c1 = b.layer('Conv2D', {}, x);
    const [c2, c3] = b.group('stage1', () => [
      b.layer('Conv2D', {}, c1),
      b.group('inner', () => b.layer('Conv2D', {}, c1)),
    ]);
    const g = b.build();
    expect([x, c1, c2, c3].map((id) => name(g, id))).toEqual(['input1', 'conv1', 'conv2', 'conv3']);
    expect(g.groups).toEqual([
      { id: 'g1', label: 'stage1' },
      { id: 'g2', label: 'inner', parent: 'g1' },
    ]);
    expect(g.nodes.find((n) => n.id === c2)?.group).toBe('g1');
    expect(g.nodes.find((n) => n.id === c3)?.group).toBe('g2');
    expect(g.nodes.find((n) => n.id === c1)?.group).toBeUndefined();
    expect(() => b.layer('Dense', {}, c1, 'conv1')).toThrow(/duplicate layer name "conv1"/);
    expect(() => b.layer('Conv3D', {}, c1)).toThrow(/Unknown layer type "Conv3D"/);
  });

  it('lays out rows by depth and branches side by side', () => {
    const b = new GraphBuilder();
    const x = b.input([4]);
    const l = b.layer('Dense', {}, x);
    const r = b.layer('Dense', {}, x);
    const s = b.layer('Add', {}, [l, r]);
    const g = b.build();
    const pos = (id: string) => g.nodes.find((n) => n.id === id)!.position;
    expect(pos(x).y).toBeLessThan(pos(l).y);
    expect(pos(l).y).toBe(pos(r).y);
    expect(pos(l).x).not.toBe(pos(r).x);
    expect(pos(s).y).toBeGreaterThan(pos(l).y);
    // A cycle does not hang the layout.
    expect(layeredLayout(connect(g, s, l, 0)).nodes).toHaveLength(4);
  });
});

describe('inputNodeIds', () => {
  it('lists the layers that take no inputs, in node order', () => {
    const b = new GraphBuilder();
    const image = b.input([8, 8, 1], 'image');
    const extra = b.input([4], 'extra');
    b.layer('Concatenate', {}, [b.layer('Flatten', {}, image), extra]);
    expect(inputNodeIds(b.build())).toEqual([image, extra]);
  });
});
