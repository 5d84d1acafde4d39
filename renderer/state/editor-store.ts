/**
 * The editor's state: the graph (the only design state), its undo history,
 * the selection and the file it belongs to. Every design edit goes through
 * one of core's pure graph functions and lands here with `commit`, so undo
 * and redo are a stack of graphs. Shapes, counts and diagnostics are derived
 * from `graph` by the components (useMemo), never stored here.
 */
import type { OpenedFile } from '../../electron/contract';
import { emptyGraph, type Graph } from '../../core/graph/graph';
import type { LayerHealthRecord } from './layer-health';
import type { TrainedModel } from './trained-model';
import type { RunRecord } from '../../core/train/run-record';
import { readRuns, withRunAdded, withRunRemoved, withRunRestored } from './project-training';

/** A short message for the user: a refused connection, a failed load, a saved file. */
export interface Notice {
  kind: 'error' | 'info';
  text: string;
  /** A button the notice offers, e.g. "Leave unconnected" after a deletion reconnected its neighbours. */
  action?: { label: string; run(): void };
  /** Increases with every notice so the same text shown twice still re-renders. */
  serial: number;
}

/** A model.json whose input has no fixed size, waiting for the user to give one (the import dialog shows it). */
export interface PendingImport {
  file: OpenedFile;
  /** The per-sample input shape the file declares, `null` where unknown. */
  declared: readonly (number | null)[];
  /** The size to prefill: the one the model is usually run at, when known. */
  suggested?: readonly number[];
}

/**
 * A save in the web build waiting for a file name (a page cannot show the
 * system's save dialog, so the name dialog asks; the file then downloads).
 */
export interface PendingSave {
  /** The name offered, e.g. `Untitled.netcanvas.json`. */
  suggestedName: string;
  /** Runs once the design is saved (New or Open waiting behind "Save first"). */
  then?: () => void;
}

/** Everything the editor knows, as one immutable snapshot. */
export interface EditorState {
  graph: Graph;
  /** Earlier graphs, oldest first. */
  past: readonly Graph[];
  /** Undone graphs, the next redo last. */
  future: readonly Graph[];
  selectedNodes: ReadonlySet<string>;
  selectedEdges: ReadonlySet<string>;
  /** The graph as last opened or saved; the design is unsaved when `graph` differs. */
  savedGraph: Graph;
  /** File name shown in the title bar, or null for a design never saved. */
  fileName: string | null;
  /** Where the desktop shell saved or opened it. */
  filePath?: string;
  notice: Notice | null;
  /** Increases each time a different design is loaded (open, new, template, import), so the canvas can fit it to view. */
  designSerial: number;
  /** The project's training settings (ProjectFile.training), as the Train view writes them; saved with the design. */
  training?: Record<string, unknown>;
  /** The training settings as last opened or saved. */
  savedTraining?: Record<string, unknown>;
  /** A model import waiting for an input size; null when none is. */
  pendingImport?: PendingImport | null;
  /**
   * The model the last training run produced (or the weights opened with the
   * project), with the design it was trained on; `trainedModelFor` says
   * whether it still fits the current design. Not part of undo: weights are
   * not a design edit.
   */
  trainedModel: TrainedModel | null;
  /**
   * The last training run's layer health (updated every epoch while it runs),
   * with the design it was measured on: the canvas marks the layers while the
   * design is still that one. Not part of undo, not saved.
   */
  layerHealth: LayerHealthRecord | null;
  /** A web save waiting for a file name; null when none is. */
  pendingSave?: PendingSave | null;
  /**
   * What the design is called before it has a file name: the template it was
   * made from (`Two-layer MLP`). Runs keep it, so the run list can tell them
   * apart. Cleared whenever another design is loaded.
   */
  designTitle?: string | null;
}

/** Undo keeps this many steps; older ones are dropped. */
export const HISTORY_LIMIT = 300;

const none: ReadonlySet<string> = new Set();

export function initialEditorState(graph: Graph = emptyGraph()): EditorState {
  return {
    graph,
    past: [],
    future: [],
    selectedNodes: none,
    selectedEdges: none,
    savedGraph: graph,
    fileName: null,
    notice: null,
    designSerial: 0,
    trainedModel: null,
    layerHealth: null,
  };
}

