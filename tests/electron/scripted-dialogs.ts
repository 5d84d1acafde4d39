/** Test helper: main's file dialogs, answering as a user would, with the paths queued up front. */
import type { Dialogs } from '../../electron/ipc-handlers';

/** What each dialog answers, in order: open lists of paths, save paths (null: cancelled), folders. */
export interface DialogAnswers {
  open?: string[][];
  save?: (string | null)[];
  folder?: (string | null)[];
}

/** Dialogs that answer with `answers`, one per call; cancelled once the queue is empty. */
export function scriptedDialogs(answers: DialogAnswers): Dialogs {
  const open = [...(answers.open ?? [])];
  const save = [...(answers.save ?? [])];
  const folder = [...(answers.folder ?? [])];
  return {
    showOpen: async () => open.shift() ?? [],
    showSave: async () => save.shift() ?? null,
    showFolder: async () => folder.shift() ?? null,
  };
}
