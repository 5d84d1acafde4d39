import { describe, expect, it } from 'vitest';
import { addNode, connect, emptyGraph, type Graph } from '../../core/graph/graph';
import { inferShapes } from '../../core/graph/infer';
import { summarize } from '../../core/graph/summary';
import { getTemplate } from '../../templates/index';
import { FlowCache, toFlow, type FlowNode } from '../../renderer/canvas/flow-model';
import { overlappingPairs, visibleBoxes } from '../../core/graph/geometry';
import { layoutGraph } from '../../core/graph/layout';
import { EditorStore, isDirty } from '../../renderer/state/editor-store';
import {
  addLayer,
  connectLayers,
  copySelection,
  deleteSelection,
  dragTo,
  paste,
  setAllGroupsCollapsed,
  setParam,
  toggleGroup,
} from '../../renderer/state/edit-commands';
import { checkDesignAgainstData } from '../../core/train/design-check';
import { planSemanticFit } from '../../renderer/canvas/semantic-fit';

function chain(): { graph: Graph; input: string; conv: string } {
  const input = addNode(emptyGraph(), 'InputLayer', { params: { shape: [32, 32, 3] } });
  const conv = addNode(input.graph, 'Conv2D', {
    params: { filters: 8, kernelSize: [3, 3] },
    position: { x: 0, y: 110 },
  });
  return { graph: connect(conv.graph, input.id, conv.id, 0), input: input.id, conv: conv.id };
}

describe('the editor store', () => {
  it('undoes and redoes every commit, and a new edit drops the redo stack', () => {
    const { graph, conv } = chain();
    const store = new EditorStore(graph);
    setParam(store, conv, 'filters', 16);
    setParam(store, conv, 'padding', 'same');
    expect(store.getState().graph.nodes[1].params).toMatchObject({ filters: 16, padding: 'same' });
    store.undo();
    expect(store.getState().graph.nodes[1].params).toMatchObject({ filters: 16, padding: 'valid' });
    store.undo();
    expect(store.getState().graph).toBe(graph);
    store.redo();
    expect(store.getState().graph.nodes[1].params.filters).toBe(16);
    setParam(store, conv, 'filters', 4);
    expect(store.getState().future).toHaveLength(0);
  });

  it('makes a whole drag one undo step', () => {
    const { graph, conv } = chain();
    const store = new EditorStore(graph);
    for (let x = 10; x <= 50; x += 10) dragTo(store, new Map([[conv, { x, y: 110 }]]));
    store.endPreview();
    expect(store.getState().graph.nodes[1].position).toEqual({ x: 50, y: 110 });
    expect(store.getState().past).toHaveLength(1);
    store.undo();
    expect(store.getState().graph.nodes[1].position).toEqual({ x: 0, y: 110 });
  });

  it('marks the design unsaved until it is saved, and clean again when undone back', () => {
    const { graph, conv } = chain();
    const store = new EditorStore(graph);
    expect(isDirty(store.getState())).toBe(false);
    setParam(store, conv, 'filters', 16);
    expect(isDirty(store.getState())).toBe(true);
    store.undo();
    expect(isDirty(store.getState())).toBe(false);
    store.redo();
    store.markSaved('net.netcanvas.json');
    expect(isDirty(store.getState())).toBe(false);
    expect(store.getState().fileName).toBe('net.netcanvas.json');
  });

  it('keeps the previous design one undo step away after opening another', () => {
    const { graph } = chain();
    const store = new EditorStore(graph);
    const lenet = getTemplate('lenet5').build();
    store.load(lenet, 'lenet.netcanvas.json');
    expect(store.getState().graph).toBe(lenet);
    expect(isDirty(store.getState())).toBe(false);
    store.undo();
    expect(store.getState().graph).toBe(graph);
  });
});