/** Whether the design has changes not yet saved. Compares content, so undoing back to the saved graph clears the marker. */
export function isDirty(state: EditorState): boolean {
  const graphChanged =
    state.graph !== state.savedGraph && JSON.stringify(state.graph) !== JSON.stringify(state.savedGraph);
  // Training settings are saved in the project too, so changing them is an unsaved change.
  const trainingChanged =
    state.training !== state.savedTraining && JSON.stringify(state.training) !== JSON.stringify(state.savedTraining);
  return graphChanged || trainingChanged;
}

/**
 * A small observable store (read with `useSyncExternalStore`). Kept outside
 * React so keyboard shortcuts, bridge commands and tests share one API.
 */
export class EditorStore {
  private state: EditorState;
  private readonly listeners = new Set<() => void>();
  /** The key of the last commit, so typing into one field makes one undo step, not one per key. */
  private lastCoalesceKey: string | null = null;
  /** The graph before a drag started; a drag is one undo step. */
  private previewBase: Graph | null = null;
  private noticeSerial = 0;

  constructor(graph?: Graph) {
    this.state = initialEditorState(graph);
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): EditorState => this.state;

  private set(next: Partial<EditorState>): void {
    this.state = { ...this.state, ...next };
    for (const listener of this.listeners) listener();
  }

  /**
   * Makes `graph` the design, one undo step. Consecutive commits with the same
   * `coalesceKey` (edits to one field) share a single undo step.
   */
  commit(graph: Graph, coalesceKey?: string): void {
    if (graph === this.state.graph) return;
    // A preview on screen is not a step of its own: the step goes from the graph before it.
    const before = this.previewBase ?? this.state.graph;
    this.previewBase = null;
    const coalesce = coalesceKey !== undefined && coalesceKey === this.lastCoalesceKey && this.state.past.length > 0;
    this.lastCoalesceKey = coalesceKey ?? null;
    const past = coalesce ? this.state.past : [...this.state.past, before].slice(-HISTORY_LIMIT);
    this.set({
      graph,
      past,
      future: [],
      selectedNodes: this.keepExisting(graph, this.state.selectedNodes),
      selectedEdges: this.keepExistingEdges(graph),
    });
  }

  /** Shows `graph` without an undo step (a drag in progress); `endPreview` makes it one step. */
  preview(graph: Graph): void {
    if (this.previewBase === null) this.previewBase = this.state.graph;
    this.set({ graph });
  }

  /** Ends a drag: the whole move becomes one undo step. */
  endPreview(): void {
    const base = this.previewBase;
    this.previewBase = null;
    if (base === null || base === this.state.graph) return;
    this.lastCoalesceKey = null;
    this.set({ past: [...this.state.past, base].slice(-HISTORY_LIMIT), future: [] });
  }

  undo(): void {
    const { past, future, graph } = this.state;
    if (!past.length) return;
    this.lastCoalesceKey = null;
    const previous = past[past.length - 1];
    this.set({
      graph: previous,
      past: past.slice(0, -1),
      future: [...future, graph],
      selectedNodes: this.keepExisting(previous, this.state.selectedNodes),
      selectedEdges: none,
    });
  }

  redo(): void {
    const { past, future, graph } = this.state;
    if (!future.length) return;
    this.lastCoalesceKey = null;
    const next = future[future.length - 1];
    this.set({
      graph: next,
      past: [...past, graph],
      future: future.slice(0, -1),
      selectedNodes: this.keepExisting(next, this.state.selectedNodes),
      selectedEdges: none,
    });
  }

  select(nodes: Iterable<string>, edges: Iterable<string> = []): void {
    this.lastCoalesceKey = null;
    this.set({ selectedNodes: new Set(nodes), selectedEdges: new Set(edges) });
  }

