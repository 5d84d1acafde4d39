/**
 * The application menu as plain data, so it can be tested without Electron.
 * `main.ts` turns it into a native menu; choosing an item sends its
 * `command` to the renderer (or runs it in main for app-level commands).
 */

import {
  acceleratorOf,
  COMMANDS,
  isEnabled,
  MENUS,
  pageHandlesKeys,
  type CommandId,
  type CommandSpec,
  type MenuId,
  type MenuPlace,
} from '../core/commands';

/** Commands a menu item can issue: the app's one command vocabulary (core/commands.ts). */
export type MenuCommand = CommandId;

/** One menu entry. */
export type MenuItemModel =
  | {
      kind: 'item';
      id: string;
      label: string;
      command: MenuCommand;
      accelerator?: string;
      enabled?: boolean;
      arg?: string;
      /**
       * The renderer's own key handler runs this shortcut (see `keysHandledBy` in core/commands.ts),
       * so the menu shows the accelerator without registering it: one key press, one action,
       * and copy/paste keep working natively inside text fields.
       */
      pageHandlesKey?: boolean;
    }
  | { kind: 'separator' }
  | { kind: 'submenu'; id: string; label: string; items: MenuItemModel[] };

/** What the menu depends on. */
export interface MenuState {
  platform: NodeJS.Platform | string;
  recentFiles: readonly string[];
  /** Whether a training run is in progress. */
  training: boolean;
  /** Whether the design can be trained (no errors); the reason shows in the app, not the menu. */
  canTrain: boolean;
}

/** Commands that main forwards to the renderer rather than handling itself. */
export const RENDERER_COMMANDS: ReadonlySet<MenuCommand> = new Set<MenuCommand>(
  COMMANDS.filter((c) => c.runsIn === 'page' && 'menu' in c).map((c) => c.id),
);

/** `train-start` in the Train menu is `train.start`; `save` in the File menu is `file.save`. */
const itemId = (menu: MenuId, command: string): string =>
  `${menu}.${command.startsWith(`${menu}-`) ? command.slice(menu.length + 1) : command}`;

const sep: MenuItemModel = { kind: 'separator' };

/** The File menu's Open Recent submenu: one item per file, with its path as the argument. */
function recentSubmenu(state: MenuState): MenuItemModel {
  const item = (
    id: string,
    label: string,
    command: MenuCommand,
    extra: { arg?: string; accelerator?: string; enabled?: boolean } = {},
  ): MenuItemModel => ({ kind: 'item', id, label, command, ...extra });
  const items: MenuItemModel[] = state.recentFiles.length
    ? [
        ...state.recentFiles.map((file, i) =>
          item(`file.recent.${i}`, file, 'open-recent', {
            arg: file,
            ...(i < 9 ? { accelerator: `CmdOrCtrl+Alt+${i + 1}` } : {}),
          }),
        ),
        sep,
        item('file.recent.clear', 'Clear Recent', 'clear-recent'),
      ]
    : [item('file.recent.none', 'No Recent Files', 'open-recent', { enabled: false })];
  return { kind: 'submenu', id: 'file.recent', label: 'Open Recent', items };
}

/** The whole menu bar for `state`, generated from the command table. */
export function buildMenu(state: MenuState): MenuItemModel[] {
  const mac = state.platform === 'darwin';
  const context = { canTrain: state.canTrain, training: state.training, idle: !state.training };
  const placed = new Map<MenuId, { place: MenuPlace; item: MenuItemModel }[]>();
  for (const command of COMMANDS as readonly CommandSpec[]) {
    const place = (mac && command.macMenu) || command.menu;
    if (!place) continue;
    let item: MenuItemModel;
    if (command.id === 'open-recent') item = recentSubmenu(state);
    else {
      const key = command.keys?.[0];
      const enabledWhen = command.enabledWhen ?? [];
      item = {
        kind: 'item',
        id: itemId(place.menu, command.id),
        label: mac && command.macMenu ? command.macMenu.label : command.label,
        command: command.id as MenuCommand,
        ...(key ? { accelerator: acceleratorOf(key) } : {}),
        ...(key && pageHandlesKeys(command) ? { pageHandlesKey: true } : {}),
        // Facts main does not know (the selection, the undo history) leave an item enabled.
        ...(enabledWhen.some((fact) => fact in context) ? { enabled: isEnabled(command, context) } : {}),
      };
    }
    const list = placed.get(place.menu) ?? [];
    list.push({ place, item });
    placed.set(place.menu, list);
  }
  const menus: MenuItemModel[] = [];
  for (const { id, label } of MENUS) {
    const entries = placed.get(id);
    if (!entries?.length) continue;
    const items: MenuItemModel[] = [];
    const sections = [...new Set(entries.map((e) => e.place.section))].sort((a, b) => a - b);
    for (const [i, section] of sections.entries()) {
      if (i > 0) items.push(sep);
      for (const e of entries) if (e.place.section === section) items.push(e.item);
    }
    menus.push({ kind: 'submenu', id, label, items });
  }
  return menus;
}

/** Every item in `menu`, depth first, for lookups and tests. */
export function flattenMenu(menu: readonly MenuItemModel[]): Extract<MenuItemModel, { kind: 'item' }>[] {
  return menu.flatMap((m) => (m.kind === 'item' ? [m] : m.kind === 'submenu' ? flattenMenu(m.items) : []));
}
