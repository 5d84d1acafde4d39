/**
 * What the PyTorch and ONNX exporters share: a design checked for export,
 * node by node in topological order with its shapes and weights, and the
 * weight layout conversions from tfjs (NHWC, HWIO) to NCHW frameworks.
 */
import type { Graph, GraphNode } from '../graph/graph';
import { incomingEdgeIndex, inputNodeIds, outputNodeIds } from '../graph/graph';
import { hasErrors, inferShapes, type ShapeReport } from '../graph/infer';
import type { AnyLayerSpec, ResolvedParams } from '../layers/layer-spec';
import { ExportRefusal, type ExportIO, type ExportedWeight, type WeightLayout } from '../layers/nchw-export';
import { getLayerSpec } from '../layers/registry';
import type { TfjsWeights } from './tfjs-weights';

/**
 * A design that cannot be exported: it has errors, or layers with no exact
 * PyTorch/ONNX form. The message lists every problem, one per line.
 */
export class ExportError extends Error {
  /** One line per problem, each naming the layer. */
  readonly problems: readonly string[];
  constructor(what: string, problems: readonly string[]) {
    super(`${what}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ExportError';
    this.problems = problems;
  }
}

const count = (n: number) => n.toLocaleString('en-US');
const firstFew = (names: readonly string[]) => `${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`;

/**
 * Refuses trained weights that do not fit the design: every weight the
 * design has must be there and nothing else, each layer's weights must hold
 * as many values as the layer has parameters (weights of a design whose sizes
 * changed since it was trained), and the bytes must be as long as the list
 * says. Throws {@link ExportError} naming the differences.
 */
export function checkDesignWeights(design: NchwDesign, weights: TfjsWeights): void {
  const sizes = new Map(weights.specs.map((s) => [s.name, s.shape.reduce((a, d) => a * d, 1)]));
  const expected = design.nodes.flatMap((n) => n.weights.map((w) => `${n.node.name}/${w.tfjs}`));
  const missing = expected.filter((name) => !sizes.has(name));
  const extra = [...sizes.keys()].filter((name) => !expected.includes(name));
  const problems = [
    ...(missing.length ? [`missing: ${firstFew(missing)}`] : []),
    ...(extra.length ? [`not in the design: ${firstFew(extra)}`] : []),
  ];
  if (!problems.length) {
    for (const n of design.nodes) {
      const params = n.spec.countParams?.({ inputs: n.io.inputs, output: n.io.output, params: n.io.params });
      if (!params || !n.weights.length) continue;
      const held = n.weights.reduce((sum, w) => sum + (sizes.get(`${n.node.name}/${w.tfjs}`) ?? 0), 0);
      const wanted = params.trainable + params.nonTrainable;
      if (held !== wanted)
        problems.push(
          `${n.spec.type} "${n.node.name}": the weights hold ${count(held)} values; the layer has ${count(wanted)}`,
        );
    }
    const bytes = 4 * [...sizes.values()].reduce((a, b) => a + b, 0);
    if (weights.data.byteLength !== bytes)
      problems.push(
        `the weights file holds ${count(weights.data.byteLength)} bytes; the list describes ${count(bytes)}`,
      );
  }
  if (problems.length) throw new ExportError('The weights do not fit the design', problems);
}

/** One layer ready to export. */
export interface NchwNode {
  node: GraphNode;
  spec: AnyLayerSpec;
  io: ExportIO<ResolvedParams>;
  /** The ids of the nodes feeding it, in input-slot order. */
  inputs: string[];
  /** True for an input layer: the model's argument, not a computation. */
  isInput: boolean;
  /** Its weights, in tfjs's order. */
  weights: readonly ExportedWeight[];
}

/** A design checked for export. */
export interface NchwDesign {
  /** Every node, in topological order. */
  nodes: NchwNode[];
  byId: Map<string, NchwNode>;
  inputs: string[];
  outputs: string[];
  report: ShapeReport;
}

/**
 * Checks a design for export and collects what the exporters need. Throws
 * {@link ExportError} when the design has errors.
 */
export function prepareNchwDesign(graph: Graph): NchwDesign {
  const report = inferShapes(graph);
  if (hasErrors(report.diagnostics))
    throw new ExportError(
      'The design has errors and cannot be exported',
      report.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    );
  const graphNodes = new Map(graph.nodes.map((n) => [n.id, n]));
  const incoming = incomingEdgeIndex(graph);
  const inputIds = new Set(inputNodeIds(graph));
  const nodes: NchwNode[] = [];
  for (const id of report.order) {
    const node = graphNodes.get(id) as GraphNode;
    const params = report.params.get(id) as ResolvedParams;
    const spec = getLayerSpec(node.type);
    nodes.push({
      node,
      spec,
      io: {
        params,
        inputs: report.inputShapes.get(id) ?? [],
        output: report.shapes.get(id) ?? [],
        name: node.name,
      },
      inputs: (incoming.get(id) ?? []).map((e) => e.source),
      isInput: inputIds.has(id),
      weights: spec.exportedWeights?.(params) ?? [],
    });
  }
  if (nodes.length === 0) throw new ExportError('The design cannot be exported', ['it has no layers']);
  return {
    nodes,
    byId: new Map(nodes.map((n) => [n.node.id, n])),
    inputs: [...inputIds],
    outputs: outputNodeIds(graph),
    report,
  };
}

/**
 * Runs `map` on every non-input node, collecting each {@link ExportRefusal}
 * as a line naming the layer, and throws one {@link ExportError} listing all
 * of them, so a user sees every layer to change at once.
 */
export function mapEveryLayer<T>(design: NchwDesign, format: string, map: (node: NchwNode) => T): Map<string, T> {
  const mapped = new Map<string, T>();
  const refusals: string[] = [];
  for (const n of design.nodes) {
    if (n.isInput) continue;
    try {
      mapped.set(n.node.id, map(n));
    } catch (e) {
      if (!(e instanceof ExportRefusal)) throw e;
      refusals.push(`${n.node.type} "${n.node.name}": ${e.message}`);
    }
  }
  if (refusals.length) throw new ExportError(`The design has no exact ${format} form`, refusals);
  return mapped;
}

/**
 * A tfjs weight array in the NCHW layout `layout` (see `WeightLayout`):
 * returns the reordered values and their new shape.
 *
 * @example
 * toNchwLayout(kernel, [3, 3, 16, 32], 'conv').shape // [32, 16, 3, 3]
 */
export function toNchwLayout(
  values: Float32Array,
  shape: readonly number[],
  layout: WeightLayout,
): { values: Float32Array; shape: number[] } {
  switch (layout) {
    case 'vector':
      return { values, shape: [...shape] };
    case 'dense': {
      const [inputs, outputs] = shape;
      const out = new Float32Array(values.length);
      for (let i = 0; i < inputs; i++) for (let o = 0; o < outputs; o++) out[o * inputs + i] = values[i * outputs + o];
      return { values: out, shape: [outputs, inputs] };
    }
    case 'conv': {
      const [h, w, cin, cout] = shape;
      const out = new Float32Array(values.length);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          for (let i = 0; i < cin; i++)
            for (let o = 0; o < cout; o++)
              out[((o * cin + i) * h + y) * w + x] = values[((y * w + x) * cin + i) * cout + o];
      return { values: out, shape: [cout, cin, h, w] };
    }
    case 'depthwise': {
      // (H, W, C, M) is (H, W, C·M) with output channel c·M + m; PyTorch wants (C·M, 1, H, W).
      const [h, w, c, m] = shape;
      const channels = c * m;
      const out = new Float32Array(values.length);
      for (let y = 0; y < h; y++)
        for (let x = 0; x < w; x++)
          for (let k = 0; k < channels; k++) out[(k * h + y) * w + x] = values[(y * w + x) * channels + k];
      return { values: out, shape: [channels, 1, h, w] };
    }
  }
}
