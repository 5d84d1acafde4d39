/**
 * The preload script: exposes the typed bridge as `window.netcanvas`, one
 * named method per IPC channel and nothing else — never a raw `send`. It runs
 * sandboxed, so it is bundled to one CommonJS file that requires only
 * `electron`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { BRIDGE_GLOBAL, CHANNEL, type DatasetProgress, type NetCanvasBridge } from './contract';

const bridge: NetCanvasBridge = {
  host: 'desktop',
  openProject: (path) => ipcRenderer.invoke(CHANNEL.openProject, path),
  saveProject: (request) => ipcRenderer.invoke(CHANNEL.saveProject, request),
  saveProjectAs: (request) => ipcRenderer.invoke(CHANNEL.saveProjectAs, request),
  importModel: () => ipcRenderer.invoke(CHANNEL.importModel),
  exportModel: (request) => ipcRenderer.invoke(CHANNEL.exportModel, request),
  exportDesign: (request) => ipcRenderer.invoke(CHANNEL.exportDesign, request),
  exportText: (request) => ipcRenderer.invoke(CHANNEL.exportText, request),
  async openDataset(kind, onProgress) {
    const forward = (_event: IpcRendererEvent, progress: unknown) => onProgress?.(progress as DatasetProgress);
    ipcRenderer.on(CHANNEL.datasetProgress, forward);
    try {
      return await ipcRenderer.invoke(CHANNEL.openDataset, kind);
    } finally {
      ipcRenderer.removeListener(CHANNEL.datasetProgress, forward);
    }
  },
  storeAutosave: (design) => ipcRenderer.send(CHANNEL.storeAutosave, design),
  pendingAutosave: () => ipcRenderer.invoke(CHANNEL.pendingAutosave),
  onMenuCommand(listener) {
    // Wrap so the page never sees the IpcRendererEvent (it exposes `sender`).
    const wrapped = (_event: IpcRendererEvent, command: unknown, arg: unknown) => {
      if (typeof command === 'string') listener(command, typeof arg === 'string' ? arg : undefined);
    };
    ipcRenderer.on(CHANNEL.menuCommand, wrapped);
    return () => ipcRenderer.removeListener(CHANNEL.menuCommand, wrapped);
  },
  setDirty: (dirty, title) => ipcRenderer.send(CHANNEL.setDirty, dirty, title),
  setTrainingState: (state) => ipcRenderer.send(CHANNEL.trainingState, state),
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
