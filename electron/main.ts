/**
 * The Electron main process: thin wiring around the plain modules beside it
 * (security settings, IPC handlers, menu model, recent files, window state,
 * autosave), which hold the logic and the tests. tests/electron/main.test.ts
 * runs this file in Node against a small fake of the Electron API.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  protocol,
  screen,
  session,
  type IpcMainInvokeEvent,
  type MenuItemConstructorOptions,
} from 'electron';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { PROJECT_EXTENSION } from '../core/formats/project-file';
import { contentType, resolveAppFile } from './app-protocol';
import { CHANNEL, type SaveResult } from './contract';
import { Autosave } from './autosave';
import { createAutosaveHandlers, createIpcHandlers, PayloadError, type Dialogs } from './ipc-handlers';
import { buildMenu, RENDERER_COMMANDS, type MenuItemModel } from './menu-model';
import { loadRecent, pushRecent, saveRecent } from './recent-files';
import {
  allowNavigation,
  allowPermission,
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  CROSS_ORIGIN_ISOLATION_HEADERS,
  isTrustedSender,
} from './security';
import { fitToScreens, loadWindowState, saveWindowState } from './window-state';

const RENDERER_ROOT = path.join(__dirname, '..', 'renderer');
const stateFile = (name: string) => path.join(app.getPath('userData'), name);

protocol.registerSchemesAsPrivileged([
  { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
]);

let window: BrowserWindow | null = null;
let recentFiles: string[] = [];
let dirty = false;
/** Set when the user chose Save in the close prompt. */
let closeAfterSave = false;
/** What the renderer last reported: a run in progress, and whether the design can be trained (Train menu). */
let training = false;
let canTrain = false;
/** Whether the page has loaded and listens for menu commands. */
let rendererReady = false;
/** A file to open once the page is ready: double-clicked (macOS `open-file`) or given while the app starts. */
let pendingFile: string | undefined;

const dialogs: Dialogs = {
  async showOpen(options) {
    if (!window) return [];
    const result = await dialog.showOpenDialog(window, {
      title: options.title,
      filters: options.filters,
      properties: options.multiple ? ['openFile', 'multiSelections'] : ['openFile'],
    });
    return result.canceled ? [] : result.filePaths;
  },
  async showFolder(options) {
    if (!window) return null;
    const result = await dialog.showOpenDialog(window, { title: options.title, properties: ['openDirectory'] });
    return result.canceled ? null : (result.filePaths[0] ?? null);
  },
  async showSave(options) {
    if (!window) return null;
    const result = await dialog.showSaveDialog(window, options);
    return result.canceled || !result.filePath ? null : result.filePath;
  },
};

const handlers = createIpcHandlers(dialogs, {
  opened: (file) => rememberRecent(file),
  saved: (file) => rememberRecent(file),
});

// Created once the app is ready: the data folder's path is known only then.
let autosave: ReturnType<typeof createAutosaveHandlers> | undefined;

/** An opened or saved file goes to the top of File → Open Recent (it was granted when the user chose it). */
function rememberRecent(file: string): void {
  recentFiles = pushRecent(recentFiles, file);
  storeRecent();
  refreshMenu();
}

/** Keeps the recent list for the next start; a list that cannot be written is only a missed convenience. */
function storeRecent(): void {
  saveRecent(stateFile('recent.json'), recentFiles).catch(() => undefined);
}

function send(command: string, arg?: string): void {
  window?.webContents.send(CHANNEL.menuCommand, command, arg);
}

/** Opens `file` (already granted) in the page now, or as soon as the page has loaded. */
function openWhenReady(file: string): void {
  if (window && rendererReady) send('open-recent', file);
  else pendingFile = file;
}

function toElectronMenu(items: readonly MenuItemModel[]): MenuItemConstructorOptions[] {
  return items.map((m): MenuItemConstructorOptions => {
    if (m.kind === 'separator') return { type: 'separator' };
    if (m.kind === 'submenu') return { label: m.label, submenu: toElectronMenu(m.items) };
    const base = {
      id: m.id,
      label: m.label,
      accelerator: m.accelerator,
      registerAccelerator: !m.pageHandlesKey,
      enabled: m.enabled ?? true,
    };
    switch (m.command) {
      case 'quit':
        return { ...base, role: 'quit' };
      case 'zoom-in':
        return { ...base, role: 'zoomIn' };
      case 'zoom-out':
        return { ...base, role: 'zoomOut' };
      case 'clear-recent':
        return { ...base, click: () => clearRecent() };
      case 'about':
        return { ...base, click: () => app.showAboutPanel() };
      default:
        return { ...base, click: () => RENDERER_COMMANDS.has(m.command) && send(m.command, m.arg) };
    }
  });
}

