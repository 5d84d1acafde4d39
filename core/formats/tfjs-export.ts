/**
 * Export to the TensorFlow.js Layers format: the `model.json` that
 * `tf.loadLayersModel` reads (Keras-2-style topology with
 * `batch_input_shape` and `inbound_nodes` as `[[name, 0, 0, {}]]`, exactly
 * what tfjs's own `model.save` writes) and the weights as one binary blob
 * listed in its `weightsManifest`. Pure: it returns the JSON object and the
 * bytes; writing files is the shell's job.
 *
 * The topology-only export (an untrained design) leaves `weightsManifest`
 * out rather than writing it empty: tfjs builds freshly initialised weights
 * when the manifest is absent, but with an empty one it tries to load the
 * model's weights from nothing and fails ("N of N weights are not set").
 */
import type * as tfjs from '@tensorflow/tfjs';
import { compileGraph, type CompileOptions } from '../compile/compile';
import type { Graph } from '../graph/graph';
import type { CustomClassNote, Tfjs } from '../layers/layer-spec';
import { layerSpecs } from '../layers/registry';

/** The weights file name tfjs's own downloads use; `weightsManifest` points to it. */
export const DEFAULT_WEIGHTS_FILE_NAME = 'model.weights.bin';

/** One group of the weights manifest: the files it is split into and the weights they hold, in order. */
export interface WeightsManifestGroup {
  paths: string[];
  weights: tfjs.io.WeightsManifestEntry[];
}

/** The `model.json` of a TensorFlow.js Layers model. */
export interface TfjsModelJson {
  format: 'layers-model';
  /** The library that wrote the topology (tfjs-layers and its version). */
  generatedBy: string;
  convertedBy: string | null;
  /** The Keras model config: `{ class_name: "Model", config: { layers, input_layers, output_layers } }`. */
  modelTopology: Record<string, unknown>;
  /** Absent in a topology-only export. */
  weightsManifest?: WeightsManifestGroup[];
}

/** What {@link exportTfjsModel} returns: the files' contents. */
export interface TfjsExport {
  modelJson: TfjsModelJson;
  /** The bytes of the weights file named in `modelJson.weightsManifest`; `null` in a topology-only export. */
  weightData: ArrayBuffer | null;
  /**
   * README.md text for a model holding layers NetCanvas adds to TensorFlow.js
   * (Maxout, Subtract): the code to define them before loading it elsewhere.
   * `null` when every layer is one tfjs and Keras have.
   */
  readme: string | null;
}

/** The layer types in `classNames` that tfjs has no class for, each with how to load it elsewhere. */
export function customLayersIn(classNames: Iterable<string>): { type: string; note: CustomClassNote }[] {
  const present = new Set(classNames);
  return layerSpecs.flatMap((spec) =>
    spec.customClass && present.has(spec.type) ? [{ type: spec.type, note: spec.customClass }] : [],
  );
}

/**
 * The README.md that goes beside a model.json holding layers NetCanvas adds
 * to TensorFlow.js: which ones, and the code that defines them for
 * TensorFlow.js and for Keras. `null` when `classNames` needs none.
 */
export function customLayersReadme(classNames: Iterable<string>): string | null {
  const custom = customLayersIn(classNames);
  if (!custom.length) return null;
  const names = custom.map((c) => c.type).join(', ');
  return [
    '# Loading this model',
    '',
    `This model uses layer types that TensorFlow.js has no class for: ${names}. NetCanvas defines them itself;`,
    'any other program must define them before it loads `model.json`.',
    '',
    '## TensorFlow.js',
    '',
    "Run this once, after `import * as tf from '@tensorflow/tfjs'` and before `tf.loadLayersModel(...)`:",
    '',
    '```js',
    ...custom.map((c) => c.note.tfjs),
    '```',
    '',
    '## Keras (Python, with the `tensorflowjs` package)',
    '',
    ...custom.flatMap((c) =>
      c.note.keras.includes('\n')
        ? [`${c.type}:`, '', '```python', c.note.keras, '```', '']
        : [`${c.type}: ${c.note.keras}`, ''],
    ),
  ].join('\n');
}

/** Options for {@link exportTfjsModel}. */
export interface TfjsExportOptions {
  /** Include the weights (default `true`); `false` writes the topology only, for an untrained design. */
  weights?: boolean;
  /** The weights file name written into the manifest (default {@link DEFAULT_WEIGHTS_FILE_NAME}). */
  weightsFileName?: string;
  /** How to build a graph's layers (initializer, seed) when `source` is a graph. */
  compile?: CompileOptions;
}

const isGraph = (source: tfjs.LayersModel | Graph): source is Graph =>
  Array.isArray((source as Graph).nodes) && Array.isArray((source as Graph).edges);

/**
 * The TensorFlow.js Layers files of a model, or of a design (compiled with
 * `compileGraph` first, so its weights are freshly initialised; the compiled
 * model is disposed afterwards). Throws `CompileError` for a design with
 * errors.
 *
 * @example
 * const { modelJson, weightData } = await exportTfjsModel(trainedModel, tf);
 * write('model.json', JSON.stringify(modelJson)); write('model.weights.bin', weightData);
 */
export async function exportTfjsModel(
  source: tfjs.LayersModel | Graph,
  tf: Tfjs,
  options: TfjsExportOptions = {},
): Promise<TfjsExport> {
  // Compile a copy: some tfjs layers rewrite the arrays they are given (Reshape turns -1 into null),
  // and the design must come back from an export unchanged.
  const model = isGraph(source) ? compileGraph(structuredClone(source), tf, options.compile) : source;
  try {
    return await exportModel(model, tf, options);
  } finally {
    if (model !== source) model.dispose();
  }
}

async function exportModel(model: tfjs.LayersModel, tf: Tfjs, options: TfjsExportOptions): Promise<TfjsExport> {
  const readme = customLayersReadme(model.layers.map((l) => l.getClassName()));
  if (options.weights === false) {
    // The same topology model.save writes, without reading every weight back from the backend.
    const modelTopology = model.toJSON(null, false) as Record<string, unknown>;
    return {
      modelJson: {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology,
      },
      weightData: null,
      readme,
    };
  }
  let saved: tfjs.io.ModelArtifacts | undefined;
  // model.save is tfjs's one serializer for topology and weights; a save handler that keeps the artifacts makes it pure.
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved) throw new Error('tfjs saved no model artifacts');
  const modelJson: TfjsModelJson = {
    format: 'layers-model',
    generatedBy: saved.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: saved.convertedBy ?? null,
    modelTopology: saved.modelTopology as Record<string, unknown>,
  };
  modelJson.weightsManifest = [
    { paths: [options.weightsFileName ?? DEFAULT_WEIGHTS_FILE_NAME], weights: saved.weightSpecs ?? [] },
  ];
  const weightData =
    saved.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(saved.weightData);
  return { modelJson, weightData, readme };
}
