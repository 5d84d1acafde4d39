/**
 * A modal dialog over the editor. Keyboard users stay oriented: focus moves
 * into the dialog when it opens (to the control marked `data-autofocus`,
 * else the first one), Tab and Shift+Tab cycle inside it, Escape closes
 * it, and when it closes focus returns to the control that was focused
 * before it opened (the toolbar button that opened it). While it is open the
 * editor's shortcuts do not act on the design behind it.
 */
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

/** Mark the control a dialog should start on with this (React's `autoFocus` acts before a closing dialog hands focus back). */
export const START_HERE = { 'data-autofocus': true } as const;

/** What Tab can reach, in document order. */
const TABBABLE =
  'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

/** The controls inside `root` that Tab visits, in order. */
export function tabbables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(TABBABLE)].filter(
    (el) => el.tabIndex >= 0 && !el.closest('[hidden], [inert], [aria-hidden="true"]'),
  );
}

export function Modal({
  label,
  title,
  testId,
  className,
  onClose,
  children,
}: {
  /** The dialog's accessible name. */
  label: string;
  /** The heading shown in its head, beside the close button. */
  title: ReactNode;
  testId: string;
  className?: string;
  onClose(): void;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDivElement>(null);
  // Read while rendering, before anything inside takes focus.
  const [focusedBefore] = useState(() => (typeof document === 'undefined' ? null : document.activeElement));

  useEffect(() => {
    const root = dialog.current;
    if (!root) return;
    // A dialog that replaces another (Unsaved changes → Save as) opens after the first has handed focus
    // back to the button that opened it: that button is where this one returns too.
    const returnTo = focusedBefore?.isConnected ? focusedBefore : document.activeElement;
    (root.querySelector<HTMLElement>('[data-autofocus]') ?? tabbables(root)[0] ?? root).focus();
    return () => {
      if (returnTo instanceof HTMLElement && returnTo.isConnected && !root.contains(returnTo)) returnTo.focus();
    };
  }, [focusedBefore]);

  const onKeyDown = (event: KeyboardEvent) => {
    // Shortcuts (Delete, Ctrl+Z, …) are for the design, which is behind the dialog.
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
      return;
    }
    if (event.key !== 'Tab' || !dialog.current) return;
    const inside = tabbables(dialog.current);
    if (!inside.length) {
      event.preventDefault();
      return;
    }
    const first = inside[0];
    const last = inside[inside.length - 1];
    const active = document.activeElement;
    if (event.shiftKey && (active === first || active === dialog.current)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && active === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="nc-modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        ref={dialog}
        className={`nc-modal${className ? ` ${className}` : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={label}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-testid={testId}
      >
        <header className="nc-modal-head">
          <h2>{title}</h2>
          <button className="nc-icon-button" onClick={onClose} aria-label="Close" data-testid={`${testId}-close`}>
            ✕
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}

/** The end of a dialog's form: the reason its input was refused (if any), then submit and Cancel. */
export function FormEnd({
  error,
  testId,
  submitLabel,
  onCancel,
}: {
  error: string | null;
  /** Test ids of the message and of the submit button. */
  testId: { error: string; submit: string };
  submitLabel: string;
  onCancel(): void;
}) {
  return (
    <>
      {error && (
        <div className="nc-field-error" role="alert" data-testid={testId.error}>
          {error}
        </div>
      )}
      <div className="nc-button-row">
        <button type="submit" className="nc-primary" data-testid={testId.submit}>
          {submitLabel}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </>
  );
}
