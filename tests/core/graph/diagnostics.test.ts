import { describe, expect, it } from 'vitest';
import { DIAGNOSTICS } from '../../../core/errors';
import { GraphBuilder } from '../../../core/graph/builder';
import { applyFix } from '../../../core/graph/fixes';
import { addNode, connect, outputNodeIds, type Graph } from '../../../core/graph/graph';
import { hasErrors, inferShapes, MAX_TENSOR_ELEMENTS } from '../../../core/graph/infer';

const codesOf = (g: Graph) =>
  inferShapes(g).diagnostics.map((d) => [g.nodes.find((n) => n.id === d.nodeId)?.name, d.code]);

describe('cycles', () => {
  function cyclic() {
    const b = new GraphBuilder();
    const x = b.input([8], 'x');
    const add = b.layer('Add', {}, [x], 'sum'); // slot 1 is closed by the back edge below
    const r1 = b.layer('ReLU', {}, add, 'r1');
    const r2 = b.layer('Dense', { units: 8 }, r1, 'd2');
    const after = b.layer('Dense', { units: 2 }, r2, 'head');
    return { graph: connect(b.build(), r2, add, 1), x, add, r1, r2, after };
  }

  it('reports a cycle once, on its first layer, with one message naming the whole cycle', () => {
    const { graph, add } = cyclic();
    const report = inferShapes(graph);
    const cycle = report.diagnostics.filter((d) => d.code === 'cycle');
    expect(cycle.map((d) => d.nodeId)).toEqual([add]);
    expect(cycle.map((d) => d.message)).toEqual([
      'Add "sum": is on a cycle "sum" → "r1" → "d2" → "sum"; data must flow one way',
    ]);
    expect(cycle.every((d) => d.severity === 'error')).toBe(true);
  });

  it('does not blame the layers downstream of the cycle nor the input before it', () => {
    const { graph, x, after } = cyclic();
    const report = inferShapes(graph);
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics.some((d) => d.nodeId === after || d.nodeId === x)).toBe(false);
    expect(report.shapes.get(x)).toEqual([null, 8]);
    expect(report.shapes.has(after)).toBe(false);
    expect(report.order).toEqual([x]);
  });

  it('a layer feeding itself is a cycle of one', () => {
    const b = new GraphBuilder();
    const x = b.input([4], 'x');
    const add = b.layer('Add', {}, [x], 'loop');
    const graph = connect(b.build(), add, add, 1);
    expect(inferShapes(graph).diagnostics.map((d) => d.message)).toEqual([
      'Add "loop": is on a cycle "loop" → "loop"; data must flow one way',
    ]);
  });

  it('two separate cycles are both reported, each naming its own nodes', () => {
    const b = new GraphBuilder();
    const x = b.input([4], 'x');
    const a1 = b.layer('Add', {}, [x], 'a1');
    const a2 = b.layer('ReLU', {}, a1, 'a2');
    const c1 = b.layer('Add', {}, [x], 'c1');
    const c2 = b.layer('ReLU', {}, c1, 'c2');
    let g = connect(b.build(), a2, a1, 1);
    g = connect(g, c2, c1, 1);
    const messages = inferShapes(g).diagnostics.map((d) => d.message);
    expect(messages).toEqual([
      'Add "a1": is on a cycle "a1" → "a2" → "a1"; data must flow one way',
      'Add "c1": is on a cycle "c1" → "c2" → "c1"; data must flow one way',
    ]);
  });
});

