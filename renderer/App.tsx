/**
 * The editor window: command bar, palette, canvas, inspector, the problems
 * and summary panel, and the status bar. Wires keyboard shortcuts and host
 * menu commands to the edit and file commands.
 */
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useCallback, useEffect, useState } from 'react';
import type { NetCanvasBridge } from '../electron/contract';
import { Canvas } from './canvas/Canvas';
import { HelpPanel } from './chrome/HelpPanel';
import { StatusBar } from './chrome/StatusBar';
import { Toolbar } from './chrome/Toolbar';
import { commandForKey, type CommandId } from './chrome/shortcuts';
import { buildTemplate, TemplateGallery } from './gallery/TemplateGallery';
import { Inspector } from './inspector/Inspector';
import { Palette } from './palette/Palette';
import { autosaveText, designFromAutosave, type AutosavedDesign } from './state/autosave';
import {
  addLayer,
  copySelection,
  cutSelection,
  deleteSelection,
  duplicateSelection,
  layoutAll,
  paste,
  selectAll,
  setAllGroupsCollapsed,
} from './state/edit-commands';
import { EditorProvider, useDerived, useEditor, useEditorState } from './state/EditorContext';
import { isDirty, type EditorStore } from './state/editor-store';
import {
  designName,
  exportModel,
  exportSummary,
  importModel,
  newDesign,
  openDroppedFile,
  openGraph,
  openProject,
  saveProject,
} from './state/file-commands';
import { ProblemsPanel } from './summary/ProblemsPanel';
import { SummaryPanel } from './summary/SummaryPanel';
import { TrainView } from './training/TrainView';
import { createTrainingController } from './training/create-controller';

type Theme = 'light' | 'dark';
const THEME_KEY = 'netcanvas:theme';
/** Autosave after this long without an edit, so typing is never held up by serialising a big design. */
const AUTOSAVE_DELAY_MS = 600;

