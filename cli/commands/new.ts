/** `netcanvas new`: starts a project file from a template, to edit in the app or check with `validate`. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createProject, PROJECT_EXTENSION, serializeProjectFile } from '../../core/formats/project-file';
// A plain Node module (no Electron API): the desktop shell and the CLI save projects the same way.
import { writeFileAtomic } from '../../electron/atomic-write';
import { EXIT, CliError, UsageError, type Command } from '../command';
import { buildTemplate, findTemplate } from '../load-design';
import { templateOptions } from '../options';

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export const newCommand: Command = {
  name: 'new',
  usage: `<template-id> <file${PROJECT_EXTENSION}> [--input H,W,C] [--classes N] [--force]`,
  summary: 'Write a new project file from a template',
  details: [
    'Options:',
    '  --input H,W,C   input shape (a flat length for linear and mlp)',
    '  --classes N     number of classes',
    '  --force         replace the file if it exists',
    '',
    'Example:',
    `  netcanvas new lenet5 digits${PROJECT_EXTENSION} --input 28,28,1`,
  ].join('\n'),
  options: {
    input: { type: 'string' },
    classes: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length !== 2) throw new UsageError('new expects a template id and a file name');
    const [id, file] = positionals;
    const template = findTemplate(id);
    if (!template) throw new CliError(`no template named "${id}"; \`netcanvas templates\` lists the templates`);
    const target = resolve(io.cwd, file);
    if (!values.force && (await exists(target)))
      throw new CliError(`"${file}" already exists; pass --force to replace it`);
    const graph = buildTemplate(template, templateOptions(values));
    try {
      await writeFileAtomic(target, serializeProjectFile(createProject(graph, template.title)));
    } catch (e) {
      throw new CliError(`cannot write "${file}": ${(e as Error).message}`);
    }
    io.out(`${file}: ${template.title}, ${graph.nodes.length} layers\n`);
    return EXIT.ok;
  },
};
