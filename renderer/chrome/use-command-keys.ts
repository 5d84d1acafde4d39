/** Runs the page's keyboard shortcuts (from the command table) while the editor is mounted. */
import { useEffect } from 'react';
import type { PageCommandId } from '../../core/commands';
import { commandForKey } from './shortcuts';

const isTextField = (target: EventTarget | null): boolean =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/** Calls `run` with the command of each shortcut pressed anywhere in the window. */
export function useCommandKeys(run: (command: PageCommandId) => void): void {
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
}