function initialTheme(): Theme {
  const stored = localStorage.getItem(THEME_KEY);
  if (stored === 'light' || stored === 'dark') return stored;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

const isTextField = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

function Editor() {
  const { store, bridge } = useEditor();
  const state = useEditorState();
  const flow = useReactFlow();
  const [theme, setTheme] = useState<Theme>(initialTheme);
  const [gallery, setGallery] = useState(false);
  const [help, setHelp] = useState(false);
  const [bottomTab, setBottomTab] = useState<'problems' | 'summary' | null>('problems');
  const [restore, setRestore] = useState<AutosavedDesign | null>(null);
  // Until the host has said whether a design was left behind, autosave must not overwrite it.
  const [autosaveChecked, setAutosaveChecked] = useState(false);
  const [training, setTraining] = useState(false);
  const [trainingController] = useState(createTrainingController);
  const dirty = isDirty(state);
  const title = designName(state.fileName);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem(THEME_KEY, theme);
  }, [theme]);

  useEffect(() => bridge.setDirty(dirty, title), [bridge, dirty, title]);

  // Autosave while there are unsaved changes; a clean design leaves nothing to restore.
  // Nothing is written while the restore offer is open, so the offered copy is not overwritten.
  useEffect(() => {
    let live = true;
    void bridge.pendingAutosave().then((pending) => {
      if (!live) return;
      const design = designFromAutosave(pending);
      if (pending && !design) bridge.storeAutosave(null); // unreadable: nothing worth offering
      setRestore(design);
      setAutosaveChecked(true);
    });
    return () => {
      live = false;
    };
  }, [bridge]);
  useEffect(() => {
    if (restore || !autosaveChecked) return;
    const timer = setTimeout(() => {
      bridge.storeAutosave(dirty ? { text: autosaveText(state.graph), fileName: state.fileName } : null);
    }, AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [bridge, state.graph, state.fileName, dirty, restore, autosaveChecked]);

  const run = useCallback(
    (command: CommandId | string, arg?: string) => {
      switch (command) {
        case 'open-recent':
          // The desktop menu's recent files and files given on the command line.
          return void openProject(store, bridge, arg);
        case 'train-start':
        case 'train-settings':
          // The desktop Train menu: the Train view holds the data, settings and Start.
          return setTraining(true);
        case 'train-stop':
          return trainingController.stop();
        case 'new':
          return newDesign(store);
        case 'open':
          return void openProject(store, bridge);
        case 'save':
          return void saveProject(store, bridge);
        case 'save-as':
          return void saveProject(store, bridge, true);
        case 'import-model':
          return void importModel(store, bridge);
        case 'export-model':
          return void exportModel(store, bridge);
        case 'export-summary':
          return void exportSummary(store, bridge, 'markdown');
        case 'undo':
          return store.undo();
        case 'redo':
          return store.redo();
        case 'copy':
          return copySelection(store);
        case 'cut':
          return cutSelection(store);
        case 'paste':
          return paste(store);
        case 'duplicate':
          return duplicateSelection(store);
        case 'delete':
          return deleteSelection(store);
        case 'select-all':
          return selectAll(store);
        case 'auto-layout':
          layoutAll(store);
          return void setTimeout(() => void flow.fitView({ padding: 0.1, maxZoom: 1.2 }), 30);
        case 'fit-view':
          return void flow.fitView({ padding: 0.1, maxZoom: 1.2 });
        case 'templates':
        case 'new-from-template':
          return setGallery(true);
        case 'toggle-theme':
          return setTheme((t) => (t === 'dark' ? 'light' : 'dark'));
        case 'toggle-summary':
          return setBottomTab((t) => (t === 'summary' ? null : 'summary'));
        case 'help':
        case 'shortcuts':
          return setHelp(true);
        case 'escape':
          setGallery(false);
          setHelp(false);
          return store.select([]);
      }
    },
    [store, bridge, flow, trainingController],
  );

  // A project or model.json dropped anywhere on the window opens (layers dragged from the palette are the canvas's).
  useEffect(() => {
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') ?? false;
    const onDragOver = (event: DragEvent) => {
      if (carriesFiles(event)) event.preventDefault();
    };
    const onDrop = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      const file = event.dataTransfer?.files[0];
      if (file) void file.text().then((text) => openDroppedFile(store, { name: file.name, text }));
    };
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [store]);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const command = commandForKey(event, isTextField(event.target));
      if (!command) return;
      event.preventDefault();
      run(command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [run]);

  useEffect(() => bridge.onMenuCommand((command, arg) => run(command, arg)), [bridge, run]);

  const createFromTemplate = (
    template: Parameters<Parameters<typeof TemplateGallery>[0]['onCreate']>[0],
    input: number[],
    classes: number,
  ) => {
    const built = buildTemplate(template, input, classes);
    if (!built.graph) return built.error;
    openGraph(store, built.graph, null);
    setGallery(false);
    store.notify(
      'info',
      `${template.title}: ${built.graph.nodes.length} layers. Ctrl+Z returns to the previous design.`,
    );
    return null;
  };

  const notice = state.notice;
  useEffect(() => {
    if (notice?.kind !== 'info') return;
    const timer = setTimeout(() => store.dismissNotice(), 4000);
    return () => clearTimeout(timer);
  }, [notice, store]);

  return (
    <div className="nc-app">
      <Toolbar
        title={title}
        dirty={dirty}
        canUndo={state.past.length > 0}
        canRedo={state.future.length > 0}
        hasSelection={state.selectedNodes.size + state.selectedEdges.size > 0}
        theme={theme}
        run={run}
        hasGroups={state.graph.groups.length > 0}
        onToggleGroups={(collapsed) => {
          setAllGroupsCollapsed(store, collapsed);
          setTimeout(() => void flow.fitView({ padding: 0.1, maxZoom: 1.2 }), 30);
        }}
        onTrain={() => setTraining(true)}
      />
      {restore && (
        <div className="nc-banner" role="alert" data-testid="restore-banner">
          NetCanvas found unsaved work{restore.fileName ? ` on ${restore.fileName}` : ''} ({restore.graph.nodes.length}{' '}
          layers
          {restore.savedAt ? `, ${new Date(restore.savedAt).toLocaleString()}` : ''}).
          <button
            className="nc-primary"
            data-testid="restore-accept"
            onClick={() => {
              store.load(restore.graph, restore.fileName, undefined, false);
              setRestore(null);
            }}
          >
            Restore
          </button>
          <button
            data-testid="restore-dismiss"
            onClick={() => {
              bridge.storeAutosave(null);
              setRestore(null);
            }}
          >
            Discard
          </button>
        </div>
      )}
      <div className="nc-main">
        <Palette onAdd={(type) => addLayer(store, type)} />
        <div className="nc-center">
          <Canvas colorMode={theme} />
          <div className={`nc-bottom${bottomTab ? '' : ' nc-bottom-closed'}`}>
            <div className="nc-tabs" role="tablist">
              <ProblemsTab
                active={bottomTab === 'problems'}
                onClick={() => setBottomTab((t) => (t === 'problems' ? null : 'problems'))}
              />
              <button
                role="tab"
                aria-selected={bottomTab === 'summary'}
                className={bottomTab === 'summary' ? 'nc-tab nc-tab-active' : 'nc-tab'}
                onClick={() => setBottomTab((t) => (t === 'summary' ? null : 'summary'))}
                data-testid="tab-summary"
              >
                Summary
              </button>
            </div>
            {bottomTab && (
              <div className="nc-bottom-body">{bottomTab === 'problems' ? <ProblemsPanel /> : <SummaryPanel />}</div>
            )}
          </div>
        </div>
        <Inspector />
      </div>
      {training && <TrainView controller={trainingController} onClose={() => setTraining(false)} />}
      <StatusBar onShowProblems={() => setBottomTab('problems')} />
      {notice && (
        <div
          className={`nc-toast nc-toast-${notice.kind}`}
          role={notice.kind === 'error' ? 'alert' : 'status'}
          data-testid="notice"
          key={notice.serial}
        >
          <span>{notice.text}</span>
          <button className="nc-icon-button" onClick={() => store.dismissNotice()} aria-label="Dismiss">
            ✕
          </button>
        </div>
      )}
      {gallery && <TemplateGallery onCreate={createFromTemplate} onClose={() => setGallery(false)} />}
      {help && <HelpPanel onClose={() => setHelp(false)} />}
    </div>
  );
}

function ProblemsTab({ active, onClick }: { active: boolean; onClick(): void }) {
  const { report } = useDerived();
  const count = report.diagnostics.length;
  return (
    <button
      role="tab"
      aria-selected={active}
      className={active ? 'nc-tab nc-tab-active' : 'nc-tab'}
      onClick={onClick}
      data-testid="tab-problems"
    >
      Problems{count ? <span className="nc-count">{count}</span> : null}
    </button>
  );
}

/** The whole editor around `store`, talking to its host through `bridge`. */
export function App({ store, bridge }: { store: EditorStore; bridge: NetCanvasBridge }) {
  return (
    <EditorProvider store={store} bridge={bridge}>
      <ReactFlowProvider>
        <Editor />
      </ReactFlowProvider>
    </EditorProvider>
  );
}