/** Empties File → Open Recent and revokes what only the list granted (files chosen this session stay granted). */
function clearRecent(): void {
  recentFiles = [];
  handlers.grants.revokeRecent();
  storeRecent();
  refreshMenu();
}

function refreshMenu(): void {
  const model = buildMenu({ platform: process.platform, recentFiles, training, canTrain });
  Menu.setApplicationMenu(Menu.buildFromTemplate(toElectronMenu(model)));
}

/**
 * Registers one bridge channel, refusing calls that do not come from our own
 * main frame. Saves and exports answer a refused payload with a failed
 * `SaveResult`; other calls reject, and the renderer shows the message.
 */
function handle(channel: string, run: (...args: unknown[]) => Promise<unknown>, refusalAsResult = false): void {
  ipcMain.handle(channel, async (event: IpcMainInvokeEvent, ...args: unknown[]) => {
    const frame = event.senderFrame;
    if (!frame || !isTrustedSender(frame.url, frame === event.sender.mainFrame))
      throw new Error('Refused: untrusted sender');
    try {
      return await run(...args);
    } catch (e) {
      if (refusalAsResult && e instanceof PayloadError) return { status: 'failed', error: e.message };
      throw e;
    }
  });
}

function registerIpc(): void {
  handle(CHANNEL.openProject, (p) => handlers.openProject(p === undefined ? undefined : String(p)));
  // A save the user cancels (or that fails) after choosing Save in the close prompt keeps the window open.
  const keepOpenUnlessSaved = (save: Promise<SaveResult>): Promise<SaveResult> =>
    save.then(
      (result) => {
        if (result.status !== 'saved') closeAfterSave = false;
        return result;
      },
      (error: unknown) => {
        closeAfterSave = false;
        throw error;
      },
    );
  handle(CHANNEL.saveProject, (r) => keepOpenUnlessSaved(handlers.saveProject(r)), true);
  handle(CHANNEL.saveProjectAs, (r) => keepOpenUnlessSaved(handlers.saveProjectAs(r)), true);
  handle(CHANNEL.importModel, () => handlers.importModel());
  handle(CHANNEL.exportModel, (r) => handlers.exportModel(r), true);
  handle(CHANNEL.exportDesign, (r) => handlers.exportDesign(r), true);
  handle(CHANNEL.exportText, (r) => handlers.exportText(r), true);
  ipcMain.handle(CHANNEL.openDataset, async (event, kind: unknown) => {
    const frame = event.senderFrame;
    if (!frame || !isTrustedSender(frame.url, frame === event.sender.mainFrame))
      throw new Error('Refused: untrusted sender');
    return handlers.openDataset(kind, (progress) => event.sender.send(CHANNEL.datasetProgress, progress));
  });
  handle(CHANNEL.pendingAutosave, async () => autosave?.pending() ?? null);
  ipcMain.on(CHANNEL.storeAutosave, (event, design: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame)) return;
    // Fire and forget: a refused or failed autosave must never interrupt editing.
    void autosave?.store(design).catch(() => undefined);
  });
  ipcMain.on(CHANNEL.trainingState, (event, state: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame)) return;
    const report = state as { training?: unknown; canTrain?: unknown } | null;
    if (typeof report?.training !== 'boolean' || typeof report.canTrain !== 'boolean') return;
    if (report.training === training && report.canTrain === canTrain) return;
    training = report.training;
    canTrain = report.canTrain;
    refreshMenu();
  });
  ipcMain.on(CHANNEL.setDirty, (event, isDirty: unknown, title: unknown) => {
    if (!isTrustedSender(event.senderFrame?.url, event.senderFrame === event.sender.mainFrame)) return;
    dirty = isDirty === true;
    if (!dirty && closeAfterSave) {
      closeAfterSave = false;
      setImmediate(() => window?.close());
    }
    if (typeof title === 'string') window?.setTitle(`${dirty ? '● ' : ''}${title.slice(0, 200)} — NetCanvas`);
    window?.setDocumentEdited(dirty);
  });
}

