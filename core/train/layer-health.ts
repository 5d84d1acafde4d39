/**
 * Layer health: the figures that tell whether each layer of a network in
 * training is still learning, measured the way the CS231n notes suggest
 * watching a run.
 *
 * - **Dead units** (ReLU): a unit whose output is 0 for every sample of a
 *   validation batch passes no gradient back, so it will not come alive again.
 *   A unit is one position of the output's last axis: a neuron of a Dense
 *   layer, a filter of a convolution (dead when silent at every position).
 * - **Saturation** (tanh, sigmoid): an output within 3 % of either end of the
 *   function's range sits where its slope is almost 0, so it learns slowly.
 * - **Gradient norm**: the L2 norm of the loss's gradient with respect to the
 *   layer's trainable weights, on a training step.
 * - **Update-to-weight ratio**: ‖ΔW‖ / ‖W‖ over that step, all of the layer's
 *   weights together. About 1e-3 is healthy; far above, the learning rate is
 *   too high; far below, the layer hardly moves.
 *
 * Each epoch watches its last training step, and the first epoch its first
 * step too (where a far too high learning rate shows: one step of Adam at
 * rate 5 moves every weight by about 5), reporting the larger figures;
 * after validation one forward pass over a fixed validation batch measures the
 * activations. So watching costs a few extra tensors per epoch, not a slower
 * run (`npm run bench layer-health`). The thresholds that turn figures into
 * problems are data ({@link HEALTH_PROBLEMS}), so the legend, the canvas and
 * the CLI say the same thing. A problem stays on a layer's record once seen
 * (with the epoch it was first seen): a layer that exploded in epoch 1 and
 * sat still afterwards is the story of that run.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { Graph } from '../graph/graph';
import { ACTIVATIONS, type ActivationName, type Tfjs } from '../layers/layer-spec';
import { resolveParams } from '../layers/params';
import { getLayerSpec, isLayerType } from '../layers/registry';

/** The activations whose units health watches: ReLUs die, tanh and sigmoid saturate. */
export type WatchedActivation = 'relu' | 'tanh' | 'sigmoid';

/** A layer of the design as health measures it: its name (the tfjs layer's) and the non-linearity on its output. */
export interface HealthLayer {
  name: string;
  /** The output's non-linearity when health watches it, else null (the layer still gets gradient figures). */
  activation: WatchedActivation | null;
}

/** Saturated means within this share of the range's half-width of either end: |x| > 0.97 for tanh. */
export const SATURATION_LEVEL = 0.97;

/** Where a watched function's range is centred, and its half-width: tanh spans −1…1, sigmoid 0…1. */
const RANGE: Record<Exclude<WatchedActivation, 'relu'>, { centre: number; halfWidth: number }> = {
  tanh: { centre: 0, halfWidth: 1 },
  sigmoid: { centre: 0.5, halfWidth: 0.5 },
};

/** How an activation is watched: ReLU6 dies as ReLU does; the others are not watched. */
function watched(activation: ActivationName | undefined): WatchedActivation | null {
  if (activation === 'relu' || activation === 'relu6') return 'relu';
  if (activation === 'tanh' || activation === 'sigmoid') return activation;
  return null;
}

/**
 * The design's layers that health reports on (all but inputs), each with
 * the non-linearity on its output: the layer's `activation` parameter, or
 * what its spec says it applies (the ReLU layer).
 */
export function healthLayersOf(graph: Graph): HealthLayer[] {
  const layers: HealthLayer[] = [];
  for (const node of graph.nodes) {
    if (node.type === 'InputLayer' || !isLayerType(node.type)) continue;
    const spec = getLayerSpec(node.type);
    const params = resolveParams(spec.params, node.params);
    const named = (ACTIVATIONS as readonly unknown[]).includes(params.activation)
      ? (params.activation as ActivationName)
      : undefined;
    layers.push({ name: node.name, activation: watched(spec.outputActivation?.(params as never) ?? named) });
  }
  return layers;
}

