/**
 * Export to PyTorch: a folder with `model.py` (the design as an `nn.Module`
 * and `build_model()`), `train.py` (its training settings, one process or
 * DistributedDataParallel), `README.md`, and, when the design was trained,
 * its TensorFlow.js weights (`model.weights.bin` and their manifest
 * `model.weights.json`), which `model.py` converts with numpy as it loads
 * them. Pure: it returns the files; writing them is the shell's job.
 */
import type { Graph } from '../../graph/graph';
import type { ExportedWeight } from '../../layers/nchw-export';
import type { KernelInitializerName } from '../../compile/compile';
import { PYTORCH_FILES } from '../export-files';
import { checkDesignWeights, prepareNchwDesign, type NchwDesign, type NchwNode } from '../nchw-graph';
import type { TfjsWeights } from '../tfjs-weights';
import { modulePy } from './model-py';
import { exportReadme } from './readme';
import { TRAIN_PY } from './train-py';
import { MODEL_RUNTIME_PY } from './model-runtime-py';
import { pyClassName, pyValue } from './python';

/** One file of an export: its name in the export folder and its contents. */
export interface ExportedFile {
  name: string;
  data: string | Uint8Array;
}

/** Options for {@link exportPytorch}. */
export interface PytorchExportOptions {
  /** The design's name (`ResNet-18`, a project's name): names the module class and heads the files. */
  name: string;
  /** Trained weights to ship; without them `build_model()` initialises the weights as NetCanvas would. */
  weights?: TfjsWeights;
  /**
   * The design's training settings with every default filled in (`core/train`'s
   * `parseTrainingSettings`): `train.py` trains with them, and `build_model()`
   * initialises kernels with their `initializer`.
   */
  training: Record<string, unknown> & { initializer: KernelInitializerName };
}

/** The weights file and its manifest, beside `model.py`. */
export const PYTORCH_WEIGHTS_FILE = PYTORCH_FILES.weights;
export const PYTORCH_WEIGHTS_MANIFEST = PYTORCH_FILES.manifest;

/** Every weight the design holds, as `layer/weight` (tfjs's names), with its PyTorch home. */
function weightTable(design: NchwDesign, modulePaths: Map<string, string>) {
  const table: { tfjs: string; torch: string; weight: ExportedWeight; n: NchwNode }[] = [];
  for (const n of design.nodes)
    for (const w of n.weights)
      table.push({ tfjs: `${n.node.name}/${w.tfjs}`, torch: `${modulePaths.get(n.node.id)}.${w.torch}`, weight: w, n });
  return table;
}

/**
 * The files of a PyTorch export of `graph`. Throws `ExportError` when the
 * design has errors, a layer has no exact PyTorch form, or the weights do not
 * fit the design.
 *
 * @example
 * const files = exportPytorch(lenet5.build(), { name: 'LeNet-5' });
 * files.map((f) => f.name) // ['model.py']
 */
