import { describe, expect, it } from 'vitest';
import { buildMenu, flattenMenu, RENDERER_COMMANDS } from '../../electron/menu-model';
import { allowNavigation, allowPermission, CONTENT_SECURITY_POLICY, isTrustedSender } from '../../electron/security';

const base = { platform: 'linux', recentFiles: [] as string[], training: false, canTrain: true };

describe('menu model', () => {
  it('has the File menu the issue lists, in order', () => {
    const file = buildMenu(base).find((m) => m.kind === 'submenu' && m.id === 'file');
    const labels = file?.kind === 'submenu' ? file.items.map((i) => (i.kind === 'separator' ? '-' : i.label)) : [];
    expect(labels).toEqual([
      'New',
      'New from Template…',
      'Open…',
      'Open Recent',
      '-',
      'Save',
      'Save As…',
      '-',
      'Import Model JSON…',
      'Export TensorFlow.js Model…',
      'Export PyTorch…',
      'Export ONNX…',
      'Export Summary…',
      '-',
      'Quit',
    ]);
  });

  it('has Edit, View, Train and Help menus, with About under Help off macOS and under the app menu on macOS', () => {
    expect(buildMenu(base).map((m) => (m.kind === 'submenu' ? m.label : ''))).toEqual([
      'File',
      'Edit',
      'View',
      'Train',
      'Help',
    ]);
    const mac = buildMenu({ ...base, platform: 'darwin' });
    expect(mac[0]).toMatchObject({ kind: 'submenu', label: 'NetCanvas' });
    expect(
      flattenMenu(mac)
        .filter((i) => i.command === 'about')
        .map((i) => i.id),
    ).toEqual(['app.about']);
    expect(
      flattenMenu(buildMenu(base))
        .filter((i) => i.command === 'about')
        .map((i) => i.id),
    ).toEqual(['help.about']);
  });

  it('lists recent files with their paths as arguments', () => {
    const items = flattenMenu(buildMenu({ ...base, recentFiles: ['/a/x.netcanvas.json', '/b/y.netcanvas.json'] }));
    expect(items.filter((i) => i.command === 'open-recent').map((i) => i.arg)).toEqual([
      '/a/x.netcanvas.json',
      '/b/y.netcanvas.json',
    ]);
    const empty = flattenMenu(buildMenu(base)).find((i) => i.id === 'file.recent.none');
    expect(empty?.enabled).toBe(false);
  });

  it('enables Start and Stop training from the state', () => {
    const find = (state: typeof base, id: string) => flattenMenu(buildMenu(state)).find((i) => i.id === id);
    expect(find(base, 'train.start')?.enabled).toBe(true);
    expect(find(base, 'train.stop')?.enabled).toBe(false);
    expect(find({ ...base, canTrain: false }, 'train.start')?.enabled).toBe(false);
    expect(find({ ...base, training: true }, 'train.stop')?.enabled).toBe(true);
  });

  it('gives every item a unique id and no two items the same accelerator', () => {
    const items = flattenMenu(buildMenu({ ...base, recentFiles: ['/a', '/b'] }));
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    const accels = items.map((i) => i.accelerator).filter(Boolean);
    expect(new Set(accels).size).toBe(accels.length);
    expect(RENDERER_COMMANDS.has('save')).toBe(true);
    expect(RENDERER_COMMANDS.has('quit')).toBe(false);
  });
});

describe('window security', () => {
  it('has a strict Content-Security-Policy with no remote sources', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|'unsafe-eval'|\*/);
  });

  it('accepts IPC only from the app’s own main frame, and refuses navigation and permissions', () => {
    expect(isTrustedSender('app://netcanvas/index.html', true)).toBe(true);
    expect(isTrustedSender('app://netcanvas/index.html', false)).toBe(false);
    expect(isTrustedSender('https://evil.example/', true)).toBe(false);
    expect(isTrustedSender('app://netcanvas.evil/index.html', true)).toBe(false);
    expect(isTrustedSender(undefined, true)).toBe(false);
    expect(allowNavigation('https://example.com')).toBe(false);
    expect(allowPermission('media')).toBe(false);
  });
});

describe('menu accelerators and the page’s shortcuts', () => {
  /** `CmdOrCtrl+Shift+L` → the renderer's shortcut notation. */
  function parseAccelerator(accelerator: string) {
    const parts = accelerator.split('+');
    const key = parts.at(-1) as string;
    return {
      key: key.length === 1 ? key.toLowerCase() : key,
      mod: parts.some((p) => p === 'CmdOrCtrl' || p === 'Ctrl' || p === 'Cmd'),
      shift: parts.includes('Shift'),
    };
  }

  it('shows, for every key the page handles itself, the same key the page listens for', async () => {
    const { SHORTCUTS } = await import('../../renderer/chrome/shortcuts');
    const pageHandled = flattenMenu(buildMenu(base)).filter((i) => i.pageHandlesKey);
    expect(pageHandled.length).toBeGreaterThan(10);
    for (const entry of pageHandled) {
      const wanted = parseAccelerator(entry.accelerator as string);
      const match = SHORTCUTS.find(
        (s) =>
          s.command === entry.command && s.key === wanted.key && !!s.mod === wanted.mod && !!s.shift === wanted.shift,
      );
      expect(match, `${entry.label} (${entry.accelerator})`).toBeDefined();
    }
  });

  it('registers accelerators only for keys the page does not handle', () => {
    const registered = flattenMenu(buildMenu(base)).filter((i) => i.accelerator && !i.pageHandlesKey);
    expect(registered.map((i) => i.command).sort()).toEqual([
      'quit',
      'toggle-summary',
      'train-start',
      'train-stop',
      'zoom-in',
      'zoom-out',
    ]);
  });
});
