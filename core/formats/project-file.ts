/**
 * The project file, `*.netcanvas.json`: a versioned, validated JSON document
 * holding the graph and the training settings. Pure functions from text to
 * object and back, so the renderer, the desktop shell and the CLI share them.
 * A file that fails validation is refused whole, with the JSON path of the
 * first bad field.
 */
import { z } from 'zod';
import { ValidationError } from '../errors';
import type { Graph } from '../graph/graph';
import { checkParamValue, hasParam, quoteValue } from '../layers/params';
import { getLayerSpec, isLayerType } from '../layers/registry';
import { LIMITS, limitText } from '../limits';
import { checkJsonDepth } from './json-limits';
import { parseJsonText } from './json-text';

/** The `format` field every project file carries. */
export const PROJECT_FORMAT = 'netcanvas-project';
/** The version this build writes. */
export const PROJECT_VERSION = 1;
/** The file name ending NetCanvas gives projects. */
export const PROJECT_EXTENSION = '.netcanvas.json';

/** A project as stored. */
export interface ProjectFile {
  format: typeof PROJECT_FORMAT;
  version: typeof PROJECT_VERSION;
  /** Shown in the title bar; defaults to the file name. */
  name?: string;
  graph: Graph;
  /**
   * Training settings (optimizer, learning rate, batch size, data set, ...),
   * validated by `core/train` when a run starts; kept as given here so files
   * from newer builds keep settings this one does not know.
   */
  training?: Record<string, unknown>;
}

