import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../core/graph/builder';
import { createProject, serializeProjectFile } from '../../core/formats/project-file';
import { Autosave } from '../../electron/autosave';
import { PathGrants } from '../../electron/path-grants';
import { readProjectFile, writeProjectFile } from '../../electron/project-files';
import { loadRecent, MAX_RECENT, pushRecent, removeRecent, saveRecent } from '../../electron/recent-files';
import { DEFAULT_WINDOW, fitToScreens, loadWindowState, saveWindowState } from '../../electron/window-state';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'netcanvas-files-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function smallProject() {
  const b = new GraphBuilder();
  const x = b.input([28, 28, 1]);
  b.layer('Dense', { units: 10 }, b.layer('Flatten', {}, x));
  return createProject(b.build(), 'small');
}

describe('project files', () => {
  it('writes a project and reads it back unchanged', async () => {
    const file = path.join(dir, 'p.netcanvas.json');
    const project = smallProject();
    await writeProjectFile(file, project);
    const read = await readProjectFile(file);
    expect(read).toEqual({ ok: true, project });
  });

  it('refuses a malformed payload from the renderer and keeps the old file', async () => {
    const file = path.join(dir, 'p.netcanvas.json');
    await writeProjectFile(file, smallProject());
    const before = await fs.readFile(file, 'utf8');
    const bad = structuredClone(smallProject()) as unknown as {
      graph: { nodes: { params: Record<string, unknown> }[] };
    };
    bad.graph.nodes[2].params.units = 'ten';
    await expect(writeProjectFile(file, bad)).rejects.toThrow('At graph.nodes.2.params.units');
    await expect(writeProjectFile(file, 'not an object')).rejects.toThrow(/NetCanvas project/);
    expect(await fs.readFile(file, 'utf8')).toBe(before);
  });

  it('reports a missing file and a corrupt file in one line naming the file', async () => {
    const missing = await readProjectFile(path.join(dir, 'nope.netcanvas.json'));
    expect(missing).toEqual({
      ok: false,
      error: expect.stringMatching(/nope\.netcanvas\.json: the file does not exist/),
    });
    const corrupt = path.join(dir, 'corrupt.netcanvas.json');
    await fs.writeFile(corrupt, serializeProjectFile(smallProject()).slice(0, 60));
    const read = await readProjectFile(corrupt);
    expect(read.ok).toBe(false);
    if (!read.ok)
      expect(read.error).toMatch(/corrupt\.netcanvas\.json is not a valid NetCanvas project\. not valid JSON/);
  });
});

describe('path grants', () => {
  it('allows exactly the project files the user chose, at their real path', async () => {
    const grants = new PathGrants();
    const chosen = await grants.grantProject(path.join(dir, 'a.netcanvas.json'));
    expect(chosen).toBe(path.join(await fs.realpath(dir), 'a.netcanvas.json'));
    expect(await grants.projectPath(chosen)).toBe(chosen);
    expect(await grants.projectPath(path.join(dir, 'sub', '..', 'a.netcanvas.json'))).toBe(chosen);
    expect(await grants.projectPath(path.join(dir, 'b.netcanvas.json'))).toBeNull();
    expect(await grants.projectPath('/etc/passwd')).toBeNull();
    expect(await grants.projectPath(42)).toBeNull();
    expect(await grants.projectPath(`${chosen}\0.png`)).toBeNull();
  });

  it('follows symbolic links before checking: a link to a granted file is that file, a link elsewhere is not', async () => {
    const grants = new PathGrants();
    await fs.writeFile(path.join(dir, 'a.netcanvas.json'), '{}');
    const chosen = await grants.grantProject(path.join(dir, 'a.netcanvas.json'));
    await fs.symlink(path.join(dir, 'a.netcanvas.json'), path.join(dir, 'alias.json'));
    await fs.symlink('/etc/hostname', path.join(dir, 'b.netcanvas.json'));
    expect(await grants.projectPath(path.join(dir, 'alias.json'))).toBe(chosen);
    expect(await grants.projectPath(path.join(dir, 'b.netcanvas.json'))).toBeNull();
  });

  it('Clear Recent revokes what only the recent list granted', async () => {
    const grants = new PathGrants();
    const recent = await grants.grantProject(path.join(dir, 'old.netcanvas.json'), 'recent');
    const chosen = await grants.grantProject(path.join(dir, 'open.netcanvas.json'), 'chosen');
    const both = await grants.grantProject(path.join(dir, 'both.netcanvas.json'), 'recent');
    await grants.grantProject(both, 'chosen');
    grants.revokeRecent();
    expect(await grants.projectPath(recent)).toBeNull();
    expect(await grants.projectPath(chosen)).toBe(chosen);
    expect(await grants.projectPath(both)).toBe(both);
  });
});

