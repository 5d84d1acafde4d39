/**
 * Fitting a design to a dataset in one step: given a design and the data's
 * sample shape and class count, propose one consistent set of edits — the
 * Input shape, a Flatten added, removed or kept, the output layer's units set
 * to the class count with softmax, and, for images of another size, a choice
 * between resizing the Input layer and padding the images to the size the
 * design was drawn for (LeCun's 28 → 32 for LeNet-5) — with a preview of the
 * shapes that result. The Train view applies a proposal as one undo step and
 * `netcanvas train` applies the recommended one to a template.
 *
 * Padding happens inside the model (a `ZeroPadding2D` after the Input), not
 * in the data pipeline: the trained model then takes the dataset's images as
 * they are, in the app, the CLI and every export, with no preprocessing step
 * a reader could forget. After the edits the design's own one-click fixes
 * (insert a Flatten before a Dense, remove a Flatten with nothing to unroll)
 * are applied until none is left, so a proposal never ends in an error that
 * has a fix; where errors remain (convolutions on 2-D points), the proposal
 * is refused with the reason.
 */
import type { Diagnostic } from '../errors';
import { applyFix } from '../graph/fixes';
import {
  findNode,
  incomingEdges,
  inputNodeIds,
  insertAfter,
  outputNodeIds,
  setParams,
  type Graph,
  type GraphNode,
} from '../graph/graph';
import { hasErrors, inferShapes, type ShapeReport } from '../graph/infer';
import { summarize } from '../graph/summary';
import { getLayerSpec } from '../layers/registry';
import type { DataShape } from './design-check';

/**
 * How images of another size than the design's input are met: the Input
 * layer takes the images' size (the layers after it adapt, a Dense after a
 * Flatten changes its weight count), or the images are padded with zeros to
 * the size the design was drawn for (only when they are smaller).
 */
export type ImageSizeChoice = 'resize-input' | 'pad-images';

/** One layer's shape before and after the proposal, for the preview. */
export interface ShapeChange {
  /** The node in the proposed design, or in the original one for a removed layer. */
  nodeId: string;
  name: string;
  type: string;
  /** `28×28×1`; null for a layer the proposal adds. */
  before: string | null;
  /** null for a layer the proposal removes. */
  after: string | null;
}

/** One consistent set of edits that makes the design take the data. */
export interface FitProposal {
  /** Which way images of another size are met; null when the size already agrees or the data are not images. */
  choice: ImageSizeChoice | null;
  /** What the button says, e.g. `Pad the images to 32×32 (LeCun's way)`. */
  label: string;
  /** The edits, one sentence each, in the order they are made. */
  edits: string[];
  /** The proposed design. */
  graph: Graph;
  /** Every layer's shape before and after, in the proposed design's order, removed layers where they were. */
  preview: ShapeChange[];
  /** Trainable parameters before and after, so a proposal that shrinks the network says so. */
  params: { before: number; after: number };
  /** Problems the proposed design still has (warnings only, for a usable proposal). */
  diagnostics: Diagnostic[];
}

/** What the solver found. */
export type FitResult =
  /** The design already takes the data as it is. */
  | { status: 'fits' }
  /** One or more proposals, the recommended one first; each validates with no errors. */
  | { status: 'proposals'; proposals: FitProposal[] }
  /** No set of edits makes this design take the data; the reason names the layer and the numbers. */
  | { status: 'impossible'; reason: string };

/**
 * Padding is recommended over resizing the Input when the padded image is at
 * most this many times the image's area: LeNet-5's 32×32 for 28×28 digits
 * (1.3×) keeps the published network; padding CIFAR's 32×32 to ImageNet's
 * 224×224 (49×) would spend most of the compute on zeros.
 */
const PAD_AREA_RATIO_LIMIT = 2;

/** Enough rounds of one-click fixes for any design: each round repairs one layer. */
const MAX_FIX_ROUNDS = 64;

const dims = (shape: readonly (number | null)[]) => shape.map((d) => d ?? '?').join('×');

/** A node's parameters with defaults filled in, as shape inference resolved them. */
const paramsOf = (report: ShapeReport, node: GraphNode): Record<string, unknown> =>
  (report.params.get(node.id) as Record<string, unknown> | undefined) ?? node.params;

const trainableParams = (graph: Graph, report: ShapeReport): number => summarize(graph, report).totals.trainableParams;

