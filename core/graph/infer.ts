/**
 * Shape inference over any DAG: every node's output shape and every problem
 * at once. A node whose inputs failed is skipped silently, so a downstream
 * layer is never blamed for an upstream mistake.
 */
import { DIAGNOSTICS, ShapeError, blocksTraining, type Diagnostic, type DiagnosticCode, type Problem } from '../errors';
import type { AnyLayerSpec, ResolvedParams, Shape } from '../layers/layer-spec';
import { checkParams, resolveParams } from '../layers/params';
import { getLayerSpec, isLayerType } from '../layers/registry';
import { LIMITS, limitText } from '../limits';
import type { Graph, GraphNode } from './graph';
import { incomingEdgeIndex, outgoingIndex, outputNodeIds } from './graph';
import { layerNameProblem, nameText, suggestLayerName } from './names';

/** What shape inference derives from a graph. */
export interface ShapeReport {
  /** Output shape of every node that could be inferred, batch first. */
  shapes: Map<string, Shape>;
  /** Every problem found, errors and warnings, in topological order. */
  diagnostics: Diagnostic[];
  /** Node ids in topological order (nodes on a cycle are left out). */
  order: string[];
  /** Each valid node's parameters with defaults filled in. */
  params: Map<string, ResolvedParams>;
  /** The shapes feeding each node whose output was inferred, in input-slot order. */
  inputShapes: Map<string, Shape[]>;
}

/** Per-sample tensors above this many elements (1 GiB of float32) get a `tensor-too-large` warning. */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

/** `[null, 5, 5, 16]` → `5×5×16`. */
export const shapeText = (shape: Shape): string =>
  shape
    .slice(1)
    .map((d) => d ?? '?')
    .join('×');

/** Whether any diagnostic is an error (training and compiling need none). */
export const hasErrors = (diagnostics: readonly Diagnostic[]): boolean =>
  diagnostics.some((d) => d.severity === 'error');

/**
 * The diagnostics that stop a training run: the errors, and the warnings
 * about layers TensorFlow.js cannot train (a dilated Conv2D runs and exports,
 * but has no gradient). Empty when the design can be trained.
 */
export const trainingBlockers = (diagnostics: readonly Diagnostic[]): Diagnostic[] =>
  diagnostics.filter(blocksTraining);

function diagnostic(node: GraphNode, type: string, problem: Problem, severity?: Diagnostic['severity']): Diagnostic {
  return {
    nodeId: node.id,
    code: problem.code,
    severity: severity ?? DIAGNOSTICS[problem.code].severity,
    // The name as the file has it may hold anything (a newline, a megabyte); the message stays one short line.
    message: `${type} ${nameText(node.name)}: ${problem.message}`,
    ...(problem.fix ? { fix: { label: problem.fix.label, nodeId: node.id, edit: problem.fix.edit } } : {}),
    ...(problem.alternatives?.length
      ? { alternatives: problem.alternatives.map((f) => ({ label: f.label, nodeId: node.id, edit: f.edit })) }
      : {}),
  };
}

/**
 * Kahn's algorithm, stable in node order. Returns the sorted ids and the ids
 * left over (on a cycle or downstream of one).
 */
function topologicalOrder(graph: Graph): { order: string[]; blocked: Set<string> } {
  const indegree = new Map(graph.nodes.map((n) => [n.id, 0]));
  const next = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (!indegree.has(e.source) || !indegree.has(e.target)) continue;
    indegree.set(e.target, (indegree.get(e.target) as number) + 1);
    const targets = next.get(e.source);
    if (targets) targets.push(e.target);
    else next.set(e.source, [e.target]);
  }
  const ready = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i];
    order.push(id);
    for (const t of next.get(id) ?? []) {
      const left = (indegree.get(t) as number) - 1;
      indegree.set(t, left);
      if (left === 0) ready.push(t);
    }
  }
  const done = new Set(order);
  return { order, blocked: new Set(graph.nodes.filter((n) => !done.has(n.id)).map((n) => n.id)) };
}

/**
 * The strongly connected components among `candidates` that hold a cycle
 * (two or more nodes, or one that feeds itself), each as its node ids.
 * Tarjan's algorithm with an explicit stack: a cycle may be 10,000 layers long.
 */
