/**
 * Layer health in the Train view, while a run goes and after it: one row per
 * layer with its mark (the colour the canvas gives its box), the share of dead
 * or saturated units, the gradient norm and the update-to-weight ratio of the
 * latest epoch. The same figures mark the boxes on the canvas.
 */
import type { Graph } from '../../../core/graph/graph';
import { HEALTH_PROBLEMS, healthFigure } from '../../../core/train/layer-health';
import { HEALTH_COLOR, healthLines, healthStatus } from '../../canvas/health-view';
import { healthByNode, type LayerHealthRecord } from '../../state/layer-health';

const statusLabel = (status: ReturnType<typeof healthStatus>): string =>
  HEALTH_PROBLEMS.find((p) => p.id === status)?.label ?? 'Healthy';

export function LayerHealthPanel({ record, graph }: { record: LayerHealthRecord | null; graph: Graph }) {
  const byNode = healthByNode(record, graph);
  if (!record || byNode.size === 0) return null;
  const { epoch } = record.report;
  return (
    <section className="nc-train-section" aria-label="Layer health" data-testid="train-health">
      <h3 title="Each epoch's last step (and the run's first) and a validation batch; the canvas marks each layer's box the same way">
        Layer health · epoch {epoch + 1}
      </h3>
      <table className="nc-health-table">
        <thead>
          <tr>
            <th>Layer</th>
            <th>Mark</th>
            <th title="ReLU units that never fire on the validation batch, or tanh/sigmoid outputs beyond 0.97 of the range">
              Dead / saturated
            </th>
            <th title="L2 norm of the gradient of the loss with respect to the layer's weights">Gradient norm</th>
            <th title="‖ΔW‖ / ‖W‖ over one step: about 1e-3 is healthy">Update / weight</th>
          </tr>
        </thead>
        <tbody>
          {record.report.layers
            .filter((layer) => graph.nodes.some((n) => n.name === layer.name))
            .map((layer) => {
              const status = healthStatus(layer);
              const share = layer.deadShare ?? layer.saturatedShare;
              return (
                <tr
                  key={layer.name}
                  data-testid="health-row"
                  data-health={status}
                  title={healthLines(layer, epoch).join('\n')}
                >
                  <td className="nc-mono">{layer.name}</td>
                  <td style={{ color: HEALTH_COLOR[status] }}>● {statusLabel(status)}</td>
                  <td>
                    {share === undefined
                      ? '—'
                      : `${Math.round(share * 100)}% ${layer.deadShare !== undefined ? 'dead' : 'saturated'}`}
                  </td>
                  <td className="nc-mono">
                    {layer.gradientNorm === undefined ? '—' : healthFigure(layer.gradientNorm)}
                  </td>
                  <td className="nc-mono">{layer.updateRatio === undefined ? '—' : healthFigure(layer.updateRatio)}</td>
                </tr>
              );
            })}
        </tbody>
      </table>
    </section>
  );
}
