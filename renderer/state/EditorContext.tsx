/**
 * React access to the editor: the store, the bridge, and what core derives
 * from the current graph (shape report and summary), computed once per graph
 * with useMemo and shared by every panel.
 */
import { createContext, useContext, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import type { NetCanvasBridge } from '../../electron/contract';
import { inferShapes, type ShapeReport } from '../../core/graph/infer';
import { summarize, type ModelSummary } from '../../core/graph/summary';
import type { EditorState, EditorStore } from './editor-store';

/** What every component can reach. */
export interface EditorContextValue {
  store: EditorStore;
  bridge: NetCanvasBridge;
}

/** Derived from the graph, never stored. */
export interface Derived {
  report: ShapeReport;
  summary: ModelSummary;
}

const EditorContext = createContext<EditorContextValue | null>(null);
const DerivedContext = createContext<Derived | null>(null);

/** Provides the store, the bridge and the derived data to the tree below. */
export function EditorProvider({ store, bridge, children }: EditorContextValue & { children: ReactNode }) {
  const graph = useSyncExternalStore(store.subscribe, () => store.getState().graph);
  const derived = useMemo(() => {
    const report = inferShapes(graph);
    return { report, summary: summarize(graph, report) };
  }, [graph]);
  const value = useMemo(() => ({ store, bridge }), [store, bridge]);
  return (
    <EditorContext.Provider value={value}>
      <DerivedContext.Provider value={derived}>{children}</DerivedContext.Provider>
    </EditorContext.Provider>
  );
}

/** The store and the bridge. */
export function useEditor(): EditorContextValue {
  const value = useContext(EditorContext);
  if (!value) throw new Error('useEditor must be used inside <EditorProvider>');
  return value;
}

/** The editor state, re-rendering when it changes. */
export function useEditorState(): EditorState {
  const { store } = useEditor();
  return useSyncExternalStore(store.subscribe, store.getState);
}

/** Shape report and summary of the current graph. */
export function useDerived(): Derived {
  const value = useContext(DerivedContext);
  if (!value) throw new Error('useDerived must be used inside <EditorProvider>');
  return value;
}
