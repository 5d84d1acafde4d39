/**
 * The typed bridge between the renderer and its host. The desktop shell
 * implements it in `preload.ts` (each method one `ipcRenderer.invoke` on the
 * channel named in {@link CHANNEL}); the web build implements it with file
 * pickers and downloads (`renderer/web-bridge.ts`). The renderer imports this
 * file with `import type` only.
 *
 * Payloads are plain text and bytes, not parsed objects: the renderer parses
 * and validates with core, and main validates again before it writes, because
 * it does not trust the renderer.
 */

/** A file the user picked, read as text. `path` is set by the desktop shell only. */
export interface OpenedFile {
  /** The file name without folders, e.g. `lenet.netcanvas.json`; shown in the title bar. */
  name: string;
  /** Absolute path on disk (desktop only); pass it back to `saveProject` to save in place. */
  path?: string;
  text: string;
  /**
   * The project's trained weights, read from beside it: the file its
   * `training.weights.file` names (desktop: from the same folder; web: picked
   * together with the project). Absent when there is none.
   */
  sidecar?: ProjectSidecar;
  /**
   * Why the weights file the project names was found but not read: it is not
   * the file written with the project (size or checksum differ). Absent when
   * it was read, or when there is none to read.
   */
  sidecarProblem?: string;
}

/** A binary file that lives beside a project file: its trained weights (`<name>.weights.bin`). */
export interface ProjectSidecar {
  /** A plain file name, no folders. */
  name: string;
  data: ArrayBuffer;
}

/** A model picked for import: the `model.json` text, plus weight files picked with it (if any). */
export interface OpenedModel extends OpenedFile {
  /** Weight shards by file name, as the model's `weightsManifest` names them. */
  weights?: { name: string; data: ArrayBuffer }[];
}

/** The outcome of a save or export. */
export type SaveResult =
  /** Written (desktop) or handed to the browser as a download (web). */
  | { status: 'saved'; name: string; path?: string }
  /** The user closed the dialog. */
  | { status: 'cancelled' }
  /** Writing failed; `error` is one line for the user. */
  | { status: 'failed'; error: string };

/** A project to write. */
export interface SaveProjectRequest {
  /** The serialized project file (`serializeProjectFile`). */
  text: string;
  /** Name offered in the dialog, e.g. `lenet.netcanvas.json`. */
  suggestedName: string;
  /** Where it was opened from or last saved to; `saveProject` writes there without asking. */
  path?: string;
  /**
   * Trained weights to write beside the project (desktop: same folder, before
   * the project, named after the file actually chosen, with the project's
   * `training.weights.file` set to match; web: a second download).
   */
  sidecar?: ProjectSidecar;
}

/** A model to export as TensorFlow.js / Keras layers-model files. */
export interface ExportModelRequest {
  /** `model.json` text. */
  modelJson: string;
  /** Weight shards named as the manifest in `modelJson` names them; none for a topology-only export. */
  weights?: { name: string; data: ArrayBuffer }[];
  /** Name offered for `model.json`, e.g. `lenet.model.json`. */
  suggestedName: string;
}

/**
 * A design exported as PyTorch code. The payload names no files: the host
 * writes `model.py`, `train.py`, `README.md` and, for a trained design,
 * `model.weights.bin` with its manifest `model.weights.json` (desktop: into
 * the folder the user picks; web: one `<name>-pytorch.zip`).
 */
export interface PytorchExportRequest {
  format: 'pytorch';
  /** The design's name, e.g. `lenet`: the web download's name; the desktop dialog offers a folder named after it. */
  name: string;
  modelPy: string;
  trainPy: string;
  readme: string;
  /** The trained weights as tfjs saved them: the bytes and their manifest (`model.weights.json` text). */
  weights?: { data: ArrayBuffer; manifest: string };
}

/** A design exported as one ONNX file, which the host names `<name>.onnx` (`onnxFileName`). */
export interface OnnxExportRequest {
  format: 'onnx';
  name: string;
  /** The serialized `ModelProto`. */
  onnx: ArrayBuffer;
}

/** A design exported for PyTorch or ONNX. */
export type ExportDesignRequest = PytorchExportRequest | OnnxExportRequest;

/** A text report to write (the model summary as CSV or Markdown). */
export interface ExportTextRequest {
  text: string;
  suggestedName: string;
  format: 'csv' | 'markdown';
}

import type { DatasetFilesKind } from '../core/data/dataset-files';

export type { DatasetFilesKind };

/** Dataset files the user picked, read by the host; the renderer parses them with `datasetFromFiles`. */
export interface OpenedDataset {
  kind: DatasetFilesKind;
  /** The folder or archive name, e.g. `cifar-10-batches-bin`. */
  name: string;
  /** Paths relative to the chosen folder, `/`-separated (`cat/001.png`, `train/cat/001.png`). */
  files: { path: string; data: ArrayBuffer }[];
}

