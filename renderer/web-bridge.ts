/**
 * The bridge for the plain web page: files come from the browser's file
 * picker and leave as downloads. Nothing is written anywhere else, so a
 * "save" is a download of the project file.
 */
import { strToU8, zipSync } from 'fflate';
import { wantsDatasetFile } from '../core/data/dataset-files';
import { identifyFile } from '../core/formats/design-file';
import { exportFileStem, onnxFileName, PYTORCH_FILES } from '../core/formats/export-files';
import { localAutosave } from './state/autosave';
import type {
  ExportDesignRequest,
  ExportModelRequest,
  NetCanvasBridge,
  OpenedDataset,
  OpenedFile,
  OpenedModel,
  SaveProjectRequest,
  SaveResult,
} from '../electron/contract';

/** Opens the browser's file picker; resolves with the chosen files, or an empty list when the user cancels. */
function pickFiles(accept: string, multiple: boolean, folder = false): Promise<File[]> {
  return new Promise((resolve) => {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = accept;
    input.multiple = multiple;
    input.webkitdirectory = folder;
    input.style.display = 'none';
    const done = (files: File[]) => {
      input.remove();
      resolve(files);
    };
    input.addEventListener('change', () => done([...(input.files ?? [])]), { once: true });
    input.addEventListener('cancel', () => done([]), { once: true });
    document.body.append(input);
    input.click();
  });
}

/** Hands `data` to the browser as a download named `name`. */
function download(name: string, data: BlobPart, type: string): SaveResult {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke later: the download starts asynchronously and needs the URL until then.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { status: 'saved', name };
}

/** The weights file a project's `training.weights.file` names, or null. */
function weightsFileNamed(projectText: string): string | null {
  try {
    const identified = identifyFile(projectText);
    return identified.kind === 'project' ? (identified.companions[0] ?? null) : null;
  } catch {
    return null; // Not JSON: opening reports it.
  }
}

/**
 * A project picked with (optionally) its weights file: a page cannot read the
 * file beside the project, so the user picks both. The `.bin` the project
 * names is taken; a single other `.bin` too (the browser may have renamed a
 * download to `name (1).weights.bin`), since the renderer checks it against
 * the project's manifest anyway.
 */
async function openProjectFiles(): Promise<OpenedFile | null> {
  const files = await pickFiles('.json,.bin,application/json', true);
  const project = files.find((f) => f.name.toLowerCase().endsWith('.json'));
  if (!project) return null;
  const text = await project.text();
  const named = weightsFileNamed(text);
  const bins = files.filter((f) => f.name.toLowerCase().endsWith('.bin'));
  const weights = bins.find((f) => f.name === named) ?? (named && bins.length === 1 ? bins[0] : undefined);
  return {
    name: project.name,
    text,
    ...(weights ? { sidecar: { name: weights.name, data: await weights.arrayBuffer() } } : {}),
  };
}

/** Downloads the project, and its weights as a second file when the request carries them. */
/**
 * A PyTorch export leaves as one download, `<name>-pytorch.zip`, holding a
 * folder of the same name with the files the desktop shell would write; an
 * ONNX export is its one file.
 */
function downloadExport(request: ExportDesignRequest): SaveResult {
  if (request.format === 'onnx') return download(onnxFileName(request.name), request.onnx, 'application/octet-stream');
  const folder = `${exportFileStem(request.name)}-pytorch`;
  const files: Record<string, Uint8Array | [Uint8Array, { level: 0 }]> = {
    [PYTORCH_FILES.model]: strToU8(request.modelPy),
    [PYTORCH_FILES.train]: strToU8(request.trainPy),
    [PYTORCH_FILES.readme]: strToU8(request.readme),
  };
  if (request.weights) {
    // Stored, not deflated: float weights hardly compress, and deflating a VGG's half gigabyte takes long.
    files[PYTORCH_FILES.weights] = [new Uint8Array(request.weights.data), { level: 0 }];
    files[PYTORCH_FILES.manifest] = strToU8(request.weights.manifest);
  }
  const zip = zipSync({ [folder]: files });
  return download(`${folder}.zip`, zip, 'application/zip');
}

function downloadProject(request: SaveProjectRequest): SaveResult {
  const result = download(request.suggestedName, request.text, 'application/json');
  if (request.sidecar) download(request.sidecar.name, request.sidecar.data, 'application/octet-stream');
  return result;
}

/** The web implementation of {@link NetCanvasBridge}. */
export const webBridge: NetCanvasBridge = {
  host: 'web',
  openProject: () => openProjectFiles(),
  saveProject: async (request) => downloadProject(request),
  saveProjectAs: async (request) => downloadProject(request),
  async importModel(): Promise<OpenedModel | null> {
    const files = await pickFiles('.json,.bin,application/json', true);
    const json = files.find((f) => f.name.toLowerCase().endsWith('.json'));
    if (!json) return null;
    const weights = await Promise.all(
      files.filter((f) => f !== json).map(async (f) => ({ name: f.name, data: await f.arrayBuffer() })),
    );
    return { name: json.name, text: await json.text(), ...(weights.length ? { weights } : {}) };
  },
  async exportModel(request: ExportModelRequest) {
    const result = download(request.suggestedName, request.modelJson, 'application/json');
    for (const shard of request.weights ?? []) download(shard.name, shard.data, 'application/octet-stream');
    return result;
  },
  exportDesign: async (request) => downloadExport(request),
  exportText: async (request) =>
    download(request.suggestedName, request.text, request.format === 'csv' ? 'text/csv' : 'text/markdown'),
  async openDataset(kind, onProgress): Promise<OpenedDataset | null> {
    const archive = kind === 'cifar10-archive';
    const picked = await pickFiles(archive ? '.gz,.tgz,.tar' : '', false, !archive);
    if (picked.length === 0) return null;
    // A folder pick names files "chosen/sub/file"; drop the chosen folder's own name.
    const relative = (f: File) => (f.webkitRelativePath ? f.webkitRelativePath.split('/').slice(1).join('/') : f.name);
    const wanted = picked.filter((f) => wantsDatasetFile(kind, relative(f)));
    const totalBytes = wanted.reduce((sum, f) => sum + f.size, 0);
    const files: OpenedDataset['files'] = [];
    let loadedBytes = 0;
    for (const f of wanted) {
      files.push({ path: relative(f), data: await f.arrayBuffer() });
      loadedBytes += f.size;
      onProgress?.({ loadedBytes, totalBytes, file: relative(f) });
    }
    const name = archive ? picked[0].name : (picked[0].webkitRelativePath.split('/')[0] ?? 'dataset');
    return { kind, name, files };
  },
  storeAutosave: (design) => localAutosave(localStorage).store(design),
  pendingAutosave: async () => localAutosave(localStorage).pending(),
  onMenuCommand: () => () => undefined,
  setDirty: (dirty, title) => {
    document.title = `${dirty ? '• ' : ''}${title} — NetCanvas`;
  },
  // A page has no host menu to keep in step; its own toolbar reads the same state.
  setTrainingState: () => undefined,
};
