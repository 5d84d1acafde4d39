/**
 * Property tests over random graphs built from the whole registry: random
 * types, parameters inside and outside their limits, random wiring with
 * merges, gaps and cycles. Shape inference must never throw, must explain
 * every problem on the right node, must not blame a layer for its input's
 * mistake, and whatever it accepts must build in real tfjs with the same
 * shapes and parameter count.
 */
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIAGNOSTICS } from '../../core/errors';
import type { Graph, GraphEdge, GraphNode } from '../../core/graph/graph';
import { outputNodeIds } from '../../core/graph/graph';
import { hasErrors, inferShapes } from '../../core/graph/infer';
import { summarize } from '../../core/graph/summary';
import type { ParamSpec, ParamSpecs, Shape } from '../../core/layers/layer-spec';
import { getLayerSpec, isLayerType, layerSpecs } from '../../core/layers/registry';

type Gen = fc.GeneratorValue;

const LAYER_TYPES = layerSpecs.filter((s) => s.type !== 'InputLayer').map((s) => s.type);

/** A value for one parameter: mostly small and in range, sometimes (with `chaos`) out of it. */
function paramValue(g: Gen, spec: ParamSpec, chaos: boolean): unknown {
  if (chaos && g(fc.integer, { min: 0, max: 19 }) === 0) {
    return g(fc.constantFrom, -1, 0, 2.5, 1000, 'bogus', null, [0, 0], [], Number.NaN);
  }
  const small = (min: number, max: number | undefined, span: number) =>
    g(fc.integer, { min, max: Math.min(max ?? min + span, min + span) });
  switch (spec.kind) {
    case 'int': {
      const lo = spec.min ?? -4;
      // Narrow ranges (Concatenate's axis) are covered whole; open ones stay small.
      return spec.max !== undefined && spec.max - lo <= 7
        ? g(fc.integer, { min: lo, max: spec.max })
        : small(lo, spec.max, 3);
    }
    case 'float': {
      if (spec.nullable && g(fc.boolean)) return null;
      const min = spec.min ?? -2;
      const max = spec.max ?? min + 2;
      return g(fc.double, { min, max, noNaN: true, maxExcluded: spec.maxExclusive ?? false });
    }
    case 'intPair':
      return [small(spec.min ?? 1, spec.max, 2), small(spec.min ?? 1, spec.max, 2)];
    case 'intList': {
      const length = g(fc.integer, { min: spec.minLength ?? 1, max: spec.maxLength ?? 3 });
      const entries = Array.from({ length }, () => small(spec.min ?? 1, undefined, 4));
      // Reshape: -1 in one place usually fits whatever comes in.
      if (spec.allowInferred && g(fc.integer, { min: 0, max: 2 }) > 0)
        entries[g(fc.integer, { min: 0, max: length - 1 })] = -1;
      return entries;
    }
    case 'enum':
      return g(fc.constantFrom, ...spec.options);
    case 'bool':
      return g(fc.boolean);
  }
}

function inputShape(g: Gen): number[] {
  const kind = g(fc.integer, { min: 0, max: 9 });
  if (kind < 7)
    return [g(fc.integer, { min: 2, max: 9 }), g(fc.integer, { min: 2, max: 9 }), g(fc.integer, { min: 1, max: 3 })];
  if (kind < 9) return [g(fc.integer, { min: 1, max: 12 })];
  return [g(fc.integer, { min: 1, max: 4 }), g(fc.integer, { min: 1, max: 4 })];
}

/**
 * A random graph: 1–2 inputs, then 1–6 layers each fed by earlier nodes
 * (mostly the latest one). With `chaos`, parameters go out of range, an
 * input layer may appear mid-graph, edges may point forward (cycles), go
 * missing, double up, and names may repeat.
 */
