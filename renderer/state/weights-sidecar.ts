/**
 * The trained weights kept beside the project file. Saving writes the
 * trained model's weight bytes as a sidecar (`<name>.weights.bin`) and their
 * tfjs `weightsManifest` under `training.weights` in the project; opening
 * checks both against the design and, when they fit, makes them the design's
 * trained model again, so Export includes them.
 */
import type { ProjectSidecar } from '../../electron/contract';
import type { Graph } from '../../core/graph/graph';
import { CompileError, compileGraph } from '../../core/compile/compile';
import type { WeightsManifestGroup } from '../../core/formats/tfjs-export';
import type { TrainedModel } from './trained-model';

/** The project's `training.weights` record. */
export interface WeightsRecord {
  /** The sidecar's file name, beside the project. */
  file: string;
  /** The tfjs manifest of the sidecar's bytes (names, shapes, dtypes, in order). */
  weightsManifest: WeightsManifestGroup[];
  /** Test accuracy of the run that produced them. */
  accuracy: number;
}

/** The sidecar name for a project saved as `projectName` (the desktop shell renames it after the file actually chosen). */
export function weightsFileName(projectName: string): string {
  return `${projectName.replace(/\.netcanvas\.json$/i, '').replace(/\.json$/i, '')}.weights.bin`;
}

/** The training record without its weights: what the Train view edits and the dirty check compares. */
export function withoutWeights(training: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!training || !('weights' in training)) return training;
  const { weights: _weights, ...rest } = training;
  return rest;
}

/**
 * What to save for `model`: the training record with its `weights` entry and
 * the sidecar holding the bytes.
 */
export function weightsToSave(
  model: TrainedModel,
  training: Record<string, unknown> | undefined,
  projectName: string,
): { training: Record<string, unknown>; sidecar: ProjectSidecar } {
  const file = weightsFileName(projectName);
  const manifest = (JSON.parse(model.modelJson) as { weightsManifest?: WeightsManifestGroup[] }).weightsManifest ?? [];
  const record: WeightsRecord = {
    file,
    weightsManifest: manifest.map((group) => ({ paths: [file], weights: group.weights })),
    accuracy: model.accuracy,
  };
  // A copy: a bridge may transfer the buffer, and the trained model keeps its weights.
  return { training: { ...training, weights: record }, sidecar: { name: file, data: model.weightData.slice(0) } };
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * The trained model saved with the project, when `training.weights` and the
 * sidecar fit `graph`: every weight of the compiled design present in the
 * manifest with the same shape, and the bytes exactly as long as the manifest
 * says. Anything else gives `model: null` and one line for the user; it never
 * throws for a user's file.
 */
export async function restoreTrainedModel(
  graph: Graph,
  training: Record<string, unknown> | undefined,
  sidecar: ProjectSidecar | undefined,
  sidecarProblem?: string,
): Promise<{ model: TrainedModel | null; problem: string | null }> {
  const raw = training?.weights;
  if (raw === undefined) return { model: null, problem: null };
  const record = raw as Partial<WeightsRecord> | null;
  const file = typeof record?.file === 'string' ? record.file : 'the weights file';
  if (!sidecar)
    return {
      model: null,
      // The desktop found the file but it is not the one saved with the project: say so, not "not found".
      problem:
        sidecarProblem ?? `${file} was not found beside the project (on the web, pick it together with the project)`,
    };
  const manifest = record?.weightsManifest;
  if (!Array.isArray(manifest) || !manifest.every((g) => Array.isArray(g?.weights)))
    return { model: null, problem: `training.weights.weightsManifest is not a weights manifest` };
  const specs = manifest.flatMap((g) => g.weights);
  for (const [i, s] of specs.entries()) {
    if (
      typeof s?.name !== 'string' ||
      !Array.isArray(s.shape) ||
      !s.shape.every((d) => Number.isInteger(d) && d >= 0) ||
      !(s.dtype in BYTES_PER_ELEMENT)
    )
      return {
        model: null,
        problem: `training.weights.weightsManifest entry ${i} is not a weight (name, shape, dtype)`,
      };
  }
  const expectedBytes = specs.reduce(
    (sum, s) => sum + s.shape.reduce((n, d) => n * d, 1) * BYTES_PER_ELEMENT[s.dtype],
    0,
  );
  if (sidecar.data.byteLength !== expectedBytes)
    return {
      model: null,
      problem: `${sidecar.name} holds ${sidecar.data.byteLength} bytes; the manifest describes ${expectedBytes}`,
    };

  const [tf, { exportTfjsModel }] = await Promise.all([
    import('@tensorflow/tfjs'),
    import('../../core/formats/tfjs-export'),
  ]);
  let compiled;
  try {
    compiled = compileGraph(structuredClone(graph), tf);
  } catch (e) {
    if (e instanceof CompileError) return { model: null, problem: `the design does not compile: ${e.message}` };
    throw e;
  }
  try {
    const byName = new Map(specs.map((s) => [s.name, s]));
    for (const weight of compiled.weights) {
      const spec = byName.get(weight.originalName);
      if (!spec)
        return { model: null, problem: `the design's weight ${weight.originalName} is not in ${sidecar.name}` };
      if (spec.shape.join('×') !== weight.shape.join('×'))
        return {
          model: null,
          problem: `${weight.originalName} is ${spec.shape.join('×')} in ${sidecar.name} but ${weight.shape.join('×')} in the design`,
        };
    }
    if (specs.length !== compiled.weights.length)
      return {
        model: null,
        problem: `${sidecar.name} holds ${specs.length} weights; the design has ${compiled.weights.length}`,
      };
    // The bytes must decode to exactly these tensors and load into the design, as `tf.loadLayersModel` will do them.
    const decoded = tf.io.decodeWeights(sidecar.data, specs);
    try {
      compiled.setWeights(compiled.weights.map((w) => decoded[w.originalName]));
    } finally {
      tf.dispose(Object.values(decoded));
    }
    const { modelJson } = await exportTfjsModel(compiled, tf, { weights: false });
    modelJson.weightsManifest = manifest.map((g) => ({ paths: [sidecar.name], weights: g.weights }));
    const accuracy = typeof record?.accuracy === 'number' ? record.accuracy : Number.NaN;
    return {
      model: { graph, modelJson: JSON.stringify(modelJson), weightData: sidecar.data.slice(0), accuracy },
      problem: null,
    };
  } finally {
    compiled.dispose();
  }
}
