/**
 * Random graphs built from the whole layer registry, for the property tests
 * and the export parity tests: random types, parameters inside and (with
 * `chaos`) outside their limits, random wiring with merges, gaps and cycles.
 */
import fc from 'fast-check';
import type { Graph, GraphEdge, GraphNode } from '../../core/graph/graph';
import type { ParamSpec, ParamSpecs } from '../../core/layers/layer-spec';
import { getLayerSpec, layerSpecs } from '../../core/layers/registry';

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
export function randomGraph(g: Gen, chaos: boolean): Graph {
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

/** Random graphs; `chaos` adds every kind of mistake a hand-edited file can hold. */
export const graphs = (chaos: boolean) => fc.gen().map((g) => randomGraph(g, chaos));