/** Applies the design's own one-click fixes, first error first, until no fixable error is left. */
function applyOwnFixes(graph: Graph, edits: string[]): Graph {
  let next = graph;
  for (let round = 0; round < MAX_FIX_ROUNDS; round++) {
    const fixable = inferShapes(next).diagnostics.find((d) => d.severity === 'error' && d.fix);
    if (!fixable?.fix) return next;
    const node = findNode(next, fixable.nodeId);
    edits.push(
      `${node ? `${node.type} "${node.name}"` : 'A layer'}: ${fixable.fix.label.replace(/^\w/, (c) => c.toLowerCase())}.`,
    );
    next = applyFix(next, fixable.fix);
  }
  return next;
}

/** The single node feeding `node`, when it has exactly one input. */
function singleInput(graph: Graph, node: GraphNode): GraphNode | undefined {
  const incoming = incomingEdges(graph, node.id);
  return incoming.length === 1 ? findNode(graph, incoming[0].source) : undefined;
}

const hasParam = (node: GraphNode, param: string) => param in getLayerSpec(node.type).params;

/**
 * Makes the output give one probability per class: the output layer's units
 * (or, behind an activation layer, the units of the layer feeding it) become
 * the class count with softmax; an output with no units gets a Dense layer of
 * the class count after it.
 */
function fitOutput(graph: Graph, report: ShapeReport, classCount: number, edits: string[]): Graph {
  const outputId = outputNodeIds(graph)[0];
  const output = findNode(graph, outputId);
  if (!output) return graph;
  const shape = report.shapes.get(outputId);
  if (shape && shape.length === 2 && shape[1] === classCount) return graph;
  const softmax = (g: Graph, node: GraphNode): Graph => {
    if (!hasParam(node, 'activation') || paramsOf(report, node).activation === 'softmax') return g;
    edits.push(`${node.type} "${node.name}": activation ${String(paramsOf(report, node).activation)} → softmax.`);
    return setParams(g, node.id, { activation: 'softmax' });
  };
  const units = (g: Graph, node: GraphNode): Graph => {
    edits.push(
      `${node.type} "${node.name}": ${String(paramsOf(report, node).units)} → ${classCount} units, one per class.`,
    );
    return setParams(g, node.id, { units: classCount });
  };
  if (hasParam(output, 'units')) return softmax(units(graph, output), output);
  const feeding = singleInput(graph, output);
  // An activation layer after the last Dense (Dense → Softmax): resize the Dense, keep the activation layer.
  if (feeding && hasParam(feeding, 'units') && !hasParam(output, 'units') && shape?.length === 2) {
    return softmax(units(graph, feeding), output);
  }
  const position = { x: output.position.x, y: output.position.y + 80 };
  const added = insertAfter(graph, output.id, 'Dense', position, { units: classCount, activation: 'softmax' });
  const addedNode = findNode(added.graph, added.id)!;
  edits.push(
    `Dense "${addedNode.name}" added after ${output.type} "${output.name}": ${classCount} units with softmax.`,
  );
  return added.graph;
}

/** The shape preview: every layer of the proposal with its shape before and after, removed layers kept in place. */
function previewOf(original: Graph, before: ShapeReport, proposed: Graph, after: ShapeReport): ShapeChange[] {
  const rows: ShapeChange[] = [];
  const kept = new Set(proposed.nodes.map((n) => n.id));
  const shapeOf = (report: ShapeReport, id: string) => {
    const shape = report.shapes.get(id);
    return shape ? dims(shape.slice(1)) : null;
  };
  const removed = original.nodes.filter((n) => !kept.has(n.id));
  for (const id of after.order) {
    const node = findNode(proposed, id)!;
    const was = findNode(original, node.id);
    rows.push({
      nodeId: node.id,
      name: node.name,
      type: node.type,
      before: was ? shapeOf(before, node.id) : null,
      after: shapeOf(after, node.id),
    });
    // A removed layer is listed after the layer that fed it.
    for (const gone of removed.filter((r) => singleInput(original, r)?.id === node.id)) {
      rows.push({ nodeId: gone.id, name: gone.name, type: gone.type, before: shapeOf(before, gone.id), after: null });
    }
  }
  return rows;
}

