/**
 * The editor window: command bar, palette, canvas, inspector, the problems
 * and summary panel, and the status bar. Wires keyboard shortcuts and host
 * menu commands to the edit and file commands.
 */
import { ReactFlowProvider, useReactFlow, useStoreApi } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { NetCanvasBridge } from '../electron/contract';
import { isPageCommand, type CommandContext, type PageCommandId } from '../core/commands';
import { Canvas } from './canvas/Canvas';
import { SaveNameDialog, UnsavedDialog } from './chrome/FileDialogs';
import { ExportDialog } from './chrome/ExportDialog';
import { HelpPanel } from './chrome/HelpPanel';
import { InputSizeDialog } from './chrome/InputSizeDialog';
import { StatusBar } from './chrome/StatusBar';
import { Toolbar } from './chrome/Toolbar';
import { useCommandKeys } from './chrome/use-command-keys';
import { useTheme } from './chrome/use-theme';
import { buildTemplate, TemplateGallery } from './gallery/TemplateGallery';
import { Inspector } from './inspector/Inspector';
import { Palette } from './palette/Palette';
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
  setDirection,
  showGroupsAs,
} from './state/edit-commands';
import { FIT_PADDING, planSemanticFit } from './canvas/semantic-fit';
import { warmUpLayout } from './canvas/layout-client';
import { EditorProvider, useDerived, useEditor, useEditorState } from './state/EditorContext';
import { isDirty, type EditorStore } from './state/editor-store';
import {
  designName,
  exportDesign,
  exportModel,
  exportSummary,
  importModel,
  importModelFile,
  newDesign,
  openGraph,
  openProject,
  saveProject,
} from './state/file-commands';
import { useAutosave } from './state/use-autosave';
import { useTrainingState } from './state/use-training-state';
import { useFileDrop } from './state/use-file-drop';
import { ProblemsPanel } from './summary/ProblemsPanel';
import { SummaryPanel } from './summary/SummaryPanel';
import { TrainView } from './training/view/TrainView';
import { createTrainingController } from './training/run/create-controller';
import { isRunning } from './training/run/run-state';
import { trainedModelFor } from './state/trained-model';

