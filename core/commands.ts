/**
 * Every command of the app, described once as data: its id, its label, its
 * keys, its place in the desktop menu and on the toolbar, and when it is
 * enabled. The desktop menu (`electron/menu-model.ts`), the page's key
 * handler, toolbar and help panel (`renderer/chrome/`) are all generated from
 * this table, so a command has one name everywhere and its key cannot differ
 * between the menu and the page.
 *
 * It lives in core because it is the one runtime module both shells read:
 * the renderer may not import values from `electron/`, and the desktop shell
 * never imports `renderer/`. It is plain data and knows nothing of either.
 */

/** A key chord. `mod` is Ctrl, or Cmd on macOS. `key` is `KeyboardEvent.key` (lower case for letters). */
export interface KeyChord {
  readonly key: string;
  readonly mod?: boolean;
  readonly shift?: boolean;
  readonly alt?: boolean;
}

/** The desktop menus, in menu-bar order. `app` is macOS's application menu. */
export const MENUS = [
  { id: 'app', label: 'NetCanvas' },
  { id: 'file', label: 'File' },
  { id: 'edit', label: 'Edit' },
  { id: 'view', label: 'View' },
  { id: 'train', label: 'Train' },
  { id: 'help', label: 'Help' },
] as const;

/** A menu of the menu bar. */
export type MenuId = (typeof MENUS)[number]['id'];

/** Where a command sits in a menu: items of one `section` are grouped, sections are separated by a line. */
export interface MenuPlace {
  readonly menu: MenuId;
  readonly section: number;
}

/** The toolbar's groups, left to right. */
export const TOOLBAR_GROUPS = [
  { id: 'file', label: 'File' },
  { id: 'edit', label: 'Edit' },
  { id: 'view', label: 'View' },
  { id: 'train', label: 'Train' },
] as const;

/** A group of the toolbar. */
export type ToolbarGroupId = (typeof TOOLBAR_GROUPS)[number]['id'];

/**
 * What the app knows when it decides whether a command can run. A shell that
 * does not know a fact (the desktop menu cannot see the selection) leaves it
 * out, and commands that depend on it stay enabled there.
 */
export interface CommandContext {
  canUndo?: boolean;
  canRedo?: boolean;
  /** Some layer or connection is selected. */
  hasSelection?: boolean;
  /** The design has groups to collapse or expand. */
  hasGroups?: boolean;
  /** The design can be trained (it has no errors). */
  canTrain?: boolean;
  /** A training run is in progress. */
  training?: boolean;
  /** No training run is in progress. */
  idle?: boolean;
}

/** A fact of {@link CommandContext} a command needs to be true. */
export type CommandCondition = keyof CommandContext;

/** One command. */
export interface CommandSpec {
  readonly id: string;
  /** The menu's label, also the overflow menu's: `Save As…`. */
  readonly label: string;
  /** The toolbar button's text, when shorter than the label. */
  readonly short?: string;
  /** One sentence for tooltips and the help panel. */
  readonly description: string;
  /** Its keys; the first is the one menus show. */
  readonly keys?: readonly KeyChord[];
  /**
   * Who listens for the keys: `page` (the page's own key handler, in the web
   * build and on the desktop, where the menu shows the key without
   * registering it, so one press is one action and text fields keep their
   * native copy and paste) or `menu` (only the desktop menu's accelerator).
   */
  readonly keysHandledBy?: 'page' | 'menu';
  /** Whether its keys also work while typing in a text field (saving does, undo is the field's). */
  readonly keysInTextFields?: boolean;
  /** Where it sits in the desktop menu; absent for commands only the page has. */
  readonly menu?: MenuPlace;
  /** macOS puts About and Quit in the application menu, with the app's name. */
  readonly macMenu?: MenuPlace & { readonly label: string };
  /** The toolbar group it shows in. */
  readonly toolbar?: ToolbarGroupId;
  /** Every fact that must hold for it to be enabled. */
  readonly enabledWhen?: readonly CommandCondition[];
  /** `page`: the renderer runs it (menus forward it); `desktop`: the main process does (quit, zoom, about). */
  readonly runsIn: 'page' | 'desktop';
}

const mod = (key: string, extra: Omit<KeyChord, 'key' | 'mod'> = {}): KeyChord => ({ key, mod: true, ...extra });

