/**
 * Graph → `tf.LayersModel` through the tfjs functional API. Every layer comes
 * from its spec's `toTfjs`, so the registry stays the single source of truth;
 * this module only wires tensors together in topological order and, on
 * request, swaps in the training session's weight initializer, seed and
 * weight decay.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Diagnostic } from '../errors';
import type { Graph } from '../graph/graph';
import { incomingEdgeIndex, outputNodeIds } from '../graph/graph';
import { hasErrors, inferShapes, type ShapeReport } from '../graph/infer';
import type { Tfjs } from '../layers/layer-spec';
import { getLayerSpec } from '../layers/registry';

/** Weight initializers offered for convolution and dense kernels, by their tfjs names. */
export const KERNEL_INITIALIZERS = [
  'glorotUniform',
  'glorotNormal',
  'heNormal',
  'heUniform',
  'leCunNormal',
  'leCunUniform',
] as const;
export type KernelInitializerName = (typeof KERNEL_INITIALIZERS)[number];

/** L1 and L2 penalties on kernels, added to the loss as `l1·Σ|w| + l2·Σw²`. */
export interface WeightDecay {
  l1?: number;
  l2?: number;
}

/** Training-time choices that change how layers are built, not what they compute. */
export interface CompileOptions {
  /** Initializer for every convolution and dense kernel; Keras's default, Glorot uniform, when absent. */
  kernelInitializer?: KernelInitializerName;
  /**
   * Seed for the kernel initializers, so the same design starts from the same
   * weights every time. Each layer gets its own seed derived from this one.
   */
  seed?: number;
  /** Kernel regularizers (weight decay) on every convolution and dense kernel. */
  weightDecay?: WeightDecay;
}

/**
 * A graph that cannot be compiled because it has error diagnostics. The
 * message lists every error, one per line, as the problems panel shows them.
 *
 * @example
 * try { compileGraph(graph, tf) } catch (e) { if (e instanceof CompileError) show(e.diagnostics) }
 */
export class CompileError extends Error {
  /** The error diagnostics that block compiling. */
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[], reason?: string) {
    const count = diagnostics.length;
    super(
      reason ??
        `The design cannot be compiled: ${count} error${count === 1 ? '' : 's'}\n` +
          diagnostics.map((d) => `  - ${d.message}`).join('\n'),
    );
    this.name = 'CompileError';
    this.diagnostics = diagnostics;
  }
}

/**
 * Layer config keys that hold a kernel's initializer and regularizer. Read
 * from the tfjs layer's own config, so whichever spec produces a layer with a
 * kernel gets the options without a list of layer types here.
 */
const KERNEL_KEYS = [
  { initializer: 'kernelInitializer', regularizer: 'kernelRegularizer' },
  { initializer: 'depthwiseInitializer', regularizer: 'depthwiseRegularizer' },
] as const;

/** A per-layer seed from the run's seed and the layer's position, so equal-shaped kernels differ. */
const layerSeed = (seed: number, index: number): number =>
  (Math.imul(seed ^ 0x9e3779b9, 2654435761) + index * 7919) >>> 0;

/**
 * The layer with the options applied: rebuilt from its config (what tfjs's
 * own `fromConfig` does) with the initializer, seed and regularizer replaced.
 * Returns the layer unchanged when it has no kernel or no option applies.
 */
function withKernelOptions(
  layer: tfjs.layers.Layer,
  tf: Tfjs,
  options: CompileOptions,
  index: number,
): tfjs.layers.Layer {
  const { kernelInitializer, seed, weightDecay } = options;
  const decay = weightDecay && ((weightDecay.l1 ?? 0) > 0 || (weightDecay.l2 ?? 0) > 0) ? weightDecay : undefined;
  if (!kernelInitializer && seed === undefined && !decay) return layer;
  const config = layer.getConfig() as Record<string, unknown>;
  const present = KERNEL_KEYS.filter((k) => k.initializer in config);
  if (present.length === 0) return layer;
  const changed: Record<string, unknown> = { ...config };
  for (const key of present) {
    if (kernelInitializer || seed !== undefined) {
      // A seed alone keeps the Keras default, Glorot uniform. The layer's own serialized initializer
      // cannot be reused: tfjs 4.22 serializes GlorotUniform as a *normal* VarianceScaling.
      const name = kernelInitializer ?? 'glorotUniform';
      changed[key.initializer] = tf.initializers[name](seed === undefined ? {} : { seed: layerSeed(seed, index) });
    }
    if (decay) changed[key.regularizer] = tf.regularizers.l1l2({ l1: decay.l1 ?? 0, l2: decay.l2 ?? 0 });
  }
  const cls = layer.constructor as unknown as new (args: Record<string, unknown>) => tfjs.layers.Layer;
  return new cls(changed);
}

/**
 * Builds the tfjs model of a design: one `tf.input` per `InputLayer` (named
 * after the node), every other layer from its spec's `toTfjs` applied in
 * topological order, merges fed their inputs in slot order, and the outputs
 * of {@link outputNodeIds} in order. Layer names are the node names; a
 * frozen node (`trainable: false`) gives a layer tfjs will not train.
 * Throws {@link CompileError} when the design has error diagnostics.
 *
 * @example
 * import * as tf from '@tensorflow/tfjs';
 * const model = compileGraph(lenet5.build(), tf, { seed: 42, kernelInitializer: 'heNormal' });
 * model.countParams(); // 61706
 */
export function compileGraph(
  graph: Graph,
  tf: Tfjs,
  options: CompileOptions = {},
  report?: ShapeReport,
): tfjs.LayersModel {
  const shapes = report ?? inferShapes(graph);
  if (hasErrors(shapes.diagnostics)) throw new CompileError(shapes.diagnostics.filter((d) => d.severity === 'error'));

  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const tensors = new Map<string, tfjs.SymbolicTensor>();
  const inputs: tfjs.SymbolicTensor[] = [];
  const incoming = incomingEdgeIndex(graph);
  shapes.order.forEach((id, index) => {
    const node = byId.get(id);
    const params = shapes.params.get(id);
    if (!node || !params) return;
    const spec = getLayerSpec(node.type);
    if (spec.inputs.max === 0) {
      const shape = shapes.shapes.get(id) as readonly (number | null)[];
      const input = tf.input({ batchShape: [...shape], name: node.name });
      inputs.push(input);
      tensors.set(id, input);
      return;
    }
    const feeds = (incoming.get(id) ?? []).map((e) => tensors.get(e.source) as tfjs.SymbolicTensor);
    // tfjs layers keep (and Reshape rewrites) the arrays they are given, so
    // hand them a copy: compiling must never change the design.
    const io = {
      inputs: shapes.inputShapes.get(id) ?? [],
      output: shapes.shapes.get(id) as readonly (number | null)[],
    };
    const layer = withKernelOptions(spec.toTfjs(structuredClone(params), tf, node.name, io), tf, options, index);
    if (node.trainable === false) layer.trainable = false;
    // Merge layers take their inputs as an array; every other layer takes one tensor.
    const output = layer.apply(spec.inputs.max > 1 ? feeds : feeds[0]) as tfjs.SymbolicTensor;
    tensors.set(id, output);
  });

  const outputs = outputNodeIds(graph).map((id) => tensors.get(id) as tfjs.SymbolicTensor);
  // Any layer without an input is reported by inferShapes, so only an empty design gets here.
  if (inputs.length === 0 || outputs.length === 0)
    throw new CompileError([], 'The design cannot be compiled: it has no layers');
  return tf.model({ inputs, outputs });
}