function cyclicComponents(graph: Graph, candidates: ReadonlySet<string>): string[][] {
  const next = new Map<string, string[]>();
  const selfLoops = new Set<string>();
  for (const e of graph.edges) {
    if (!candidates.has(e.source) || !candidates.has(e.target)) continue;
    if (e.source === e.target) selfLoops.add(e.source);
    const targets = next.get(e.source);
    if (targets) targets.push(e.target);
    else next.set(e.source, [e.target]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  for (const root of candidates) {
    if (index.has(root)) continue;
    // Each frame is a node and how many of its successors have been looked at.
    const frames: { id: string; edge: number }[] = [{ id: root, edge: 0 }];
    index.set(root, counter);
    low.set(root, counter++);
    stack.push(root);
    onStack.add(root);
    while (frames.length) {
      const frame = frames[frames.length - 1];
      const targets = next.get(frame.id) ?? [];
      if (frame.edge < targets.length) {
        const t = targets[frame.edge++];
        if (!index.has(t)) {
          index.set(t, counter);
          low.set(t, counter++);
          stack.push(t);
          onStack.add(t);
          frames.push({ id: t, edge: 0 });
        } else if (onStack.has(t)) low.set(frame.id, Math.min(low.get(frame.id) as number, index.get(t) as number));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id) as number, low.get(frame.id) as number));
      if (low.get(frame.id) !== index.get(frame.id)) continue;
      const component: string[] = [];
      let id: string;
      do {
        id = stack.pop() as string;
        onStack.delete(id);
        component.push(id);
      } while (id !== frame.id);
      if (component.length > 1 || selfLoops.has(frame.id)) components.push(component);
    }
  }
  return components;
}

/** The shortest cycle through `start` inside `component`, as node ids from `start` (breadth-first search back to it). */
function shortestCycle(next: ReadonlyMap<string, string[]>, start: string, component: ReadonlySet<string>): string[] {
  const parent = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const t of next.get(queue[i]) ?? []) {
      if (!component.has(t)) continue;
      if (t === start) {
        const path = [queue[i]];
        while (path[path.length - 1] !== start) path.push(parent.get(path[path.length - 1]) as string);
        return path.reverse();
      }
      if (!parent.has(t)) {
        parent.set(t, queue[i]);
        queue.push(t);
      }
    }
  }
  return [start]; // not reached: every node of a cyclic component lies on a cycle
}

/** `"a" → "b" → "a"`, with the middle of a long cycle left out so the message stays one line. */
function cycleText(names: readonly string[]): string {
  const shown = names.length > 8 ? [...names.slice(0, 4), '…', ...names.slice(-3)] : names;
  return [...shown, names[0]].map((n) => (n === '…' ? n : nameText(n))).join(' → ');
}

function checkInputRanks(spec: AnyLayerSpec, inputs: readonly Shape[]): Problem | undefined {
  const rule = spec.inputs;
  for (const [i, shape] of inputs.entries()) {
    const rank = shape.length;
    const bad = (rule.rank !== undefined && rank !== rule.rank) || (rule.minRank !== undefined && rank < rule.minRank);
    if (!bad) continue;
    const wanted =
      rule.rank !== undefined ? `a ${rule.rank}-D input` : `an input of at least ${rule.minRank} dimensions`;
    const what = rule.describe ? `, ${rule.describe},` : '';
    const which = inputs.length > 1 ? `input ${i + 1}` : 'it';
    const fix = rule.wrongRankFix?.(rank);
    return {
      code: 'wrong-rank',
      message: `expects ${wanted}${what} but ${which} is ${rank}-D (batch×${shapeText(shape)})`,
      ...(fix ? { fix } : {}),
    };
  }
  return undefined;
}

/**
 * The output shape of one layer of `spec` with `params` (defaults filled in)
 * fed `inputs`, or `undefined` when the layer refuses them; what is wrong is
 * for {@link inferShapes} to report. For building a graph layer by layer
 * (the model importer), where one layer's settings depend on its input.
 */
