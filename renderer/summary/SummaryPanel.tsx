/** The model summary table: per layer output shape, parameters, MACs and memory, with CSV and Markdown export. */
import { shapeText } from '../../core/graph/infer';
import { useDerived, useEditor, useEditorState } from '../state/EditorContext';
import { exportSummary } from '../state/file-commands';
import { formatBytes, formatCount } from './summary-text';

export function SummaryPanel() {
  const { store, bridge } = useEditor();
  const { selectedNodes } = useEditorState();
  const { summary } = useDerived();
  const { totals } = summary;
  return (
    <div className="nc-summary" data-testid="summary-panel">
      <div className="nc-summary-actions">
        <button onClick={() => void exportSummary(store, bridge, 'csv')} data-testid="export-csv">
          Export CSV
        </button>
        <button onClick={() => void exportSummary(store, bridge, 'markdown')} data-testid="export-markdown">
          Export Markdown
        </button>
      </div>
      <table className="nc-table">
        <thead>
          <tr>
            <th>Layer</th>
            <th>Type</th>
            <th>Output shape</th>
            <th className="nc-num">Trainable</th>
            <th className="nc-num">Non-trainable</th>
            <th className="nc-num">MACs</th>
            <th className="nc-num">Memory / sample</th>
          </tr>
        </thead>
        <tbody>
          {summary.layers.map((l) => (
            <tr
              key={l.nodeId}
              className={selectedNodes.has(l.nodeId) ? 'nc-row-selected' : undefined}
              onClick={() => store.select([l.nodeId])}
              data-testid={`summary-row-${l.name}`}
            >
              <td>{l.name}</td>
              <td>{l.type}</td>
              <td className="nc-mono">{l.outputShape ? shapeText(l.outputShape) : '?'}</td>
              <td className="nc-num">{formatCount(l.trainableParams)}</td>
              <td className="nc-num">{formatCount(l.nonTrainableParams)}</td>
              <td className="nc-num">{formatCount(l.macs)}</td>
              <td className="nc-num">{formatBytes(l.activationBytes)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={3}>Total ({summary.layers.length} layers)</td>
            <td className="nc-num">{formatCount(totals.trainableParams)}</td>
            <td className="nc-num">{formatCount(totals.nonTrainableParams)}</td>
            <td className="nc-num">{formatCount(totals.macs)}</td>
            <td className="nc-num">{formatBytes(totals.activationBytes)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
