/**
 * Export to PyTorch: a folder with `model.py` (the design as an `nn.Module`
 * and `build_model()`), and, when the design was trained, its TensorFlow.js
 * weights (`model.weights.bin` and their manifest `model.weights.json`),
 * which `model.py` converts with numpy as it loads them. Pure: it returns the
 * files; writing them is the shell's job.
 */
import type { Graph } from '../../graph/graph';
import type { ExportedWeight } from '../../layers/nchw-export';
import type { KernelInitializerName } from '../../compile/compile';
import { ExportError, prepareNchwDesign, type NchwDesign, type NchwNode } from '../nchw-graph';
import type { TfjsWeights } from '../tfjs-weights';
import { modulePy } from './model-py';
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
  /** The kernel initializer `build_model()` uses for an untrained design (the training settings'). */
  initializer?: KernelInitializerName;
}

/** The weights file and its manifest, beside `model.py`. */
export const PYTORCH_WEIGHTS_FILE = 'model.weights.bin';
export const PYTORCH_WEIGHTS_MANIFEST = 'model.weights.json';

/** Every weight the design holds, as `layer/weight` (tfjs's names), with its PyTorch home. */
function weightTable(design: NchwDesign, modulePaths: Map<string, string>) {
  const table: { tfjs: string; torch: string; weight: ExportedWeight; n: NchwNode }[] = [];
  for (const n of design.nodes)
    for (const w of n.weights)
      table.push({ tfjs: `${n.node.name}/${w.tfjs}`, torch: `${modulePaths.get(n.node.id)}.${w.torch}`, weight: w, n });
  return table;
}

/** Refuses weights that do not fit the design, naming the first difference. */
function checkWeights(weights: TfjsWeights, expected: readonly string[]): void {
  const given = new Set(weights.specs.map((s) => s.name));
  const missing = expected.filter((name) => !given.has(name));
  const extra = [...given].filter((name) => !expected.includes(name));
  if (missing.length || extra.length)
    throw new ExportError('The weights do not fit the design', [
      ...(missing.length ? [`missing: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}`] : []),
      ...(extra.length ? [`not in the design: ${extra.slice(0, 5).join(', ')}${extra.length > 5 ? ', …' : ''}`] : []),
    ]);
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
  if (options.weights)
    checkWeights(
      options.weights,
      table.map((t) => t.tfjs),
    );
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
    `KERNEL_INITIALIZER = ${pyValue(options.initializer ?? 'glorotUniform')}`,
    `WEIGHTS_MANIFEST = ${pyValue(PYTORCH_WEIGHTS_MANIFEST)}`,
    '#: Each TensorFlow.js weight (by its name in the manifest) -> (its key in state_dict(), its layout):',
    '#: "conv" HWIO -> OIHW, "dense" (in, out) -> (out, in), "depthwise" (H, W, C, M) -> (C*M, 1, H, W),',
    '#: "vector" unchanged. Layouts other than "vector" are kernels.',
    'TFJS_WEIGHTS = {',
    ...table.map((t) => `    ${pyValue(t.tfjs)}: (${pyValue(t.torch)}, ${pyValue(t.weight.layout)}),`),
    '}',
    MODEL_RUNTIME_PY,
  ];
  const files: ExportedFile[] = [{ name: 'model.py', data: lines.join('\n') }];
  if (options.weights) {
    const manifest = [{ paths: [PYTORCH_WEIGHTS_FILE], weights: options.weights.specs }];
    files.push(
      { name: PYTORCH_WEIGHTS_FILE, data: new Uint8Array(options.weights.data) },
      { name: PYTORCH_WEIGHTS_MANIFEST, data: `${JSON.stringify(manifest)}\n` },
    );
  }
  return files;
}
