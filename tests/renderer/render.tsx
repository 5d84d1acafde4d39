/**
 * Rendering React components into jsdom for renderer tests, with React's own
 * `act`, and typing into inputs the way a browser reports it.
 */
import { act, type ReactNode } from 'react';
import { createRoot, type Root } from 'react-dom/client';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

/** A mounted tree and its container. */
export interface Mounted {
  container: HTMLElement;
  byTestId(id: string): HTMLElement | null;
  allByTestId(prefix: string): HTMLElement[];
  unmount(): void;
}

export function render(ui: ReactNode): Mounted {
  const container = document.createElement('div');
  document.body.append(container);
  let root: Root;
  act(() => {
    root = createRoot(container);
    root.render(ui);
  });
  return {
    container,
    byTestId: (id) => container.querySelector(`[data-testid="${id}"]`),
    allByTestId: (prefix) => [...container.querySelectorAll<HTMLElement>(`[data-testid^="${prefix}"]`)],
    unmount: () => {
      act(() => root.unmount());
      container.remove();
    },
  };
}

/** Types `value` into an input as a user would: React sees a native input event. */
export function typeInto(input: HTMLElement | null, value: string): void {
  if (!(input instanceof HTMLInputElement)) throw new Error('not an input');
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  act(() => {
    setter?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

/** Runs `fn` inside act (a store update outside React's event handlers). */
export function inAct(fn: () => void): void {
  act(fn);
}
