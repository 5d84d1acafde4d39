/**
 * The page's keyboard shortcuts, read off the command table
 * (core/commands.ts): the help panel lists them and the key handler looks
 * them up, so the two cannot disagree, and the desktop menu shows the same keys.
 */
import {
  chordText,
  COMMANDS,
  pageHandlesKeys,
  type CommandSpec,
  type KeyChord,
  type PageCommandId,
} from '../../core/commands';

/** One shortcut the page handles: `mod` is Ctrl (Cmd on macOS). */
export interface Shortcut extends KeyChord {
  command: PageCommandId;
  /** Shown in the help panel. */
  label: string;
  /** Whether it also works while typing in a text field. */
  inTextFields: boolean;
}

/** Every key chord the page handles, in command-table order. */
export const SHORTCUTS: readonly Shortcut[] = (COMMANDS as readonly CommandSpec[])
  .filter((c) => c.runsIn === 'page' && pageHandlesKeys(c))
  .flatMap((c) =>
    (c.keys ?? []).map((chord) => ({
      ...chord,
      command: c.id as PageCommandId,
      label: c.description,
      inTextFields: c.keysInTextFields === true,
    })),
  );

/** How a shortcut is written in the help panel: `Ctrl+Shift+Z`. */
export function shortcutText(s: KeyChord, mac = false): string {
  return chordText(s, mac);
}

/** The command a key press means, if any. Typing in a field keeps its own keys (undo there is the field's). */
export function commandForKey(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey'> & { altKey?: boolean },
  inTextField: boolean,
): PageCommandId | null {
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  for (const s of SHORTCUTS) {
    const want = s.key.length === 1 ? s.key.toLowerCase() : s.key;
    if (want !== key || Boolean(s.mod) !== mod || Boolean(s.alt) !== Boolean(event.altKey)) continue;
    // `?` is Shift+/ on most keyboards and a plain key on some, so its Shift is not checked.
    if (s.key !== '?' && Boolean(s.shift) !== event.shiftKey) continue;
    if (inTextField && !s.inTextFields) return null;
    return s.command;
  }
  return null;
}
