/**
 * The project file's `training` field as the Train view writes it:
 * `{ settings, data }`, where `settings` is core's TrainingSettings input
 * (validated by `parseTrainingSettings`, so the CLI reads it the same way)
 * and `data` names the dataset (one of {@link DATASET_CHOICES}) and how many
 * training samples to use.
 */
import { ValidationError } from '../../core/errors';
import { parseTrainingSettings, type TrainingSettings } from '../../core/train/settings';
import { defaultSettingsFor, retargetDefaults, type DataKind } from '../../core/train/defaults';
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
};

/**
 * The configuration after the user picks another dataset. Moving between
 * images and points, each setting still at the old kind's starting value
 * takes the new kind's (the ring wants 30 epochs at 0.03, MNIST 5 at 0.002);
 * a setting the user changed stays as they set it.
 */
export function withDataset(config: TrainingConfig, dataset: DatasetChoiceId): TrainingConfig {
  const settings = retargetDefaults(config.settings, dataKindOfChoice(config.data.dataset), dataKindOfChoice(dataset));
  return { settings, data: { ...config.data, dataset } };
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
    return { config: { settings, data: { dataset, limit } }, problem: null };
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    return { config: DEFAULT_CONFIG, problem: `The project's training settings were not used: ${e.message}` };
  }
}

/** The `training` field to save. */
export function writeTrainingConfig(config: TrainingConfig): Record<string, unknown> {
  return { settings: structuredClone(config.settings), data: { ...config.data } };
}