describe('recent files', () => {
  it('keeps the most recent first, without duplicates, up to the limit, across restarts', async () => {
    let list: string[] = [];
    for (let i = 0; i < MAX_RECENT + 3; i++) list = pushRecent(list, path.join(dir, `f${i}.netcanvas.json`));
    list = pushRecent(list, path.join(dir, 'f5.netcanvas.json'));
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]).toBe(path.join(dir, 'f5.netcanvas.json'));
    expect(new Set(list).size).toBe(list.length);
    expect(removeRecent(list, list[0])).not.toContain(list[0]);
    const store = path.join(dir, 'state', 'recent.json');
    await saveRecent(store, list);
    expect(await loadRecent(store)).toEqual(list);
  });

  it('starts with an empty list when the store is corrupt', async () => {
    const store = path.join(dir, 'recent.json');
    await fs.writeFile(store, '{"files": [1, 2');
    expect(await loadRecent(store)).toEqual([]);
  });
});

describe('window state', () => {
  it('round-trips and falls back to the default for a malformed store', async () => {
    const store = path.join(dir, 'window.json');
    const state = { bounds: { x: 10, y: 20, width: 1000, height: 700 }, maximized: true };
    await saveWindowState(store, state);
    expect(await loadWindowState(store)).toEqual(state);
    await fs.writeFile(store, '{"bounds": "wide"}');
    expect(await loadWindowState(store)).toEqual(DEFAULT_WINDOW);
  });

  it('moves a window back onto the screen when its monitor is gone, and enforces a minimum size', () => {
    const primary = { x: 0, y: 0, width: 1920, height: 1080 };
    const offScreen = { bounds: { x: 3000, y: 100, width: 1200, height: 800 }, maximized: false };
    expect(fitToScreens(offScreen, [primary]).bounds).toEqual({ x: 40, y: 40, width: 1200, height: 800 });
    const tiny = { bounds: { x: 100, y: 100, width: 200, height: 100 }, maximized: false };
    expect(fitToScreens(tiny, [primary]).bounds).toEqual({ x: 100, y: 100, width: 800, height: 560 });
  });
});

describe('autosave', () => {
  it('offers the last design after a crash and forgets it after a clean save', async () => {
    const autosave = new Autosave(path.join(dir, 'autosave'));
    expect(await autosave.pending()).toBeNull();
    const project = smallProject();
    await autosave.store(project, '/home/me/net.netcanvas.json', new Date('2026-11-27T10:00:00Z'));
    // A new Autosave stands for the next start of the app.
    const recovered = await new Autosave(path.join(dir, 'autosave')).pending();
    expect(recovered).toEqual({
      savedAt: '2026-11-27T10:00:00.000Z',
      fileName: '/home/me/net.netcanvas.json',
      project,
    });
    await autosave.clear();
    expect(await autosave.pending()).toBeNull();
  });

  it('refuses an invalid payload and keeps the last good autosave', async () => {
    const autosave = new Autosave(path.join(dir, 'autosave'));
    await autosave.store(smallProject(), null);
    await expect(
      autosave.store({ format: 'netcanvas-project', version: 1, graph: { nodes: 3 } }, null),
    ).rejects.toThrow(/At graph\.nodes/);
    expect((await autosave.pending())?.project).toEqual(smallProject());
  });

  it('discards a corrupt autosave instead of failing start-up', async () => {
    const folder = path.join(dir, 'autosave');
    await fs.mkdir(folder, { recursive: true });
    await fs.writeFile(
      path.join(folder, 'autosave.json'),
      '{"savedAt": "x", "fileName": null, "project": {"format": 1}}',
    );
    expect(await new Autosave(folder).pending()).toBeNull();
    expect(await fs.readdir(folder)).toEqual([]);
  });
});

describe('autosave over the bridge', () => {
  it('keeps the renderer’s design, hands it back as project text, and forgets it on null', async () => {
    const { createAutosaveHandlers } = await import('../../electron/ipc-handlers');
    const handlers = createAutosaveHandlers(new Autosave(path.join(dir, 'autosave')));
    const text = serializeProjectFile(smallProject());
    await handlers.store({ text, fileName: 'net.netcanvas.json' });
    expect(await handlers.pending()).toEqual({ text, fileName: 'net.netcanvas.json', savedAt: expect.any(String) });
    await handlers.store(null);
    expect(await handlers.pending()).toBeNull();
  });

  it('refuses malformed payloads and keeps the last good copy', async () => {
    const { createAutosaveHandlers } = await import('../../electron/ipc-handlers');
    const handlers = createAutosaveHandlers(new Autosave(path.join(dir, 'autosave')));
    const text = serializeProjectFile(smallProject());
    await handlers.store({ text, fileName: null });
    await expect(handlers.store({ text: 42, fileName: null })).rejects.toThrow(/Refused request: text/);
    await expect(handlers.store({ text: '{not json', fileName: null })).rejects.toThrow(/not JSON/);
    await expect(
      handlers.store({ text: '{"format":"netcanvas-project","version":1,"graph":{}}', fileName: null }),
    ).rejects.toThrow(/At graph\.nodes/);
    expect((await handlers.pending())?.text).toBe(text);
  });
});
