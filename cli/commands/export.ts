/**
 * `netcanvas export`: writes a template or a design file as a TensorFlow.js
 * Layers model, as PyTorch code (`model.py`, with the trained weights when
 * the file has them), or as ONNX.
 *
 * For tfjs a design is untrained, so by default only its topology is written
 * (`model.json` without a `weightsManifest`): `tf.loadLayersModel` then builds
 * the model with freshly initialised weights. `--weights` writes initial
 * weights too (seeded with `--seed`), for tools that insist on a weights
 * file. A trained model comes from `netcanvas train --out`; exporting its
 * `model.json` (or a project saved with trained weights) to PyTorch carries
 * the weights along.
 */
import { join, resolve } from 'node:path';
import { ValidationError } from '../../core/errors';
import { onnxFileName } from '../../core/formats/export-files';
import { ExportError } from '../../core/formats/nchw-graph';
import { exportPytorch } from '../../core/formats/pytorch/index';
import { hasErrors, inferShapes } from '../../core/graph/infer';
import { parseTrainingSettings } from '../../core/train/settings';
import { CliError, EXIT, UsageError, type Command } from '../command';
import { readDesignExtras, type DesignExtras } from '../design-weights-node';
import { loadDesign } from '../load-design';
import { checkModelFolderOrFail, tfjsModelFiles, writeExportFiles, writeModelFolderOrFail } from '../model-files-node';
import { templateOptions } from '../options';

/** Export formats. */
const FORMATS = ['tfjs', 'pytorch', 'onnx'] as const;

