/** One problem with its one-click fix, as the inspector and the problems panel list it. */
import type { Diagnostic } from '../../core/errors';
import { useEditor } from '../state/EditorContext';
import { fix } from '../state/edit-commands';

export function DiagnosticItem({
  diagnostic,
  testId,
  onSelect,
}: {
  diagnostic: Diagnostic;
  testId: string;
  onSelect?: () => void;
}) {
  const { store } = useEditor();
  const repairs = diagnostic.fix ? [diagnostic.fix, ...(diagnostic.alternatives ?? [])] : [];
  return (
    <li className={`nc-diagnostic nc-${diagnostic.severity}`} data-testid={testId} data-code={diagnostic.code}>
      <span className="nc-diagnostic-icon" aria-label={diagnostic.severity}>
        {diagnostic.severity === 'error' ? '●' : '▲'}
      </span>
      <span className="nc-diagnostic-message" onClick={onSelect} role={onSelect ? 'button' : undefined}>
        {diagnostic.message}
      </span>
      {repairs.length > 0 && (
        <span className="nc-fixes" role="group" aria-label="Fixes">
          {repairs.map((repair, i) => (
            <button
              key={repair.label}
              className="nc-fix"
              onClick={() => fix(store, repair)}
              // The first is the one the tests and the keyboard reach first; the others are alternatives.
              data-testid={i === 0 ? 'fix' : 'fix-alternative'}
              title="Apply this fix (undo with Ctrl+Z)"
            >
              {repair.label}
            </button>
          ))}
        </span>
      )}
    </li>
  );
}
