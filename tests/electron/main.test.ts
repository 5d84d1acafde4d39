/**
 * electron/main.ts itself, run in Node against a small fake of the Electron
 * API (fake-electron.ts): the window it opens and with what options, the
 * app:// protocol it serves, the IPC channels it registers and whom it
 * answers, the Train menu following what the renderer reports, a file
 * double-clicked while the app starts, Clear Recent, and a second instance
 * that hands over and quits without starting anything.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNEL } from '../../electron/contract';
import { CONTENT_SECURITY_POLICY } from '../../electron/security';
import { createFakeElectron, ipcEvent, menuItems, type FakeElectron } from './fake-electron';

const holder = vi.hoisted(() => ({ fake: undefined as FakeElectron | undefined }));
vi.mock('electron', () => {
  // Getters, so a module re-imported after vi.resetModules sees the fake of its own test.
  const api = {};
  for (const name of ['app', 'BrowserWindow', 'ipcMain', 'protocol', 'Menu', 'session', 'dialog', 'screen'])
    Object.defineProperty(api, name, { enumerable: true, get: () => (holder.fake as Record<string, unknown>)[name] });
  return api;
});

let dir: string;
const argv = process.argv;
beforeEach(async () => {
  dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'netcanvas-main-')));
  vi.resetModules();
});
afterEach(async () => {
  process.argv = argv;
  await fs.rm(dir, { recursive: true, force: true });
});

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(done()).toBe(true);
}

/** Runs main.ts against a fresh fake; `beforeReady` plays events that come before the app is ready. */
async function startMain(options: { singleInstance?: boolean; beforeReady?: (fake: FakeElectron) => void } = {}) {
  const fake = createFakeElectron({ userData: path.join(dir, 'user-data'), singleInstance: options.singleInstance });
  holder.fake = fake;
  await import('../../electron/main');
  if (options.singleInstance === false) return { fake, window: fake.BrowserWindow.all[0] };
  options.beforeReady?.(fake);
  fake.app.ready?.();
  await until(() => fake.BrowserWindow.all[0]?.loaded.length === 1);
  return { fake, window: fake.BrowserWindow.all[0] };
}

const item = (fake: FakeElectron, id: string) => menuItems(fake.Menu.current).find((m) => m.id === id);

