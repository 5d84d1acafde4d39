import { describe, expect, it } from 'vitest';
import {
  acceleratorOf,
  chordText,
  COMMANDS,
  getCommand,
  isEnabled,
  isPageCommand,
  pageHandlesKeys,
  type CommandSpec,
} from '../../core/commands';
import { buildMenu, flattenMenu, RENDERER_COMMANDS } from '../../electron/menu-model';
import { commandForKey, SHORTCUTS } from '../../renderer/chrome/shortcuts';

const all = COMMANDS as readonly CommandSpec[];
const base = { platform: 'linux', recentFiles: [] as string[], training: false, canTrain: true };

describe('the command table', () => {
  it('gives no two page-handled commands the same key chord', () => {
    const chords = SHORTCUTS.map((s) => chordText(s));
    expect(new Set(chords).size).toBe(chords.length);
  });

  it('puts every command with a menu place into the menu, under one id each', () => {
    const items = flattenMenu(buildMenu(base));
    for (const c of all.filter((c) => c.menu && c.id !== 'open-recent'))
      expect(items.filter((i) => i.command === c.id).map((i) => i.label)).toEqual([c.label]);
    expect(items.find((i) => i.command === 'undo')).toMatchObject({
      id: 'edit.undo',
      accelerator: 'CmdOrCtrl+Z',
      pageHandlesKey: true,
    });
  });

  it('forwards exactly the page commands with a menu place to the renderer', () => {
    expect([...RENDERER_COMMANDS].sort()).toEqual(
      all
        .filter((c) => c.runsIn === 'page' && c.menu)
        .map((c) => c.id)
        .sort(),
    );
    expect(isPageCommand('quit')).toBe(false);
    expect(isPageCommand('save')).toBe(true);
    expect(isPageCommand('no-such-command')).toBe(false);
  });

  it('routes every key the page handles to its command, and none the menu keeps', () => {
    for (const c of all) {
      for (const chord of c.keys ?? []) {
        const pressed = commandForKey(
          { key: chord.key, ctrlKey: !!chord.mod, metaKey: false, shiftKey: !!chord.shift, altKey: !!chord.alt },
          false,
        );
        expect(pressed, `${c.id} ${chordText(chord)}`).toBe(pageHandlesKeys(c) ? c.id : null);
      }
    }
  });

  it('enables a command only when every fact it needs holds, and when a shell does not know a fact', () => {
    const undo = getCommand('undo');
    expect(isEnabled(undo, { canUndo: false })).toBe(false);
    expect(isEnabled(undo, { canUndo: true })).toBe(true);
    expect(isEnabled(undo, {})).toBe(true);
    const start = getCommand('train-start');
    expect(isEnabled(start, { canTrain: true, idle: false })).toBe(false);
    expect(isEnabled(start, { canTrain: true, idle: true })).toBe(true);
  });

  it('writes accelerators as Electron reads them and shortcuts as people read them', () => {
    expect(acceleratorOf({ key: 'z', mod: true, shift: true })).toBe('CmdOrCtrl+Shift+Z');
    expect(acceleratorOf({ key: 'F1' })).toBe('F1');
    expect(chordText({ key: 's', mod: true }, true)).toBe('⌘+S');
    expect(chordText({ key: '?', shift: true })).toBe('?');
  });
});
