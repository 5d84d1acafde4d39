/**
 * Turning a command-line argument into a design: a project file read from
 * disk, or a template built with the given options. Every way this can fail
 * becomes one `CliError` line that names the file (and, for a bad file, the
 * JSON path of the bad field).
 */
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ValidationError } from '../core/errors';
import { parseProjectFile, type ProjectFile } from '../core/formats/project-file';
import type { Graph } from '../core/graph/graph';
import type { Template, TemplateOptions } from '../templates/template';
import { InvalidTemplateOptionsError, templates } from '../templates/index';
import { CliError, UsageError } from './command';

/** A design ready to summarise, with a label for headings. */
export interface LoadedDesign {
  graph: Graph;
  /** `template lenet5` or the file path as given. */
  label: string;
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'it is a directory, not a file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
};

/** Reads and validates a project file; a missing, unreadable or malformed file becomes one `CliError` line. */
export async function readProject(path: string, cwd: string): Promise<ProjectFile> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new CliError(`cannot read "${path}": ${ERRNO_TEXT[code] ?? (e as Error).message}`);
  }
  try {
    // Editors on Windows may save UTF-8 with a byte-order mark, which JSON.parse rejects.
    return parseProjectFile(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    if (e instanceof ValidationError) throw new CliError(`${path}: ${e.message}`);
    throw e;
  }
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

async function isFile(path: string): Promise<boolean> {
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
    if (options.input || options.classes !== undefined)
      throw new UsageError(
        '--input and --classes apply to templates; a project file already fixes its input and classes',
      );
    const project = await readProject(target, cwd);
    return { graph: project.graph, label: project.name ? `${project.name} (${target})` : target };
  }
  const template = findTemplate(target);
  if (template) {
    const graph = buildTemplate(template, options);
    return { graph, label: `${template.title} (template ${template.id})` };
  }
  // Not a file and not a template: if it looks like a path, let the read say why it failed.
  if (/[/\\]|\.json$/i.test(target)) await readProject(target, cwd);
  throw new CliError(`no template or file named "${target}"; \`netcanvas templates\` lists the templates`);
}