/** What health measured of one layer; a figure is absent where it does not apply. */
export interface LayerHealthFigures {
  /** Share of the ReLU's units (0–1) that output 0 for every sample of the validation batch. */
  deadShare?: number;
  /** Share of the tanh/sigmoid outputs (0–1) beyond {@link SATURATION_LEVEL} of the range. */
  saturatedShare?: number;
  /** L2 norm of the gradient of the loss with respect to the layer's trainable weights: the largest of the epoch's watched steps. */
  gradientNorm?: number;
  /** ‖ΔW‖ / ‖W‖ of the layer's trainable weights over one step: the largest of the epoch's watched steps. */
  updateRatio?: number;
}

/**
 * What the run was doing when the figures were taken: the learning rate's
 * share of its starting value (a schedule decaying to 0 moves the weights
 * little on purpose, which is not a layer failing to learn).
 */
export interface HealthContext {
  /** Learning rate now / learning rate set, 0–1 (1 without a schedule). */
  rateFactor: number;
}

/** What can be wrong with a layer. */
export type HealthProblemId = 'dying' | 'saturating' | 'exploding' | 'not-learning';

/** A problem health flags, with its rule as data: the canvas's legend and `netcanvas train` print these. */
export interface HealthProblem {
  id: HealthProblemId;
  label: string;
  /** The threshold in a few words, for a compact legend: `update ratio ≥ 1`. */
  threshold: string;
  /** The rule in a sentence. */
  rule: string;
  /** What it means and what to try, in a sentence. */
  advice: string;
  applies(figures: LayerHealthFigures, context: HealthContext): boolean;
}

/** Dying: at least this share of a ReLU's units never fire. */
export const DEAD_SHARE_LIMIT = 0.5;
/** Saturating: at least this share of a tanh/sigmoid's outputs are saturated. */
export const SATURATED_SHARE_LIMIT = 0.5;
/**
 * Exploding: one step changes the weights by at least their own size. (1e-3 is
 * healthy; Adam's very first step moves every weight by the learning rate, about
 * 0.3 of a small layer's size at the toy sets' rate 0.03, so the line sits at 1.)
 */
export const EXPLODING_RATIO = 1;
/** Not learning: one step changes the weights by less than this share of their size (at the starting learning rate). */
export const STALLED_RATIO = 1e-5;

/** The problems health flags, worst first: a layer shows the first that applies. */
export const HEALTH_PROBLEMS: readonly HealthProblem[] = [
  {
    id: 'exploding',
    label: 'Exploding',
    threshold: `update ratio ≥ ${EXPLODING_RATIO}`,
    rule: `a step changes the weights by ≥ ${EXPLODING_RATIO} of their size, or the gradient is not finite`,
    advice:
      'The learning rate is far too high for this layer: lower it (an update-to-weight ratio near 1e-3 is healthy).',
    applies: (f) =>
      (f.gradientNorm !== undefined && !Number.isFinite(f.gradientNorm)) ||
      (f.updateRatio !== undefined && (!Number.isFinite(f.updateRatio) || f.updateRatio >= EXPLODING_RATIO)),
  },
  {
    id: 'dying',
    label: 'Dying',
    threshold: `≥ ${DEAD_SHARE_LIMIT * 100}% dead units`,
    rule: `≥ ${DEAD_SHARE_LIMIT * 100}% of the ReLU units never fire on the validation batch`,
    advice:
      'Dead ReLUs pass no gradient and do not recover: lower the learning rate, or use Leaky ReLU or batch normalization.',
    applies: (f) => f.deadShare !== undefined && f.deadShare >= DEAD_SHARE_LIMIT,
  },
  {
    id: 'saturating',
    label: 'Saturating',
    threshold: `≥ ${SATURATED_SHARE_LIMIT * 100}% saturated`,
    rule: `≥ ${SATURATED_SHARE_LIMIT * 100}% of the outputs beyond ${SATURATION_LEVEL} of the tanh/sigmoid range`,
    advice:
      'Saturated units have almost no slope and learn slowly: standardize the inputs, lower the learning rate, or use ReLU.',
    applies: (f) => f.saturatedShare !== undefined && f.saturatedShare >= SATURATED_SHARE_LIMIT,
  },
  {
    id: 'not-learning',
    label: 'Not learning',
    threshold: `update ratio < ${STALLED_RATIO.toExponential()}`,
    rule: `a step changes the weights by < ${STALLED_RATIO.toExponential()} of their size (scaled by the schedule's decay)`,
    advice:
      'The weights hardly move: the learning rate is too low, or no gradient reaches this layer (dead or saturated layers after it).',
    applies: (f, context) => f.updateRatio !== undefined && f.updateRatio < STALLED_RATIO * context.rateFactor,
  },
];

