/**
 * The trained weights that travel with a design file: a `model.json`'s
 * `weightsManifest` (what `netcanvas train --out` writes) or a project's
 * `training.weights` record and its sidecar. Read from disk here; checked by
 * `core/formats/tfjs-weights`. A template or an untrained design has none.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ValidationError } from '../core/errors';
import { joinWeights, parseWeightsManifest, type TfjsWeights } from '../core/formats/tfjs-weights';
import { CliError } from './command';
import { isFile } from './load-design';

/** What a design file carries besides its graph. */
export interface DesignExtras {
  weights?: TfjsWeights;
  /** A project's training settings (`training.settings`, as the app saves them). */
  training?: Record<string, unknown>;
  /** The `preprocessing.json` that `train --out` wrote beside its model.json. */
  preprocessing?: string;
}

/** Reads the weights (and settings) a design file carries; nothing for a template id. */
export async function readDesignExtras(target: string, cwd: string): Promise<DesignExtras> {
  const path = resolve(cwd, target);
  if (!(await isFile(path))) return {};
  const folder = dirname(path);
  let value: Record<string, unknown>;
  try {
    value = JSON.parse((await readFile(path, 'utf8')).replace(/^\uFEFF/, '')) as Record<string, unknown>;
  } catch {
    return {};
  }
  const files = new Map<string, Uint8Array>();
  const readAll = async (groups: ReturnType<typeof parseWeightsManifest>) => {
    for (const p of groups.flatMap((g) => g.paths)) {
      try {
        files.set(p, await readFile(join(folder, p)));
      } catch {
        throw new CliError(`${target}: its weights file ${join(dirname(target), p)} cannot be read`);
      }
    }
    return joinWeights(groups, (p) => files.get(p) as Uint8Array);
  };
  try {
    if (Array.isArray(value.weightsManifest)) {
      const weights = await readAll(parseWeightsManifest(value.weightsManifest, ['weightsManifest']));
      const preprocessing = await readFile(join(folder, 'preprocessing.json'), 'utf8').catch(() => undefined);
      return { weights, ...(preprocessing ? { preprocessing } : {}) };
    }
    const training = value.training as Record<string, unknown> | undefined;
    if (typeof training !== 'object' || training === null) return {};
    // The app saves `training` as { settings, data, weights }: the settings are the Train view's, the data its choice.
    const settings = (training.settings ?? {}) as Record<string, unknown>;
    const record = training.weights;
    if (record === undefined) return { training: settings };
    const manifest = (record as { weightsManifest?: unknown }).weightsManifest;
    const weights = await readAll(parseWeightsManifest(manifest, ['training', 'weights', 'weightsManifest']));
    return { weights, training: settings };
  } catch (e) {
    if (e instanceof ValidationError) throw new CliError(`${target}: ${e.message}`);
    throw e;
  }
}
