/**
 * The renderer's door to core's model export: the design as Keras /
 * TensorFlow.js layers `model.json` text, and the PyTorch and ONNX exports
 * as the bridge's typed payloads. (Reading a model.json is core's
 * `openDesignFile`.) The exporters load on first use, so opening the editor
 * does not wait for them.
 */
import type { Graph } from '../../core/graph/graph';
import type { OnnxExportRequest, PytorchExportRequest } from '../../electron/contract';
import { PYTORCH_FILES } from '../../core/formats/export-files';
import { parseWeightsManifest, type TfjsWeights } from '../../core/formats/tfjs-weights';

/**
 * The design as TensorFlow.js layers-model `model.json` text: the topology,
 * which `tf.loadLayersModel` reads with freshly initialised weights. tfjs is
 * loaded on first use so that opening the editor does not wait for it.
 * Throws core's `CompileError` for a design with errors.
 */
export async function exportModelJson(graph: Graph): Promise<string> {
  const [tf, { exportTfjsModel }] = await Promise.all([
    import('@tensorflow/tfjs'),
    import('../../core/formats/tfjs-export'),
  ]);
  const { modelJson } = await exportTfjsModel(graph, tf, { weights: false });
  return `${JSON.stringify(modelJson, null, 2)}\n`;
}

/** What a PyTorch or ONNX export starts from: the design, its name, its training settings and trained weights. */
export interface DesignToExport {
  graph: Graph;
  name: string;
  /** The project's `training` record as the Train view keeps it (`{ settings, data }`); defaults fill what is missing. */
  training: Record<string, unknown> | undefined;
  /** The trained model's tfjs files, when the design was trained (or opened with its weights). */
  trained: { modelJson: string; weightData: ArrayBuffer } | null;
}

/** The trained weights as the exporters take them: the manifest's entries in order, and the bytes. */
function trainedWeights(trained: DesignToExport['trained']): TfjsWeights | undefined {
  if (!trained) return undefined;
  const manifest = (JSON.parse(trained.modelJson) as { weightsManifest?: unknown }).weightsManifest ?? [];
  const groups = parseWeightsManifest(manifest, ['weightsManifest']);
  return { specs: groups.flatMap((g) => g.weights), data: trained.weightData };
}

/**
 * The design as PyTorch code for the bridge: `model.py`, `train.py` with the
 * project's training settings, the README, and the trained weights with
 * their manifest. Throws core's `ExportError` when a layer has no exact
 * PyTorch form and `ValidationError` for training settings that do not parse.
 */
export async function pytorchExport(design: DesignToExport): Promise<PytorchExportRequest> {
  const [{ exportPytorch }, { parseTrainingSettings }] = await Promise.all([
    import('../../core/formats/pytorch/index'),
    import('../../core/train/settings'),
  ]);
  const weights = trainedWeights(design.trained);
  const files = exportPytorch(design.graph, {
    name: design.name,
    training: parseTrainingSettings(design.training?.settings ?? {}, ['training', 'settings']),
    ...(weights ? { weights } : {}),
  });
  const text = (name: string) => {
    const data = files.find((f) => f.name === name)?.data;
    if (typeof data !== 'string') throw new Error(`the PyTorch export has no ${name}`);
    return data;
  };
  return {
    format: 'pytorch',
    name: design.name,
    modelPy: text(PYTORCH_FILES.model),
    trainPy: text(PYTORCH_FILES.train),
    readme: text(PYTORCH_FILES.readme),
    // A copy: a bridge may transfer the buffer, and the project keeps its weights.
    ...(weights ? { weights: { data: weights.data.slice(0), manifest: text(PYTORCH_FILES.manifest) } } : {}),
  };
}

/**
 * The design as one ONNX file for the bridge, with its trained weights, or
 * initial ones drawn as the project's settings draw them (initializer, seed).
 * Throws as {@link pytorchExport} does.
 */
export async function onnxExport(design: DesignToExport): Promise<OnnxExportRequest> {
  const [tf, { exportOnnx }, { parseTrainingSettings }] = await Promise.all([
    import('@tensorflow/tfjs'),
    import('../../core/formats/onnx-export'),
    import('../../core/train/settings'),
  ]);
  const settings = parseTrainingSettings(design.training?.settings ?? {}, ['training', 'settings']);
  const weights = trainedWeights(design.trained);
  const bytes = await exportOnnx(design.graph, tf, {
    name: design.name,
    ...(weights
      ? { weights }
      : {
          compile: {
            kernelInitializer: settings.initializer,
            ...(settings.seed !== undefined ? { seed: settings.seed } : {}),
          },
        }),
  });
  const onnx = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { format: 'onnx', name: design.name, onnx };
}
