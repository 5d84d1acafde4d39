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
import { outputNodeIds } from '../../core/graph/graph';
import { hasErrors, inferShapes } from '../../core/graph/infer';
import { summarize } from '../../core/graph/summary';
import type { Shape } from '../../core/layers/layer-spec';
import { getLayerSpec, isLayerType } from '../../core/layers/registry';
import { graphs } from './random-graphs';

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
