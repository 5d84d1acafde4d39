/** A layer on the canvas: name, key parameters, output shape and parameter count, coloured by category. */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { BadgeProblem, LayerFlowNode } from './flow-model';
import { CATEGORY_COLOR } from './category-style';
import { HEALTH_COLOR } from './health-view';
import { formatCount } from '../summary/summary-text';

/** The problem badge: red for errors, amber for warnings; hovering lists the messages. */
export function ProblemBadge({ problems }: { problems: readonly BadgeProblem[] }) {
  if (!problems.length) return null;
  const error = problems.some((p) => p.severity === 'error');
  return (
    <span
      className={`nc-badge ${error ? 'nc-badge-error' : 'nc-badge-warning'}`}
      data-testid="node-badge"
      title={problems.map((p) => p.message).join('\n')}
      aria-label={problems.map((p) => p.message).join('\n')}
    >
      {error ? '!' : '⚠'}
      {problems.length > 1 ? problems.length : ''}
    </span>
  );
}

/** The last run's health of the layer: a coloured mark with its problem or telling figure; hovering lists them all. */
export function HealthBadge({ health }: { health: NonNullable<LayerFlowNode['data']['health']> }) {
  return (
    <span
      className="nc-node-health"
      style={{ '--health': HEALTH_COLOR[health.status] } as React.CSSProperties}
      data-testid="node-health"
      data-health={health.status}
      title={health.detail}
      aria-label={`health: ${health.detail}`}
    >
      {health.text}
    </span>
  );
}

function LayerNodeView({ data, selected }: NodeProps<LayerFlowNode>) {
  const color = CATEGORY_COLOR[data.category];
  const ailing = data.health && data.health.status !== 'healthy';
  return (
    <div
      className={`nc-node${selected ? ' nc-selected' : ''}${data.problems.length ? ' nc-has-problem' : ''}${ailing ? ' nc-ailing' : ''}`}
      style={
        {
          '--accent': color,
          ...(data.health ? { '--health': HEALTH_COLOR[data.health.status] } : {}),
        } as React.CSSProperties
      }
      data-testid={`node-${data.name}`}
    >
      {data.hasInputs && <Handle type="target" position={data.direction === 'LR' ? Position.Left : Position.Top} />}
      <div className="nc-node-head">
        <span className="nc-node-name">{data.name}</span>
        {data.frozen && (
          <span
            className="nc-node-frozen"
            data-testid="node-frozen"
            title="Frozen (trainable: false): training leaves its weights as they are"
            aria-label="frozen"
          >
            ❄
          </span>
        )}
        <span className="nc-node-type">{data.label}</span>
        <ProblemBadge problems={data.problems} />
      </div>
      <div className="nc-node-detail" title={data.detail}>
        {data.detail || '\u00a0'}
      </div>
      <div className="nc-node-foot">
        <span className="nc-node-shape" data-testid="node-shape">
          {data.shape || '?'}
        </span>
        {data.health && <HealthBadge health={data.health} />}
        <span className="nc-node-params" data-testid="node-params" title={`${formatCount(data.params)} parameters`}>
          {data.params ? `${formatCount(data.params)} p` : '—'}
        </span>
      </div>
      <Handle type="source" position={data.direction === 'LR' ? Position.Right : Position.Bottom} />
    </div>
  );
}

export const LayerNode = memo(LayerNodeView);