export function layerOutputShape(
  spec: AnyLayerSpec,
  inputs: readonly Shape[],
  params: Readonly<Record<string, unknown>>,
): Shape | undefined {
  if (inputs.length < spec.inputs.min || inputs.length > spec.inputs.max || checkInputRanks(spec, inputs))
    return undefined;
  const resolved = resolveParams(spec.params, params);
  if (checkParams(spec.params, resolved).length) return undefined;
  try {
    return spec.inferShape(inputs, resolved as ResolvedParams, { warn: () => {} });
  } catch (e) {
    if (!(e instanceof ShapeError)) throw e;
    return undefined;
  }
}

/**
 * Infers every node's output shape and collects every problem.
 *
 * @example
 * const { shapes, diagnostics } = inferShapes(graph);
 * shapes.get(convId); // [null, 28, 28, 6]
 */
export function inferShapes(graph: Graph): ShapeReport {
  const shapes = new Map<string, Shape>();
  const params = new Map<string, ResolvedParams>();
  const inputShapes = new Map<string, Shape[]>();
  const incomingByNode = incomingEdgeIndex(graph);
  const diagnostics: Diagnostic[] = [];
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));

  const seenNames = new Map<string, GraphNode>();
  const takenNames = new Set(graph.nodes.map((n) => n.name));
  for (const node of graph.nodes) {
    const nameProblem = layerNameProblem(node.name);
    if (nameProblem !== null) {
      const stem = isLayerType(node.type) ? getLayerSpec(node.type).namePrefix : 'layer';
      const name = suggestLayerName(node.name, stem, takenNames);
      takenNames.add(name); // two bad names never get the same suggestion
      diagnostics.push(
        diagnostic(node, node.type, {
          code: 'invalid-name',
          message: nameProblem,
          fix: { label: `Rename it "${name}"`, edit: { kind: 'rename', name } },
        }),
      );
      continue; // an empty or bad name is reported once, not also as a duplicate
    }
    const first = seenNames.get(node.name);
    if (first) {
      diagnostics.push(
        diagnostic(node, node.type, {
          code: 'duplicate-name',
          message: `another layer is already named ${nameText(node.name)}; layer names must be unique`,
        }),
      );
    } else seenNames.set(node.name, node);
  }

  const { order, blocked } = topologicalOrder(graph);
  const outgoing = outgoingIndex(graph);
  // One diagnostic per cycle, on its first layer in the file: a 10,000-layer ring is one mistake, not 10,000.
  const position = new Map(graph.nodes.map((n, i) => [n.id, i]));
  for (const component of cyclicComponents(graph, blocked)) {
    const first = component.reduce((a, b) => ((position.get(a) as number) < (position.get(b) as number) ? a : b));
    const cycle = shortestCycle(outgoing, first, new Set(component));
    const node = byId.get(first) as GraphNode;
    const size = cycle.length > 8 ? ` of ${limitText(cycle.length)} layers` : '';
    const names = cycleText(cycle.map((id) => (byId.get(id) as GraphNode).name));
    diagnostics.push(
      diagnostic(node, node.type, { code: 'cycle', message: `is on a cycle${size} ${names}; data must flow one way` }),
    );
  }

  const failed = new Set<string>(blocked);
  const consumers = new Set(graph.edges.map((e) => e.source));
  /** Layers on the longest chain from an input to each node, the input included. */
  const depth = new Map<string, number>();
  let totalWeights = 0;
  for (const id of order) {
    const node = byId.get(id) as GraphNode;
    const fail = (problem: Problem) => {
      diagnostics.push(diagnostic(node, node.type, problem));
      failed.add(id);
    };
    if (!isLayerType(node.type)) {
      fail({ code: 'unknown-layer-type', message: `NetCanvas has no layer type "${node.type}"` });
      continue;
    }
    const spec = getLayerSpec(node.type);
    const resolved = resolveParams(spec.params, node.params);

    const incoming = (incomingByNode.get(id) ?? []).filter((e) => byId.has(e.source));
    if (incoming.length === 0 && !consumers.has(id)) {
      if (spec.inputs.max > 0) {
        fail({ code: 'disconnected', message: 'is not connected to anything' });
        continue;
      }
      // An Input alone is where every design starts: valid, with its shape. Beside a network it is a stray second input.
      if (graph.nodes.length > 1) {
        fail({ code: 'disconnected', message: 'feeds no layer; connect it to the network' });
        continue;
      }
    }
    const slots = new Set(incoming.map((e) => e.targetInput));
    // Two edges into one slot (a hand-edited file) count as too many too.
    const outOfRange = incoming.find((e) => e.targetInput >= spec.inputs.max);
    if (outOfRange || incoming.length > spec.inputs.max) {
      const takes = spec.inputs.max === 1 ? 'one input' : `at most ${spec.inputs.max} inputs`;
      fail({
        code: 'too-many-inputs',
        message:
          spec.inputs.max === 0
            ? `takes no inputs (it is where data enters) but has ${incoming.length}`
            : incoming.length > spec.inputs.max
              ? `takes ${takes} but has ${incoming.length}; use an Add or Concatenate to merge tensors`
              : `takes ${takes} but a layer is connected to input ${(outOfRange as (typeof incoming)[number]).targetInput + 1}`,
      });
      continue;
    }
    let needed = spec.inputs.min;
    for (const slot of slots) needed = Math.max(needed, slot + 1);
    const missing = [...Array(needed).keys()].filter((slot) => !slots.has(slot));
    if (missing.length) {
      const what =
        spec.inputs.max === 1
          ? 'has no input; connect a layer to it'
          : `needs at least ${spec.inputs.min} inputs but input ${missing.map((m) => m + 1).join(', ')} ${missing.length > 1 ? 'are' : 'is'} not connected`;
      fail({ code: 'missing-input', message: what });
      continue;
    }
    // tfjs 4.22's executor frees a layer's output too early when one layer takes
    // it twice and another layer reads it too, and predict() then crashes.
    const sourcesSeen = new Set<string>();
    let twice: (typeof incoming)[number] | undefined;
    for (const e of incoming) {
      if (sourcesSeen.has(e.source)) {
        twice = e;
        break;
      }
      sourcesSeen.add(e.source);
    }
    const repeatedSource = twice && byId.get(twice.source);
    if (
      twice &&
      repeatedSource &&
      !(isLayerType(repeatedSource.type) && getLayerSpec(repeatedSource.type).inputs.max === 0) &&
      (outgoing.get(twice.source) ?? []).some((target) => target !== id && byId.has(target))
    ) {
      const first = incoming.find((e) => e.source === twice.source) as (typeof incoming)[number];
      fail({
        code: 'repeated-input',
        message: `inputs ${first.targetInput + 1} and ${twice.targetInput + 1} are both "${repeatedSource.name}", which also feeds another layer; TensorFlow.js cannot run that`,
        fix: {
          label: `Pass input ${twice.targetInput + 1} through a linear Activation`,
          edit: {
            kind: 'insert-before',
            input: twice.targetInput,
            type: 'Activation',
            params: { activation: 'linear' },
          },
        },
      });
      continue;
    }
    if (incoming.some((e) => failed.has(e.source))) {
      failed.add(id); // upstream already reported
      continue;
    }
    const inputs = incoming.map((e) => shapes.get(e.source) as Shape);
    let chain = 1;
    for (const e of incoming) chain = Math.max(chain, (depth.get(e.source) as number) + 1);
    if (chain > LIMITS.depth) {
      // Reported once, where the chain crosses the limit; the layers after it are not blamed again.
      fail({
        code: 'too-deep',
        message: `is layer ${limitText(chain)} of one chain; TensorFlow.js builds models at most ${limitText(LIMITS.depth)} layers deep`,
      });
      continue;
    }
    depth.set(id, chain);

    const rankProblem = checkInputRanks(spec, inputs);
    if (rankProblem) {
      fail(rankProblem);
      continue;
    }
    const badParams = checkParams(spec.params, resolved);
    if (badParams.length) {
      for (const [name, reason] of badParams) {
        const def = spec.params[name].default;
        diagnostics.push(
          diagnostic(node, node.type, {
            code: 'param-invalid',
            message: `${name} ${reason}`,
            fix: {
              label: `Reset ${name} to ${JSON.stringify(def)}`,
              edit: { kind: 'set-param', param: name, value: def },
            },
          }),
        );
      }
      failed.add(id);
      continue;
    }
    const warnings: Problem[] = [];
    const ctx = {
      warn: (code: DiagnosticCode, message: string, fix?: Problem['fix'], alternatives?: Problem['alternatives']) =>
        warnings.push({ code, message, ...(fix ? { fix } : {}), ...(alternatives?.length ? { alternatives } : {}) }),
    };
    let output: Shape;
    try {
      output = spec.inferShape(inputs, resolved as ResolvedParams, ctx); // checked against its specs above
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e; // a bug, not user input
      fail(e.problem);
      continue;
    }
    for (const w of warnings) diagnostics.push(diagnostic(node, node.type, w, 'warning'));
    const empty = output.findIndex((d, axis) => axis > 0 && d !== null && d <= 0);
    if (empty !== -1) {
      fail({ code: 'empty-output', message: `output ${shapeText(output)} has no elements along axis ${empty}` });
      continue;
    }
    const elements = output.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
    if (elements > LIMITS.tensorElements) {
      fail({
        code: 'tensor-over-limit',
        message: `output ${shapeText(output)} holds ${valuesText(elements)} values per sample; NetCanvas computes tensors of at most ${limitText(LIMITS.tensorElements)} values`,
      });
      continue;
    }
    if (elements > MAX_TENSOR_ELEMENTS) {
      diagnostics.push(
        diagnostic(node, node.type, {
          code: 'tensor-too-large',
          message: `output ${shapeText(output)} holds ${elements.toLocaleString('en-US')} values per sample (${((elements * 4) / 2 ** 30).toFixed(1)} GiB as float32); it will not fit in memory`,
        }),
      );
    }
    const count = spec.countParams?.({ inputs, output, params: resolved as ResolvedParams });
    const weights = count ? count.trainable + count.nonTrainable : 0;
    if (weights > LIMITS.weights || (totalWeights <= LIMITS.weights && totalWeights + weights > LIMITS.weights)) {
      const what =
        weights > LIMITS.weights
          ? `has ${valuesText(weights)} weights`
          : `brings the design to ${valuesText(totalWeights + weights)} weights`;
      fail({
        code: 'too-many-weights',
        message: `${what}; NetCanvas holds at most ${limitText(LIMITS.weights)} (8 GiB of float32)`,
      });
      totalWeights += weights;
      continue;
    }
    totalWeights += weights;
    shapes.set(id, output);
    params.set(id, resolved as ResolvedParams);
    inputShapes.set(id, inputs);
  }
  diagnostics.push(...unusedLayers(graph, byId, failed));
  return { shapes, diagnostics, order, params, inputShapes };
}

