/**
 * Autosave as a hook: while the design has unsaved changes it is handed to
 * the host after a pause in editing; at start-up a design the host kept from
 * a previous session is offered back. Nothing is written while that offer is
 * open, so the offered copy is never overwritten before the user decides.
 */
import { useEffect, useState } from 'react';
import type { NetCanvasBridge } from '../../electron/contract';
import { autosaveText, designFromAutosave, type AutosavedDesign } from './autosave';
import { isDirty, type EditorState, type EditorStore } from './editor-store';

/** Autosave after this long without an edit, so typing is never held up by serialising a big design. */
const AUTOSAVE_DELAY_MS = 600;

/** What the restore banner needs: the design on offer, and the two answers. */
export interface RestoreOffer {
  design: AutosavedDesign;
  accept(): void;
  discard(): void;
}

/** Keeps the host's autosave current; returns the restore offer while one is open. */
export function useAutosave(store: EditorStore, bridge: NetCanvasBridge, state: EditorState): RestoreOffer | null {
  const [restore, setRestore] = useState<AutosavedDesign | null>(null);
  // Until the host has said whether a design was left behind, autosave must not overwrite it.
  const [checked, setChecked] = useState(false);
  const dirty = isDirty(state);

  useEffect(() => {
    let live = true;
    void bridge.pendingAutosave().then((pending) => {
      if (!live) return;
      const design = designFromAutosave(pending);
      if (pending && !design) bridge.storeAutosave(null); // unreadable: nothing worth offering
      setRestore(design);
      setChecked(true);
    });
    return () => {
      live = false;
    };
  }, [bridge]);

  useEffect(() => {
    if (restore || !checked) return;
    const timer = setTimeout(() => {
      bridge.storeAutosave(dirty ? { text: autosaveText(state.graph), fileName: state.fileName } : null);
    }, AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [bridge, state.graph, state.fileName, dirty, restore, checked]);

  if (!restore) return null;
  return {
    design: restore,
    accept: () => {
      store.load(restore.graph, restore.fileName, undefined, false);
      setRestore(null);
    },
    discard: () => {
      bridge.storeAutosave(null);
      setRestore(null);
    },
  };
}
