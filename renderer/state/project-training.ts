/**
 * The project file's `training` field as the Train view writes it:
 * `{ settings, data, runs }`, where `settings` is core's TrainingSettings input
 * (validated by `parseTrainingSettings`, so the CLI reads it the same way),
 * `data` names the dataset (one of {@link DATASET_CHOICES}) and how many
 * training samples to use, and `runs` lists the runs kept with the project
 * (core's RunRecord, validated by `parseRunRecords`).
 */
import { ValidationError } from '../../core/errors';
import { parseTrainingSettings, type TrainingSettings } from '../../core/train/settings';
import { defaultSettingsFor, retargetDefaults, type DataKind } from '../../core/train/defaults';
import { nextRunId, parseRunRecords, type RunRecord } from '../../core/train/run-record';
import type { ToyDatasetName } from '../../core/data/toy';

/** The datasets the data panel offers; `id` becomes the `dataset-<id>` test id. */
export const DATASET_CHOICES = [
  { id: 'mnist', label: 'MNIST digits', detail: '60,000 + 10,000 handwritten digits, 28×28 grayscale, built in' },
  { id: 'toy-ring', label: 'Ring (2-D)', detail: 'points on a ring against the rest: no straight line separates them' },
  { id: 'toy-quadrants', label: 'Quadrants (2-D)', detail: 'XOR of the signs of x and y' },
  { id: 'toy-modes', label: 'Three clusters (2-D)', detail: 'three discs against everything else' },
  { id: 'cifar10', label: 'CIFAR-10…', detail: 'pick cifar-10-binary.tar.gz or the extracted batch files' },
  {
    id: 'folder',
    label: 'Image folder…',
    detail: 'a folder with one subfolder of images per class (optionally train/ and test/)',
  },
] as const;

/** A dataset choice's id. */
export type DatasetChoiceId = (typeof DATASET_CHOICES)[number]['id'];

/** Whether `id` names a dataset the panel offers. */
export function isDatasetChoiceId(id: unknown): id is DatasetChoiceId {
  return DATASET_CHOICES.some((choice) => choice.id === id);
}

/** The toy set behind a `toy-…` choice, or null for the others. */
export function toyName(id: DatasetChoiceId): ToyDatasetName | null {
  return id.startsWith('toy-') ? (id.slice(4) as ToyDatasetName) : null;
}

/** Which data a run uses. */
export interface DataChoice {
  dataset: DatasetChoiceId;
  /** Training samples to use (the first ones); null for all. */
  limit: number | null;
}

/** Everything the Train view keeps in the project. */
export interface TrainingConfig {
  settings: TrainingSettings;
  data: DataChoice;
  /** The runs kept with the project, oldest first. */
  runs: readonly RunRecord[];
}

/** The kind of data a choice gives, which decides its starting settings (core/train/defaults.ts). */
export function dataKindOfChoice(id: DatasetChoiceId): DataKind {
  return toyName(id) ? 'points' : 'images';
}

/**
 * A new project's settings: core's starting values for images (MNIST is the
 * first choice), the same ones `netcanvas train` starts from, so the app and
 * the command line reach the same figures with nothing but the dataset chosen.
 */
export const DEFAULT_CONFIG: TrainingConfig = {
  settings: parseTrainingSettings({ ...defaultSettingsFor('images'), seed: 1 }),
  data: { dataset: 'mnist', limit: null },
  runs: [],
};

/**
 * The configuration after the user picks another dataset. Moving between
 * images and points, each setting still at the old kind's starting value
 * takes the new kind's (the ring wants 30 epochs at 0.03, MNIST 5 at 0.002);
 * a setting the user changed stays as they set it.
 */
export function withDataset(config: TrainingConfig, dataset: DatasetChoiceId): TrainingConfig {
  const settings = retargetDefaults(config.settings, dataKindOfChoice(config.data.dataset), dataKindOfChoice(dataset));
  return { ...config, settings, data: { ...config.data, dataset } };
}