describe('connection problems', () => {
  it('a layer with no input, and nothing blamed after it', () => {
    const first = addNode(new GraphBuilder().build(), 'Dense', { name: 'fc' });
    const second = addNode(first.graph, 'Dense', { name: 'out' });
    const [dense, head] = [first.id, second.id];
    const g = connect(second.graph, dense, head);
    const report = inferShapes(g);
    expect(report.diagnostics).toEqual([
      {
        nodeId: dense,
        code: 'missing-input',
        severity: 'error',
        message: 'Dense "fc": has no input; connect a layer to it',
      },
    ]);
    expect(report.shapes.has(head)).toBe(false);
  });

  it('a merge with a gap in its inputs names the missing slot', () => {
    const b = new GraphBuilder();
    const x = b.input([4], 'x');
    const y = b.input([4], 'y');
    const added = addNode(b.build(), 'Add', { name: 'sum' });
    const add = added.id;
    let g = connect(added.graph, x, add, 0);
    g = connect(g, y, add, 2);
    expect(inferShapes(g).diagnostics.map((d) => d.message)).toEqual([
      'Add "sum": needs at least 2 inputs but input 2 is not connected',
    ]);
  });

  it('disconnected layers and inputs that feed nothing', () => {
    const b = new GraphBuilder();
    const x = b.input([4], 'x');
    b.layer('Dense', {}, x, 'fc');
    b.input([8], 'unused');
    let g = b.build();
    g = addNode(g, 'Conv2D', { name: 'stray' }).graph;
    const report = inferShapes(g);
    expect(report.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['disconnected', 'InputLayer "unused": feeds no layer; connect it to the network'],
      ['disconnected', 'Conv2D "stray": is not connected to anything'],
    ]);
  });

  it('too many inputs on a single-input layer', () => {
    const b = new GraphBuilder();
    const x = b.input([4], 'x');
    const y = b.input([4], 'y');
    const fc = b.layer('Dense', {}, [x, y], 'fc');
    const report = inferShapes(b.build());
    expect(report.diagnostics).toEqual([
      {
        nodeId: fc,
        code: 'too-many-inputs',
        severity: 'error',
        message: 'Dense "fc": takes one input but has 2; use an Add or Concatenate to merge tensors',
      },
    ]);
  });

  it('two edges into the same slot (a hand-edited file) are too many inputs, not a silent pick', () => {
    const b = new GraphBuilder();
    const x = b.input([4], 'x');
    const y = b.input([6], 'y');
    const fc = b.layer('Dense', {}, x, 'fc');
    const g = b.build();
    g.edges.push({ id: 'dup', source: y, target: fc, targetInput: 0 });
    expect(codesOf(g)).toEqual([['fc', 'too-many-inputs']]);
  });

  it('an input layer fed by another layer', () => {
    const b = new GraphBuilder();
    const x = b.input([4], 'x');
    const y = b.input([4], 'y');
    b.layer('Dense', {}, y, 'fc');
    const g = b.build();
    g.edges.push({ id: 'bad', source: x, target: y, targetInput: 0 });
    const d = inferShapes(g).diagnostics;
    expect(d.map((x) => x.message)).toEqual(['InputLayer "y": takes no inputs (it is where data enters) but has 1']);
  });

  it('edges to nodes that do not exist are ignored rather than crashing', () => {
    const b = new GraphBuilder();
    const x = b.input([4], 'x');
    b.layer('Dense', {}, x, 'fc');
    const g = b.build();
    g.edges.push({ id: 'ghost', source: 'nowhere', target: x, targetInput: 0 });
    expect(inferShapes(g).diagnostics).toEqual([]);
  });
});

describe('names and types', () => {
  it('a duplicate name is reported on the second layer only', () => {
    const b = new GraphBuilder();
    const x = b.input([4], 'x');
    const first = b.layer('Dense', {}, x, 'fc');
    const g = b.build();
    const second = addNode(g, 'Dense', { name: 'fc' });
    const graph = connect(second.graph, first, second.id);
    const d = inferShapes(graph).diagnostics;
    expect(d).toEqual([
      {
        nodeId: second.id,
        code: 'duplicate-name',
        severity: 'error',
        message: 'Dense "fc": another layer is already named "fc"; layer names must be unique',
      },
    ]);
    expect(hasErrors(d)).toBe(true);
  });

  it('an unknown layer type is reported and nothing after it is blamed', () => {
    const b = new GraphBuilder();
    const x = b.input([8, 8, 1], 'x');
    const conv = b.layer('Conv2D', {}, x, 'c');
    const after = b.layer('Flatten', {}, conv, 'f');
    const g = b.build();
    g.nodes = g.nodes.map((n) => (n.id === conv ? { ...n, type: 'Conv3D' } : n));
    const report = inferShapes(g);
    expect(report.diagnostics).toEqual([
      {
        nodeId: conv,
        code: 'unknown-layer-type',
        severity: 'error',
        message: 'Conv3D "c": NetCanvas has no layer type "Conv3D"',
      },
    ]);
    expect(report.shapes.has(after)).toBe(false);
  });
});