  /**
   * Replaces the design with an opened file, a template or a new empty one.
   * The new design counts as saved (it is what the file holds), and the old
   * one stays one undo step away, so opening never loses work. A model trained
   * on the old design does not come along; `trainedModel` is the one opened
   * with the file, if any.
   */
  load(
    graph: Graph,
    fileName: string | null,
    filePath?: string,
    saved = true,
    trainedModel: TrainedModel | null = null,
  ): void {
    this.previewBase = null;
    this.lastCoalesceKey = null;
    const past = this.state.graph.nodes.length
      ? [...this.state.past, this.state.graph].slice(-HISTORY_LIMIT)
      : this.state.past;
    this.set({
      graph,
      past,
      future: [],
      selectedNodes: none,
      selectedEdges: none,
      savedGraph: saved ? graph : this.state.savedGraph,
      fileName,
      filePath,
      designSerial: this.state.designSerial + 1,
      trainedModel,
      layerHealth: null,
      designTitle: null,
    });
  }

  /** Names the design just loaded after what it was made from (a template's title). */
  setDesignTitle(designTitle: string | null): void {
    this.set({ designTitle });
  }

  /**
   * Puts `laidOut` in place of `loaded`, the design just opened, when nothing
   * has been edited since: a layout worked out after the design was shown
   * replaces it as if it had come that way (no undo step; still saved if it
   * was), and the canvas shows it afresh.
   */
  replaceLoaded(loaded: Graph, laidOut: Graph): void {
    if (this.state.graph !== loaded) return;
    this.set({
      graph: laidOut,
      savedGraph: this.state.savedGraph === loaded ? laidOut : this.state.savedGraph,
      designSerial: this.state.designSerial + 1,
    });
  }

  /** Records the model a training run produced (null when a new run starts). */
  setTrainedModel(trainedModel: TrainedModel | null): void {
    this.set({ trainedModel });
  }

  /** Records the layer health a training run reported (null when a new run starts). */
  setLayerHealth(layerHealth: LayerHealthRecord | null): void {
    this.set({ layerHealth });
  }

  /** Records a successful save: the current graph is now the saved one. */
  markSaved(fileName: string, filePath?: string): void {
    this.set({ savedGraph: this.state.graph, savedTraining: this.state.training, fileName, filePath });
  }

  /**
   * Replaces the project's training settings (not an undo step: they are not
   * part of the design). `saved` when they come from an opened file.
   */
  setTraining(training: Record<string, unknown> | undefined, saved = false): void {
    this.set(saved ? { training, savedTraining: training } : { training });
  }

  /**
   * Keeps a finished run with the project, numbered after the last one, and
   * returns its id. Like a settings change it is saved with the project and
   * not an undo step: runs record what happened, they are not design edits.
   */
  keepRun(run: Omit<RunRecord, 'id'>): string {
    const { training, id } = withRunAdded(this.state.training, run);
    this.set({ training });
    return id;
  }

  /** Deletes the kept run `id`, with a notice that offers it back. */
  deleteRun(id: string): void {
    const runs = readRuns(this.state.training);
    const index = runs.findIndex((r) => r.id === id);
    if (index < 0) return;
    this.set({ training: withRunRemoved(this.state.training, id) });
    this.notify('info', `Deleted ${id}.`, {
      label: 'Undo',
      run: () => this.set({ training: withRunRestored(this.state.training, runs[index], index) }),
    });
  }

  /** Asks for an input size to import a model at (`null` closes the question). */
  setPendingImport(pending: PendingImport | null): void {
    this.set({ pendingImport: pending });
  }

  /** Asks for a file name to save under (`null` closes the question). */
  setPendingSave(pending: PendingSave | null): void {
    this.set({ pendingSave: pending });
  }

  notify(kind: Notice['kind'], text: string, action?: Notice['action']): void {
    this.set({ notice: { kind, text, serial: ++this.noticeSerial, ...(action ? { action } : {}) } });
  }

  dismissNotice(): void {
    this.set({ notice: null });
  }

  private keepExisting(graph: Graph, ids: ReadonlySet<string>): ReadonlySet<string> {
    if (!ids.size) return ids;
    const present = new Set(graph.nodes.map((n) => n.id));
    const kept = [...ids].filter((id) => present.has(id));
    return kept.length === ids.size ? ids : new Set(kept);
  }

  private keepExistingEdges(graph: Graph): ReadonlySet<string> {
    const ids = this.state.selectedEdges;
    if (!ids.size) return ids;
    const present = new Set(graph.edges.map((e) => e.id));
    return new Set([...ids].filter((id) => present.has(id)));
  }
}
