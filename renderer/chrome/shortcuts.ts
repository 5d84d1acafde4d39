/**
 * Keyboard shortcuts as data: the help panel lists them and the key handler
 * looks them up, so the two cannot disagree.
 */

/** What a shortcut does. */
export type CommandId =
  | 'new'
  | 'open'
  | 'save'
  | 'save-as'
  | 'import-model'
  | 'export-model'
  | 'undo'
  | 'redo'
  | 'copy'
  | 'cut'
  | 'paste'
  | 'duplicate'
  | 'delete'
  | 'select-all'
  | 'auto-layout'
  | 'fit-view'
  | 'templates'
  | 'toggle-theme'
  | 'help'
  | 'escape';

/** One shortcut: `mod` is Ctrl (Cmd on macOS). */
export interface Shortcut {
  command: CommandId;
  key: string;
  mod?: boolean;
  shift?: boolean;
  /** Shown in the help panel. */
  label: string;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { command: 'new', key: 'n', mod: true, label: 'New design' },
  { command: 'open', key: 'o', mod: true, label: 'Open project' },
  { command: 'save', key: 's', mod: true, label: 'Save' },
  { command: 'save-as', key: 's', mod: true, shift: true, label: 'Save as' },
  { command: 'import-model', key: 'i', mod: true, label: 'Import model.json' },
  { command: 'export-model', key: 'e', mod: true, label: 'Export model JSON' },
  { command: 'undo', key: 'z', mod: true, label: 'Undo' },
  { command: 'redo', key: 'z', mod: true, shift: true, label: 'Redo' },
  { command: 'redo', key: 'y', mod: true, label: 'Redo' },
  { command: 'copy', key: 'c', mod: true, label: 'Copy selected layers' },
  { command: 'cut', key: 'x', mod: true, label: 'Cut selected layers' },
  { command: 'paste', key: 'v', mod: true, label: 'Paste' },
  { command: 'duplicate', key: 'd', mod: true, label: 'Duplicate selected layers' },
  { command: 'select-all', key: 'a', mod: true, label: 'Select all layers' },
  { command: 'delete', key: 'Delete', label: 'Delete selection' },
  { command: 'delete', key: 'Backspace', label: 'Delete selection' },
  { command: 'auto-layout', key: 'l', mod: true, shift: true, label: 'Auto-layout' },
  { command: 'fit-view', key: 'f', shift: true, label: 'Fit view' },
  { command: 'templates', key: 't', mod: true, shift: true, label: 'Template gallery' },
  { command: 'toggle-theme', key: 'k', mod: true, shift: true, label: 'Light / dark theme' },
  { command: 'help', key: 'F1', label: 'This help' },
  { command: 'help', key: '?', shift: true, label: 'This help' },
  { command: 'escape', key: 'Escape', label: 'Clear selection / close dialog' },
];

/** How a shortcut is written in the help panel: `Ctrl+Shift+Z`. */
export function shortcutText(s: Shortcut, mac = false): string {
  const key = s.key.length === 1 ? s.key.toUpperCase() : s.key;
  return [s.mod ? (mac ? '⌘' : 'Ctrl') : '', s.shift && s.key !== '?' ? 'Shift' : '', key].filter(Boolean).join('+');
}

/** The command a key press means, if any. Typing in a field keeps its own keys (undo there is the field's). */
export function commandForKey(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey'>,
  inTextField: boolean,
): CommandId | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  for (const s of SHORTCUTS) {
    const want = s.key.length === 1 ? s.key.toLowerCase() : s.key;
    if (want !== key || Boolean(s.mod) !== mod) continue;
    if (s.key !== '?' && Boolean(s.shift) !== event.shiftKey) continue;
    if (inTextField && !(s.mod && ['save', 'save-as', 'open', 'new'].includes(s.command)) && s.command !== 'escape')
      return null;
    return s.command;
  }
  return null;
}