export function exportPytorch(graph: Graph, options: PytorchExportOptions): ExportedFile[] {
  const design = prepareNchwDesign(graph);
  const className = pyClassName(options.name, 'Net');
  const module = modulePy(design, className, graph.groups);
  const table = weightTable(design, module.modulePaths);
  if (options.weights) checkDesignWeights(design, options.weights);
  const inputShapes = design.inputs.map((id) => {
    const shape = (design.byId.get(id) as NchwNode).io.output.slice(1) as number[];
    return shape.length === 3 ? [shape[2], shape[0], shape[1]] : shape;
  });
  const lines = [
    `"""${options.name}, exported from NetCanvas as a PyTorch module.`,
    '',
    `Inputs are channels first (NCHW): one sample is ${inputShapes.map((s) => pyValue(s)).join(' and ')}.`,
    'build_model() returns the module with the weights exported with it (trained in NetCanvas), or initialised',
    'as NetCanvas initialises them when there are none. Needs PyTorch and numpy, nothing else.',
    '"""',
    'import json',
    'import math',
    'import os',
    '',
    'import numpy as np',
    'import torch',
    'import torch.nn.functional as F',
    'from torch import nn',
    '',
    '',
    module.source,
    '',
    '',
    `MODEL_CLASS = ${className}`,
    `#: One sample's shape per input, channels first.`,
    `INPUT_SHAPES = ${pyValue(inputShapes.map((s) => s as readonly number[]))}`,
    `#: Whether forward() ends in softmax (then logits() gives the scores before it).`,
    `OUTPUT_IS_PROBABILITY = ${module.endsInSoftmax ? 'True' : 'False'}`,
    `#: How kernels start when no weights are loaded (NetCanvas's training setting).`,
    `KERNEL_INITIALIZER = ${pyValue(options.training.initializer)}`,
    `WEIGHTS_MANIFEST = ${pyValue(PYTORCH_WEIGHTS_MANIFEST)}`,
    '#: Each TensorFlow.js weight (by its name in the manifest) -> (its key in state_dict(), its layout):',
    '#: "conv" HWIO -> OIHW, "dense" (in, out) -> (out, in), "depthwise" (H, W, C, M) -> (C*M, 1, H, W),',
    '#: "vector" unchanged. Layouts other than "vector" are kernels.',
    'TFJS_WEIGHTS = {',
    ...table.map((t) => `    ${pyValue(t.tfjs)}: (${pyValue(t.torch)}, ${pyValue(t.weight.layout)}),`),
    '}',
    MODEL_RUNTIME_PY,
  ];
  const settings = options.training;
  const trainPy = TRAIN_PY.replace('__SETTINGS__', pyValue(JSON.stringify(settings)))
    .replace('__DESIGN__', pyValue(options.name))
    .replace('__DESIGN_TEXT__', options.name.replace(/"/g, "'"));
  const counts = design.nodes.reduce(
    (sum, n) => {
      const c = n.spec.countParams?.({ inputs: n.io.inputs, output: n.io.output, params: n.io.params });
      return { params: sum.params + (c?.trainable ?? 0), statistics: sum.statistics + (c?.nonTrainable ?? 0) };
    },
    { params: 0, statistics: 0 },
  );
  const readme = exportReadme({
    name: options.name,
    className,
    inputs: inputShapes.map((s) => pyValue(s)).join(' and '),
    trained: options.weights !== undefined,
    params: counts.params,
    statistics: counts.statistics,
    dataset: exampleDataset(inputShapes[0] ?? []),
    settings: settingsText(settings),
  });
  const files: ExportedFile[] = [
    { name: PYTORCH_FILES.model, data: lines.join('\n') },
    { name: PYTORCH_FILES.train, data: trainPy },
    { name: PYTORCH_FILES.readme, data: readme },
  ];
  if (options.weights) {
    const manifest = [{ paths: [PYTORCH_WEIGHTS_FILE], weights: options.weights.specs }];
    files.push(
      { name: PYTORCH_WEIGHTS_FILE, data: new Uint8Array(options.weights.data) },
      { name: PYTORCH_WEIGHTS_MANIFEST, data: `${JSON.stringify(manifest)}\n` },
    );
  }
  return files;
}

/** A `--dataset` for the README's commands that fits the design's input (channels first). */
function exampleDataset(input: readonly number[]): string {
  const shape = input.join(',');
  if (shape === '1,28,28') return 'mnist:path/to/mnist-idx-files';
  if (shape === '3,32,32') return 'cifar10:path/to/cifar-10-binary.tar.gz';
  if (shape === '2') return 'toy:ring';
  return input.length === 3 ? 'folder:path/to/images' : 'idx:path/to/idx-files';
}

/** The settings in a line: `adam, learning rate 0.001, batch 32, 5 epochs, …`. */
function settingsText(s: Record<string, unknown>): string {
  const augmentation = Object.entries((s.augmentation as Record<string, number> | undefined) ?? {})
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k} ${v}`);
  const decay = (s.weightDecay as { l1?: number; l2?: number } | undefined) ?? {};
  const schedule = s.schedule as { kind: string; every?: number; factor?: number; to?: number } | undefined;
  return [
    `${String(s.optimizer)} with learning rate ${String(s.learningRate)}`,
    schedule && schedule.kind === 'step' ? `× ${schedule.factor} every ${schedule.every} epochs` : '',
    schedule && schedule.kind === 'cosine' ? `cosine schedule down to ${schedule.to}` : '',
    `batch ${String(s.batchSize)}`,
    `${String(s.epochs)} epochs`,
    `validation split ${String(s.validationSplit)}`,
    `preprocessing "${String(s.preprocessing)}"`,
    decay.l1 || decay.l2 ? `weight decay l1 ${decay.l1 ?? 0}, l2 ${decay.l2 ?? 0}` : '',
    augmentation.length ? `augmentation ${augmentation.join(', ')}` : 'no augmentation',
    s.seed !== undefined ? `seed ${String(s.seed)}` : '',
  ]
    .filter(Boolean)
    .join(', ');
}
