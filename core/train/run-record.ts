/**
 * A training run as it is kept with the project: which design (a hash and a
 * summary, not the whole graph), which data, which settings, the history
 * epoch by epoch, the test result, the backend and when. The project file's
 * `training.runs` holds a list of these (validated here, as settings are), the
 * Train view lists and overlays them, and {@link compareRuns} says what
 * differed between two.
 */
import { z } from 'zod';
import { ValidationError } from '../errors';
import type { Graph } from '../graph/graph';
import { inferShapes } from '../graph/infer';
import { summarize } from '../graph/summary';
import { trainingSettingsSchema, type TrainingSettings } from './settings';

/** What identifies a design and describes it in a line. */
export const designSnapshotSchema = z
  .object({
    /** {@link designHash} of the graph trained: equal hashes, same network. */
    hash: z.string().regex(/^[0-9a-f]{16}$/),
    /** e.g. `LeNet-5`, the template or project name when there is one. */
    title: z.string().optional(),
    layers: z.int().min(0),
    trainableParams: z.int().min(0),
    /** The layers in data-flow order as `name:Type`, so a comparison can say which were added or removed. */
    layerNames: z.array(z.string()),
  })
  .strict();
/** A design as a run remembers it. */
export type DesignSnapshot = z.infer<typeof designSnapshotSchema>;

const epochRowSchema = z
  .object({
    epoch: z.int().min(1),
    loss: z.number(),
    accuracy: z.number(),
    valLoss: z.number().nullable(),
    valAccuracy: z.number().nullable(),
    seconds: z.number().min(0),
  })
  .strict();
/** One row of a run's history: epochs count from 1, as the charts label them. */
export type EpochRow = z.infer<typeof epochRowSchema>;

/** One kept run. */
export const runRecordSchema = z
  .object({
    /** Unique within the project: `run-1`, `run-2`, … */
    id: z.string().min(1),
    /** When the run started, ISO 8601. */
    startedAt: z.string().min(1),
    design: designSnapshotSchema,
    dataset: z
      .object({
        /** The dataset as the user chose it: `mnist`, `toy:ring`, `cifar10`. */
        id: z.string().min(1),
        trainCount: z.int().min(0),
        validationCount: z.int().min(0),
      })
      .strict(),
    settings: trainingSettingsSchema,
    /** The seed the run used, to repeat it. */
    seed: z.int().min(0),
    history: z.array(epochRowSchema),
    test: z
      .object({ loss: z.number(), accuracy: z.number(), count: z.int().min(0) })
      .strict()
      .nullable(),
    backend: z.string().min(1),
    /** Wall-clock seconds from start to the test result. */
    seconds: z.number().min(0),
    status: z.enum(['completed', 'cancelled', 'diverged']),
  })
  .strict();
/** A run as kept with the project. */
export type RunRecord = z.infer<typeof runRecordSchema>;

/** FNV-1a, 64 bits, over UTF-16 code units: a stable fingerprint, not a cryptographic one. */
function fnv1a64(text: string): string {
  let hash = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * prime) & mask;
  }
  return hash.toString(16).padStart(16, '0');
}

/** A JSON text with object keys sorted, so parameter order does not change a hash. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/**
 * A fingerprint of what a design computes: its layers (type, name, parameters
 * with defaults filled in, frozen or not) and how they connect — not where
 * they sit on the canvas, nor which groups are open. Two designs with the
 * same hash train the same network.
 */
export function designHash(graph: Graph): string {
  const report = inferShapes(graph);
  const names = new Map(graph.nodes.map((n) => [n.id, n.name]));
  const layers = [...graph.nodes]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((n) => [n.type, n.name, report.params.get(n.id) ?? n.params, n.trainable ?? true]);
  const edges = graph.edges.map((e) => `${names.get(e.source)}>${names.get(e.target)}:${e.targetInput}`).sort();
  const outputs = (graph.outputs ?? []).map((id) => names.get(id));
  return fnv1a64(canonicalJson({ layers, edges, outputs }));
}