describe('shape problems across a graph', () => {
  it('Dense after a 4-D tensor suggests a Flatten, and applying it gives a valid graph', () => {
    const b = new GraphBuilder();
    const x = b.input([28, 28, 1], 'image');
    const conv = b.layer('Conv2D', { filters: 4, kernelSize: [3, 3] }, x, 'conv');
    const fc = b.layer('Dense', { units: 10 }, conv, 'fc');
    const graph = b.build();
    const [d] = inferShapes(graph).diagnostics;
    expect(d).toMatchObject({
      nodeId: fc,
      code: 'wrong-rank',
      message: 'Dense "fc": expects a 2-D input, a flat vector (batch, features), but it is 4-D (batch×26×26×4)',
      fix: {
        label: 'Insert a Flatten before it',
        nodeId: fc,
        edit: { kind: 'insert-before', input: 0, type: 'Flatten' },
      },
    });
    const fixed = applyFix(graph, d.fix!);
    const report = inferShapes(fixed);
    expect(report.diagnostics).toEqual([]);
    expect(report.shapes.get(fc)).toEqual([null, 10]);
    const flatten = fixed.nodes.find((n) => n.type === 'Flatten')!;
    expect(report.shapes.get(flatten.id)).toEqual([null, 26 * 26 * 4]);
  });

  it('reports every independent problem at once', () => {
    const b = new GraphBuilder();
    const x = b.input([6, 6, 3], 'x');
    const bad1 = b.layer('Conv2D', { kernelSize: [7, 7] }, x, 'big');
    b.layer('Flatten', {}, bad1, 'after_big');
    const bad2 = b.layer('Dense', { units: 4 }, x, 'fc');
    const bad3 = b.layer('Dropout', { rate: 2 }, x, 'drop');
    const ok = b.layer('MaxPooling2D', {}, x, 'pool');
    const report = inferShapes(b.build());
    expect(report.diagnostics.map((d) => [d.nodeId, d.code])).toEqual([
      [bad1, 'kernel-too-large'],
      [bad2, 'wrong-rank'],
      [bad3, 'param-invalid'],
    ]);
    expect(report.shapes.get(ok)).toEqual([null, 3, 3, 3]);
  });

  it('a warning does not stop inference downstream', () => {
    const b = new GraphBuilder();
    const x = b.input([7, 7, 1], 'x');
    const pool = b.layer('MaxPooling2D', {}, x, 'pool');
    const flat = b.layer('Flatten', {}, pool, 'flat');
    const report = inferShapes(b.build());
    // One cause (the stride drops a row and a column), one warning.
    expect(report.diagnostics.map((d) => [d.nodeId, d.severity])).toEqual([[pool, 'warning']]);
    expect(hasErrors(report.diagnostics)).toBe(false);
    expect(report.shapes.get(flat)).toEqual([null, 9]);
  });

  it('a tensor too large to hold is a warning with the numbers', () => {
    const b = new GraphBuilder();
    const x = b.input([16384, 16384, 1], 'huge'); // exactly 2^28 values: at the limit, no warning
    const conv = b.layer('Conv2D', { filters: 2, kernelSize: [1, 1] }, x, 'wide');
    const report = inferShapes(b.build());
    expect(16384 * 16384).toBe(MAX_TENSOR_ELEMENTS);
    expect(report.diagnostics).toEqual([
      {
        nodeId: conv,
        code: 'tensor-too-large',
        severity: 'warning',
        message:
          'Conv2D "wide": output 16384×16384×2 holds 536,870,912 values per sample (2.0 GiB as float32); it will not fit in memory',
      },
    ]);
    expect(report.shapes.get(conv)).toEqual([null, 16384, 16384, 2]);
  });

  it('several inputs and outputs: a two-headed network over an image and a vector', () => {
    const b = new GraphBuilder();
    const image = b.input([8, 8, 3], 'image');
    const meta = b.input([5], 'meta');
    let y = b.layer('Conv2D', { filters: 4, kernelSize: [3, 3], padding: 'same' }, image, 'conv');
    y = b.layer('GlobalAveragePooling2D', {}, y, 'gap');
    const joined = b.layer('Concatenate', {}, [y, meta], 'joined');
    const cls = b.layer('Dense', { units: 10, activation: 'softmax' }, joined, 'class');
    const score = b.layer('Dense', { units: 1, activation: 'sigmoid' }, joined, 'score');
    const graph = b.build();
    const report = inferShapes(graph);
    expect(report.diagnostics).toEqual([]);
    expect(report.shapes.get(joined)).toEqual([null, 9]);
    expect(report.shapes.get(cls)).toEqual([null, 10]);
    expect(report.shapes.get(score)).toEqual([null, 1]);
    expect(outputNodeIds(graph)).toEqual([cls, score]);
    expect(outputNodeIds({ ...graph, outputs: [score, cls, 'gone'] })).toEqual([score, cls]);
    // Topological order: every node after all its inputs.
    const position = new Map(report.order.map((id, i) => [id, i]));
    for (const e of graph.edges) expect(position.get(e.source)!).toBeLessThan(position.get(e.target)!);
  });

  it('every code the engine emits is in the catalogue', () => {
    const b = new GraphBuilder();
    const x = b.input([3, 3, 1]);
    b.layer('Conv2D', { kernelSize: [5, 5] }, x);
    for (const d of inferShapes(b.build()).diagnostics) expect(DIAGNOSTICS[d.code].severity).toBe(d.severity);
  });
});

