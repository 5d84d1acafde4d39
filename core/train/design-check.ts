/**
 * Whether a design can be trained on a dataset, and if not, why and how to
 * fix it: the one check behind the Train view's Start button, `netcanvas
 * train` and the training session itself. A fix is a graph edit (core's
 * `setParams`) that a shell applies as one undoable step; where there is
 * none, `advice` says in words what to change.
 */
import { inputNodeIds, outputNodeIds, setParams, type Graph } from '../graph/graph';
import { hasErrors, type ShapeReport } from '../graph/infer';
import { getLayerSpec } from '../layers/registry';
import { augments } from './augment';
import type { TrainingSettings } from './settings';

/** A repair a shell can offer with a mismatch: one graph edit. */
export interface DesignFix {
  /** What the button says, e.g. `Set the Input shape to 28×28×1`. */
  label: string;
  apply(graph: Graph): Graph;
}

/** One reason the design (or the settings) and the data do not fit. */
export interface Mismatch {
  /** What is wrong, one sentence naming the numbers. */
  message: string;
  /** What to change, as a clause (`set the Input shape to 28×28×1`), for shells without buttons. */
  advice: string;
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
  /**
   * How messages name the data: `mnist` gives "mnist's samples" and "mnist
   * has"; without a name, "the samples" and "the data has".
   */
  name?: string;
}

/** The shapes training sees of a network: how many inputs and outputs, and the first of each per sample. */
export interface NetworkInterface {
  inputCount: number;
  outputCount: number;
  /** One sample's input shape, without the batch. */
  inputShape: readonly (number | null)[];
  /** One sample's output shape, without the batch. */
  outputShape: readonly (number | null)[];
}

const dims = (shape: readonly (number | null)[]) => shape.map((d) => d ?? '?').join('×');

/** A mismatch as one sentence for a shell without buttons: `message; advice.` */
export function mismatchSentence(mismatch: Mismatch): string {
  return `${mismatch.message.replace(/\.$/, '')}; ${mismatch.advice}.`;
}

/** The problem with a network that does not have exactly one input and one output, or null. */
export function ioCountProblem(inputCount: number, outputCount: number): string | null {
  if (inputCount === 1 && outputCount === 1) return null;
  return `Training needs a network with one input and one output; this one has ${inputCount} inputs and ${outputCount} outputs.`;
}

/**
 * Compares a network's input and output with the data: the input must take
 * one sample as it is, the output must give one score per class. `fixes`
 * supplies the graph edits a shell can offer (none for a compiled model).
 */
export function interfaceMismatches(
  network: NetworkInterface,
  data: DataShape,
  fixes: { input?: (wanted: number[]) => DesignFix; output?: (classes: number) => DesignFix } = {},
): Mismatch[] {
  const samples = data.name ? `${data.name}'s samples` : 'the samples';
  const has = data.name ? `${data.name} has` : 'the data has';
  const mismatches: Mismatch[] = [];
  if (dims(network.inputShape) !== dims(data.inputShape)) {
    const wanted = [...data.inputShape];
    const fix = fixes.input?.(wanted);
    mismatches.push({
      message: `The network's input is ${dims(network.inputShape)} but ${samples} are ${dims(wanted)}.`,
      advice: `set the Input shape to ${dims(wanted)}`,
      ...(fix ? { fix } : {}),
    });
  }
  const { outputShape } = network;
  const classes = data.classCount;
  if (outputShape.length !== 1 || outputShape[0] !== classes) {
    const fix = outputShape.length === 1 ? fixes.output?.(classes) : undefined;
    mismatches.push({
      message: `The network's output is ${dims(outputShape)} but ${has} ${classes} classes.`,
      advice: fix
        ? fix.label.replace(/^Set/, 'set')
        : `end the network with a Dense layer of ${classes} units (softmax)`,
      ...(fix ? { fix } : {}),
    });
  }
  return mismatches;
}

/** Settings that cannot work on this data: augmentation moves pixels, so it needs images. */
export function settingsMismatches(settings: TrainingSettings, data: DataShape): Mismatch[] {
  if (!augments(settings.augmentation) || data.inputShape.length === 3) return [];
  const samples = data.name ? `${data.name}'s samples` : 'the samples';
  return [
    {
      message: `Augmentation works on images (height × width × channels), but ${samples} are ${dims(data.inputShape)}.`,
      advice: 'turn augmentation off',
    },
  ];
}

/**
 * Checks the design against the data. A design with error diagnostics is
 * blocked by its first error; otherwise the Input shape and the output size
 * are compared with the samples and the classes, with a one-click fix for
 * each where a layer parameter can make them agree.
 *
 * @example
 * checkDesignAgainstData(graph, report, { inputShape: [28, 28, 1], classCount: 10 })
 * // { blocked: 'The network's input is 32×32×1 but …', mismatches: [{ message, advice, fix: { label: 'Set the Input shape to 28×28×1', … } }] }
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
  const ioProblem = ioCountProblem(inputs.length, outputs.length);
  if (ioProblem) return { blocked: ioProblem, mismatches: [] };
  if (!data) return { blocked: 'Choose a dataset.', mismatches: [] };
  const input = inputs[0];
  const output = graph.nodes.find((node) => node.id === outputs[0]);
  const network: NetworkInterface = {
    inputCount: 1,
    outputCount: 1,
    inputShape: (report.shapes.get(input.id) ?? []).slice(1),
    outputShape: (report.shapes.get(outputs[0]) ?? []).slice(1),
  };
  const mismatches = interfaceMismatches(network, data, {
    input: (wanted) => ({
      label: `Set the Input shape to ${dims(wanted)}`,
      apply: (g) => setParams(g, input.id, { shape: wanted }),
    }),
    // Any output layer with a `units` parameter (Dense) can be resized to the class count.
    ...(output && 'units' in getLayerSpec(output.type).params
      ? {
          output: (classes: number) => ({
            label: `Set "${output.name}" to ${classes} units`,
            apply: (g: Graph) => setParams(g, output.id, { units: classes }),
          }),
        }
      : {}),
  });
  return { blocked: mismatches[0]?.message ?? null, mismatches };
}
