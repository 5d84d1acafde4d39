/**
 * The legend of the layer-health marks, on the canvas while the last training
 * run's figures are shown: each problem's colour and threshold (core's), its
 * rule and advice on hover.
 */
import { Panel } from '@xyflow/react';
import { HEALTH_PROBLEMS } from '../../core/train/layer-health';
import { HEALTH_COLOR } from './health-view';

export function HealthLegend({ epoch }: { epoch: number }) {
  return (
    <Panel position="top-right" className="nc-health-legend" data-testid="health-legend">
      <h4 title="Measured on each epoch's last training step (and the run's first) and on a validation batch; hover a layer's mark for its figures">
        Layer health · epoch {epoch + 1}
      </h4>
      <ul>
        <li style={{ '--health': HEALTH_COLOR.healthy } as React.CSSProperties}>
          <span className="nc-swatch" />
          <b>Healthy</b> update ratio ~1e-3
        </li>
        {HEALTH_PROBLEMS.map((problem) => (
          <li
            key={problem.id}
            style={{ '--health': HEALTH_COLOR[problem.id] } as React.CSSProperties}
            title={`${problem.label}: ${problem.rule}. ${problem.advice}`}
          >
            <span className="nc-swatch" />
            <b>{problem.label}</b> {problem.threshold}
          </li>
        ))}
      </ul>
    </Panel>
  );
}