function randomGraph(g: Gen, chaos: boolean): Graph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const roll = (percent: number) => chaos && g(fc.integer, { min: 0, max: 99 }) < percent;
  const inputs = g(fc.integer, { min: 1, max: 2 });
  const layers = g(fc.integer, { min: 1, max: 6 });
  const total = inputs + layers;
  for (let i = 0; i < total; i++) {
    if (i >= inputs && roll(2)) {
      // A type from a newer file or another tool: reported, never a crash.
      nodes.push({ id: `n${i}`, type: 'Conv3D', name: `conv3d${i}`, params: { filters: 2 }, position: { x: 0, y: 0 } });
      edges.push({ id: `e${edges.length}`, source: `n${i - 1}`, target: `n${i}`, targetInput: 0 });
      continue;
    }
    const type = i < inputs || roll(3) ? 'InputLayer' : g(fc.constantFrom, ...LAYER_TYPES);
    const spec = getLayerSpec(type);
    const params: Record<string, unknown> = {};
    for (const [name, p] of Object.entries(spec.params as ParamSpecs)) params[name] = paramValue(g, p, chaos);
    if (roll(3)) delete params[g(fc.constantFrom, ...Object.keys(params), 'none')]; // a missing parameter takes its default
    if (type === 'InputLayer' && !roll(10)) params.shape = inputShape(g);
    const name = i > 0 && roll(3) ? nodes[0].name : `${spec.namePrefix}${i}`;
    nodes.push({ id: `n${i}`, type, name, params, position: { x: 0, y: 0 } });
    if (i < inputs) continue;

    const arity =
      spec.inputs.max === 0
        ? roll(30)
          ? 1
          : 0
        : Math.min(spec.inputs.max, spec.inputs.min + g(fc.integer, { min: 0, max: 1 }));
    const pick = (slot: number) => {
      if (roll(5)) return g(fc.integer, { min: 0, max: total - 1 }); // anywhere, itself included: cycles
      if (slot === 0 || g(fc.boolean)) return i - 1; // the latest node, so merges often see equal shapes
      return g(fc.integer, { min: 0, max: i - 1 });
    };
    let slots = [...Array(arity).keys()];
    if (roll(5)) slots = slots.filter((s) => s !== g(fc.integer, { min: 0, max: arity })); // a gap
    if (roll(5)) slots.push(g(fc.boolean) ? arity : 0); // one too many, or two into one slot
    for (const slot of slots)
      edges.push({
        id: `e${edges.length}`,
        source: roll(2) ? 'ghost' : `n${pick(slot)}`,
        target: `n${i}`,
        targetInput: slot,
      });
  }
  return { nodes, edges, groups: [] };
}

const graphs = (chaos: boolean) => fc.gen().map((g) => randomGraph(g, chaos));