describe('edit commands', () => {
  it('adds a clicked layer after the selected one and connects it', () => {
    const { graph, conv } = chain();
    const store = new EditorStore(graph);
    store.select([conv]);
    const pool = addLayer(store, 'MaxPooling2D');
    const next = store.getState().graph;
    expect(next.edges.some((e) => e.source === conv && e.target === pool)).toBe(true);
    expect(inferShapes(next).shapes.get(pool)).toEqual([null, 15, 15, 8]);
    expect([...store.getState().selectedNodes]).toEqual([pool]);
  });

  it('refuses a cycle with a message and leaves the graph alone', () => {
    const { graph, input, conv } = chain();
    const store = new EditorStore(graph);
    const pool = addLayer(store, 'MaxPooling2D', { x: 0, y: 220 });
    expect(connectLayers(store, conv, pool)).toBe(true);
    const before = store.getState().graph;
    expect(connectLayers(store, pool, conv)).toBe(false);
    expect(store.getState().notice?.text).toMatch(/would make a cycle/);
    expect(store.getState().graph).toBe(before);
    expect(connectLayers(store, conv, input)).toBe(false);
    expect(store.getState().notice?.text).toMatch(/takes no inputs/);
  });

  it('copies, pastes with fresh names, and deletes the selection', () => {
    const { graph, input, conv } = chain();
    const store = new EditorStore(graph);
    store.select([input, conv]);
    copySelection(store);
    paste(store);
    const pasted = store.getState().graph;
    expect(pasted.nodes).toHaveLength(4);
    expect(new Set(pasted.nodes.map((n) => n.name)).size).toBe(4);
    expect(pasted.edges).toHaveLength(2);
    deleteSelection(store);
    expect(store.getState().graph.nodes.map((n) => n.id)).toEqual([input, conv]);
  });
});

describe('editing without traps', () => {
  const byName = (graph: Graph, name: string) => graph.nodes.find((n) => n.name === name)!;

  it('inserts a clicked layer between the selected one and what it fed, laid out, and selects it', async () => {
    const lenet = await layoutGraph(getTemplate('lenet5').build());
    const store = new EditorStore(lenet);
    store.select([byName(lenet, 's2').id]);
    const dropout = addLayer(store, 'Dropout');
    const graph = store.getState().graph;
    expect(graph.nodes).toHaveLength(10);
    const s2 = byName(lenet, 's2').id;
    const c3 = byName(lenet, 'c3').id;
    expect(graph.edges.filter((e) => e.target === dropout).map((e) => e.source)).toEqual([s2]);
    expect(graph.edges.filter((e) => e.source === dropout).map((e) => e.target)).toEqual([c3]);
    expect(graph.edges.some((e) => e.source === s2 && e.target === c3)).toBe(false);
    const report = inferShapes(graph);
    expect(report.diagnostics).toEqual([]);
    expect(checkDesignAgainstData(graph, report, { inputShape: [32, 32, 1], classCount: 10 }).blocked).toBeNull();
    expect(overlappingPairs(visibleBoxes(graph))).toEqual([]);
    // One row after s2, and c3 one row further than it was.
    const d = graph.nodes.find((n) => n.id === dropout)!;
    expect(d.position.x).toBe(byName(lenet, 's2').position.x);
    expect(d.position.y).toBeGreaterThan(byName(lenet, 's2').position.y);
    expect(byName(graph, 'c3').position.y).toBeGreaterThan(d.position.y);
    expect([...store.getState().selectedNodes]).toEqual([dropout]);
    store.undo();
    expect(store.getState().graph).toBe(lenet);
  });

  it('moves a dropped layer off the boxes it would cover, and a click with nothing selected after everything', () => {
    const { graph, conv } = chain();
    const store = new EditorStore(graph);
    const at = graph.nodes.find((n) => n.id === conv)!.position;
    addLayer(store, 'Dense', { x: at.x + 20, y: at.y + 10 });
    expect(overlappingPairs(visibleBoxes(store.getState().graph))).toEqual([]);
    store.select([]);
    addLayer(store, 'Flatten');
    const next = store.getState().graph;
    expect(overlappingPairs(visibleBoxes(next))).toEqual([]);
    expect(next.nodes.at(-1)!.position.y).toBeGreaterThan(Math.max(...graph.nodes.map((n) => n.position.y)));
  });

  it('reconnects the neighbours of a deleted one-in layer, and can leave them unconnected', async () => {
    const lenet = await layoutGraph(getTemplate('lenet5').build());
    const store = new EditorStore(lenet);
    const flatten = byName(lenet, 'flatten').id;
    store.select([flatten]);
    deleteSelection(store);
    const graph = store.getState().graph;
    const s4 = byName(lenet, 's4').id;
    const f5 = byName(lenet, 'f5').id;
    expect(graph.edges.some((e) => e.source === s4 && e.target === f5 && e.targetInput === 0)).toBe(true);
    expect(store.getState().notice?.text).toBe('Deleted "flatten" and connected "s4" → "f5".');
    // The row flatten left closes: f5 moves up to where flatten was.
    expect(byName(graph, 'f5').position.y).toBe(byName(lenet, 'flatten').position.y);
    expect(overlappingPairs(visibleBoxes(graph))).toEqual([]);
    store.getState().notice?.action?.run();
    const plain = store.getState().graph;
    expect(plain.nodes).toHaveLength(8);
    expect(plain.edges.some((e) => e.source === s4 && e.target === f5)).toBe(false);
    store.undo();
    expect(store.getState().graph).toBe(lenet);
  });

  it('keeps a merge input in its slot when the layer feeding it is deleted', async () => {
    const resnet = await layoutGraph(getTemplate('resnet18').build());
    const store = new EditorStore(resnet);
    const bn2 = byName(resnet, 'layer1.0.bn2').id;
    const add = byName(resnet, 'layer1.0.add').id;
    const before = resnet.edges.filter((e) => e.target === add).sort((a, b) => a.targetInput - b.targetInput);
    store.select([bn2]);
    deleteSelection(store);
    const after = store
      .getState()
      .graph.edges.filter((e) => e.target === add)
      .sort((a, b) => a.targetInput - b.targetInput);
    expect(after.map((e) => e.source)).toEqual([byName(resnet, 'layer1.0.conv2').id, before[1].source]);
    expect(inferShapes(store.getState().graph).diagnostics).toEqual([]);
  });

  it('shows a lone Input as valid, with its shape', () => {
    const lone = addNode(emptyGraph(), 'InputLayer', { params: { shape: [28, 28, 1] } });
    const report = inferShapes(lone.graph);
    expect(report.diagnostics).toEqual([]);
    expect(report.shapes.get(lone.id)).toEqual([null, 28, 28, 1]);
  });

  it('opens and closes one group in place as one undo step, never overlapping', async () => {
    const resnet = await layoutGraph(getTemplate('resnet18').build());
    const store = new EditorStore(resnet);
    const block = resnet.groups.find((g) => g.label.startsWith('layer2.0'))!;
    toggleGroup(store, block.id);
    expect(overlappingPairs(visibleBoxes(store.getState().graph))).toEqual([]);
    expect(store.getState().graph.groups.find((g) => g.id === block.id)?.collapsed).toBe(true);
    toggleGroup(store, block.id);
    expect(overlappingPairs(visibleBoxes(store.getState().graph))).toEqual([]);
    expect(store.getState().past).toHaveLength(2);
    store.undo();
    store.undo();
    expect(store.getState().graph).toBe(resnet);
  });
});

