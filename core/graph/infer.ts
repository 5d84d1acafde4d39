/**
 * Shape inference over any DAG: every node's output shape and every problem
 * at once. A node whose inputs failed is skipped silently, so a downstream
 * layer is never blamed for an upstream mistake.
 */
import { DIAGNOSTICS, ShapeError, type Diagnostic, type DiagnosticCode, type Problem } from '../errors';
import type { AnyLayerSpec, ResolvedParams, Shape } from '../layers/layer-spec';
import { checkParams, resolveParams } from '../layers/params';
import { getLayerSpec, isLayerType } from '../layers/registry';
import type { Graph, GraphNode } from './graph';
import { incomingEdgeIndex } from './graph';

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

function diagnostic(node: GraphNode, type: string, problem: Problem, severity?: Diagnostic['severity']): Diagnostic {
  return {
    nodeId: node.id,
    code: problem.code,
    severity: severity ?? DIAGNOSTICS[problem.code].severity,
    message: `${type} "${node.name}": ${problem.message}`,
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
    next.set(e.source, [...(next.get(e.source) ?? []), e.target]);
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

/** The nodes among `candidates` that lie on a cycle, each with one cycle through it (as node ids). */
function cyclesThrough(graph: Graph, candidates: Set<string>): Map<string, string[]> {
  const found = new Map<string, string[]>();
  const succ = (id: string) =>
    graph.edges.filter((e) => e.source === id && candidates.has(e.target)).map((e) => e.target);
  for (const start of candidates) {
    if (found.has(start)) continue;
    // Breadth-first search back to `start` gives the shortest cycle through it.
    const parent = new Map<string, string>();
    const queue = [start];
    let closing: string | undefined;
    for (let i = 0; i < queue.length && closing === undefined; i++) {
      for (const t of succ(queue[i])) {
        if (t === start) {
          closing = queue[i];
          break;
        }
        if (!parent.has(t)) {
          parent.set(t, queue[i]);
          queue.push(t);
        }
      }
    }
    if (closing === undefined) continue;
    const path = [closing];
    while (path[0] !== start) path.unshift(parent.get(path[0]) as string);
    for (const id of path) if (!found.has(id)) found.set(id, path);
  }
  return found;
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
  for (const node of graph.nodes) {
    const first = seenNames.get(node.name);
    if (first) {
      diagnostics.push(
        diagnostic(node, node.type, {
          code: 'duplicate-name',
          message: `another layer is already named "${node.name}"; layer names must be unique`,
        }),
      );
    } else seenNames.set(node.name, node);
  }

  const { order, blocked } = topologicalOrder(graph);
  for (const [id, cycle] of cyclesThrough(graph, blocked)) {
    const node = byId.get(id) as GraphNode;
    const names = [...cycle, cycle[0]].map((c) => `"${byId.get(c)?.name}"`).join(' → ');
    diagnostics.push(
      diagnostic(node, node.type, { code: 'cycle', message: `is on a cycle ${names}; data must flow one way` }),
    );
  }

  const failed = new Set<string>(blocked);
  const consumers = new Set(graph.edges.map((e) => e.source));
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
    const needed = Math.max(spec.inputs.min, incoming.length ? Math.max(...slots) + 1 : 0);
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
    const twice = incoming.find((e, k) => incoming.findIndex((f) => f.source === e.source) !== k);
    const repeatedSource = twice && byId.get(twice.source);
    if (
      twice &&
      repeatedSource &&
      !(isLayerType(repeatedSource.type) && getLayerSpec(repeatedSource.type).inputs.max === 0) &&
      graph.edges.some((e) => e.source === twice.source && e.target !== id && byId.has(e.target))
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
    if (elements > MAX_TENSOR_ELEMENTS) {
      diagnostics.push(
        diagnostic(node, node.type, {
          code: 'tensor-too-large',
          message: `output ${shapeText(output)} holds ${elements.toLocaleString('en-US')} values per sample (${((elements * 4) / 2 ** 30).toFixed(1)} GiB as float32); it will not fit in memory`,
        }),
      );
    }
    shapes.set(id, output);
    params.set(id, resolved as ResolvedParams);
    inputShapes.set(id, inputs);
  }
  return { shapes, diagnostics, order, params, inputShapes };
}