/** The training settings a design file carries (defaults for a template or a model.json). */
function settingsOf(extras: DesignExtras, file: string) {
  try {
    return parseTrainingSettings(extras.training ?? {}, ['training', 'settings']);
  } catch (e) {
    if (e instanceof ValidationError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
}

export const exportCommand: Command = {
  name: 'export',
  usage: '<template-id | file> --format tfjs|pytorch|onnx -o DIR [--input H,W,C] [--classes N] [--weights] [--seed N]',
  summary: 'Write a design as a TensorFlow.js model, PyTorch code or an ONNX file',
  details: [
    'Options:',
    '  --format FORMAT   tfjs: the TensorFlow.js Layers format, model.json (default)',
    '                    pytorch: model.py (an nn.Module and build_model()), with the trained weights',
    '                    of a trained project or a `train --out` model.json',
    '                    onnx: <name>.onnx (opset 13, NCHW, dynamic batch) with the trained weights, or',
    '                    initial ones as tfjs draws them',
    '  -o, --out DIR     the model folder to write (created if missing; replaced whole and atomically, so it',
    '                    must hold nothing but an export: model.json, model.py, train.py, README.md, .onnx,',
    '                    weights, preprocessing.json)',
    '  --input H,W,C     input shape for a template',
    '  --classes N       number of classes for a template',
    '  --weights         also write freshly initialised weights (model.weights.bin)',
    '  --seed N          seed for those initial weights (tfjs with --weights, and onnx)',
    '',
    'A design is untrained, so the export is topology only: model.json without a weightsManifest.',
    'tf.loadLayersModel reads it and initialises the weights itself. For trained weights use',
    '`netcanvas train ... --out DIR`.',
    '',
    'Examples:',
    '  netcanvas export lenet5 --format tfjs -o lenet5-model',
    '  netcanvas export my-net.netcanvas.json -o web/model',
    '  netcanvas export trained/model.json --format pytorch -o digits-pytorch',
    '  netcanvas export resnet18 --format onnx -o onnx/',
  ].join('\n'),
  options: {
    format: { type: 'string' },
    out: { type: 'string', short: 'o' },
    input: { type: 'string' },
    classes: { type: 'string' },
    weights: { type: 'boolean' },
    seed: { type: 'string' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new UsageError('export expects one template id, project file or model.json');
    const format = typeof values.format === 'string' ? values.format : 'tfjs';
    if (!(FORMATS as readonly string[]).includes(format))
      throw new UsageError(`--format expects one of ${FORMATS.join(', ')}, got "${format}"`);
    if (typeof values.out !== 'string') throw new UsageError('export needs -o DIR, the folder to write into');
    if (format === 'pytorch' && (values.weights || values.seed !== undefined))
      throw new UsageError('--weights and --seed set initial weights; a PyTorch export initialises its own');
    if (format === 'onnx' && values.weights)
      throw new UsageError('an ONNX file always holds weights: the trained ones, or initial ones (seeded with --seed)');
    let seed: number | undefined;
    if (typeof values.seed === 'string') {
      if (format === 'tfjs' && !values.weights)
        throw new UsageError('--seed seeds the initial weights; pass --weights with it');
      if (!/^\d+$/.test(values.seed) || Number(values.seed) > 0xffffffff)
        throw new UsageError(`--seed expects a whole number from 0 to 4294967295, got "${values.seed}"`);
      seed = Number(values.seed);
    }

    const outDir = resolve(io.cwd, values.out);
    await checkModelFolderOrFail(outDir, values.out);
    const design = await loadDesign(positionals[0], templateOptions(values), io.cwd);
    for (const warning of design.warnings) io.err(`warning: ${warning}\n`);
    if (design.graph.nodes.length === 0)
      throw new CliError(`${design.label} has no layers; there is nothing to export`);
    const { diagnostics } = inferShapes(design.graph);
    if (hasErrors(diagnostics)) {
      const errors = diagnostics.filter((d) => d.severity === 'error');
      throw new CliError(
        `${design.label} has ${errors.length} error${errors.length === 1 ? '' : 's'} and cannot be exported:\n` +
          errors.map((d) => `  - ${d.message}`).join('\n'),
      );
    }

    const refused = (e: unknown): never => {
      if (e instanceof ExportError) throw new CliError(`${design.label}: ${e.message}`);
      throw e;
    };
    if (format === 'pytorch') {
      const extras = await readDesignExtras(positionals[0], io.cwd);
      const training = settingsOf(extras, positionals[0]);
      let files;
      try {
        files = exportPytorch(design.graph, { name: design.name, weights: extras.weights, training });
      } catch (e) {
        refused(e);
        return EXIT.ok;
      }
      if (extras.preprocessing) files.push({ name: 'preprocessing.json', data: extras.preprocessing });
      const written = await writeExportFiles(resolve(io.cwd, values.out), files, values.out);
      const what = extras.weights ? 'PyTorch code and trained weights' : 'PyTorch code (untrained)';
      io.out(`${design.label}: ${what} written to ${written.map((n) => join(values.out as string, n)).join(', ')}\n`);
      return EXIT.ok;
    }

    const tf = await import('@tensorflow/tfjs');
    // The plain-JS backend: building a model for its topology needs no speed, and it always works.
    await tf.setBackend('cpu');
    // PROD silences tfjs's console advice (install tfjs-node, …): the output is the one line below.
    tf.env().set('PROD', true);

    if (format === 'onnx') {
      const extras = await readDesignExtras(positionals[0], io.cwd);
      const settings = settingsOf(extras, positionals[0]);
      const { exportOnnx } = await import('../../core/formats/onnx-export');
      const compile = {
        kernelInitializer: settings.initializer,
        ...(seed !== undefined ? { seed } : settings.seed !== undefined ? { seed: settings.seed } : {}),
      };
      let bytes: Uint8Array;
      try {
        bytes = await exportOnnx(design.graph, tf, { name: design.name, weights: extras.weights, compile });
      } catch (e) {
        return refused(e);
      }
      const name = onnxFileName(design.name);
      await writeExportFiles(resolve(io.cwd, values.out), [{ name, data: bytes }], values.out);
      const what = extras.weights ? 'ONNX model with the trained weights' : 'ONNX model with initial weights';
      io.out(`${design.label}: ${what} written to ${join(values.out, name)}\n`);
      return EXIT.ok;
    }
    const { exportTfjsModel } = await import('../../core/formats/tfjs-export');
    const exported = await exportTfjsModel(design.graph, tf, {
      weights: Boolean(values.weights),
      ...(seed === undefined ? {} : { compile: { seed } }),
    });
    const written = await writeModelFolderOrFail(outDir, tfjsModelFiles(exported), values.out);
    const what = values.weights ? 'topology and initial weights' : 'topology only (untrained)';
    const files = written.map((name) => join(values.out as string, name)).join(', ');
    io.out(`${design.label}: ${what} written to ${files}\n`);
    return EXIT.ok;
  },
};