/**
 * The runs kept in a project's `training` field. A malformed one is a
 * malformed file: opening refuses it whole, naming the bad field
 * (`At training.runs.0.test.accuracy: …`), so a save never drops the runs.
 */
export function readRuns(training: Record<string, unknown> | undefined): RunRecord[] {
  return parseRunRecords(training?.runs, ['training', 'runs']);
}

/**
 * Reads the project's `training` field. A field this build cannot read falls
 * back to the defaults and says why in `problem`, so a file never stops
 * opening because of its training settings.
 */
export function readTrainingConfig(training: Record<string, unknown> | undefined): {
  config: TrainingConfig;
  problem: string | null;
} {
  if (!training) return { config: DEFAULT_CONFIG, problem: null };
  // Checked when the file opened, so this only fails for a record this build wrote wrongly.
  let runs: RunRecord[] = [];
  try {
    runs = readRuns(training);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return { config: DEFAULT_CONFIG, problem: `The project's runs were not read: ${e.message}` };
  }
  try {
    const settings = parseTrainingSettings(training.settings ?? {}, ['training', 'settings']);
    const raw = (training.data ?? {}) as Record<string, unknown>;
    const dataset = raw.dataset === undefined ? DEFAULT_CONFIG.data.dataset : raw.dataset;
    if (!isDatasetChoiceId(dataset))
      throw new ValidationError(['training', 'data', 'dataset'], `unknown dataset ${JSON.stringify(dataset)}`);
    const limit = raw.limit ?? null;
    if (limit !== null && !(typeof limit === 'number' && Number.isInteger(limit) && limit >= 1)) {
      throw new ValidationError(
        ['training', 'data', 'limit'],
        `expected a whole number ≥ 1 or null, got ${JSON.stringify(limit)}`,
      );
    }
    return { config: { settings, data: { dataset, limit }, runs }, problem: null };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    // The runs were read: they stay, so the next save keeps them.
    return {
      config: runs.length ? { ...DEFAULT_CONFIG, runs } : DEFAULT_CONFIG,
      problem: `The project's training settings were not used: ${e.message}`,
    };
  }
}

/** The `training` field to save (no `runs` entry while there are none, so older files stay as they were). */
export function writeTrainingConfig(config: TrainingConfig): Record<string, unknown> {
  return {
    settings: structuredClone(config.settings),
    data: { ...config.data },
    ...(config.runs.length ? { runs: [...config.runs] } : {}),
  };
}

/**
 * What names a kept run across projects: its id with its start time. Ids
 * repeat (every project has a run-1, and a deleted last run's number comes
 * back), so ticks and "this run" are held by key, and a tick never passes to
 * another project's run-1.
 */
export const runKey = (run: Pick<RunRecord, 'id' | 'startedAt'>): string => `${run.id}@${run.startedAt}`;

/**
 * `training` with one more run kept, numbered after the last (`run-3` after
 * `run-2`); returns the new field and the id given.
 */
export function withRunAdded(
  training: Record<string, unknown> | undefined,
  run: Omit<RunRecord, 'id'>,
): { training: Record<string, unknown>; id: string } {
  const runs = readRuns(training);
  const id = nextRunId(runs);
  return { training: { ...training, runs: [...runs, { id, ...run }] }, id };
}

/** `training` with `run` back at `index` (undoing its deletion); unchanged if its id is taken again meanwhile. */
export function withRunRestored(
  training: Record<string, unknown> | undefined,
  run: RunRecord,
  index: number,
): Record<string, unknown> | undefined {
  const runs = readRuns(training);
  if (runs.some((r) => r.id === run.id)) return training;
  return { ...training, runs: [...runs.slice(0, index), run, ...runs.slice(index)] };
}

/** `training` without the run `id`. */
export function withRunRemoved(training: Record<string, unknown> | undefined, id: string): Record<string, unknown> {
  const runs = readRuns(training).filter((r) => r.id !== id);
  const { runs: _old, ...rest } = training ?? {};
  return runs.length ? { ...rest, runs } : rest;
}
