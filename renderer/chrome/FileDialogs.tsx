/**
 * The questions around files: "save the unsaved changes first?" before New
 * or Open replace the design, and, in the web build, the file name to save
 * under (a page cannot show the system's save dialog; the file downloads
 * under the name given).
 */
import { useState } from 'react';
import { fileNameProblem, projectFileName } from '../state/file-commands';
import { FormEnd, Modal, START_HERE } from './Modal';

/** Asked before New or Open replace a design with unsaved changes. */
export function UnsavedDialog({
  title,
  action,
  onSave,
  onDiscard,
  onCancel,
}: {
  /** The design's name, e.g. "Untitled". */
  title: string;
  /** What waits, e.g. "start a new design". */
  action: string;
  onSave(): void;
  onDiscard(): void;
  onCancel(): void;
}) {
  return (
    <Modal label="Unsaved changes" title="Unsaved changes" testId="unsaved-dialog" onClose={onCancel}>
      <div className="nc-pad">
        <p>
          “{title}” has changes that are not saved. Save them before you {action}?
        </p>
        <div className="nc-button-row">
          <button className="nc-primary" onClick={onSave} {...START_HERE} data-testid="unsaved-save">
            Save first
          </button>
          <button onClick={onDiscard} data-testid="unsaved-discard">
            Discard changes
          </button>
          <button onClick={onCancel} data-testid="unsaved-cancel">
            Cancel
          </button>
        </div>
      </div>
    </Modal>
  );
}

/** The web build's Save: the file name to download the project under. */
export function SaveNameDialog({
  suggestedName,
  onSave,
  onCancel,
}: {
  suggestedName: string;
  onSave(name: string): void;
  onCancel(): void;
}) {
  const [text, setText] = useState(suggestedName);
  const [error, setError] = useState<string | null>(null);
  return (
    <Modal label="Save as" title="Save as" testId="save-name-dialog" onClose={onCancel}>
      <form
        className="nc-pad"
        onSubmit={(e) => {
          e.preventDefault();
          const problem = fileNameProblem(text);
          if (problem) setError(problem);
          else onSave(projectFileName(text));
        }}
      >
        <div className="nc-field">
          <label htmlFor="nc-save-name">File name</label>
          <input
            id="nc-save-name"
            value={text}
            {...START_HERE}
            // The name is selected without its ending, so typing replaces just the name.
            onFocus={(e) =>
              e.currentTarget.setSelectionRange(0, text.replace(/\.netcanvas\.json$|\.json$/i, '').length)
            }
            onChange={(e) => {
              setText(e.target.value);
              setError(null);
            }}
            data-testid="save-name"
          />
        </div>
        <p className="nc-muted">The browser downloads the project under this name, to its downloads folder.</p>
        <FormEnd
          error={error}
          testId={{ error: 'save-name-error', submit: 'save-name-save' }}
          submitLabel="Save"
          onCancel={onCancel}
        />
      </form>
    </Modal>
  );
}
