/**
 * `netcanvas import`: reads a TensorFlow.js / Keras Layers `model.json` into a
 * NetCanvas project file, laid out for the canvas. A model the importer
 * cannot represent (a graph model, unsupported layer classes) is refused with
 * the importer's own message; settings it drops are listed as warnings.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { createProject, PROJECT_EXTENSION, serializeProjectFile } from '../../core/formats/project-file';
import { summarize } from '../../core/graph/summary';
import { CliError, EXIT, UsageError, type Command } from '../command';
import { openDesignText, readTextFile } from '../load-design';
import { writeFileOrFail } from '../model-files-node';
import { parseInputShape } from '../options';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

export const importCommand: Command = {
  name: 'import',
  usage: `<model.json> -o <file${PROJECT_EXTENSION}> [--input H,W,C] [--name NAME] [--force]`,
  summary: 'Turn a TensorFlow.js / Keras model.json into a project file',
  details: [
    'Options:',
    `  -o, --out FILE   the project file to write (${PROJECT_EXTENSION})`,
    '  --input H,W,C    the input size, for a model whose file leaves it open ([null, null, null, 3])',
    '  --name NAME      the project name (default: the model file name)',
    '  --force          replace FILE if it exists',
    '',
    'Reads Keras 2 and 3 and tfjs Layers files: Sequential or functional, nested models (as groups),',
    'several outputs. The design keeps the layers and their settings, frozen layers stay frozen;',
    'weights are not imported. A model saved without a fixed input size (MobileNet, EfficientNet)',
    'needs --input; the refusal names the size the model is usually run at.',
    'Graph models and layer types NetCanvas does not have are refused with the reason.',
    '',
    'Example:',
    `  netcanvas import web/model/model.json -o digits${PROJECT_EXTENSION}`,
    `  netcanvas import mobilenet/model.json --input 224,224,3 -o mobilenet${PROJECT_EXTENSION}`,
  ].join('\n'),
  options: {
    out: { type: 'string', short: 'o' },
    input: { type: 'string' },
    name: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new UsageError('import expects one model.json');
    if (typeof values.out !== 'string')
      throw new UsageError(`import needs -o FILE${PROJECT_EXTENSION}, the project to write`);
    const [source] = positionals;
    const inputSize = typeof values.input === 'string' ? parseInputShape(values.input) : undefined;
    const target = resolve(io.cwd, values.out);
    if (!values.force && (await exists(target)))
      throw new CliError(`"${values.out}" already exists; pass --force to replace it`);

    const text = await readTextFile(source, io.cwd);
    const imported = openDesignText(text, source, { accept: ['layers-model'], ...(inputSize ? { inputSize } : {}) });
    for (const warning of imported.warnings) io.err(`warning: ${warning}\n`);

    const name = typeof values.name === 'string' ? values.name : basename(source).replace(/\.json$/i, '');
    await writeFileOrFail(target, serializeProjectFile(createProject(imported.graph, name)), values.out);
    const { params } = summarize(imported.graph).totals;
    const listed = imported.manifestParams;
    const layers = `${imported.graph.nodes.length} layer${imported.graph.nodes.length === 1 ? '' : 's'}`;
    const count = `${params.toLocaleString('en-US')} parameters`;
    const check =
      listed === undefined
        ? ''
        : listed === params
          ? ' (as its weightsManifest lists)'
          : ` (its weightsManifest lists ${listed.toLocaleString('en-US')})`;
    io.out(`${values.out}: ${layers}, ${count}${check}\n`);
    return EXIT.ok;
  },
};
