/**
 * The model summary: Keras's `model.summary()` plus costs. Per layer the
 * output shape, trainable and non-trainable parameters, multiply-accumulates
 * and activation memory; and totals. The training-memory estimate built on
 * these figures lives in `core/train/memory.ts`: it depends on the optimizer,
 * and optimizers belong to training, which comes after the graph.
 */
import type { Diagnostic } from '../errors';
import type { Shape } from '../layers/layer-spec';
import { getLayerSpec } from '../layers/registry';
import type { Graph } from './graph';
import { inferShapes, type ShapeReport } from './infer';

/** Bytes per value: NetCanvas trains in float32. */
export const BYTES_PER_VALUE = 4;

/** One row of the summary. */
export interface LayerSummary {
  nodeId: string;
  name: string;
  type: string;
  /** Batch first, `null` batch; `null` when the shape could not be inferred. */
  outputShape: Shape | null;
  trainableParams: number;
  nonTrainableParams: number;
  /** Multiply-accumulates per sample (convolution and dense layers only). */
  macs: number;
  /** Bytes of this layer's output for one sample, as float32. */
  activationBytes: number;
}

/** Totals over the whole model. */
export interface SummaryTotals {
  params: number;
  trainableParams: number;
  nonTrainableParams: number;
  macs: number;
  /** Bytes of all layer outputs for one sample. */
  activationBytes: number;
}

/** The whole summary. */
export interface ModelSummary {
  /** Layers in topological order. */
  layers: LayerSummary[];
  totals: SummaryTotals;
  diagnostics: Diagnostic[];
}

const elementsPerSample = (shape: Shape): number => shape.slice(1).reduce<number>((a, d) => a * (d ?? 0), 1);

/**
 * Summarises a graph. Pass a `ShapeReport` already computed to avoid
 * inferring twice.
 *
 * @example
 * summarize(lenet5()).totals.trainableParams // 61706
 */
export function summarize(graph: Graph, report: ShapeReport = inferShapes(graph)): ModelSummary {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const layers: LayerSummary[] = [];
  for (const id of report.order) {
    const node = byId.get(id);
    if (!node) continue;
    const output = report.shapes.get(id) ?? null;
    const row: LayerSummary = {
      nodeId: id,
      name: node.name,
      type: node.type,
      outputShape: output,
      trainableParams: 0,
      nonTrainableParams: 0,
      macs: 0,
      activationBytes: output ? elementsPerSample(output) * BYTES_PER_VALUE : 0,
    };
    const params = report.params.get(id);
    if (output && params) {
      const spec = getLayerSpec(node.type);
      const inputs = report.inputShapes.get(id) as Shape[];
      const io = { inputs, output, params };
      const count = spec.countParams?.(io) ?? { trainable: 0, nonTrainable: 0 };
      // A frozen layer's weights are all non-trainable, as Keras and tfjs count them.
      const frozen = node.trainable === false;
      row.trainableParams = frozen ? 0 : count.trainable;
      row.nonTrainableParams = frozen ? count.trainable + count.nonTrainable : count.nonTrainable;
      row.macs = spec.macs?.(io) ?? 0;
    }
    layers.push(row);
  }
  const sum = (f: (l: LayerSummary) => number) => layers.reduce((a, l) => a + f(l), 0);
  const trainableParams = sum((l) => l.trainableParams);
  const nonTrainableParams = sum((l) => l.nonTrainableParams);
  return {
    layers,
    totals: {
      params: trainableParams + nonTrainableParams,
      trainableParams,
      nonTrainableParams,
      macs: sum((l) => l.macs),
      activationBytes: sum((l) => l.activationBytes),
    },
    diagnostics: report.diagnostics,
  };
}