/**
 * The table. Order matters: it is the order of items within each menu
 * section and of buttons within each toolbar group.
 */
export const COMMANDS = [
  // File
  {
    id: 'new',
    label: 'New',
    description: 'New design',
    keys: [mod('n')],
    keysInTextFields: true,
    menu: { menu: 'file', section: 0 },
    toolbar: 'file',
    runsIn: 'page',
  },
  {
    id: 'templates',
    label: 'New from Template…',
    short: 'Templates…',
    description: 'New design from a template',
    keys: [mod('t', { shift: true })],
    menu: { menu: 'file', section: 0 },
    toolbar: 'file',
    runsIn: 'page',
  },
  {
    id: 'open',
    label: 'Open…',
    description: 'Open a project',
    keys: [mod('o')],
    keysInTextFields: true,
    menu: { menu: 'file', section: 0 },
    toolbar: 'file',
    runsIn: 'page',
  },
  {
    id: 'open-recent',
    label: 'Open Recent',
    description: 'Open a recently used project',
    menu: { menu: 'file', section: 0 },
    runsIn: 'page',
  },
  {
    // An item of the Open Recent submenu, which lists the files.
    id: 'clear-recent',
    label: 'Clear Recent',
    description: 'Forget the recently used projects',
    runsIn: 'desktop',
  },
  {
    id: 'save',
    label: 'Save',
    description: 'Save',
    keys: [mod('s')],
    keysInTextFields: true,
    menu: { menu: 'file', section: 1 },
    toolbar: 'file',
    runsIn: 'page',
  },
  {
    id: 'save-as',
    label: 'Save As…',
    description: 'Save under a new name',
    keys: [mod('s', { shift: true })],
    keysInTextFields: true,
    menu: { menu: 'file', section: 1 },
    toolbar: 'file',
    runsIn: 'page',
  },
  {
    id: 'import-model',
    label: 'Import Model JSON…',
    short: 'Import…',
    description: 'Import a Keras / TensorFlow.js model.json',
    keys: [mod('i')],
    menu: { menu: 'file', section: 2 },
    toolbar: 'file',
    runsIn: 'page',
  },
  {
    // The toolbar's one Export button: a dialog with the formats below (the desktop menu lists them directly).
    id: 'export',
    label: 'Export…',
    description: 'Export the design as TensorFlow.js, PyTorch or ONNX',
    keys: [mod('e')],
    toolbar: 'file',
    runsIn: 'page',
  },
  {
    id: 'export-model',
    label: 'Export TensorFlow.js Model…',
    description: 'Export as a TensorFlow.js / Keras layers model (model.json, with the trained weights)',
    menu: { menu: 'file', section: 2 },
    runsIn: 'page',
  },
  {
    id: 'export-pytorch',
    label: 'Export PyTorch…',
    description: 'Export as PyTorch code: model.py, train.py (one GPU or many) and the trained weights',
    menu: { menu: 'file', section: 2 },
    runsIn: 'page',
  },
  {
    id: 'export-onnx',
    label: 'Export ONNX…',
    description: 'Export as one ONNX file (opset 13) with the trained or initial weights',
    menu: { menu: 'file', section: 2 },
    runsIn: 'page',
  },
  {
    id: 'export-summary',
    label: 'Export Summary…',
    description: 'Export the summary table as Markdown',
    menu: { menu: 'file', section: 2 },
    runsIn: 'page',
  },
  {
    id: 'about',
    label: 'About NetCanvas',
    description: 'Version and licence',
    menu: { menu: 'help', section: 1 },
    macMenu: { menu: 'app', section: 0, label: 'About NetCanvas' },
    runsIn: 'desktop',
  },
  {
    id: 'quit',
    label: 'Quit',
    description: 'Quit NetCanvas',
    keys: [mod('q')],
    keysHandledBy: 'menu',
    menu: { menu: 'file', section: 3 },
    macMenu: { menu: 'app', section: 1, label: 'Quit NetCanvas' },
    runsIn: 'desktop',
  },
  // Edit
  {
    id: 'undo',
    label: 'Undo',
    short: '↶ Undo',
    description: 'Undo',
    keys: [mod('z')],
    menu: { menu: 'edit', section: 0 },
    toolbar: 'edit',
    enabledWhen: ['canUndo'],
    runsIn: 'page',
  },
  {
    id: 'redo',
    label: 'Redo',
    short: '↷ Redo',
    description: 'Redo',
    keys: [mod('z', { shift: true }), mod('y')],
    menu: { menu: 'edit', section: 0 },
    toolbar: 'edit',
    enabledWhen: ['canRedo'],
    runsIn: 'page',
  },
  {
    id: 'cut',
    label: 'Cut',
    description: 'Cut selected layers',
    keys: [mod('x')],
    menu: { menu: 'edit', section: 1 },
    runsIn: 'page',
  },
  {
    id: 'copy',
    label: 'Copy',
    description: 'Copy selected layers',
    keys: [mod('c')],
    menu: { menu: 'edit', section: 1 },
    runsIn: 'page',
  },
  {
    id: 'paste',
    label: 'Paste',
    description: 'Paste',
    keys: [mod('v')],
    menu: { menu: 'edit', section: 1 },
    runsIn: 'page',
  },
  {
    id: 'duplicate',
    label: 'Duplicate',
    description: 'Duplicate selected layers',
    keys: [mod('d')],
    menu: { menu: 'edit', section: 1 },
    toolbar: 'edit',
    enabledWhen: ['hasSelection'],
    runsIn: 'page',
  },
  {
    id: 'delete',
    label: 'Delete',
    description: 'Delete selection',
    keys: [{ key: 'Delete' }, { key: 'Backspace' }],
    menu: { menu: 'edit', section: 1 },
    toolbar: 'edit',
    enabledWhen: ['hasSelection'],
    runsIn: 'page',
  },
  {
    id: 'select-all',
    label: 'Select All',
    description: 'Select all layers',
    keys: [mod('a')],
    menu: { menu: 'edit', section: 1 },
    runsIn: 'page',
  },
  // View
  {
    id: 'auto-layout',
    label: 'Auto Layout',
    short: 'Layout',
    description: 'Lay the whole design out again',
    keys: [mod('l', { shift: true })],
    menu: { menu: 'view', section: 0 },
    toolbar: 'view',
    runsIn: 'page',
  },
  {
    id: 'layout-direction',
    label: 'Switch Layout Direction',
    short: 'Direction',
    description: 'Lay the design out left to right instead of top to bottom, or back',
    menu: { menu: 'view', section: 0 },
    toolbar: 'view',
    runsIn: 'page',
  },
  {
    id: 'fit-view',
    label: 'Fit View',
    short: 'Fit',
    description: 'Show the whole design, groups collapsed where it would be too small to read',
    keys: [{ key: 'f', shift: true }],
    menu: { menu: 'view', section: 0 },
    toolbar: 'view',
    runsIn: 'page',
  },
  {
    id: 'collapse-all',
    label: 'Collapse All Groups',
    short: 'Collapse',
    description: 'Collapse every group',
    menu: { menu: 'view', section: 0 },
    toolbar: 'view',
    enabledWhen: ['hasGroups'],
    runsIn: 'page',
  },
  {
    id: 'expand-all',
    label: 'Expand All Groups',
    short: 'Expand',
    description: 'Expand every group',
    menu: { menu: 'view', section: 0 },
    toolbar: 'view',
    enabledWhen: ['hasGroups'],
    runsIn: 'page',
  },
  {
    id: 'zoom-in',
    label: 'Zoom In',
    description: 'Zoom in',
    keys: [mod('Plus')],
    keysHandledBy: 'menu',
    menu: { menu: 'view', section: 1 },
    runsIn: 'desktop',
  },
  {
    id: 'zoom-out',
    label: 'Zoom Out',
    description: 'Zoom out',
    keys: [mod('-')],
    keysHandledBy: 'menu',
    menu: { menu: 'view', section: 1 },
    runsIn: 'desktop',
  },
  {
    id: 'toggle-summary',
    label: 'Toggle Summary Panel',
    description: 'Show or hide the summary table',
    keys: [mod('m', { shift: true })],
    keysHandledBy: 'menu',
    menu: { menu: 'view', section: 2 },
    runsIn: 'page',
  },
  {
    id: 'toggle-theme',
    label: 'Toggle Dark Theme',
    short: '◐',
    description: 'Light / dark theme',
    keys: [mod('k', { shift: true })],
    menu: { menu: 'view', section: 2 },
    toolbar: 'view',
    runsIn: 'page',
  },
  // Train
  {
    id: 'train-start',
    label: 'Start Training',
    description: 'Open the Train view to start a run',
    keys: [{ key: 'F5' }],
    keysHandledBy: 'menu',
    menu: { menu: 'train', section: 0 },
    enabledWhen: ['canTrain', 'idle'],
    runsIn: 'page',
  },
  {
    id: 'train-stop',
    label: 'Stop Training',
    description: 'Stop the training run',
    keys: [{ key: 'F5', shift: true }],
    keysHandledBy: 'menu',
    menu: { menu: 'train', section: 0 },
    enabledWhen: ['training'],
    runsIn: 'page',
  },
  {
    id: 'train-open',
    label: 'Training Settings…',
    short: 'Train',
    description: 'Train this design on a dataset',
    menu: { menu: 'train', section: 1 },
    toolbar: 'train',
    runsIn: 'page',
  },
  // Help
  {
    id: 'help',
    label: 'Keyboard Shortcuts',
    short: '?',
    description: 'This help',
    keys: [{ key: 'F1' }, { key: '?', shift: true }],
    menu: { menu: 'help', section: 0 },
    toolbar: 'view',
    runsIn: 'page',
  },
  {
    id: 'escape',
    label: 'Clear Selection',
    description: 'Clear selection / close dialog',
    keys: [{ key: 'Escape' }],
    keysInTextFields: true,
    runsIn: 'page',
  },
] as const satisfies readonly CommandSpec[];

