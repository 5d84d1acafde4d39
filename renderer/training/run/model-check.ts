/**
 * Whether the design can be trained on the chosen data, and if not, why and
 * the one-click fix: the Input layer's shape set to the samples' shape, the
 * last Dense layer's units set to the class count. Fixes are graph edits
 * (core's `setParams`), committed through the editor store so Ctrl+Z undoes them.
 */
import { inputNodeIds, outputNodeIds, setParams, type Graph } from '../../../core/graph/graph';
import { getLayerSpec } from '../../../core/layers/registry';
import { hasErrors, type ShapeReport } from '../../../core/graph/infer';

/** A repair the panel offers with a mismatch. */
export interface DesignFix {
  label: string;
  apply(graph: Graph): Graph;
}

/** One reason the design and the data do not fit. */
export interface Mismatch {
  message: string;
  fix?: DesignFix;
}

/** What the Train button needs to know. */
export interface TrainReadiness {
  /** Why training cannot start (the first blocking problem), or null when it can. */
  blocked: string | null;
  mismatches: Mismatch[];
}

/** What a dataset offers the model: one sample's shape and the class count. */
export interface DataShape {
  inputShape: readonly number[];
  classCount: number;
}

const dims = (shape: readonly (number | null)[]) => shape.map((d) => d ?? '?').join('×');

/**
 * Checks the design against the data. A design with error diagnostics is
 * blocked by its first error; otherwise the Input shape and the output size
 * are compared with the samples and the classes.
 *
 * @example
 * checkDesignAgainstData(graph, report, { inputShape: [28, 28, 1], classCount: 10 })
 * // { blocked: 'The network's input is 32×32×1 but …', mismatches: [{ message, fix: { label: 'Set the Input shape to 28×28×1', … } }] }
 */
export function checkDesignAgainstData(graph: Graph, report: ShapeReport, data: DataShape | null): TrainReadiness {
  if (graph.nodes.length === 0)
    return { blocked: 'The design is empty: add layers or pick a template first.', mismatches: [] };
  if (hasErrors(report.diagnostics)) {
    const first = report.diagnostics.find((d) => d.severity === 'error');
    return { blocked: `The design has errors: ${first?.message ?? 'see the Problems panel'}`, mismatches: [] };
  }
  // A warning, not an error, because the design is still valid Keras; but tfjs would fail on the first step.
  const untrainable = report.diagnostics.find((d) => d.code === 'cannot-train-in-browser');
  if (untrainable) return { blocked: `This design cannot be trained here: ${untrainable.message}`, mismatches: [] };
  const inputIds = new Set(inputNodeIds(graph));
  const inputs = graph.nodes.filter((node) => inputIds.has(node.id));
  const outputs = outputNodeIds(graph);
  if (inputs.length !== 1 || outputs.length !== 1) {
    return {
      blocked: `Training needs a network with one input and one output; this one has ${inputs.length} inputs and ${outputs.length} outputs.`,
      mismatches: [],
    };
  }
  if (!data) return { blocked: 'Choose a dataset.', mismatches: [] };
  const mismatches: Mismatch[] = [];
  const input = inputs[0];
  const inputShape = (report.shapes.get(input.id) ?? []).slice(1);
  if (dims(inputShape) !== dims(data.inputShape)) {
    const wanted = [...data.inputShape];
    mismatches.push({
      message: `The network's input is ${dims(inputShape)} but the samples are ${dims(wanted)}.`,
      fix: { label: `Set the Input shape to ${dims(wanted)}`, apply: (g) => setParams(g, input.id, { shape: wanted }) },
    });
  }
  const output = graph.nodes.find((node) => node.id === outputs[0]);
  const outputShape = (report.shapes.get(outputs[0]) ?? []).slice(1);
  if (output && (outputShape.length !== 1 || outputShape[0] !== data.classCount)) {
    const classes = data.classCount;
    mismatches.push({
      message: `The network's output is ${dims(outputShape)} but the data has ${classes} classes.`,
      // Any output layer with a `units` parameter (Dense) can be resized to the class count.
      ...('units' in getLayerSpec(output.type).params && outputShape.length === 1
        ? {
            fix: {
              label: `Set "${output.name}" to ${classes} units`,
              apply: (g: Graph) => setParams(g, output.id, { units: classes }),
            },
          }
        : {}),
    });
  }
  return { blocked: mismatches[0]?.message ?? null, mismatches };
}
