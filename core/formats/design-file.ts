/**
 * The one answer to "what kind of file is this?". Every shell (the CLI, the
 * renderer, the desktop shell) hands a file's text here instead of looking
 * inside it: as in Netron, each kind of file NetCanvas knows has a `match`
 * that recognises it from its contents and an `open` that reads it, and the
 * kinds that hold no design say why they are refused.
 *
 * Kinds, in the order they are tried:
 * - `project`: a NetCanvas project (`"format": "netcanvas-project"`).
 * - `graph-model`: a TensorFlow.js graph model, refused: a frozen graph of
 *   TensorFlow operations has no layers to design with.
 * - `weights-manifest`: tfjs's `weights_manifest.json` (a list of weight
 *   groups) or a `model.json` that lists weights without a topology, refused:
 *   weights without the network they belong to.
 *
 * The refusals of graph models and weights-only files are the importer's
 * own (`core/formats/keras-import.ts`), so every door says the same.
 * - `layers-model`: a TensorFlow.js / Keras Layers model (a `model.json` with
 *   `modelTopology`, a bare Keras topology with `class_name`, or a
 *   `model_config`), imported through `importLayersModel`.
 * - `unknown`: JSON that is none of these.
 */
import { ValidationError } from '../errors';
import type { Graph } from '../graph/graph';
import { parseJsonText } from './json-text';
import {
  graphModelRefusal,
  importLayersModel,
  isGraphModel,
  isWeightsOnly,
  weightsOnlyRefusal,
  type KerasImportOptions,
} from './keras-import';
import { PROJECT_FORMAT, projectFromJson, type ProjectFile } from './project-file';

/** What a file holds, as {@link identifyFile} tells it. */
export type FileKind = 'project' | 'layers-model' | 'graph-model' | 'weights-manifest' | 'unknown';

/** The kinds that hold a design NetCanvas can open. */
export type DesignKind = 'project' | 'layers-model';
const DESIGN_KINDS: readonly DesignKind[] = ['project', 'layers-model'];

/** A file identified but not yet opened. */
export interface IdentifiedFile {
  kind: FileKind;
  /** The parsed JSON. */
  json: unknown;
  /**
   * The files this one names beside itself, as written: a project's trained
   * weights (`training.weights.file`), a model's weight shards (the
   * `weightsManifest` paths). Shells check each name before they read it.
   */
  companions: string[];
}

/** A design read from a file. */
export type DesignFile =
  | { kind: 'project'; project: ProjectFile }
  | {
      kind: 'layers-model';
      graph: Graph;
      /** What the import did not keep, one sentence each (see `importLayersModel`). */
      warnings: string[];
      /** The parameter count the file's `weightsManifest` lists, when it has one: what its weights hold. */
      manifestParams?: number;
      /** The name the file gives its model (Keras's `config.name`), when it gives one. */
      modelName?: string;
    };

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (values: unknown[]): string[] => values.filter((v): v is string => typeof v === 'string');

/** The weight groups a model.json or a weights manifest lists; empty when it lists none. */
function weightGroups(json: unknown): Json[] {
  const groups = Array.isArray(json) ? json : isObject(json) ? json.weightsManifest : undefined;
  return Array.isArray(groups) ? groups.filter(isObject) : [];
}

const weightPaths = (json: unknown): string[] =>
  weightGroups(json).flatMap((g) => (Array.isArray(g.paths) ? strings(g.paths) : []));

/** One kind of file: how to recognise it, and the files it names beside itself. */
interface FileFormat {
  kind: Exclude<FileKind, 'unknown'>;
  match(json: unknown): boolean;
  companions(json: unknown): string[];
}

const FORMATS: readonly FileFormat[] = [
  {
    kind: 'project',
    match: (json) => isObject(json) && json.format === PROJECT_FORMAT,
    companions: (json) => {
      const training = (json as Json).training;
      const file = isObject(training) && isObject(training.weights) ? training.weights.file : undefined;
      return typeof file === 'string' ? [file] : [];
    },
  },
  { kind: 'graph-model', match: isGraphModel, companions: weightPaths },
  { kind: 'weights-manifest', match: isWeightsOnly, companions: weightPaths },
  {
    kind: 'layers-model',
    match: (json) =>
      isObject(json) &&
      ('modelTopology' in json || 'class_name' in json || 'model_config' in json || json.format === 'layers-model'),
    companions: weightPaths,
  },
];

