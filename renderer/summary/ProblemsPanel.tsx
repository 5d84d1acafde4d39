/** Every problem in the design, each with its fix; clicking one selects its layer. */
import { DiagnosticItem } from '../inspector/DiagnosticItem';
import { useDerived, useEditor } from '../state/EditorContext';

export function ProblemsPanel() {
  const { store } = useEditor();
  const { report } = useDerived();
  if (!report.diagnostics.length)
    return (
      <p className="nc-pad nc-muted" data-testid="no-problems">
        No problems: every shape fits.
      </p>
    );
  return (
    <ul className="nc-diagnostics nc-problems" data-testid="problems-panel">
      {report.diagnostics.map((d, i) => (
        <DiagnosticItem
          key={`${d.nodeId}-${d.code}-${i}`}
          diagnostic={d}
          testId="diagnostic"
          onSelect={() => store.select([d.nodeId])}
        />
      ))}
    </ul>
  );
}