async function createWindow(): Promise<void> {
  const saved = fitToScreens(
    await loadWindowState(stateFile('window.json')),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  window = new BrowserWindow({
    ...saved.bounds,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'NetCanvas',
    // Electron's security checklist. Written out here, not built by a helper,
    // so electronegativity's static check and tests/electron/window-security.test.ts
    // both read the options the window really gets.
    webPreferences: {
      preload: path.join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
    },
  });
  if (saved.maximized) window.maximize();
  window.once('ready-to-show', () => window?.show());
  rendererReady = false;
  window.webContents.once('did-finish-load', () => {
    rendererReady = true;
    if (pendingFile) send('open-recent', pendingFile);
    pendingFile = undefined;
  });
  window.on('close', (event) => {
    if (!window) return;
    saveWindowState(stateFile('window.json'), {
      bounds: window.getNormalBounds(),
      maximized: window.isMaximized(),
    }).catch(() => undefined);
    if (!dirty) return;
    const choice = dialog.showMessageBoxSync(window, {
      type: 'warning',
      buttons: ['Save', "Don't Save", 'Cancel'],
      defaultId: 0,
      cancelId: 2,
      message: 'Save changes to this design before closing?',
      detail: 'Your changes will be lost if you close without saving.',
    });
    if (choice === 1) return;
    event.preventDefault();
    if (choice === 0) {
      // Close once the renderer reports the design saved (a cancelled Save As leaves the window open).
      closeAfterSave = true;
      send('save');
    }
  });
  window.on('closed', () => {
    window = null;
    rendererReady = false;
  });
  await window.loadURL(`${APP_ORIGIN}/index.html`);
}

/** A project path given on the command line (double-click on a `.netcanvas.json` file), granted. */
async function fileFromArgs(argv: readonly string[]): Promise<string | undefined> {
  const file = argv.slice(1).find((a) => a.endsWith(PROJECT_EXTENSION));
  return file ? handlers.grants.grantProject(file) : undefined;
}

/** Everything this instance does; a second instance hands its file to the first and quits without it. */
function start(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => allowNavigation(url) || event.preventDefault());
    contents.on('will-redirect', (event, url) => allowNavigation(url) || event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  app.on('second-instance', (_event, argv) => {
    void fileFromArgs(argv).then((file) => {
      if (window) {
        if (window.isMinimized()) window.restore();
        window.focus();
      }
      if (file) openWhenReady(file);
    });
  });
  // macOS sends a double-clicked file here, also while the app is still starting.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    void handlers.grants.grantProject(file).then(openWhenReady);
  });

  app.whenReady().then(async () => {
    session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) =>
      callback(allowPermission(permission)),
    );
    session.defaultSession.setPermissionCheckHandler((_wc, permission) => allowPermission(permission));
    protocol.handle('app', async (request) => {
      const file = resolveAppFile(RENDERER_ROOT, request.url);
      if (!file) return new Response('Not found', { status: 404 });
      try {
        const body = await fs.readFile(file);
        return new Response(body, {
          headers: {
            'content-type': contentType(file),
            'content-security-policy': CONTENT_SECURITY_POLICY,
            ...CROSS_ORIGIN_ISOLATION_HEADERS,
          },
        });
      } catch {
        return new Response('Not found', { status: 404 });
      }
    });
    autosave = createAutosaveHandlers(new Autosave(path.join(app.getPath('userData'), 'autosave')));
    recentFiles = await loadRecent(stateFile('recent.json'));
    for (const file of recentFiles) await handlers.grants.grantProject(file, 'recent');
    registerIpc();
    refreshMenu();
    const fromArgs = await fileFromArgs(process.argv);
    // A file double-clicked while the app started came later than the command line: it wins.
    if (fromArgs && !pendingFile) pendingFile = fromArgs;
    await createWindow();
    app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && void createWindow());
  });

  app.on('window-all-closed', () => process.platform !== 'darwin' && app.quit());
}

if (app.requestSingleInstanceLock()) start();
else app.quit();
