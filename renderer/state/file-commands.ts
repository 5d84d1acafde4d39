/**
 * File commands: new, open, save, save as, import and export, all through the
 * bridge. Parsing and validation are core's; a file that fails leaves the
 * design as it was and the notice says why.
 */
import type { ExportDesignRequest, NetCanvasBridge, OpenedFile, SaveResult } from '../../electron/contract';
import { ValidationError } from '../../core/errors';
import { UnknownInputSizeError } from '../../core/formats/keras-import';
import { customLayersIn } from '../../core/formats/tfjs-export';
import { ExportError } from '../../core/formats/nchw-graph';
import { emptyGraph, type Graph } from '../../core/graph/graph';
import { summarize } from '../../core/graph/summary';
import { inferShapes } from '../../core/graph/infer';
import { CompileError } from '../../core/compile/compile';
import { PROJECT_EXTENSION, createProject, serializeProjectFile } from '../../core/formats/project-file';
import { identifyFile, openDesignFile, type IdentifiedFile } from '../../core/formats/design-file';
import { summaryToCsv, summaryToMarkdown } from '../summary/summary-text';
import { bridgeErrorMessage } from '../bridge';
import type { EditorStore } from './editor-store';
import { exportModelJson, onnxExport, pytorchExport } from './model-formats';
import { requestLayout } from '../canvas/layout-client';
import { applyLayout } from '../../core/graph/geometry';
import { trainedModelExport, trainedModelFor } from './trained-model';
import { restoreTrainedModel, weightsToSave, withoutWeights } from './weights-sidecar';
import { readRuns } from './project-training';

/** A message as a clause of a longer notice: without its closing full stop, so the notice does not end up with two. */
const clause = (message: string): string => message.replace(/\.$/, '');

/** The design's name for titles and suggested file names: the file name without its ending, or "Untitled". */
export function designName(fileName: string | null): string {
  if (!fileName) return 'Untitled';
  return fileName.replace(/\.netcanvas\.json$/i, '').replace(/\.json$/i, '');
}

/** A new empty design; the old one stays one undo step away. */
export function newDesign(store: EditorStore): void {
  store.load(emptyGraph(), null);
}

/** `graph` laid out by the layered layout (in the layout worker), as templates and imports open. */
export async function laidOut(graph: Graph): Promise<Graph> {
  return applyLayout(graph, await requestLayout(graph));
}

/** A graph built from a template, laid out; it counts as unsaved. */
export async function openGraph(store: EditorStore, graph: Graph, title: string | null): Promise<void> {
  store.load(await laidOut(graph), title, undefined, false);
}

/** Asks for a project file and opens it. */
export async function openProject(store: EditorStore, bridge: NetCanvasBridge, path?: string): Promise<void> {
  let file: Awaited<ReturnType<NetCanvasBridge['openProject']>>;
  try {
    file = await bridge.openProject(path);
  } catch (e) {
    // The desktop shell refuses a path it did not offer, or a recent file that has gone.
    store.notify('error', `Could not open ${path ?? 'the file'}: ${bridgeErrorMessage(e)}. Your design is unchanged.`);
    return;
  }
  if (file) await openProjectFile(store, file);
}

/**
 * Opens a design file already read (from the bridge, or dropped on the
 * window). core's reader tells what it is: a project opens as saved, a
 * TensorFlow.js / Keras model is imported (as Import would), anything else is
 * refused with the reader's reason and the design stays as it was.
 */
export async function openProjectFile(store: EditorStore, file: OpenedFile): Promise<void> {
  let graph: Graph;
  let training: Record<string, unknown> | undefined;
  try {
    const identified = identifyFile(file.text);
    if (identified.kind === 'layers-model') return await importModelFile(store, file);
    ({ graph, training } = openDesignFile(identified, { accept: ['project'] }).project);
    // Kept runs are part of the file: a malformed one refuses it whole, so a later save cannot drop them.
    readRuns(training);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    store.notify('error', `Could not open ${file.name}: ${clause(e.message)}. Your design is unchanged.`);
    return;
  }
  // The weights saved beside the project become its trained model again; weights that do not fit are left out, never fatal.
  const restored = await restoreTrainedModel(graph, training, file.sidecar, file.sidecarProblem);
  store.load(graph, file.name, file.path, true, restored.model);
  // The weights record is rewritten on every save from the trained model, so the Train view never sees it.
  store.setTraining(withoutWeights(training), true);
  if (restored.problem) store.notify('error', `Opened ${file.name} without its trained weights: ${restored.problem}.`);
  else store.notify('info', restored.model ? `Opened ${file.name} with its trained weights.` : `Opened ${file.name}.`);
}

function reportSave(store: EditorStore, result: SaveResult, what: string): boolean {
  if (result.status === 'failed') store.notify('error', `Could not save ${what}: ${result.error}`);
  else if (result.status === 'saved') store.notify('info', `Saved ${result.name}.`);
  return result.status === 'saved';
}