/** Builds one proposal for `choice`, or says why it cannot work. */
function propose(
  graph: Graph,
  report: ShapeReport,
  input: GraphNode,
  data: DataShape,
  choice: ImageSizeChoice | null,
): FitProposal | { impossible: string } {
  const edits: string[] = [];
  const designShape = paramsOf(report, input).shape as number[];
  const wanted = [...data.inputShape];
  let next = graph;
  if (dims(designShape) !== dims(wanted)) {
    edits.push(`Input "${input.name}": ${dims(designShape)} → ${dims(wanted)}, the shape of one sample.`);
    next = setParams(next, input.id, { shape: wanted });
  }
  let label = 'Fit the design to the data';
  if (choice === 'pad-images') {
    const [h, w] = wanted;
    const [H, W] = designShape;
    const top = Math.floor((H - h) / 2);
    const left = Math.floor((W - w) / 2);
    const padding = [top, H - h - top, left, W - w - left];
    const position = { x: input.position.x, y: input.position.y + 80 };
    const added = insertAfter(next, input.id, 'ZeroPadding2D', position, { padding });
    const pad = findNode(added.graph, added.id)!;
    edits.push(
      `ZeroPadding2D "${pad.name}" added after the Input: pads ${h}×${w} images to ${H}×${W} (${padding.join(', ')} rows/columns of zeros), the size the design was drawn for.`,
    );
    next = added.graph;
    label = `Pad the images to ${H}×${W}`;
  } else if (choice === 'resize-input') {
    label = `Resize the Input to ${dims(wanted)}`;
  }
  next = applyOwnFixes(next, edits);
  next = fitOutput(next, inferShapes(next), data.classCount, edits);
  next = applyOwnFixes(next, edits);
  const after = inferShapes(next);
  if (hasErrors(after.diagnostics)) {
    const first = after.diagnostics.find((d) => d.severity === 'error')!;
    return { impossible: first.message };
  }
  return {
    choice,
    label,
    edits,
    graph: next,
    preview: previewOf(graph, report, next, after),
    params: { before: trainableParams(graph, report), after: trainableParams(next, after) },
    diagnostics: after.diagnostics,
  };
}

/**
 * Proposes the edits that make `graph` take `data`: the recommended proposal
 * first, then the alternative for images of another size. A design with
 * errors of its own, or without exactly one input and one output, is left to
 * its own diagnostics (`impossible` says so).
 *
 * @example
 * const fit = fitDesignToData(buildLenet5(), { inputShape: [28, 28, 1], classCount: 10, name: 'mnist' });
 * // fit.proposals[0].label: 'Pad the images to 32×32' (61,706 weights kept);
 * // fit.proposals[1].label: 'Resize the Input to 28×28×1' (44,426 weights)
 */
export function fitDesignToData(graph: Graph, data: DataShape): FitResult {
  const report = inferShapes(graph);
  const what = data.name ?? 'the data';
  if (hasErrors(report.diagnostics)) {
    const first = report.diagnostics.find((d) => d.severity === 'error')!;
    return { status: 'impossible', reason: `The design has errors of its own: ${first.message}` };
  }
  const inputs = inputNodeIds(graph);
  const outputs = outputNodeIds(graph);
  if (inputs.length !== 1 || outputs.length !== 1)
    return {
      status: 'impossible',
      reason: `Training needs a network with one input and one output; this one has ${inputs.length} inputs and ${outputs.length} outputs.`,
    };
  const input = findNode(graph, inputs[0])!;
  const designShape = paramsOf(report, input).shape as number[];
  const wanted = data.inputShape;
  const sameSize =
    designShape.length === 3 && wanted.length === 3 && designShape[0] === wanted[0] && designShape[1] === wanted[1];
  const imagesOfAnotherSize = designShape.length === 3 && wanted.length === 3 && !sameSize;
  const choices: (ImageSizeChoice | null)[] = imagesOfAnotherSize
    ? wanted[0] <= designShape[0] && wanted[1] <= designShape[1]
      ? ['pad-images', 'resize-input']
      : ['resize-input']
    : [null];
  const attempts = choices.map((choice) => propose(graph, report, input, data, choice));
  const proposals = attempts.filter((a): a is FitProposal => !('impossible' in a));
  if (proposals.length === 0) {
    const reason = (attempts[0] as { impossible: string }).impossible;
    return {
      status: 'impossible',
      reason: `This design cannot take ${what}'s ${dims(wanted)} samples: ${reason}`,
    };
  }
  if (proposals.length === 1 && proposals[0].edits.length === 0) return { status: 'fits' };
  // Padding first only when it keeps the design's size at a modest cost in zeros (see PAD_AREA_RATIO_LIMIT).
  const padCost = (designShape[0] * designShape[1]) / (wanted[0] * wanted[1]);
  if (proposals.length === 2 && proposals[0].choice === 'pad-images' && padCost > PAD_AREA_RATIO_LIMIT)
    proposals.reverse();
  return { status: 'proposals', proposals };
}

/** A proposal's shape preview as text lines, `name (Type)  before → after`, for the command line. */
export function previewLines(proposal: FitProposal): string[] {
  return proposal.preview
    .filter((row) => row.before !== row.after)
    .map((row) => `${row.name} (${row.type})  ${row.before ?? '(new)'} → ${row.after ?? '(removed)'}`);
}
