/**
 * A small fake of the Electron API main.ts uses (app, BrowserWindow, ipcMain,
 * protocol, dialog, Menu, screen, session), recording what main asks of it
 * and letting a test play the app's events (ready, open-file, a page load)
 * and the renderer's messages. The Electron binary cannot be downloaded on
 * the build machines, so this is how main.ts itself runs in the tests.
 */

type Listener = (...args: unknown[]) => unknown;

/** An event emitter of the few methods main.ts calls (`on`, `once`). */
class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    const wrapped: Listener = (...args) => {
      this.listeners.set(
        event,
        (this.listeners.get(event) ?? []).filter((l) => l !== wrapped),
      );
      return listener(...args);
    };
    return this.on(event, wrapped);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) listener(...args);
  }
}

/** A menu item as main builds it with `Menu.buildFromTemplate`. */
export interface FakeMenuItem {
  id?: string;
  label?: string;
  type?: string;
  enabled?: boolean;
  role?: string;
  click?: () => void;
  submenu?: FakeMenuItem[];
}

/** One fake Electron, with what main did to it. */
export function createFakeElectron(options: { userData: string; singleInstance?: boolean }) {
  const app = Object.assign(new Emitter(), {
    quitCalls: 0,
    whenReadyCalls: 0,
    ready: undefined as (() => void) | undefined,
    requestSingleInstanceLock: () => options.singleInstance ?? true,
    quit() {
      app.quitCalls++;
    },
    whenReady() {
      app.whenReadyCalls++;
      return new Promise<void>((resolve) => (app.ready = resolve));
    },
    getPath: () => options.userData,
    showAboutPanel: () => undefined,
  });

  class WebContents extends Emitter {
    readonly sent: unknown[][] = [];
    readonly mainFrame = { url: 'app://netcanvas/index.html' };
    send(...args: unknown[]) {
      this.sent.push(args);
    }
  }

  class BrowserWindow extends Emitter {
    static readonly all: BrowserWindow[] = [];
    static getAllWindows() {
      return BrowserWindow.all;
    }
    readonly webContents = new WebContents();
    readonly loaded: string[] = [];
    title = '';
    constructor(readonly options: Record<string, unknown>) {
      super();
      BrowserWindow.all.push(this);
    }
    async loadURL(url: string) {
      this.loaded.push(url);
    }
    show() {}
    maximize() {}
    isMaximized() {
      return false;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    focus() {}
    close() {}
    getNormalBounds() {
      return { x: 0, y: 0, width: 1280, height: 800 };
    }
    setTitle(title: string) {
      this.title = title;
    }
    setDocumentEdited() {}
  }

  const ipcMain = {
    handlers: new Map<string, Listener>(),
    listeners: new Map<string, Listener>(),
    handle(channel: string, handler: Listener) {
      ipcMain.handlers.set(channel, handler);
    },
    on(channel: string, listener: Listener) {
      ipcMain.listeners.set(channel, listener);
    },
  };

  const protocol = {
    privileged: [] as unknown[],
    handlers: new Map<string, (request: Request) => Promise<Response>>(),
    registerSchemesAsPrivileged(schemes: unknown[]) {
      protocol.privileged.push(...schemes);
    },
    handle(scheme: string, handler: (request: Request) => Promise<Response>) {
      protocol.handlers.set(scheme, handler);
    },
  };

  const Menu = {
    current: [] as FakeMenuItem[],
    buildFromTemplate: (template: FakeMenuItem[]) => template,
    setApplicationMenu(menu: FakeMenuItem[]) {
      Menu.current = menu;
    },
  };

  const session = {
    defaultSession: {
      permissionRequests: undefined as unknown,
      permissionChecks: undefined as unknown,
      setPermissionRequestHandler(handler: unknown) {
        session.defaultSession.permissionRequests = handler;
      },
      setPermissionCheckHandler(handler: unknown) {
        session.defaultSession.permissionChecks = handler;
      },
    },
  };

  const dialog = {
    openAnswers: [] as string[][],
    async showOpenDialog() {
      const filePaths = dialog.openAnswers.shift() ?? [];
      return { canceled: filePaths.length === 0, filePaths };
    },
    async showSaveDialog() {
      return { canceled: true, filePath: undefined };
    },
    showMessageBoxSync: () => 1,
  };

  const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };

  return { app, BrowserWindow, ipcMain, protocol, Menu, session, dialog, screen };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** Every item of a menu, depth first. */
export function menuItems(menu: readonly FakeMenuItem[]): FakeMenuItem[] {
  return menu.flatMap((m) => [m, ...(m.submenu ? menuItems(m.submenu) : [])]);
}

/** An IPC event as Electron delivers it from a frame at `url` (the app's own main frame unless told otherwise). */
export function ipcEvent(url = 'app://netcanvas/index.html', mainFrame = true) {
  const frame = { url };
  return {
    senderFrame: frame,
    sender: { mainFrame: mainFrame ? frame : { url }, send: () => undefined },
  };
}
