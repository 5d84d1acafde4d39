/**
 * What the PyTorch and ONNX parity tests share: a design compiled with
 * tfjs and given weights that test every conversion (batch-norm statistics
 * away from 0 and 1), its weights as tfjs saves them, and seeded inputs.
 */
import type * as tfjs from '@tensorflow/tfjs';
import { compileGraph } from '../../../core/compile/compile';
import { mulberry32 } from '../../../core/data/random';
import { exportTfjsModel } from '../../../core/formats/tfjs-export';
import type { TfjsWeights } from '../../../core/formats/tfjs-weights';
import type { Graph } from '../../../core/graph/graph';

/** The smallest input each template builds at (as the compile parity test uses), so every template runs quickly. */
export function smallInput(id: string, defaultInput: readonly number[]): number[] {
  if (defaultInput.length === 1) return [64];
  if (id === 'alexnet') return [63, 63, 3];
  if (id === 'alexnet2012') return [67, 67, 3];
  if (id === 'lenet5') return [32, 32, 1];
  return [32, 32, 3];
}

/**
 * The design compiled with seeded Glorot kernels, and every batch-norm layer
 * given γ, β, mean and variance drawn away from their initial 1, 0, 0, 1, so
 * a mistake in converting any of them shows in the outputs.
 */
export function compileWithTestWeights(tf: typeof tfjs, graph: Graph, seed: number): tfjs.LayersModel {
  const model = compileGraph(structuredClone(graph), tf, { seed });
  const random = mulberry32(seed);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const values = layer.weights.map((w) => {
      const name = w.originalName;
      const draw = () => (name.includes('variance') || name.includes('gamma') ? 0.5 + random() : random() - 0.5);
      const shape = w.shape as number[];
      return tf.tensor(Array.from({ length: shape.reduce((a, d) => a * d, 1) }, draw), shape);
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
  return model;
}

/** The model's weights as tfjs saves them: manifest entries and bytes. */
export async function tfjsWeightsOf(tf: typeof tfjs, model: tfjs.LayersModel): Promise<TfjsWeights> {
  const { modelJson, weightData } = await exportTfjsModel(model, tf);
  return {
    specs: (modelJson.weightsManifest?.[0]?.weights ?? []).map((w) => ({
      name: w.name,
      shape: w.shape,
      dtype: w.dtype,
    })),
    data: weightData as ArrayBuffer,
  };
}

/** `count` samples of `shape` with values in [-1, 1), the same for the same seed. */
export function seededInput(shape: readonly number[], count: number, seed: number): Float32Array {
  const random = mulberry32(seed);
  const values = new Float32Array(count * shape.reduce((a, d) => a * d, 1));
  for (let i = 0; i < values.length; i++) values[i] = random() * 2 - 1;
  return values;
}
