/**
 * Turning a command-line argument into a design: a project file or a
 * TensorFlow.js / Keras `model.json` read from disk, or a template built with
 * the given options. Every way this can fail becomes one `CliError` line
 * that names the file (and, for a bad file, the JSON path of the bad field).
 */
import { open, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { ValidationError } from '../core/errors';
import { openDesignFile, type DesignFile, type OpenOptions } from '../core/formats/design-file';
import { parseRunRecords } from '../core/train/run-record';
import { UnknownInputSizeError } from '../core/formats/keras-import';
import type { Graph } from '../core/graph/graph';
import { LIMITS } from '../core/limits';
import { fsErrorText } from '../electron/fs-errors';
import type { Template, TemplateOptions } from '../templates/template';
import { InvalidTemplateOptionsError, templates } from '../templates/index';
import { CliError, UsageError } from './command';

/** A design ready to summarise, with a label for headings. */
export interface LoadedDesign {
  graph: Graph;
  /** `template lenet5` or the file path as given. */
  label: string;
  /** A name for what the design is, for exports: the template's title, the project's name, the file's name. */
  name: string;
  /** What a model.json import did not keep, one sentence each; empty for projects and templates. */
  warnings: string[];
}

/**
 * A design file's text (a project or a model.json). The size is checked
 * before reading, so a 10 GB file or a FIFO is refused rather than read;
 * every file-system error becomes one `CliError` line naming `path`.
 */
export async function readTextFile(path: string, cwd: string): Promise<string> {
  const fail = (why: string): never => {
    throw new CliError(`cannot read "${path}": ${why}`);
  };
  const file = resolve(cwd, path);
  // stat before open: opening a FIFO for reading would wait for a writer forever.
  const info = await stat(file).catch((e) => fail(fsErrorText(e)));
  if (info.isDirectory()) return fail(fsErrorText({ code: 'EISDIR' }));
  if (!info.isFile()) return fail('it is not a regular file');
  if (info.size > LIMITS.designFileBytes)
    return fail(
      `it is ${(info.size / 1024 ** 2).toFixed(0)} MiB; NetCanvas reads designs up to ${LIMITS.designFileBytes / 1024 ** 2} MiB`,
    );
  const handle = await open(file, 'r').catch((e) => fail(fsErrorText(e)));
  try {
    return await handle.readFile('utf8');
  } catch (e) {
    return fail(fsErrorText(e));
  } finally {
    await handle.close();
  }
}

/**
 * Opens a design file's text with core's reader, at `options.inputSize` where
 * a model leaves its input unsized. A refusal becomes one `CliError` line
 * naming the file; an unsized input without `--input` says which `--input` to
 * pass.
 */
export function openDesignText<K extends DesignFile['kind']>(
  text: string,
  path: string,
  options: OpenOptions<K> = {},
): Extract<DesignFile, { kind: K }> {
  try {
    const design = openDesignFile(text, options);
    // A project's kept runs are part of the file, refused with their path as the app refuses them.
    const opened: DesignFile = design;
    if (opened.kind === 'project') parseRunRecords(opened.project.training?.runs, ['training', 'runs']);
    return design;
  } catch (e) {
    if (e instanceof UnknownInputSizeError) {
      const example = e.suggested ? e.suggested.join(',') : e.declared.map((d) => d ?? 'N').join(',');
      throw new CliError(`${path}: ${e.message}; pass --input ${example} to import it at that size`);
    }
    if (e instanceof ValidationError) throw new CliError(`${path}: ${e.message}`);
    throw e;
  }
}

/**
 * Reads a design from a file: a NetCanvas project, or a TensorFlow.js / Keras
 * `model.json` imported into a design (at `inputSize` where the model leaves
 * its input unsized). core's `openDesignFile` tells which; its refusal (not
 * JSON, a bad field, a graph model, weights only, unsupported layer classes)
 * becomes the one-line error.
 */
export async function readDesignFile(path: string, cwd: string, inputSize?: readonly number[]): Promise<LoadedDesign> {
  const text = await readTextFile(path, cwd);
  const design = openDesignText(text, path, inputSize ? { inputSize } : {});
  if (design.kind === 'layers-model') {
    // tfjs writes every model as model.json, so its folder says which model it is.
    const name = basename(dirname(resolve(cwd, path))) || 'model';
    return { graph: design.graph, label: `${path} (imported model)`, name, warnings: design.warnings };
  }
  if (inputSize)
    throw new UsageError(
      '--input and --classes apply to templates (--input also to a model file whose input size is open); a project already fixes its input and classes',
    );
  const { project } = design;
  return {
    graph: project.graph,
    label: project.name ? `${project.name} (${path})` : path,
    name: project.name || basename(path).replace(/(\.netcanvas)?\.json$/i, ''),
    warnings: [],
  };
}

/** The template with `id`, or undefined. */
export function findTemplate(id: string): Template | undefined {
  return templates.find((t) => t.id === id);
}

/** Builds `template`; options it cannot build with (a 1-D input for a CNN) are a wrong command line. */
export function buildTemplate(template: Template, options: TemplateOptions): Graph {
  try {
    return template.build(options);
  } catch (e) {
    if (e instanceof InvalidTemplateOptionsError) throw new UsageError(e.message);
    throw e;
  }
}

/** True when `path` names an existing file (not a folder). */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Resolves `<template-id | file>`. An existing file wins over a template of the
 * same name, so a project saved as `./mlp` is still readable; template options
 * apply to templates only.
 */
export async function loadDesign(target: string, options: TemplateOptions, cwd: string): Promise<LoadedDesign> {
  if (await isFile(resolve(cwd, target))) {
    if (options.classes !== undefined)
      throw new UsageError(
        '--input and --classes apply to templates (--input also to a model file whose input size is open); a project or model file already fixes its classes',
      );
    return readDesignFile(target, cwd, options.input);
  }
  const template = findTemplate(target);
  if (template) {
    const graph = buildTemplate(template, options);
    return { graph, label: `${template.title} (template ${template.id})`, name: template.title, warnings: [] };
  }
  // Not a file and not a template: if it looks like a path, let the read say why it failed.
  if (/[/\\]|\.json$/i.test(target)) await readDesignFile(target, cwd);
  throw new CliError(`no template or file named "${target}"; \`netcanvas templates\` lists the templates`);
}