describe('one tensor fed twice into a layer', () => {
  function doubled(alsoUsed: boolean) {
    const b = new GraphBuilder();
    const x = b.input([3], 'x');
    const r = b.layer('ReLU', {}, x, 'r');
    const sum = b.layer('Add', {}, [r, r], 'sum');
    const out = alsoUsed ? b.layer('Add', {}, [sum, r], 'out') : b.layer('Dense', { units: 2 }, sum, 'out');
    return { graph: b.build(), sum, out };
  }

  it('is an error when that tensor also feeds another layer (tfjs 4.22 crashes in predict), with a working fix', () => {
    const { graph, sum, out } = doubled(true);
    const report = inferShapes(graph);
    expect(report.diagnostics).toEqual([
      {
        nodeId: sum,
        code: 'repeated-input',
        severity: 'error',
        message:
          'Add "sum": inputs 1 and 2 are both "r", which also feeds another layer; TensorFlow.js cannot run that',
        fix: {
          label: 'Pass input 2 through a linear Activation',
          nodeId: sum,
          edit: { kind: 'insert-before', input: 1, type: 'Activation', params: { activation: 'linear' } },
        },
      },
    ]);
    const fixed = inferShapes(applyFix(graph, report.diagnostics[0].fix!));
    expect(fixed.diagnostics).toEqual([]);
    expect(fixed.shapes.get(out)).toEqual([null, 3]);
  });

  it('is fine when nothing else reads it, or when it is a model input', () => {
    expect(inferShapes(doubled(false).graph).diagnostics).toEqual([]);
    const b = new GraphBuilder();
    const x = b.input([3], 'x');
    const sum = b.layer('Add', {}, [x, x], 'sum');
    b.layer('Add', {}, [sum, x], 'out');
    expect(inferShapes(b.build()).diagnostics).toEqual([]);
  });
});

it('a layer fed in a slot it does not have says which slot', () => {
  const b = new GraphBuilder();
  const x = b.input([4, 4, 1], 'x');
  const flat = b.layer('Flatten', {}, [], 'flat');
  b.layer('Dense', {}, flat, 'fc');
  const g = b.build();
  g.edges.push({ id: 'slot2', source: x, target: flat, targetInput: 1 });
  expect(inferShapes(g).diagnostics.map((d) => [d.code, d.message])).toEqual([
    ['too-many-inputs', 'Flatten "flat": takes one input but a layer is connected to input 2'],
  ]);
});