describe('shape inference over random graphs', () => {
  it('never throws; every diagnostic has a known code, an existing node and the layer in its message', () => {
    fc.assert(
      fc.property(graphs(true), (graph) => {
        const report = inferShapes(graph);
        const byId = new Map(graph.nodes.map((n) => [n.id, n]));
        for (const d of report.diagnostics) {
          expect(Object.keys(DIAGNOSTICS)).toContain(d.code);
          const node = byId.get(d.nodeId);
          expect(node).toBeDefined();
          expect(d.message.startsWith(`${node!.type} "${node!.name}": `)).toBe(true);
          expect(d.message.length).toBeGreaterThan(`${node!.type} "${node!.name}": `.length + 5);
          if (d.severity === 'error') expect(DIAGNOSTICS[d.code].severity).toBe('error');
          if (d.fix) expect(d.fix.nodeId).toBe(d.nodeId);
        }
        // A node with an error of its own has no shape; a repeated name alone does not stop inference.
        for (const id of report.shapes.keys()) {
          expect(
            report.diagnostics.some((d) => d.nodeId === id && d.severity === 'error' && d.code !== 'duplicate-name'),
          ).toBe(false);
        }
        expect(() => summarize(graph, report)).not.toThrow();
      }),
      { numRuns: 400 },
    );
  });

  it('a layer whose input failed is not blamed, unless for its own wiring or name', () => {
    fc.assert(
      fc.property(graphs(true), (graph) => {
        const report = inferShapes(graph);
        const onCycle = new Set(report.diagnostics.filter((d) => d.code === 'cycle').map((d) => d.nodeId));
        const ids = new Set(graph.nodes.map((n) => n.id));
        for (const node of graph.nodes) {
          const incoming = graph.edges.filter((e) => e.target === node.id && ids.has(e.source));
          if (onCycle.has(node.id) || !incoming.some((e) => !report.shapes.has(e.source))) continue;
          const own = report.diagnostics.filter((d) => d.nodeId === node.id);
          if (incoming.length === 1 && isLayerType(node.type) && getLayerSpec(node.type).inputs.max === 1) {
            // A one-input layer whose only input failed: nothing of its own may be reported but its name and wiring.
            expect(own.filter((d) => d.code !== 'duplicate-name' && d.code !== 'too-many-inputs')).toEqual([]);
          }
          // Whatever its inputs, only its own name or wiring can be blamed; never a shape.
          const wiring = ['duplicate-name', 'missing-input', 'too-many-inputs', 'repeated-input', 'unknown-layer-type'];
          expect(own.filter((d) => !wiring.includes(d.code))).toEqual([]);
          expect(report.shapes.has(node.id)).toBe(false);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('every graph inference accepts builds in tfjs with the same shapes and counts', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('random valid graphs', () => {
    let built = 0;
    fc.assert(
      fc.property(graphs(false), (graph) => {
        const report = inferShapes(graph);
        if (hasErrors(report.diagnostics)) return;
        built++;
        const summary = summarize(graph, report);
        const byId = new Map(graph.nodes.map((n) => [n.id, n]));
        const tensors = new Map<string, tf.SymbolicTensor>();
        const inputs: tf.SymbolicTensor[] = [];
        for (const id of report.order) {
          const node = byId.get(id)!;
          const spec = getLayerSpec(node.type);
          const shape = report.shapes.get(id)!;
          if (spec.inputs.max === 0) {
            const input = tf.input({ batchShape: [...shape], name: node.name });
            inputs.push(input);
            tensors.set(id, input);
            continue;
          }
          const sources = graph.edges
            .filter((e) => e.target === id)
            .sort((a, b) => a.targetInput - b.targetInput)
            .map((e) => e.source);
          const io = { inputs: sources.map((s) => report.shapes.get(s) as Shape), output: shape };
          const layer = spec.toTfjs(report.params.get(id)!, tf, node.name, io);
          const feeds = sources.map((s) => tensors.get(s)!);
          const out = layer.apply(spec.inputs.max > 1 ? feeds : feeds[0]) as tf.SymbolicTensor;
          expect({ node: node.name, shape: out.shape }).toEqual({ node: node.name, shape: [...shape] });
          tensors.set(id, out);
        }
        const outputs = outputNodeIds(graph).map((id) => tensors.get(id)!);
        const model = tf.model({ inputs, outputs });
        try {
          expect(model.countParams()).toBe(summary.totals.params);
          const trainable = model.trainableWeights.reduce(
            (a, w) => a + w.shape.reduce<number>((x, d) => x * (d as number), 1),
            0,
          );
          expect(trainable).toBe(summary.totals.trainableParams);
          // And it runs: a batch of one through every layer.
          tf.tidy(() => {
            const result = model.predict(inputs.map((t) => tf.ones([1, ...(t.shape.slice(1) as number[])])));
            const results = Array.isArray(result) ? result : [result];
            results.forEach((r, k) => expect(r.shape).toEqual([1, ...(outputs[k].shape.slice(1) as number[])]));
          });
        } finally {
          model.dispose();
        }
      }),
      { numRuns: 200 },
    );
    // Most random graphs are wrong somewhere; enough must be valid for this test to mean something.
    // About one in five is valid (40 expected); 12 is over five standard deviations below.
    expect(built).toBeGreaterThan(12);
  });
});
