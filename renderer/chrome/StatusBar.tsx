/** The status bar: the totals, always visible, and the problem count. */
import { hasErrors } from '../../core/graph/infer';
import { useDerived, useEditorState } from '../state/EditorContext';
import { formatBytes, formatCompact, formatCount } from '../summary/summary-text';

export function StatusBar({ onShowProblems }: { onShowProblems: () => void }) {
  const { graph } = useEditorState();
  const { summary, report } = useDerived();
  const { totals } = summary;
  const errors = report.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = report.diagnostics.length - errors;
  return (
    <footer className="nc-status" role="status">
      <button
        className={`nc-status-problems ${hasErrors(report.diagnostics) ? 'nc-bad' : 'nc-good'}`}
        onClick={onShowProblems}
        data-testid="status-problems"
      >
        {errors} error{errors === 1 ? '' : 's'} · {warnings} warning{warnings === 1 ? '' : 's'}
      </button>
      <span>{graph.nodes.length} layers</span>
      <span
        title={`${formatCount(totals.trainableParams)} trainable, ${formatCount(totals.nonTrainableParams)} non-trainable`}
      >
        Params <strong data-testid="total-params">{formatCount(totals.params)}</strong>
      </span>
      <span>
        Trainable <span data-testid="total-trainable">{formatCount(totals.trainableParams)}</span>
      </span>
      <span title={`${formatCount(totals.macs)} multiply-accumulates per sample`}>
        MACs <strong data-testid="total-macs">{formatCount(totals.macs)}</strong>{' '}
        <span className="nc-muted">({formatCompact(totals.macs)})</span>
      </span>
      <span title="Weights (float32)">Weights {formatBytes(totals.params * 4)}</span>
      <span title="All layer outputs for one sample (float32)">
        Activations {formatBytes(totals.activationBytes)}/sample
      </span>
    </footer>
  );
}