/** The problems that apply to these figures, worst first (empty for a healthy layer). */
export function healthProblems(
  figures: LayerHealthFigures,
  context: HealthContext = { rateFactor: 1 },
): HealthProblemId[] {
  return HEALTH_PROBLEMS.filter((p) => p.applies(figures, context)).map((p) => p.id);
}

/** The worst of these problems (the first in {@link HEALTH_PROBLEMS}), or null. */
export function worstProblem(ids: Iterable<HealthProblemId>): HealthProblemId | null {
  const present = new Set(ids);
  return HEALTH_PROBLEMS.find((p) => present.has(p.id))?.id ?? null;
}

/** `4.9e-3` (`0` for zero), the way health figures are printed. */
export const healthFigure = (value: number): string =>
  !Number.isFinite(value) ? String(value) : value === 0 ? '0' : value.toExponential(1);

/**
 * One layer's health in a line, as `netcanvas train` prints it:
 * `hidden: 18% dead units, gradient norm 2.5e-1, update/weight 1.2e-5, healthy`.
 */
export function healthLine(layer: LayerHealth): string {
  const figures: string[] = [];
  if (layer.deadShare !== undefined) figures.push(`${Math.round(layer.deadShare * 100)}% dead units`);
  if (layer.saturatedShare !== undefined) figures.push(`${Math.round(layer.saturatedShare * 100)}% saturated`);
  if (layer.gradientNorm !== undefined) figures.push(`gradient norm ${healthFigure(layer.gradientNorm)}`);
  if (layer.updateRatio !== undefined) figures.push(`update/weight ${healthFigure(layer.updateRatio)}`);
  const seen = HEALTH_PROBLEMS.filter((p) => layer.seen[p.id] !== undefined).map(
    (p) =>
      `${p.label.toLowerCase()} (${layer.problems.includes(p.id) ? 'since' : 'in'} epoch ${(layer.seen[p.id] as number) + 1})`,
  );
  return `${layer.name}: ${[...figures, ...(seen.length ? seen : ['healthy'])].join(', ')}`;
}

/** One layer's health at the end of an epoch. */
export interface LayerHealth extends LayerHealthFigures {
  /** The layer's name (the design's node name). */
  name: string;
  activation: WatchedActivation | null;
  /** What is wrong now, worst first; empty when the layer is healthy. */
  problems: HealthProblemId[];
  /** Every problem seen so far in the run, with the 0-based epoch it was first seen (current ones included). */
  seen: Partial<Record<HealthProblemId, number>>;
}

/** Every measured layer's health after one epoch. */
export interface LayerHealthReport {
  /** 0-based epoch the figures were measured at the end of. */
  epoch: number;
  /** The learning rate's share of its starting value in that epoch. */
  rateFactor: number;
  /** Validation samples the activations were measured on. */
  samples: number;
  /** In the design's order; layers with nothing to measure (no weights, no watched activation) are left out. */
  layers: LayerHealth[];
}