function Editor() {
  const { store, bridge } = useEditor();
  const state = useEditorState();
  const flow = useReactFlow();
  const [theme, toggleTheme] = useTheme();
  const [gallery, setGallery] = useState(false);
  const [help, setHelp] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [bottomTab, setBottomTab] = useState<'problems' | 'summary' | null>('problems');
  const [training, setTraining] = useState(false);
  /** New or Open waiting while the user says what becomes of unsaved changes. */
  const [unsavedQuestion, setUnsavedQuestion] = useState<{ action: string; proceed(): void } | null>(null);
  const [trainingController] = useState(() => createTrainingController(store));
  const restore = useAutosave(store, bridge, state);
  const dirty = isDirty(state);
  const title = designName(state.fileName);

  useEffect(() => bridge.setDirty(dirty, title), [bridge, dirty, title]);
  // Ready the layout engine while the user looks at the empty canvas.
  useEffect(() => {
    const timer = setTimeout(warmUpLayout, 300);
    return () => clearTimeout(timer);
  }, []);

  const flowStore = useStoreApi();
  // After a layout the canvas shows the design again (whole if it reads, else its input end).
  const [viewRequest, setViewRequest] = useState(0);
  const showDesign = useCallback(() => setViewRequest((n) => n + 1), []);
  // Fit shows it whole; React Flow needs a moment to measure new boxes before it can fit them.
  const fitSoon = useCallback(
    () => setTimeout(() => void flow.fitView({ padding: FIT_PADDING, maxZoom: 1.2, minZoom: 0.02 }), 30),
    [flow],
  );
  /** Fit with semantic zoom: groups collapse first where the whole would be too small to read. */
  const fit = useCallback(async () => {
    const { width, height } = flowStore.getState();
    const plan = planSemanticFit(store.getState().graph, width, height);
    if (plan) await showGroupsAs(store, plan);
    fitSoon();
  }, [flowStore, store, fitSoon]);

  /** Runs `proceed` (which replaces the design) at once, or after asking when the design has unsaved changes. */
  const unlessUnsaved = useCallback(
    (action: string, proceed: () => void) => {
      if (isDirty(store.getState())) setUnsavedQuestion({ action, proceed });
      else proceed();
    },
    [store],
  );

  // What every page command does; the table in core/commands.ts says what they are called and where they show.
  const handlers = useMemo<Record<PageCommandId, (arg?: string) => void>>(
    () => ({
      new: () => unlessUnsaved('start a new design', () => newDesign(store)),
      templates: () => setGallery(true),
      open: () => unlessUnsaved('open another design', () => void openProject(store, bridge)),
      // The desktop menu's recent files and files given on the command line.
      'open-recent': (path) => unlessUnsaved('open another design', () => void openProject(store, bridge, path)),
      save: () => void saveProject(store, bridge),
      'save-as': () => void saveProject(store, bridge, { saveAs: true }),
      'import-model': () => void importModel(store, bridge),
      export: () => setExporting(true),
      'export-model': () => void exportModel(store, bridge),
      'export-pytorch': () => void exportDesign(store, bridge, 'pytorch'),
      'export-onnx': () => void exportDesign(store, bridge, 'onnx'),
      'export-summary': () => void exportSummary(store, bridge, 'markdown'),
      undo: () => store.undo(),
      redo: () => store.redo(),
      cut: () => cutSelection(store),
      copy: () => copySelection(store),
      paste: () => paste(store),
      duplicate: () => duplicateSelection(store),
      delete: () => deleteSelection(store),
      'select-all': () => selectAll(store),
      'auto-layout': () => void layoutAll(store).then(showDesign),
      'layout-direction': () => {
        const down = (store.getState().graph.direction ?? 'TB') === 'TB';
        void setDirection(store, down ? 'LR' : 'TB').then(showDesign);
      },
      'fit-view': () => void fit(),
      'collapse-all': () => void setAllGroupsCollapsed(store, true).then(showDesign),
      'expand-all': () => void setAllGroupsCollapsed(store, false).then(showDesign),
      'toggle-summary': () => setBottomTab((t) => (t === 'summary' ? null : 'summary')),
      'toggle-theme': toggleTheme,
      // The Train view holds the data, the settings and Start.
      'train-start': () => setTraining(true),
      'train-stop': () => trainingController.stop(),
      'train-open': () => setTraining(true),
      help: () => setHelp(true),
      escape: () => {
        setGallery(false);
        setHelp(false);
        setExporting(false);
        store.select([]);
      },
    }),
    [store, bridge, fit, showDesign, toggleTheme, trainingController, unlessUnsaved],
  );
  const run = useCallback(
    (command: string, arg?: string) => {
      if (isPageCommand(command)) handlers[command](arg);
    },
    [handlers],
  );
  // The desktop's Train menu follows the real run; the page's Train button always opens the Train view,
  // which says why a design cannot train.
  const trainingRunning = useSyncExternalStore(trainingController.subscribe, () =>
    isRunning(trainingController.getState().run.phase),
  );
  useTrainingState(bridge, trainingRunning);
  const context: CommandContext = {
    canUndo: state.past.length > 0,
    canRedo: state.future.length > 0,
    hasSelection: state.selectedNodes.size + state.selectedEdges.size > 0,
    hasGroups: state.graph.groups.length > 0,
  };

  useFileDrop(store);
  useCommandKeys(run);
  useEffect(() => bridge.onMenuCommand((command, arg) => run(command, arg)), [bridge, run]);

  const createFromTemplate = (
    template: Parameters<Parameters<typeof TemplateGallery>[0]['onCreate']>[0],
    input: number[],
    classes: number,
  ) => {
    const built = buildTemplate(template, input, classes);
    if (!built.graph) return built.error;
    const graph = built.graph;
    // The gallery closes once the template is laid out and on the canvas.
    void openGraph(store, graph, null).then(() => {
      store.setDesignTitle(template.title);
      setGallery(false);
      store.notify('info', `${template.title}: ${graph.nodes.length} layers. Ctrl+Z returns to the previous design.`);
    });
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
      <Toolbar title={title} dirty={dirty} context={context} run={run} />
      {restore && (
        <div className="nc-banner" role="alert" data-testid="restore-banner">
          NetCanvas found unsaved work{restore.design.fileName ? ` on ${restore.design.fileName}` : ''} (
          {restore.design.graph.nodes.length} layers
          {restore.design.savedAt ? `, ${new Date(restore.design.savedAt).toLocaleString()}` : ''}).
          <button className="nc-primary" data-testid="restore-accept" onClick={restore.accept}>
            Restore
          </button>
          <button data-testid="restore-dismiss" onClick={restore.discard}>
            Discard
          </button>
        </div>
      )}
      <div className="nc-main">
        <Palette onAdd={(type) => addLayer(store, type)} />
        <div className="nc-center">
          <Canvas colorMode={theme} viewRequest={viewRequest} />
          {/* At the top of the canvas, never over the panels' controls (the Problems tab's fixes, the inspector). */}
          {notice && (
            <div
              className={`nc-toast nc-toast-${notice.kind}`}
              role={notice.kind === 'error' ? 'alert' : 'status'}
              data-testid="notice"
              key={notice.serial}
            >
              <span>{notice.text}</span>
              {notice.action && (
                <button onClick={notice.action.run} data-testid="notice-action">
                  {notice.action.label}
                </button>
              )}
              <button className="nc-icon-button" onClick={() => store.dismissNotice()} aria-label="Dismiss notice">
                ✕
              </button>
            </div>
          )}
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
      {gallery && <TemplateGallery onCreate={createFromTemplate} onClose={() => setGallery(false)} />}
      {help && <HelpPanel onClose={() => setHelp(false)} />}
      {exporting && (
        <ExportDialog
          trainedAccuracy={trainedModelFor(state, state.graph)?.accuracy ?? null}
          onChoose={(command) => run(command)}
          onClose={() => setExporting(false)}
        />
      )}
      {state.pendingImport && (
        <InputSizeDialog
          pending={state.pendingImport}
          onImport={(size) => state.pendingImport && importModelFile(store, state.pendingImport.file, size)}
          onCancel={() => store.setPendingImport(null)}
        />
      )}
      {unsavedQuestion && (
        <UnsavedDialog
          title={title}
          action={unsavedQuestion.action}
          onSave={() => {
            setUnsavedQuestion(null);
            void saveProject(store, bridge, { then: unsavedQuestion.proceed });
          }}
          onDiscard={() => {
            setUnsavedQuestion(null);
            unsavedQuestion.proceed();
          }}
          onCancel={() => setUnsavedQuestion(null)}
        />
      )}
      {state.pendingSave && (
        <SaveNameDialog
          suggestedName={state.pendingSave.suggestedName}
          onSave={(name) => void saveProject(store, bridge, { then: state.pendingSave?.then, name })}
          onCancel={() => store.setPendingSave(null)}
        />
      )}
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
