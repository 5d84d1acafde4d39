/**
 * Tab order on the canvas: the layers in graph order (input to output), then
 * the lines, then on to the controls after the canvas. React Flow puts the
 * lines before the boxes in the page (lines are drawn underneath), so
 * without this Tab would visit every line first. React Flow draws only what
 * is in view: when the next box or line in the order is not drawn, the view
 * moves to it first, so Tab walks through a long design.
 */
import { useEffect, useRef, type RefObject } from 'react';
import { tabbables } from '../chrome/Modal';

/** A box (`node`) or a line (`edge`) on the canvas, by its React Flow id. */
export interface CanvasItem {
  kind: 'node' | 'edge';
  id: string;
}

const selectorOf = (item: CanvasItem): string =>
  `.react-flow__${item.kind}[data-id="${CSS.escape(item.id)}"][tabindex="0"]`;

/** The canvas item `el` is, or null. */
function itemOf(el: Element | null): CanvasItem | null {
  if (!(el instanceof HTMLElement || el instanceof SVGElement) || !el.dataset.id) return null;
  if (el.classList.contains('react-flow__node')) return { kind: 'node', id: el.dataset.id };
  if (el.classList.contains('react-flow__edge')) return { kind: 'edge', id: el.dataset.id };
  return null;
}

/** The first control Tab reaches after `viewport` (forward) or before it (backward), outside it. */
function beyond(viewport: Element, forward: boolean): HTMLElement | undefined {
  const all = tabbables(document.body).filter((el) => !viewport.contains(el) && el.getClientRects().length > 0);
  const after = (el: Element) => Boolean(viewport.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING);
  return forward ? all.find(after) : all.filter((el) => !after(el)).at(-1);
}

/**
 * Makes Tab and Shift+Tab on the canvas in `wrapper` visit the boxes in the
 * order of `nodeIds` (graph order), then the lines in the order of `edgeIds`.
 * `reveal` moves the view to an item that is not drawn.
 */
export function useGraphTabOrder(
  wrapper: RefObject<HTMLElement | null>,
  nodeIds: readonly string[],
  edgeIds: readonly string[],
  reveal: (item: CanvasItem) => void,
): void {
  const latest = useRef({ nodeIds, edgeIds, reveal });
  useEffect(() => {
    latest.current = { nodeIds, edgeIds, reveal };
  });

  useEffect(() => {
    const root = wrapper.current;
    if (!root) return;
    const viewportOf = () => root.querySelector('.react-flow__viewport');

    // Set while this hook moves focus itself, so `onFocusIn` leaves that focus where it was put. Moving the
    // view to a line can take the focused box out of the page; the line, focused two frames later, then
    // arrives from nowhere (no relatedTarget) and would otherwise be taken for Tab coming in from before the
    // canvas and sent back to the first box.
    let focusing = false;
    const focus = (el: HTMLElement | null) => {
      focusing = true;
      try {
        el?.focus();
      } finally {
        focusing = false;
      }
    };

    /** Focuses `item`, moving the view to it first when it is not drawn. */
    const focusItem = (item: CanvasItem) => {
      const drawn = root.querySelector<HTMLElement>(selectorOf(item));
      if (drawn) return focus(drawn);
      latest.current.reveal(item);
      // React Flow draws what came into view on the next frames.
      requestAnimationFrame(() =>
        requestAnimationFrame(() => focus(root.querySelector<HTMLElement>(selectorOf(item)))),
      );
    };
    const ordered = (): CanvasItem[] => [
      ...latest.current.nodeIds.map((id) => ({ kind: 'node' as const, id })),
      ...latest.current.edgeIds.map((id) => ({ kind: 'edge' as const, id })),
    ];

    const onKeyDown = (event: KeyboardEvent) => {
      const viewport = viewportOf();
      if (event.key !== 'Tab' || event.ctrlKey || event.altKey || event.metaKey || !viewport) return;
      const current = itemOf(document.activeElement);
      if (!current) return;
      const list = ordered();
      const at = list.findIndex((item) => item.kind === current.kind && item.id === current.id);
      if (at === -1) return;
      event.preventDefault();
      const next = list[at + (event.shiftKey ? -1 : 1)];
      if (next) focusItem(next);
      else beyond(viewport, !event.shiftKey)?.focus();
    };

    // Tabbing in from before the canvas lands on the first line (first in the page): start at the first box
    // instead; Shift+Tab in from after it lands on the last box: start at the last line. Only for Tab: a
    // click on a box focuses that box.
    let tabbing = false;
    const onAnyKey = (event: KeyboardEvent) => (tabbing = event.type === 'keydown' && event.key === 'Tab');
    const onPointer = () => (tabbing = false);
    const onFocusIn = (event: FocusEvent) => {
      const viewport = viewportOf();
      const from = event.relatedTarget as Element | null;
      if (focusing || !tabbing || !viewport || !itemOf(event.target as Element) || (from && viewport.contains(from)))
        return;
      const list = ordered();
      if (!list.length) return;
      const forward = !from || Boolean(from.compareDocumentPosition(viewport) & Node.DOCUMENT_POSITION_FOLLOWING);
      const start = forward ? list[0] : list[list.length - 1];
      const landed = itemOf(event.target as Element);
      if (landed?.kind !== start.kind || landed.id !== start.id) focusItem(start);
    };

    root.addEventListener('keydown', onKeyDown);
    root.addEventListener('focusin', onFocusIn);
    document.addEventListener('keydown', onAnyKey, true);
    document.addEventListener('keyup', onAnyKey, true);
    document.addEventListener('pointerdown', onPointer, true);
    return () => {
      root.removeEventListener('keydown', onKeyDown);
      root.removeEventListener('focusin', onFocusIn);
      document.removeEventListener('keydown', onAnyKey, true);
      document.removeEventListener('keyup', onAnyKey, true);
      document.removeEventListener('pointerdown', onPointer, true);
    };
  }, [wrapper]);
}