/** The id of a command in {@link COMMANDS}. */
export type CommandId = (typeof COMMANDS)[number]['id'];

/** A command the page runs (the rest belong to the desktop shell). */
export type PageCommandId = Extract<(typeof COMMANDS)[number], { runsIn: 'page' }>['id'];

const byId = new Map<string, CommandSpec>();
for (const command of COMMANDS as readonly CommandSpec[]) {
  if (byId.has(command.id)) throw new Error(`Duplicate command "${command.id}"`);
  byId.set(command.id, command);
}

/** The command with `id`. */
export function getCommand(id: CommandId): CommandSpec {
  return byId.get(id) as CommandSpec;
}

/** Whether `id` names a command (commands arrive as strings over the desktop bridge). */
export function isCommandId(id: string): id is CommandId {
  return byId.has(id);
}

/** Whether `id` is a command the page runs. */
export function isPageCommand(id: string): id is PageCommandId {
  return byId.get(id)?.runsIn === 'page';
}

/** Whether `command` may run in `context`; facts the context leaves out do not disable it. */
export function isEnabled(command: CommandSpec, context: CommandContext): boolean {
  return (command.enabledWhen ?? []).every((fact) => context[fact] !== false);
}

/** Whether the page's key handler listens for `command`'s keys. */
export const pageHandlesKeys = (command: CommandSpec): boolean =>
  (command.keys?.length ?? 0) > 0 && (command.keysHandledBy ?? 'page') === 'page';

