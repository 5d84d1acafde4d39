/**
 * The receptive field of every layer: how large a patch of the input image
 * one of its output positions sees, and how far apart the patches of
 * neighbouring positions are. Worked out along the graph in topological
 * order with the usual recurrence (r = r_in + (k − 1)·d·j_in, j = j_in·s),
 * from each layer spec's `window`; an up-sampling window sees ⌈k / s⌉ input
 * positions and divides the step (r = r_in + (⌈k / s⌉ − 1)·j_in, j = j_in / s),
 * so r may hold a fraction of a pixel; it is rounded up once, at the end.
 */
import type { Shape } from '../layers/layer-spec';
import { getLayerSpec, isLayerType } from '../layers/registry';
import type { Graph } from './graph';
import { incomingEdgeIndex } from './graph';
import type { ShapeReport } from './infer';

/** What one output position of a layer sees of the input image. */
export interface ReceptiveField {
  /** Height and width of the patch, in input pixels (may exceed the image: then it sees all of it). */
  size: [number, number];
  /** Distance in input pixels between the patches of neighbouring output positions (below 1 after up-sampling). */
  step: [number, number];
  /** Every output sees the whole input (after a Dense, Flatten or global pooling layer). */
  whole: boolean;
}

/**
 * The whole pixels a patch of `span` (in pixels, a fraction after
 * up-sampling) reaches: 3 neighbouring outputs of a ×3 up-sampling span
 * 1 + 2/3 pixels, and positions 2, 3, 4 come from pixels 0, 1, 1. Rounded
 * only at the end, as rounding each layer would add up (tested against
 * tfjs's gradients).
 */
const wholePixels = (span: number): number => Math.ceil(span - 1e-9);

const ONE: ReceptiveField = { size: [1, 1], step: [1, 1], whole: false };

/**
 * The receptive field of every layer whose shape was inferred.
 *
 * @example
 * receptiveFields(graph, inferShapes(graph)).get(conv2Id) // { size: [51, 51], step: [8, 8], whole: false } in AlexNet
 */
export function receptiveFields(graph: Graph, report: ShapeReport): Map<string, ReceptiveField> {
  const fields = new Map<string, ReceptiveField>();
  const incoming = incomingEdgeIndex(graph);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  for (const id of report.order) {
    const node = byId.get(id);
    const params = report.params.get(id);
    if (!node || !params || !isLayerType(node.type)) continue;
    const inputs = (incoming.get(id) ?? []).map((e) => fields.get(e.source)).filter((f) => f !== undefined);
    // A merge sees what the widest of its inputs sees. (Not seeded with ONE:
    // after up-sampling the step is below one pixel and must stay so.)
    const from = inputs.length
      ? inputs.reduce((a, f): ReceptiveField => ({
          size: [Math.max(a.size[0], f.size[0]), Math.max(a.size[1], f.size[1])],
          step: [Math.max(a.step[0], f.step[0]), Math.max(a.step[1], f.step[1])],
          whole: a.whole || f.whole,
        }))
      : ONE;
    const window = getLayerSpec(node.type).window?.(params as never);
    if (from.whole || window === 'global') fields.set(id, { ...from, whole: true });
    else if (!window) fields.set(id, from);
    else if (window.transposed) {
      const seen = (axis: 0 | 1) => Math.ceil(window.kernel[axis] / window.strides[axis]);
      fields.set(id, {
        size: [from.size[0] + (seen(0) - 1) * from.step[0], from.size[1] + (seen(1) - 1) * from.step[1]],
        step: [from.step[0] / window.strides[0], from.step[1] / window.strides[1]],
        whole: false,
      });
    } else {
      const [dh, dw] = window.dilation ?? [1, 1];
      fields.set(id, {
        size: [
          from.size[0] + (window.kernel[0] - 1) * dh * from.step[0],
          from.size[1] + (window.kernel[1] - 1) * dw * from.step[1],
        ],
        step: [from.step[0] * window.strides[0], from.step[1] * window.strides[1]],
        whole: false,
      });
    }
  }
  const rounded = new Map<string, ReceptiveField>();
  for (const [id, f] of fields) rounded.set(id, { ...f, size: [wholePixels(f.size[0]), wholePixels(f.size[1])] });
  return rounded;
}

/** The image size of the design's input, height × width, if it has one (for saying "all of it"). */
export function inputImageSize(graph: Graph, report: ShapeReport): [number, number] | null {
  for (const n of graph.nodes) {
    if (!isLayerType(n.type) || getLayerSpec(n.type).inputs.max !== 0) continue;
    const shape: Shape | undefined = report.shapes.get(n.id);
    if (shape && shape.length === 4 && shape[1] !== null && shape[2] !== null) return [shape[1], shape[2]];
  }
  return null;
}
