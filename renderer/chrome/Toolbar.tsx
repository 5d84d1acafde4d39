/** The command bar: file, edit and view commands, and the design's name with its unsaved marker. */
import type { CommandId } from './shortcuts';

interface ToolbarProps {
  title: string;
  dirty: boolean;
  canUndo: boolean;
  canRedo: boolean;
  hasSelection: boolean;
  theme: 'light' | 'dark';
  run(command: CommandId): void;
  onToggleGroups(collapsed: boolean): void;
  hasGroups: boolean;
  /** Opens the Train view. */
  onTrain?(): void;
}

function Tool({
  id,
  label,
  title,
  onClick,
  disabled,
}: {
  id: string;
  label: string;
  title: string;
  onClick(): void;
  disabled?: boolean;
}) {
  return (
    <button className="nc-tool" onClick={onClick} disabled={disabled} title={title} data-testid={id}>
      {label}
    </button>
  );
}

export function Toolbar({
  title,
  dirty,
  canUndo,
  canRedo,
  hasSelection,
  theme,
  run,
  onToggleGroups,
  hasGroups,
  onTrain,
}: ToolbarProps) {
  return (
    <header className="nc-toolbar">
      <div className="nc-brand">
        <span className="nc-logo" aria-hidden>
          ◈
        </span>
        NetCanvas
      </div>
      <div className="nc-tool-group" role="group" aria-label="File">
        <Tool id="new" label="New" title="New design (Ctrl+N)" onClick={() => run('new')} />
        <Tool
          id="templates"
          label="Templates…"
          title="New from a template (Ctrl+Shift+T)"
          onClick={() => run('templates')}
        />
        <Tool id="open" label="Open…" title="Open a project (Ctrl+O)" onClick={() => run('open')} />
        <Tool id="save" label="Save" title="Save (Ctrl+S)" onClick={() => run('save')} />
        <Tool id="save-as" label="Save As…" title="Save as (Ctrl+Shift+S)" onClick={() => run('save-as')} />
        <Tool
          id="import-model"
          label="Import…"
          title="Import a Keras / TensorFlow.js model.json (Ctrl+I)"
          onClick={() => run('import-model')}
        />
        <Tool
          id="export-model"
          label="Export…"
          title="Export as TensorFlow.js model JSON (Ctrl+E)"
          onClick={() => run('export-model')}
        />
      </div>
      <div className="nc-tool-group" role="group" aria-label="Edit">
        <Tool id="undo" label="↶ Undo" title="Undo (Ctrl+Z)" onClick={() => run('undo')} disabled={!canUndo} />
        <Tool
          id="redo"
          label="↷ Redo"
          title="Redo (Ctrl+Shift+Z or Ctrl+Y)"
          onClick={() => run('redo')}
          disabled={!canRedo}
        />
        <Tool
          id="duplicate"
          label="Duplicate"
          title="Duplicate (Ctrl+D)"
          onClick={() => run('duplicate')}
          disabled={!hasSelection}
        />
        <Tool id="delete" label="Delete" title="Delete (Del)" onClick={() => run('delete')} disabled={!hasSelection} />
      </div>
      <div className="nc-tool-group" role="group" aria-label="View">
        <Tool
          id="auto-layout"
          label="Layout"
          title="Auto-layout with dagre (Ctrl+Shift+L)"
          onClick={() => run('auto-layout')}
        />
        <Tool id="fit-view" label="Fit" title="Fit view (Shift+F)" onClick={() => run('fit-view')} />
        <Tool
          id="collapse-all"
          label="Collapse"
          title="Collapse every group"
          onClick={() => onToggleGroups(true)}
          disabled={!hasGroups}
        />
        <Tool
          id="expand-all"
          label="Expand"
          title="Expand every group"
          onClick={() => onToggleGroups(false)}
          disabled={!hasGroups}
        />
        <Tool
          id="toggle-theme"
          label={theme === 'dark' ? '☀' : '☾'}
          title={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme (Ctrl+Shift+K)`}
          onClick={() => run('toggle-theme')}
        />
        <Tool id="help" label="?" title="Keyboard shortcuts (F1)" onClick={() => run('help')} />
      </div>
      {onTrain && (
        <div className="nc-tool-group" role="group" aria-label="Train">
          <Tool id="train-open" label="Train" title="Train this design on a dataset" onClick={onTrain} />
        </div>
      )}
      <div className="nc-title" data-testid="design-title">
        {/* The marker comes first so a narrow window cuts the name, never the marker. */}
        {dirty && (
          <span className="nc-dirty" title="Unsaved changes" data-testid="unsaved-marker">
            ●
          </span>
        )}
        <span className="nc-title-text" title={title}>
          {title}
        </span>
      </div>
    </header>
  );
}