/** How far reading a picked dataset has got. */
export interface DatasetProgress {
  loadedBytes: number;
  totalBytes: number;
  /** The file just read. */
  file: string;
}

/** A design kept for crash recovery. */
export interface PendingAutosave {
  /** The serialized project. */
  text: string;
  /** The file it was opened from or saved to, if any. */
  fileName: string | null;
  /** When it was kept, ISO 8601. */
  savedAt: string;
}

/** What the renderer may ask of its host. Every method resolves; none rejects for a user's action. */
export interface NetCanvasBridge {
  /** `desktop` in Electron, `web` in a browser. */
  readonly host: 'desktop' | 'web';
  /**
   * Asks for a project file and reads it; `null` when the user cancels. The
   * desktop shell also accepts a `path` it offered itself (a recent file, a
   * file given on the command line) and refuses any other.
   */
  openProject(path?: string): Promise<OpenedFile | null>;
  /** Saves to `request.path` when given (desktop), otherwise asks where. */
  saveProject(request: SaveProjectRequest): Promise<SaveResult>;
  /** Always asks where to save. */
  saveProjectAs(request: SaveProjectRequest): Promise<SaveResult>;
  /** Asks for a `model.json` (and its weight files) to import; `null` when the user cancels. */
  importModel(): Promise<OpenedModel | null>;
  /** Writes an exported model. */
  exportModel(request: ExportModelRequest): Promise<SaveResult>;
  /**
   * Writes a PyTorch or ONNX export under the file names the host fixes
   * (desktop: into a folder the user picks, each file atomically; web: a download).
   */
  exportDesign(request: ExportDesignRequest): Promise<SaveResult>;
  /** Writes a summary report. */
  exportText(request: ExportTextRequest): Promise<SaveResult>;
  /**
   * Asks for a dataset (a folder, or the CIFAR-10 archive) and reads the files
   * it needs, reporting progress to `onProgress`; `null` when the user cancels.
   */
  openDataset(kind: DatasetFilesKind, onProgress?: (progress: DatasetProgress) => void): Promise<OpenedDataset | null>;
  /**
   * Keeps the design for crash recovery while it has unsaved changes (desktop:
   * the app's data folder; web: local storage); `null` forgets it.
   */
  storeAutosave(design: { text: string; fileName: string | null } | null): void;
  /** The design a session left unsaved (after a crash or reload), or null. */
  pendingAutosave(): Promise<PendingAutosave | null>;
  /**
   * Subscribes to menu commands sent by the host (desktop menu, e.g. `save`,
   * `undo`); returns the unsubscribe function. The web host never sends any.
   */
  onMenuCommand(listener: (command: string, arg?: string) => void): () => void;
  /** Tells the host whether there are unsaved changes (title bar dot, close prompt). */
  setDirty(dirty: boolean, title: string): void;
  /**
   * Tells the host whether a training run is in progress and whether the
   * design can be trained, so its Train menu enables Start and Stop to match.
   */
  setTrainingState(state: TrainingState): void;
}

/** What the renderer reports for the host's Train menu. */
export interface TrainingState {
  /** A run is starting, training, paused or stopping. */
  training: boolean;
  /** The design has layers and nothing that stops training (no errors, no untrainable layer). */
  canTrain: boolean;
}

/** IPC channel names, one per bridge method; main accepts only channels with the `netcanvas:` prefix. */
export const CHANNEL = {
  openProject: 'netcanvas:open-project',
  saveProject: 'netcanvas:save-project',
  saveProjectAs: 'netcanvas:save-project-as',
  importModel: 'netcanvas:import-model',
  exportModel: 'netcanvas:export-model',
  exportDesign: 'netcanvas:export-design',
  exportText: 'netcanvas:export-text',
  menuCommand: 'netcanvas:menu-command',
  setDirty: 'netcanvas:set-dirty',
  trainingState: 'netcanvas:training-state',
  openDataset: 'netcanvas:open-dataset',
  datasetProgress: 'netcanvas:dataset-progress',
  storeAutosave: 'netcanvas:store-autosave',
  pendingAutosave: 'netcanvas:pending-autosave',
} as const;

/** The name of one IPC channel. */
export type Channel = (typeof CHANNEL)[keyof typeof CHANNEL];

/** The global the preload script exposes the bridge under: `window.netcanvas`. */
export const BRIDGE_GLOBAL = 'netcanvas';

declare global {
  interface Window {
    /** Set by the desktop shell's preload script; absent in a browser. */
    netcanvas?: NetCanvasBridge;
  }
}