/** The design snapshot a run keeps. */
export function snapshotDesign(graph: Graph, title?: string): DesignSnapshot {
  const report = inferShapes(graph);
  const summary = summarize(graph, report);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return {
    hash: designHash(graph),
    ...(title ? { title } : {}),
    layers: graph.nodes.length,
    trainableParams: summary.totals.trainableParams,
    layerNames: report.order.map((id) => `${byId.get(id)!.name}:${byId.get(id)!.type}`),
  };
}

/**
 * Reads a project's kept runs (`training.runs`). A bad entry is refused with
 * its path, as a bad setting is; the Train view then starts with no runs and
 * says why.
 */
export function parseRunRecords(value: unknown, path: readonly (string | number)[] = []): RunRecord[] {
  const result = z.array(runRecordSchema).safeParse(value ?? []);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ValidationError(
    [...path, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
    issue.message,
  );
}

/** The id the next run gets: one more than the highest `run-N` so far. */
export function nextRunId(runs: readonly RunRecord[]): string {
  const numbers = runs.map((r) => Number(/^run-(\d+)$/.exec(r.id)?.[1] ?? 0));
  return `run-${Math.max(0, ...numbers) + 1}`;
}

/** One way two runs differed: what, and the two values as text. */
export interface RunDifference {
  /** `learning rate`, `epochs`, `dataset`, `design`, … */
  what: string;
  a: string;
  b: string;
}

const SETTING_LABELS: Partial<Record<keyof TrainingSettings, string>> = {
  optimizer: 'optimizer',
  learningRate: 'learning rate',
  schedule: 'schedule',
  batchSize: 'batch size',
  epochs: 'epochs',
  validationSplit: 'validation split',
  weightDecay: 'weight decay',
  initializer: 'initializer',
  preprocessing: 'preprocessing',
  augmentation: 'augmentation',
};

const settingText = (value: unknown): string =>
  typeof value === 'object' && value !== null ? canonicalJson(value) : String(value);

/**
 * What differed between two runs: the dataset, each setting, the seed, and
 * the design (layers added, removed, or the same layers with other
 * parameters), in that order. Empty when the runs were set up alike.
 *
 * @example
 * compareRuns(linearRun, mlpRun)
 * // [{ what: 'design', a: 'Linear classifier, 2 layers, 6 weights', b: 'Two-layer MLP, 3 layers, 642 weights' },
 * //  { what: 'layers added', a: '', b: 'hidden:Dense' }]
 */
export function compareRuns(a: RunRecord, b: RunRecord): RunDifference[] {
  const differences: RunDifference[] = [];
  if (a.dataset.id !== b.dataset.id) differences.push({ what: 'dataset', a: a.dataset.id, b: b.dataset.id });
  for (const [field, label] of Object.entries(SETTING_LABELS) as [keyof TrainingSettings, string][]) {
    const [x, y] = [settingText(a.settings[field]), settingText(b.settings[field])];
    if (x !== y) differences.push({ what: label, a: x, b: y });
  }
  if (a.seed !== b.seed) differences.push({ what: 'seed', a: String(a.seed), b: String(b.seed) });
  if (a.design.hash !== b.design.hash) {
    const line = (d: DesignSnapshot) =>
      `${d.title ? `${d.title}, ` : ''}${d.layers} layers, ${d.trainableParams.toLocaleString('en-US')} weights`;
    differences.push({ what: 'design', a: line(a.design), b: line(b.design) });
    const [inA, inB] = [new Set(a.design.layerNames), new Set(b.design.layerNames)];
    const removed = a.design.layerNames.filter((n) => !inB.has(n));
    const added = b.design.layerNames.filter((n) => !inA.has(n));
    if (removed.length) differences.push({ what: 'layers removed', a: removed.join(', '), b: '' });
    if (added.length) differences.push({ what: 'layers added', a: '', b: added.join(', ') });
    if (!removed.length && !added.length)
      differences.push({ what: 'layer parameters', a: 'same layers', b: 'other parameters' });
  }
  return differences;
}