/**
 * Parses a file's text and tells what it holds. Throws `ValidationError`
 * only for text that is not JSON; every JSON document gets a kind.
 *
 * @example
 * identifyFile(await readFile('model.json', 'utf8')).kind // 'layers-model'
 */
export function identifyFile(text: string): IdentifiedFile {
  const json = parseJsonText(text);
  const format = FORMATS.find((f) => f.match(json));
  return { kind: format?.kind ?? 'unknown', json, companions: format?.companions(json) ?? [] };
}

const KIND_NAMES: Record<DesignKind, string> = {
  project: 'a NetCanvas project',
  'layers-model': 'a TensorFlow.js / Keras model',
};

/** Where each kind of design is opened from, for a file handed to the other door. */
const KIND_HINTS: Record<DesignKind, string> = {
  project: 'open it as a project (Open, or any netcanvas command that takes a design)',
  'layers-model': 'import it (Import Model JSON, or netcanvas import)',
};

/** The parameter count a weights manifest lists: the product of each weight's shape, summed. */
function manifestParams(json: unknown): number | undefined {
  if (!isObject(json) || !Array.isArray(json.weightsManifest)) return undefined;
  let total = 0;
  for (const group of weightGroups(json))
    for (const weight of Array.isArray(group.weights) ? group.weights : []) {
      const shape = isObject(weight) && Array.isArray(weight.shape) ? (weight.shape as number[]) : [];
      total += shape.reduce((a, b) => a * b, 1);
    }
  return total;
}

/** How {@link openDesignFile} opens a file. */
export interface OpenOptions<K extends DesignKind = DesignKind> extends KerasImportOptions {
  /** The kinds the caller opens (both by default); another kind is refused with a pointer to the right door. */
  accept?: readonly K[];
}

/**
 * Opens a design file: a project as it was saved, or a Layers model imported
 * into a design (at `options.inputSize` where the model leaves its input size
 * open; without one such a model is refused with `UnknownInputSizeError`).
 * Throws `ValidationError`, with the path of the bad field where there is
 * one, for text that is not JSON, a malformed file, a kind that holds no
 * design (graph model, weights only), a kind the caller does not accept, and
 * JSON that is neither (in the words of the accepted kind's own reader).
 *
 * @example
 * const design = openDesignFile(text);
 * const graph = design.kind === 'project' ? design.project.graph : design.graph;
 */
export function openDesignFile<K extends DesignKind = DesignKind>(
  file: string | IdentifiedFile,
  options: OpenOptions<K> = {},
): Extract<DesignFile, { kind: K }> {
  const { kind, json } = typeof file === 'string' ? identifyFile(file) : file;
  const accept = options.accept ?? (DESIGN_KINDS as readonly K[]);
  switch (kind) {
    case 'graph-model':
      throw graphModelRefusal();
    case 'weights-manifest':
      throw weightsOnlyRefusal(json);
    case 'unknown':
      // Neither kind matched: the reader the caller would use says what is missing, in its own words.
      if ((accept as readonly DesignKind[]).includes('project')) projectFromJson(json);
      importLayersModel(json);
      throw new ValidationError([], 'expected a NetCanvas project or a TensorFlow.js / Keras model.json');
  }
  if (!(accept as readonly DesignKind[]).includes(kind))
    throw new ValidationError(
      [],
      `This is ${KIND_NAMES[kind]}, not ${accept.map((k) => KIND_NAMES[k]).join(' or ')}: ${KIND_HINTS[kind]}`,
    );
  return openAccepted(kind, json, options) as Extract<DesignFile, { kind: K }>;
}

/** The name a model.json gives its model: `config.name` of the topology, or of its `model_config`. */
function modelName(json: unknown): string | undefined {
  if (!isObject(json)) return undefined;
  const topology = isObject(json.modelTopology) ? json.modelTopology : json;
  const model = isObject(topology.model_config) ? topology.model_config : topology;
  const name = isObject(model.config) ? model.config.name : undefined;
  return typeof name === 'string' && name.trim() ? name.trim() : undefined;
}

function openAccepted(kind: DesignKind, json: unknown, options: KerasImportOptions): DesignFile {
  if (kind === 'project') return { kind, project: projectFromJson(json) };
  const listed = manifestParams(json);
  const name = modelName(json);
  const imported = importLayersModel(json, options.inputSize ? { inputSize: options.inputSize } : {});
  return {
    kind,
    ...imported,
    ...(listed === undefined ? {} : { manifestParams: listed }),
    ...(name === undefined ? {} : { modelName: name }),
  };
}