/**
 * A chord as Electron writes an accelerator: `CmdOrCtrl+Shift+Z`, `Delete`, `F5`.
 *
 * @example
 * acceleratorOf({ key: 'z', mod: true, shift: true }) // 'CmdOrCtrl+Shift+Z'
 */
export function acceleratorOf(chord: KeyChord): string {
  const key = chord.key.length === 1 ? chord.key.toUpperCase() : chord.key;
  return [chord.mod ? 'CmdOrCtrl' : '', chord.alt ? 'Alt' : '', chord.shift && chord.key !== '?' ? 'Shift' : '', key]
    .filter(Boolean)
    .join('+');
}

/**
 * A chord as people read it: `Ctrl+Shift+Z`, or `⌘+Shift+Z` on macOS.
 *
 * @example
 * chordText({ key: 'z', mod: true, shift: true }) // 'Ctrl+Shift+Z'
 */
export function chordText(chord: KeyChord, mac = false): string {
  const key = chord.key.length === 1 ? chord.key.toUpperCase() : chord.key;
  return [
    chord.mod ? (mac ? '⌘' : 'Ctrl') : '',
    chord.alt ? 'Alt' : '',
    chord.shift && chord.key !== '?' ? 'Shift' : '',
    key,
  ]
    .filter(Boolean)
    .join('+');
}