describe('semantic zoom for Fit', () => {
  it('shows ResNet-18 with its stages collapsed in a laptop-sized canvas, and LeNet-5 as it is', () => {
    const plan = planSemanticFit(getTemplate('resnet18').build(), 870, 600);
    expect(plan?.groups.filter((g) => !g.parent).every((g) => g.collapsed)).toBe(true);
    expect(planSemanticFit(getTemplate('lenet5').build(), 870, 600)).toBeNull();
  });

  it('opens the next level of groups when there is room for it', () => {
    const plan = planSemanticFit(getTemplate('resnet18').build(), 870, 2400);
    // Stages open, their blocks closed: the blocks of a stage read as boxes.
    expect(plan?.groups.filter((g) => !g.parent).some((g) => g.collapsed)).toBe(false);
    expect(plan?.groups.filter((g) => g.parent).every((g) => g.collapsed)).toBe(true);
  });
});

describe('the canvas model', () => {
  const flowOf = (graph: Graph, cache = new FlowCache()) => {
    const report = inferShapes(graph);
    return toFlow(
      {
        graph,
        report,
        summary: summarize(graph, report),
        selectedNodes: new Set(),
        selectedEdges: new Set(),
        measured: new Map(),
      },
      cache,
    );
  };

  it('shows every box with its shape and parameters, and keeps the edges when an edit changes only shapes', () => {
    const lenet = getTemplate('lenet5').build();
    const cache = new FlowCache();
    const { nodes, edges } = flowOf(lenet, cache);
    const c1 = nodes.find((n) => n.type === 'layer' && n.data.name === 'c1') as Extract<FlowNode, { type: 'layer' }>;
    expect(c1.data).toMatchObject({ shape: '28×28×6', params: 156, detail: expect.stringContaining('5×5') });
    // Each edge names the layer whose output it carries, so its label follows that layer's shape.
    expect(edges.find((e) => e.target === lenet.nodes.find((n) => n.name === 's2')!.id)?.data?.from).toBe(c1.id);
    const wider = {
      ...lenet,
      nodes: lenet.nodes.map((n) => (n.id === c1.id ? { ...n, params: { ...n.params, filters: 12 } } : n)),
    };
    expect(flowOf(wider, cache).edges).toBe(edges);
  });

  it('shows a collapsed group as one box with its input and output shapes and parameter total', () => {
    const resnet = getTemplate('resnet18').build();
    const store = new EditorStore(resnet);
    setAllGroupsCollapsed(store, true);
    const graph = store.getState().graph;
    const { nodes, edges } = flowOf(graph);
    const groups = nodes.filter((n) => n.type === 'collapsedGroup');
    expect(groups.map((g) => g.data.label)).toEqual(['stem', 'layer1', 'layer2', 'layer3', 'layer4']);
    const layer2 = groups[2].data;
    expect(layer2).toMatchObject({ inShape: '56×56×64', outShape: '28×28×128' });
    const summary = summarize(graph);
    const inLayer2 = new Set(
      graph.nodes
        .filter((n) => n.group && graph.groups.find((g) => g.id === n.group)?.label.startsWith('layer2'))
        .map((n) => n.id),
    );
    expect(layer2.params).toBe(
      summary.layers
        .filter((l) => inLayer2.has(l.nodeId))
        .reduce((a, l) => a + l.trainableParams + l.nonTrainableParams, 0),
    );
    // Stages connect box to box; nothing inside a group is drawn.
    expect(edges.filter((e) => e.source.startsWith('group:') && e.target.startsWith('group:'))).toHaveLength(4);
    expect(nodes.filter((n) => n.type === 'layer')).toHaveLength(3);
    // Laid out after collapsing: the boxes do not overlap.
    const ys = groups.map((g) => g.position.y).sort((a, b) => a - b);
    for (let i = 1; i < ys.length; i++) expect(ys[i] - ys[i - 1]).toBeGreaterThanOrEqual(78);
  });

  it('draws the frame of an expanded group around its collapsed sub-groups too', () => {
    const resnet = getTemplate('resnet18').build();
    const block = resnet.groups.find((g) => g.label.startsWith('layer2.0'))!;
    const graph = { ...resnet, groups: resnet.groups.map((g) => (g.id === block.id ? { ...g, collapsed: true } : g)) };
    const { nodes } = flowOf(graph);
    const frame = nodes.find((n) => n.type === 'frame' && n.data.label === 'layer2')!;
    const box = nodes.find((n) => n.id === `group:${block.id}`)!;
    expect(box.position.x).toBeGreaterThan(frame.position.x);
    expect(box.position.y).toBeGreaterThan(frame.position.y);
    expect(box.position.y + 78).toBeLessThan(frame.position.y + (frame.height ?? 0));
    expect(nodes.some((n) => n.type === 'frame' && n.data.label.startsWith('layer2.0'))).toBe(false);
  });

  it('reuses the boxes an edit did not touch', () => {
    const lenet = getTemplate('lenet5').build();
    const cache = new FlowCache();
    const before = flowOf(lenet, cache);
    const c3 = lenet.nodes.find((n) => n.name === 'c3')!;
    const after = flowOf(
      { ...lenet, nodes: lenet.nodes.map((n) => (n === c3 ? { ...n, params: { ...n.params, filters: 20 } } : n)) },
      cache,
    );
    const same = after.nodes.filter((n, i) => n === before.nodes[i]).map((n) => (n.data as { name: string }).name);
    // c3's filters change c3, s4, flatten and f5 (its weights); the layers before, f6 and the output keep their boxes.
    expect(same).toEqual(['input', 'c1', 's2', 'f6', 'output']);
  });

  it('lays out top to bottom with no two boxes overlapping', async () => {
    const laidOut = await layoutGraph(getTemplate('resnet18').build());
    expect(overlappingPairs(visibleBoxes(laidOut))).toEqual([]);
    const ys = laidOut.nodes.filter((n) => !n.group).map((n) => n.position.y);
    expect(ys).toEqual([...ys].sort((a, b) => a - b));
  });
});

describe('unsaved training settings', () => {
  it('marks the project unsaved when its training settings change, and saved again after a save', () => {
    const store = new EditorStore();
    store.setTraining({ settings: { epochs: 3 } }, true);
    expect(isDirty(store.getState())).toBe(false);
    store.setTraining({ settings: { epochs: 5 } });
    expect(isDirty(store.getState())).toBe(true);
    store.markSaved('net.netcanvas.json');
    expect(isDirty(store.getState())).toBe(false);
  });
});
