/**
 * The application menu as plain data, so it can be tested without Electron.
 * `main.ts` turns it into a native menu; choosing an item sends its
 * `command` to the renderer (or runs it in main for app-level commands).
 */

/** Commands a menu item can issue. The renderer handles those in `RENDERER_COMMANDS`. */
export type MenuCommand =
  | 'new'
  | 'new-from-template'
  | 'open'
  | 'open-recent'
  | 'clear-recent'
  | 'save'
  | 'save-as'
  | 'import-model'
  | 'export-model'
  | 'export-summary'
  | 'quit'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'duplicate'
  | 'delete'
  | 'select-all'
  | 'auto-layout'
  | 'fit-view'
  | 'toggle-theme'
  | 'toggle-summary'
  | 'zoom-in'
  | 'zoom-out'
  | 'train-start'
  | 'train-stop'
  | 'train-settings'
  | 'shortcuts'
  | 'about';

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
       * The renderer's own key handler runs this shortcut (renderer/chrome/shortcuts.ts),
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
export const RENDERER_COMMANDS: ReadonlySet<MenuCommand> = new Set<MenuCommand>([
  'cut',
  'copy',
  'paste',
  'select-all',
  'new',
  'new-from-template',
  'open',
  'open-recent',
  'save',
  'save-as',
  'import-model',
  'export-model',
  'export-summary',
  'undo',
  'redo',
  'duplicate',
  'delete',
  'auto-layout',
  'fit-view',
  'toggle-theme',
  'toggle-summary',
  'train-start',
  'train-stop',
  'train-settings',
  'shortcuts',
]);

/** Commands whose keys the renderer handles itself (see `pageHandlesKey`). */
const PAGE_KEYS: ReadonlySet<MenuCommand> = new Set<MenuCommand>([
  'new',
  'new-from-template',
  'open',
  'save',
  'save-as',
  'import-model',
  'export-model',
  'undo',
  'redo',
  'cut',
  'copy',
  'paste',
  'duplicate',
  'delete',
  'select-all',
  'auto-layout',
  'fit-view',
  'toggle-theme',
  'shortcuts',
]);

const item = (
  id: string,
  label: string,
  command: MenuCommand,
  accelerator?: string,
  extra: { enabled?: boolean; arg?: string } = {},
): MenuItemModel => ({
  kind: 'item',
  id,
  label,
  command,
  ...(accelerator ? { accelerator } : {}),
  ...(accelerator && PAGE_KEYS.has(command) ? { pageHandlesKey: true } : {}),
  ...extra,
});
const sep: MenuItemModel = { kind: 'separator' };

/** The whole menu bar for `state`. */
export function buildMenu(state: MenuState): MenuItemModel[] {
  const mac = state.platform === 'darwin';
  const recent: MenuItemModel[] = state.recentFiles.length
    ? [
        ...state.recentFiles.map((file, i) =>
          item(`file.recent.${i}`, file, 'open-recent', i < 9 ? `CmdOrCtrl+Alt+${i + 1}` : undefined, { arg: file }),
        ),
        sep,
        item('file.recent.clear', 'Clear Recent', 'clear-recent'),
      ]
    : [item('file.recent.none', 'No Recent Files', 'open-recent', undefined, { enabled: false })];
  return [
    ...(mac
      ? [
          {
            kind: 'submenu',
            id: 'app',
            label: 'NetCanvas',
            items: [
              item('app.about', 'About NetCanvas', 'about'),
              sep,
              item('app.quit', 'Quit NetCanvas', 'quit', 'Cmd+Q'),
            ],
          } as MenuItemModel,
        ]
      : []),
    {
      kind: 'submenu',
      id: 'file',
      label: 'File',
      items: [
        item('file.new', 'New', 'new', 'CmdOrCtrl+N'),
        item('file.new-from-template', 'New from Template…', 'new-from-template', 'CmdOrCtrl+Shift+T'),
        item('file.open', 'Open…', 'open', 'CmdOrCtrl+O'),
        { kind: 'submenu', id: 'file.recent', label: 'Open Recent', items: recent },
        sep,
        item('file.save', 'Save', 'save', 'CmdOrCtrl+S'),
        item('file.save-as', 'Save As…', 'save-as', 'CmdOrCtrl+Shift+S'),
        sep,
        item('file.import-model', 'Import Model JSON…', 'import-model', 'CmdOrCtrl+I'),
        item('file.export-model', 'Export Model JSON…', 'export-model', 'CmdOrCtrl+E'),
        item('file.export-summary', 'Export Summary…', 'export-summary'),
        ...(mac ? [] : [sep, item('file.quit', 'Quit', 'quit', 'Ctrl+Q')]),
      ],
    },
    {
      kind: 'submenu',
      id: 'edit',
      label: 'Edit',
      items: [
        item('edit.undo', 'Undo', 'undo', 'CmdOrCtrl+Z'),
        item('edit.redo', 'Redo', 'redo', 'CmdOrCtrl+Shift+Z'),
        sep,
        item('edit.cut', 'Cut', 'cut', 'CmdOrCtrl+X'),
        item('edit.copy', 'Copy', 'copy', 'CmdOrCtrl+C'),
        item('edit.paste', 'Paste', 'paste', 'CmdOrCtrl+V'),
        item('edit.duplicate', 'Duplicate', 'duplicate', 'CmdOrCtrl+D'),
        item('edit.delete', 'Delete', 'delete', 'Delete'),
        item('edit.select-all', 'Select All', 'select-all', 'CmdOrCtrl+A'),
      ],
    },
    {
      kind: 'submenu',
      id: 'view',
      label: 'View',
      items: [
        item('view.auto-layout', 'Auto Layout', 'auto-layout', 'CmdOrCtrl+Shift+L'),
        item('view.fit', 'Fit View', 'fit-view', 'Shift+F'),
        item('view.zoom-in', 'Zoom In', 'zoom-in', 'CmdOrCtrl+Plus'),
        item('view.zoom-out', 'Zoom Out', 'zoom-out', 'CmdOrCtrl+-'),
        sep,
        item('view.summary', 'Toggle Summary Panel', 'toggle-summary', 'CmdOrCtrl+Shift+M'),
        item('view.theme', 'Toggle Dark Theme', 'toggle-theme', 'CmdOrCtrl+Shift+K'),
      ],
    },
    {
      kind: 'submenu',
      id: 'train',
      label: 'Train',
      items: [
        item('train.start', 'Start Training', 'train-start', 'F5', { enabled: state.canTrain && !state.training }),
        item('train.stop', 'Stop Training', 'train-stop', 'Shift+F5', { enabled: state.training }),
        sep,
        item('train.settings', 'Training Settings…', 'train-settings'),
      ],
    },
    {
      kind: 'submenu',
      id: 'help',
      label: 'Help',
      items: [
        item('help.shortcuts', 'Keyboard Shortcuts', 'shortcuts', 'F1'),
        ...(mac ? [] : [sep, item('help.about', 'About NetCanvas', 'about')]),
      ],
    },
  ];
}

/** Every item in `menu`, depth first, for lookups and tests. */
export function flattenMenu(menu: readonly MenuItemModel[]): Extract<MenuItemModel, { kind: 'item' }>[] {
  return menu.flatMap((m) => (m.kind === 'item' ? [m] : m.kind === 'submenu' ? flattenMenu(m.items) : []));
}
