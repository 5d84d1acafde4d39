/**
 * Random canvas edits, as a user clicking around would make them: add and
 * delete layers, wire and unwire them, change parameters, rename, insert,
 * apply the offered fixes, declare outputs. Whatever the sequence, shape
 * inference must not throw, and every graph it passes without an error must
 * compile in real tfjs with exactly the parameter counts the summary shows:
 * no layer counted that the model leaves out, none left out that it counts.
 */
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../core/compile/compile';
import { applyFix } from '../../core/graph/fixes';
import {
  addNode,
  connect,
  connectionRefusal,
  insertBefore,
  nextFreeInput,
  removeEdges,
  removeNodes,
  renameNode,
  setParams,
  type Graph,
} from '../../core/graph/graph';
import { hasErrors, inferShapes } from '../../core/graph/infer';
import { summarize } from '../../core/graph/summary';
import type { ParamSpec, ParamSpecs } from '../../core/layers/layer-spec';
import { getLayerSpec, layerSpecs } from '../../core/layers/registry';
import { templates } from '../../templates/index';

type Gen = fc.GeneratorValue;

const TYPES = layerSpecs.map((s) => s.type);
const ONE_INPUT_TYPES = layerSpecs.filter((s) => s.inputs.max === 1).map((s) => s.type);
const STARTS = ['linear', 'mlp', 'lenet5', 'cifar-cnn'].map((id) => templates.find((t) => t.id === id)!);

/** A value a user could type into the inspector: mostly small and valid, sometimes not. */
function typedValue(g: Gen, spec: ParamSpec): unknown {
  switch (spec.kind) {
    case 'int':
      return g(fc.integer, { min: spec.min ?? -2, max: Math.min(spec.max ?? 64, 64) });
    case 'float':
      if (spec.nullable && g(fc.boolean)) return null;
      return g(fc.double, { min: spec.min ?? 0, max: spec.max ?? 2, noNaN: true, maxExcluded: spec.maxExclusive });
    case 'intPair':
      return [g(fc.integer, { min: 1, max: 5 }), g(fc.integer, { min: 1, max: 5 })];
    case 'intList':
      return Array.from({ length: g(fc.integer, { min: spec.minLength ?? 1, max: spec.maxLength ?? 3 }) }, () =>
        g(fc.integer, { min: spec.min ?? 1, max: 12 }),
      );
    case 'enum':
      return g(fc.constantFrom, ...spec.options);
    case 'bool':
      return g(fc.boolean);
  }
}

/** One random edit; returns the graph unchanged when the edit does not apply. */
function randomEdit(g: Gen, graph: Graph): Graph {
  const node = graph.nodes.length ? g(fc.constantFrom, ...graph.nodes) : undefined;
  const kind = g(
    fc.constantFrom,
    'add',
    'connect',
    'param',
    'param',
    'remove',
    'unwire',
    'insert',
    'fix',
    'rename',
    'outputs',
  );
  switch (kind) {
    case 'add': {
      const added = addNode(graph, g(fc.constantFrom, ...TYPES));
      const source = node && !connectionRefusal(added.graph, node.id, added.id) ? node : undefined;
      return source ? connect(added.graph, source.id, added.id, 0) : added.graph;
    }
    case 'connect': {
      const target = graph.nodes.length ? g(fc.constantFrom, ...graph.nodes) : undefined;
      if (!node || !target || connectionRefusal(graph, node.id, target.id)) return graph;
      const spec = getLayerSpec(target.type);
      const slot = spec.inputs.max > 1 && g(fc.boolean) ? nextFreeInput(graph, target.id) : 0;
      return connect(graph, node.id, target.id, slot);
    }
    case 'param': {
      if (!node) return graph;
      const specs = getLayerSpec(node.type).params as ParamSpecs;
      const names = Object.keys(specs);
      if (!names.length) return graph;
      const name = g(fc.constantFrom, ...names);
      return setParams(graph, node.id, { [name]: typedValue(g, specs[name]) });
    }
    case 'remove':
      return node ? removeNodes(graph, [node.id]) : graph;
    case 'unwire':
      return graph.edges.length ? removeEdges(graph, [g(fc.constantFrom, ...graph.edges).id]) : graph;
    case 'insert': {
      const edge = graph.edges.length ? g(fc.constantFrom, ...graph.edges) : undefined;
      return edge
        ? insertBefore(graph, edge.target, edge.targetInput, g(fc.constantFrom, ...ONE_INPUT_TYPES)).graph
        : graph;
    }
    case 'fix': {
      const fixes = inferShapes(graph).diagnostics.flatMap((d) => (d.fix ? [d.fix] : []));
      return fixes.length ? applyFix(graph, g(fc.constantFrom, ...fixes)) : graph;
    }
    case 'rename':
      return node
        ? renameNode(graph, node.id, g(fc.constantFrom, 'x', 'conv 1', '', 'a/b', 'fc', 'layer1.0.conv1'))
        : graph;
    case 'outputs':
      return node ? { ...graph, outputs: g(fc.boolean) ? [node.id] : undefined } : graph;
  }
  return graph;
}

describe('random edits', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('every error-free graph compiles with the parameter counts its summary shows', () => {
    let compiled = 0;
    let edits = 0;
    fc.assert(
      fc.property(
        fc.gen(),
        fc.integer({ min: 0, max: STARTS.length - 1 }),
        fc.integer({ min: 1, max: 12 }),
        (g, start, steps) => {
          let graph = STARTS[start].build({ input: start < 2 ? [12] : [12, 12, 1], classes: 3 });
          for (let i = 0; i < steps; i++) {
            graph = randomEdit(g, graph);
            edits++;
            const report = inferShapes(graph);
            if (hasErrors(report.diagnostics) || graph.nodes.length === 0) continue;
            const summary = summarize(graph, report);
            const model = compileGraph(graph, tf, {}, report);
            try {
              const trainable = model.trainableWeights.reduce(
                (a, w) => a + w.shape.reduce<number>((x, d) => x * (d as number), 1),
                0,
              );
              expect({ params: model.countParams(), trainable }).toEqual({
                params: summary.totals.params,
                trainable: summary.totals.trainableParams,
              });
            } finally {
              model.dispose();
            }
            compiled++;
          }
        },
      ),
      { numRuns: 120, seed: 42 },
    );
    // Most edit sequences end somewhere valid; the test means something only if many were compiled.
    expect(edits).toBeGreaterThan(500);
    expect(compiled).toBeGreaterThan(100);
  }, 120_000);
});
