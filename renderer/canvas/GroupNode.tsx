/** A collapsed group (residual block, VGG stage, sub-model) as one box, and the frame behind an expanded one. */
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { useEditor } from '../state/EditorContext';
import { toggleGroup } from '../state/edit-commands';
import { formatCount } from '../summary/summary-text';
import { HealthBadge, ProblemBadge } from './LayerNode';
import { HEALTH_COLOR } from './health-view';
import type { FrameFlowNode, GroupFlowNode } from './flow-model';

function GroupNodeView({ data, selected }: NodeProps<GroupFlowNode>) {
  const { store } = useEditor();
  return (
    <div
      className={`nc-node nc-group${selected ? ' nc-selected' : ''}${data.health && data.health.status !== 'healthy' ? ' nc-ailing' : ''}`}
      style={data.health ? ({ '--health': HEALTH_COLOR[data.health.status] } as React.CSSProperties) : undefined}
      data-testid={`group-${data.label}`}
    >
      <Handle type="target" position={data.direction === 'LR' ? Position.Left : Position.Top} />
      <div className="nc-node-head">
        <button
          className="nc-icon-button"
          title="Expand group"
          aria-label={`Expand ${data.label}`}
          data-testid="group-expand"
          onClick={(e) => {
            e.stopPropagation();
            toggleGroup(store, data.groupId);
          }}
        >
          ▸
        </button>
        <span className="nc-node-name">{data.label}</span>
        <ProblemBadge problems={data.problems} />
      </div>
      <div className="nc-node-detail">
        {data.layers} layers · in {data.inShape || '?'}
      </div>
      <div className="nc-node-foot">
        <span className="nc-node-shape" data-testid="node-shape">
          {data.outShape || '?'}
        </span>
        {data.health && <HealthBadge health={data.health} />}
        <span className="nc-node-params" data-testid="node-params">
          {data.params ? `${formatCount(data.params)} p` : '—'}
        </span>
      </div>
      <Handle type="source" position={data.direction === 'LR' ? Position.Right : Position.Bottom} />
    </div>
  );
}

function FrameNodeView({ data }: NodeProps<FrameFlowNode>) {
  const { store } = useEditor();
  return (
    <div className="nc-frame" data-testid={`frame-${data.label}`}>
      <button
        className="nc-frame-title nodrag"
        title="Collapse group"
        aria-label={`Collapse ${data.label}`}
        data-testid="group-collapse"
        onClick={(e) => {
          e.stopPropagation();
          toggleGroup(store, data.groupId);
        }}
      >
        ▾ {data.label}
      </button>
    </div>
  );
}

export const GroupNode = memo(GroupNodeView);
export const FrameNode = memo(FrameNodeView);