/** The values of a batch health measures activations on: up to 256 samples, at most 4 Mi values. */
export function healthSampleCount(available: number, sampleValues: number, batchSize: number): number {
  const byMemory = Math.floor((4 * 1024 * 1024) / Math.max(1, sampleValues));
  return Math.max(0, Math.min(available, Math.max(batchSize, Math.min(256, byMemory))));
}

/**
 * Dead share of ReLU outputs: `values` flattened to `[n, units]` (units the
 * last axis); a unit is dead when no sample gives it a value above 0.
 */
function deadShareOf(tf: Tfjs, output: tfjs.Tensor): tfjs.Scalar {
  const units = output.shape[output.shape.length - 1] as number;
  const perUnitMax = tf.max(tf.reshape(output, [-1, units]), 0);
  return tf.sub(1, tf.mean(tf.cast(tf.greater(perUnitMax, 0), 'float32'))) as tfjs.Scalar;
}

/** Saturated share of tanh/sigmoid outputs: beyond {@link SATURATION_LEVEL} of the half-width from the centre. */
function saturatedShareOf(tf: Tfjs, output: tfjs.Tensor, activation: 'tanh' | 'sigmoid'): tfjs.Scalar {
  const { centre, halfWidth } = RANGE[activation];
  const distance = tf.abs(tf.sub(output, centre));
  return tf.mean(tf.cast(tf.greater(distance, SATURATION_LEVEL * halfWidth), 'float32')) as tfjs.Scalar;
}

/** Sum of squares of a list of tensors, as one scalar (0 for none). */
function sumOfSquares(tf: Tfjs, tensors: readonly tfjs.Tensor[]): tfjs.Scalar {
  return tensors.reduce<tfjs.Scalar>((sum, t) => tf.add(sum, tf.sum(tf.square(t))), tf.scalar(0));
}

/**
 * Measures layer health during a training run: call {@link measuredStep}
 * in place of `optimizer.minimize` for the one step an epoch watches, then
 * {@link report} with the validation batch at the end of the epoch. Owns a
 * probe model sharing the network's layers; `dispose` releases what it holds.
 */
export class LayerHealthMonitor {
  /** Layers with trainable weights, and those weights' variables. */
  private readonly weighted: { name: string; variables: tfjs.Variable[] }[];
  /** Layers whose activations are measured. */
  private readonly watchedLayers: { name: string; activation: WatchedActivation }[];
  private readonly probe: tfjs.LayersModel | null;
  /** `[weighted layers, 2]`: the largest gradient norm and update ratio of the steps measured since the last report. */
  private stepFigures: tfjs.Tensor | null = null;
  /** Problems seen so far, per layer, with the epoch first seen. */
  private readonly seen = new Map<string, Partial<Record<HealthProblemId, number>>>();

  constructor(
    private readonly tf: Tfjs,
    model: tfjs.LayersModel,
    private readonly layers: readonly HealthLayer[],
  ) {
    const present = layers.filter((l) => model.layers.some((layer) => layer.name === l.name));
    this.weighted = present
      .map((l) => ({
        name: l.name,
        variables: model.getLayer(l.name).trainableWeights.map((w) => w.read() as tfjs.Variable),
      }))
      .filter((l) => l.variables.length > 0);
    this.watchedLayers = present.flatMap((l) => (l.activation ? [{ name: l.name, activation: l.activation }] : []));
    this.probe = this.watchedLayers.length
      ? tf.model({
          inputs: model.inputs,
          outputs: this.watchedLayers.map((l) => model.getLayer(l.name).output as tfjs.SymbolicTensor),
        })
      : null;
  }