describe('main.ts', () => {
  it('opens one window with the security checklist’s options, on the app:// origin', async () => {
    const { fake, window } = await startMain();
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
      preload: expect.stringMatching(/preload\.cjs$/),
    });
    expect(window.loaded).toEqual(['app://netcanvas/index.html']);
    expect(fake.protocol.privileged).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
    ]);
    expect(fake.session.defaultSession.permissionRequests).toBeTypeOf('function');
    expect(fake.app.listeners.has('web-contents-created')).toBe(true);
  });

  it('serves the app from app:// with its Content-Security-Policy, and nothing outside it', async () => {
    const { fake } = await startMain();
    const serve = fake.protocol.handlers.get('app')!;
    const page = await serve(new Request('app://netcanvas/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    // Cross-origin isolated, so the training worker's wasm can run threaded.
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(await page.text()).toContain('<div id="root">');
    for (const url of [
      'app://netcanvas/../../package.json',
      'app://netcanvas/%2e%2e/electron/main.ts',
      'app://other/index.html',
    ])
      expect((await serve(new Request(url))).status, url).toBe(404);
  });

  it('registers the bridge’s channels, and answers only the app’s own main frame', async () => {
    const { fake } = await startMain();
    expect([...fake.ipcMain.handlers.keys()].sort()).toEqual(
      [
        CHANNEL.openProject,
        CHANNEL.saveProject,
        CHANNEL.saveProjectAs,
        CHANNEL.importModel,
        CHANNEL.exportModel,
        CHANNEL.exportDesign,
        CHANNEL.exportText,
        CHANNEL.openDataset,
        CHANNEL.pendingAutosave,
      ].sort(),
    );
    expect([...fake.ipcMain.listeners.keys()].sort()).toEqual(
      [CHANNEL.storeAutosave, CHANNEL.setDirty, CHANNEL.trainingState].sort(),
    );
    const open = fake.ipcMain.handlers.get(CHANNEL.openProject)!;
    await expect(open(ipcEvent('https://evil.example/'), '/etc/passwd')).rejects.toThrow('Refused: untrusted sender');
    await expect(open(ipcEvent('app://netcanvas/index.html', false), '/etc/passwd')).rejects.toThrow(
      'Refused: untrusted sender',
    );
    await expect(open(ipcEvent(), '/etc/passwd')).rejects.toThrow(/was not chosen by the user/);
  });

  it('the Train menu follows what the renderer reports: Stop only while training, Start only when it can train', async () => {
    const { fake } = await startMain();
    const report = fake.ipcMain.listeners.get(CHANNEL.trainingState)!;
    const state = () => [item(fake, 'train.start')?.enabled, item(fake, 'train.stop')?.enabled];
    expect(state()).toEqual([false, false]); // nothing reported yet: no design to train
    report(ipcEvent(), { training: false, canTrain: true });
    expect(state()).toEqual([true, false]);
    report(ipcEvent(), { training: true, canTrain: true });
    expect(state()).toEqual([false, true]);
    // Someone else's frame, or a malformed report, changes nothing.
    report(ipcEvent('https://evil.example/'), { training: false, canTrain: true });
    report(ipcEvent(), { training: 'no', canTrain: true });
    expect(state()).toEqual([false, true]);
    report(ipcEvent(), { training: false, canTrain: false });
    expect(state()).toEqual([false, false]);
  });

  it('opens a file double-clicked on macOS while the app was starting, once the page has loaded', async () => {
    const file = path.join(dir, 'net.netcanvas.json');
    await fs.writeFile(file, '{}');
    const { window } = await startMain({
      beforeReady: (fake) => fake.app.emit('open-file', { preventDefault: () => undefined }, file),
    });
    expect(window.webContents.sent).toEqual([]);
    window.webContents.emit('did-finish-load');
    expect(window.webContents.sent).toEqual([[CHANNEL.menuCommand, 'open-recent', file]]);
  });

  it('opens a project given on the command line, granted, once the page has loaded', async () => {
    const file = path.join(dir, 'cli.netcanvas.json');
    await fs.writeFile(file, '{}');
    process.argv = [process.execPath, file];
    const { fake, window } = await startMain();
    window.webContents.emit('did-finish-load');
    expect(window.webContents.sent).toEqual([[CHANNEL.menuCommand, 'open-recent', file]]);
    expect(await fake.ipcMain.handlers.get(CHANNEL.openProject)!(ipcEvent(), file)).toMatchObject({ path: file });
  });

  it('Clear Recent empties the list and revokes what it granted', async () => {
    const recent = path.join(dir, 'old.netcanvas.json');
    await fs.writeFile(recent, '{}');
    await fs.mkdir(path.join(dir, 'user-data'));
    await fs.writeFile(path.join(dir, 'user-data', 'recent.json'), JSON.stringify({ files: [recent] }));
    const { fake } = await startMain();
    const open = fake.ipcMain.handlers.get(CHANNEL.openProject)!;
    expect(item(fake, 'file.recent.0')?.label).toBe(recent);
    item(fake, 'file.recent.clear')!.click!();
    expect(item(fake, 'file.recent.0')).toBeUndefined();
    await expect(open(ipcEvent(), recent)).rejects.toThrow(/was not chosen by the user/);
    // The list is saved in the background: wait for it by time (expect.poll), not by a count of reads, which a
    // loaded machine finishes before the write lands.
    const stored = () => fs.readFile(path.join(dir, 'user-data', 'recent.json'), 'utf8').catch(() => '');
    await expect.poll(async () => (await stored()).includes('"files": []')).toBe(true);
    expect(JSON.parse(await stored())).toEqual({ files: [] });
  });

  it('a second instance quits without registering anything or waiting for ready', async () => {
    const { fake } = await startMain({ singleInstance: false });
    expect(fake.BrowserWindow.all).toEqual([]);
    expect(fake.app.quitCalls).toBe(1);
    expect(fake.app.whenReadyCalls).toBe(0);
    expect(fake.app.listeners.size).toBe(0);
    expect(fake.ipcMain.handlers.size + fake.ipcMain.listeners.size).toBe(0);
  });
});