/** A count too large to print exactly: `1e+308` stays short, `3,221,225,472` is exact. */
const valuesText = (n: number): string => (n < 1e15 ? limitText(n) : n.toExponential(2));

/**
 * With declared outputs, a layer nothing consumes that is not one of them
 * would be left out of the exported model while the summary counts it: one
 * error per such dangling end, with a fix that makes it an output.
 */
function unusedLayers(graph: Graph, byId: ReadonlyMap<string, GraphNode>, failed: ReadonlySet<string>): Diagnostic[] {
  if (!graph.outputs?.length) return [];
  const outputs = outputNodeIds(graph);
  const incoming = incomingEdgeIndex(graph);
  const used = new Set<string>();
  const stack = [...outputs];
  while (stack.length) {
    const id = stack.pop() as string;
    if (used.has(id)) continue;
    used.add(id);
    for (const e of incoming.get(id) ?? []) stack.push(e.source);
  }
  const consumed = new Set(graph.edges.map((e) => e.source));
  const names = outputs.map((id) => nameText((byId.get(id) as GraphNode).name)).join(', ');
  return graph.nodes
    .filter((n) => !used.has(n.id) && !consumed.has(n.id) && !failed.has(n.id))
    .map((node) =>
      diagnostic(node, node.type, {
        code: 'unused-layer',
        message: `leads to none of the model's outputs (${names}), so the exported model would leave it out`,
        fix: { label: `Make ${nameText(node.name)} an output`, edit: { kind: 'add-output' } },
      }),
    );
}