  /**
   * One training step, as `optimizer.minimize(loss, true, variables)` takes it,
   * that also records each layer's gradient norm and update-to-weight ratio
   * (the larger of these and those of earlier steps since the last report).
   * Returns the cost; the caller disposes it.
   */
  measuredStep(optimizer: tfjs.Optimizer, loss: () => tfjs.Scalar, variables: tfjs.Variable[]): tfjs.Scalar {
    const { tf } = this;
    const before = this.weighted.map((l) => l.variables.map((v) => tf.clone(v)));
    let gradients: tfjs.NamedTensorMap | null = null;
    try {
      const computed = optimizer.computeGradients(loss, variables);
      gradients = computed.grads;
      const grads = gradients;
      const gradientSquares = tf.tidy(() =>
        this.weighted.map((l) =>
          sumOfSquares(
            tf,
            l.variables.flatMap((v) => (grads[v.name] ? [grads[v.name]] : [])),
          ),
        ),
      );
      optimizer.applyGradients(grads);
      const previous = this.stepFigures;
      this.stepFigures = tf.tidy(() => {
        const rows = this.weighted.map((l, i) => {
          const change = sumOfSquares(
            tf,
            l.variables.map((v, k) => tf.sub(v, before[i][k])),
          );
          const size = sumOfSquares(tf, before[i]);
          return tf.stack([tf.sqrt(gradientSquares[i]), tf.div(tf.sqrt(change), tf.sqrt(size))]);
        });
        const figures = rows.length ? tf.stack(rows) : tf.zeros([0, 2]);
        // NaN wins over any number, so a step that blew up is not hidden by a calm one.
        return previous
          ? tf.where(tf.isNaN(figures), figures, tf.where(tf.isNaN(previous), previous, tf.maximum(previous, figures)))
          : figures;
      });
      previous?.dispose();
      tf.dispose(gradientSquares);
      return computed.value;
    } finally {
      tf.dispose(before.flat());
      if (gradients) tf.dispose(Object.values(gradients));
    }
  }

  /**
   * The report for `epoch`: activations measured on `xs` (a validation batch,
   * normalized as training batches are), step figures from the
   * {@link measuredStep}s since the last report (absent when none was taken).
   */
  async report(xs: tfjs.Tensor, epoch: number, context: HealthContext = { rateFactor: 1 }): Promise<LayerHealthReport> {
    const { tf } = this;
    const activationFigures = this.probe
      ? tf.tidy(() => {
          const predicted = (this.probe as tfjs.LayersModel).predict(xs);
          const outputs = Array.isArray(predicted) ? predicted : [predicted];
          return tf.stack(
            this.watchedLayers.map((l, i) =>
              l.activation === 'relu' ? deadShareOf(tf, outputs[i]) : saturatedShareOf(tf, outputs[i], l.activation),
            ),
          );
        })
      : null;
    const [activations, steps] = await Promise.all([activationFigures?.data(), this.stepFigures?.data()]);
    activationFigures?.dispose();
    this.stepFigures?.dispose();
    this.stepFigures = null;

    const byName = new Map<string, LayerHealthFigures>();
    const figuresOf = (name: string): LayerHealthFigures => {
      let figures = byName.get(name);
      if (!figures) byName.set(name, (figures = {}));
      return figures;
    };
    if (steps) {
      this.weighted.forEach((l, i) => {
        Object.assign(figuresOf(l.name), { gradientNorm: steps[2 * i], updateRatio: steps[2 * i + 1] });
      });
    }
    if (activations) {
      this.watchedLayers.forEach((l, i) => {
        figuresOf(l.name)[l.activation === 'relu' ? 'deadShare' : 'saturatedShare'] = activations[i];
      });
    }
    const layers: LayerHealth[] = [];
    for (const layer of this.layers) {
      const figures = byName.get(layer.name);
      if (!figures) continue;
      const problems = healthProblems(figures, context);
      const seen = { ...this.seen.get(layer.name) };
      for (const id of problems) seen[id] ??= epoch;
      this.seen.set(layer.name, seen);
      layers.push({ name: layer.name, activation: layer.activation, ...figures, problems, seen });
    }
    return { epoch, rateFactor: context.rateFactor, samples: xs.shape[0] ?? 0, layers };
  }

  /** Releases the figures held between a step and its report (the probe shares the model's weights). */
  dispose(): void {
    this.stepFigures?.dispose();
    this.stepFigures = null;
  }
}