/** What a save may be told: ask where even when the design has a place (Save As), what to run once saved, the name chosen. */
export interface SaveOptions {
  saveAs?: boolean;
  /** Runs after a successful save (New or Open waiting behind "Save first"); not after a cancel or a failure. */
  then?: () => void;
  /** The file name the user typed in the web build's name dialog. */
  name?: string;
}

/** `name` with the project ending, e.g. `lenet` → `lenet.netcanvas.json`. */
export function projectFileName(name: string): string {
  const trimmed = name.trim();
  return /\.json$/i.test(trimmed) ? trimmed : `${trimmed}${PROJECT_EXTENSION}`;
}

/** Why `name` cannot be a file name, or null when it can. */
export function fileNameProblem(name: string): string | null {
  const trimmed = name.trim();
  if (!trimmed) return 'Give the file a name.';
  const bad = trimmed.match(/[\\/:*?"<>|]/);
  if (bad) return `A file name cannot contain "${bad[0]}".`;
  return null;
}

/**
 * Saves the design: in place on the desktop when it has a path, otherwise
 * where the user says. The web build cannot show the system's save dialog,
 * so it asks for a file name first (the name dialog, through
 * `store.pendingSave`) when the design has none yet or on Save As, then the
 * project downloads under that name.
 */
export async function saveProject(
  store: EditorStore,
  bridge: NetCanvasBridge,
  options: SaveOptions = {},
): Promise<void> {
  const { saveAs = false, then } = options;
  const { graph, fileName, filePath, training } = store.getState();
  if (bridge.host === 'web' && options.name === undefined && (saveAs || !fileName)) {
    store.setPendingSave({
      suggestedName: fileName ?? `${designName(fileName)}${PROJECT_EXTENSION}`,
      ...(then ? { then } : {}),
    });
    return;
  }
  store.setPendingSave(null);
  const suggestedName =
    options.name !== undefined
      ? projectFileName(options.name)
      : (fileName ?? `${designName(fileName)}${PROJECT_EXTENSION}`);
  const name = designName(suggestedName);
  // Weights trained on this very design go beside the project file, their manifest into it.
  const trained = trainedModelFor(store.getState(), graph);
  const weights = trained ? weightsToSave(trained, training, suggestedName) : null;
  const request = {
    text: serializeProjectFile(createProject(graph, name, weights?.training ?? training)),
    suggestedName,
    ...(filePath && !saveAs ? { path: filePath } : {}),
    ...(weights ? { sidecar: weights.sidecar } : {}),
  };
  // A name typed in the web dialog is final: the download takes it without asking again.
  const askWhere = saveAs && options.name === undefined;
  const result = askWhere ? await bridge.saveProjectAs(request) : await bridge.saveProject(request);
  if (reportSave(store, result, request.suggestedName) && result.status === 'saved') {
    // The graph saved is the one serialised above; if the user edited meanwhile, the design stays unsaved.
    if (store.getState().graph === graph) store.markSaved(result.name, result.path);
    then?.();
  }
}

/** Asks for a Keras / TensorFlow.js `model.json` and opens it as a new design. */
export async function importModel(store: EditorStore, bridge: NetCanvasBridge): Promise<void> {
  const file = await bridge.importModel();
  if (file) await importModelFile(store, file);
}

/**
 * Imports a model.json already read (from the bridge, or dropped on the
 * window), at `inputSize` where the model leaves its input unsized (without
 * one, such a model is held in the store and the import dialog asks for it);
 * laid out, titled with the model's name; it counts as unsaved.
 */
export async function importModelFile(
  store: EditorStore,
  file: OpenedFile,
  inputSize?: readonly number[],
): Promise<void> {
  let imported: { graph: Graph; warnings: string[]; modelName?: string };
  try {
    imported = openDesignFile(file.text, { accept: ['layers-model'], ...(inputSize ? { inputSize } : {}) });
  } catch (e) {
    if (e instanceof UnknownInputSizeError && !inputSize) {
      store.setPendingImport({ file, declared: e.declared, ...(e.suggested ? { suggested: e.suggested } : {}) });
      return;
    }
    if (!(e instanceof ValidationError)) throw e;
    store.setPendingImport(null);
    store.notify('error', `Could not import ${file.name}: ${clause(e.message)}. Your design is unchanged.`);
    return;
  }
  store.setPendingImport(null);
  // The model's own name, else the file's without its ending (`model` for tfjs's generic model.json).
  const name = imported.modelName ?? (file.name.replace(/\.json$/i, '') || 'model');
  // Shown at once as imported (in rows, nothing overlapping), then laid out when the layout arrives.
  store.load(imported.graph, `${name}${PROJECT_EXTENSION}`, undefined, false);
  const arranged = laidOut(imported.graph);
  const warned = imported.warnings.length ? ` ${imported.warnings.length} note(s): ${imported.warnings.join(' ')}` : '';
  store.notify(
    imported.warnings.length ? 'error' : 'info',
    `Imported ${file.name}: ${imported.graph.nodes.length} layers.${warned}`,
  );
  store.replaceLoaded(imported.graph, await arranged);
}

/** Why the design cannot be exported (empty, or with errors), or null when it can. */
function exportBlocker(graph: Graph): string | null {
  if (!graph.nodes.length) return 'the design is empty';
  const errors = inferShapes(graph).diagnostics.filter((d) => d.severity === 'error');
  if (!errors.length) return null;
  return `fix the ${errors.length} problem${errors.length === 1 ? '' : 's'} listed under Problems first`;
}

/** Exports the design as a TensorFlow.js layers-model `model.json` (topology; tfjs initialises weights on load). */
export async function exportModel(store: EditorStore, bridge: NetCanvasBridge): Promise<void> {
  const { graph, fileName } = store.getState();
  const why = exportBlocker(graph);
  if (why) {
    store.notify('error', `Cannot export the model: ${why}.`);
    return;
  }
  // A model trained on this very design goes out with its weights.
  const trained = trainedModelFor(store.getState(), graph);
  if (trained) {
    const request = trainedModelExport(trained, designName(fileName));
    if (reportSave(store, await bridge.exportModel(request), request.suggestedName))
      noteCustomLayers(store, graph, request.suggestedName);
    return;
  }
  let modelJson: string;
  try {
    modelJson = await exportModelJson(graph);
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    store.notify('error', `Cannot export the model: ${e.message}`);
    return;
  }
  const suggestedName = `${designName(fileName)}.model.json`;
  if (reportSave(store, await bridge.exportModel({ modelJson, suggestedName }), suggestedName))
    noteCustomLayers(store, graph, suggestedName);
}

/** After an export: says which layers a program other than NetCanvas must define before loading the model. */
function noteCustomLayers(store: EditorStore, graph: Graph, saved: string): void {
  const custom = customLayersIn(graph.nodes.map((n) => n.type)).map((c) => c.type);
  if (!custom.length) return;
  store.notify(
    'info',
    `Saved ${saved}. It uses ${custom.join(' and ')}, which TensorFlow.js has no class for: another program must define ` +
      `${custom.length === 1 ? 'it' : 'them'} before tf.loadLayersModel (\`netcanvas export\` writes the code into README.md).`,
  );
}

const FORMAT_NAMES = { pytorch: 'PyTorch', onnx: 'ONNX' } as const;

/**
 * Exports the design as PyTorch code (`model.py`, `train.py`, README) or as
 * an ONNX file, with the weights it was trained to (or opened with) when the
 * design is still the one they fit. A layer with no exact form in the format
 * stops the export with the export's own list of reasons.
 */
export async function exportDesign(
  store: EditorStore,
  bridge: NetCanvasBridge,
  format: 'pytorch' | 'onnx',
): Promise<void> {
  const { graph, fileName, training } = store.getState();
  const what = FORMAT_NAMES[format];
  const why = exportBlocker(graph);
  if (why) {
    store.notify('error', `Cannot export to ${what}: ${why}.`);
    return;
  }
  const trained = trainedModelFor(store.getState(), graph);
  const design = { graph, name: designName(fileName), training: withoutWeights(training), trained };
  let request: ExportDesignRequest;
  try {
    request = format === 'pytorch' ? await pytorchExport(design) : await onnxExport(design);
  } catch (e) {
    if (!(e instanceof ExportError) && !(e instanceof ValidationError) && !(e instanceof CompileError)) throw e;
    store.notify('error', `Cannot export to ${what}: ${e.message}`);
    return;
  }
  const result = await bridge.exportDesign(request);
  if (result.status === 'failed') store.notify('error', `Could not export to ${what}: ${result.error}`);
  else if (result.status === 'saved')
    store.notify(
      'info',
      `Exported ${what} ${trained ? 'with the trained weights' : '(untrained)'}: ${result.path ?? result.name}.`,
    );
}

/** Exports the summary table as CSV or Markdown. */
export async function exportSummary(
  store: EditorStore,
  bridge: NetCanvasBridge,
  format: 'csv' | 'markdown',
): Promise<void> {
  const { graph, fileName } = store.getState();
  const summary = summarize(graph);
  const name = designName(fileName);
  const text = format === 'csv' ? summaryToCsv(summary) : summaryToMarkdown(summary, `${name}: model summary`);
  const suggestedName = `${name}.summary.${format === 'csv' ? 'csv' : 'md'}`;
  reportSave(store, await bridge.exportText({ text, suggestedName, format }), suggestedName);
}

/**
 * A file dropped on the window: a NetCanvas project opens, anything else is
 * imported as a model.json (which says clearly what it is not).
 */
export async function openDroppedFile(store: EditorStore, file: OpenedFile): Promise<void> {
  let identified: IdentifiedFile;
  try {
    identified = identifyFile(file.text);
  } catch {
    store.notify('error', `Could not open ${file.name}: it is not JSON. Your design is unchanged.`);
    return;
  }
  if (identified.kind === 'project') await openProjectFile(store, file);
  else await importModelFile(store, file);
}