const position = z.object({ x: z.number().finite(), y: z.number().finite() });
const node = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  // Any string: an empty or invalid name is a diagnostic with a fix (`invalid-name`), so a design
  // saved while the user is still typing a name opens again.
  name: z.string(),
  params: z.record(z.string(), z.unknown()),
  position,
  group: z.string().min(1).optional(),
  trainable: z.boolean().optional(),
});
const edge = z.object({
  id: z.string().min(1),
  source: z.string().min(1),
  target: z.string().min(1),
  targetInput: z.number().int().min(0),
  route: z.array(position).optional(),
});
const group = z.object({
  id: z.string().min(1),
  label: z.string(),
  parent: z.string().min(1).optional(),
  collapsed: z.boolean().optional(),
});
const graphSchema = z.object({
  nodes: z.array(node),
  edges: z.array(edge),
  groups: z.array(group).default([]),
  outputs: z.array(z.string()).optional(),
  direction: z.enum(['TB', 'LR']).optional(),
});
const projectSchema = z.object({
  format: z.literal(PROJECT_FORMAT),
  version: z.literal(PROJECT_VERSION),
  name: z.string().optional(),
  graph: graphSchema,
  training: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Upgrades a raw document of an older version by one step. Index `v` turns
 * version `v` into `v + 1`. Version 1 is the first released format, so the
 * chain is empty; a change to the format adds a step here and a test file of
 * the old version.
 */
const MIGRATIONS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {};

function migrate(raw: Record<string, unknown>): Record<string, unknown> {
  let doc = raw;
  const declared = doc.version;
  if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 1)
    throw new ValidationError(['version'], `expected a whole number ≥ 1, got ${quoteValue(declared)}`);
  let version = declared;
  if (version > PROJECT_VERSION)
    throw new ValidationError(
      ['version'],
      `this file is version ${version}, written by a newer NetCanvas; this one reads up to version ${PROJECT_VERSION}`,
    );
  while (version < PROJECT_VERSION) {
    const step = MIGRATIONS[version];
    if (!step) throw new ValidationError(['version'], `no migration from version ${version}`);
    doc = step(doc);
    version = doc.version as number;
  }
  return doc;
}

/** Refuses a design larger than NetCanvas's limits, before anything walks it. */
function checkSize(raw: Record<string, unknown>): void {
  const graph = raw.graph as Record<string, unknown> | undefined;
  for (const [key, limit] of [
    ['nodes', LIMITS.layers],
    ['edges', LIMITS.edges],
    ['groups', LIMITS.groups],
  ] as const) {
    const list = graph?.[key];
    if (Array.isArray(list) && list.length > limit)
      throw new ValidationError(
        ['graph', key],
        `${limitText(list.length)} entries; a design holds at most ${limitText(limit)} ${key === 'nodes' ? 'layers' : key}`,
      );
  }
}

/** Checks what the schema cannot: known layer types, valid parameters, edges and groups that point at things that exist. */
function checkReferences(graph: Graph): void {
  const ids = new Set<string>();
  graph.nodes.forEach((n, i) => {
    if (ids.has(n.id)) throw new ValidationError(['graph', 'nodes', i, 'id'], `duplicate node id ${quoteValue(n.id)}`);
    ids.add(n.id);
    if (!isLayerType(n.type))
      throw new ValidationError(['graph', 'nodes', i, 'type'], `unknown layer type ${quoteValue(n.type)}`);
    const spec = getLayerSpec(n.type);
    for (const [name, value] of Object.entries(n.params)) {
      // Own keys only: `constructor` and `toString` live on every object's prototype.
      if (!hasParam(spec.params, name))
        throw new ValidationError(
          ['graph', 'nodes', i, 'params', /^[\w$]{1,60}$/.test(name) ? name : quoteValue(name)],
          `${n.type} has no parameter ${quoteValue(name)}`,
        );
      const paramSpec = spec.params[name];
      const reason = checkParamValue(paramSpec, value);
      if (reason) throw new ValidationError(['graph', 'nodes', i, 'params', name], reason);
    }
  });
  const groupIds = new Set(graph.groups.map((g) => g.id));
  graph.groups.forEach((g, i) => {
    if (g.parent && !groupIds.has(g.parent))
      throw new ValidationError(['graph', 'groups', i, 'parent'], `no group with id ${quoteValue(g.parent)}`);
  });
  graph.nodes.forEach((n, i) => {
    if (n.group && !groupIds.has(n.group))
      throw new ValidationError(['graph', 'nodes', i, 'group'], `no group with id ${quoteValue(n.group)}`);
  });
  const edgeIds = new Set<string>();
  const slots = new Set<string>();
  graph.edges.forEach((e, i) => {
    if (edgeIds.has(e.id))
      throw new ValidationError(['graph', 'edges', i, 'id'], `duplicate edge id ${quoteValue(e.id)}`);
    edgeIds.add(e.id);
    if (!ids.has(e.source))
      throw new ValidationError(['graph', 'edges', i, 'source'], `no node with id ${quoteValue(e.source)}`);
    if (!ids.has(e.target))
      throw new ValidationError(['graph', 'edges', i, 'target'], `no node with id ${quoteValue(e.target)}`);
    const slot = `${e.target}#${e.targetInput}`;
    if (slots.has(slot))
      throw new ValidationError(
        ['graph', 'edges', i, 'targetInput'],
        `input ${e.targetInput} of ${quoteValue(e.target)} is already connected`,
      );
    slots.add(slot);
  });
  graph.outputs?.forEach((id, i) => {
    if (!ids.has(id)) throw new ValidationError(['graph', 'outputs', i], `no node with id ${quoteValue(id)}`);
  });
}

/**
 * Parses and validates an already-decoded JSON value as a project, migrating
 * older versions. Throws `ValidationError` naming the first bad field.
 */
export function projectFromJson(value: unknown): ProjectFile {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ValidationError([], 'expected a NetCanvas project (a JSON object)');
  const raw = value as Record<string, unknown>;
  if (raw.format !== PROJECT_FORMAT)
    throw new ValidationError(
      ['format'],
      `expected "${PROJECT_FORMAT}", got ${quoteValue(raw.format)}; this is not a NetCanvas project`,
    );
  checkJsonDepth(raw);
  checkSize(raw);
  const result = projectSchema.safeParse(migrate(raw));
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ValidationError(issue.path as (string | number)[], issue.message);
  }
  const project = result.data as ProjectFile;
  // `trainable: true` (written by hand) is the default, and a trainable node stores nothing.
  for (const n of project.graph.nodes) if ((n.trainable as boolean | undefined) === true) delete n.trainable;
  checkReferences(project.graph);
  return project;
}

/**
 * Parses a project file's text. Throws `ValidationError` for text that is not
 * JSON or not a valid project; never returns a half-read project.
 *
 * @example
 * const project = parseProjectFile(await readFile('lenet.netcanvas.json', 'utf8'));
 */
export function parseProjectFile(text: string): ProjectFile {
  return projectFromJson(parseJsonText(text));
}

/** A new project around `graph`. */
export function createProject(graph: Graph, name?: string, training?: Record<string, unknown>): ProjectFile {
  return {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    ...(name ? { name } : {}),
    graph,
    ...(training ? { training } : {}),
  };
}

/** The file text for `project`: two-space JSON with a final newline, stable key order. */
export function serializeProjectFile(project: ProjectFile): string {
  return `${JSON.stringify(project, null, 2)}\n`;
}
