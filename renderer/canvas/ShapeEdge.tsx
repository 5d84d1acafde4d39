/**
 * A connection labelled with the tensor shape it carries, drawn along its
 * route: out of the source handle, through the bends, into the target
 * handle, with rounded corners. The label sits on the route's longest
 * straight stretch, where it has room and is clear of the boxes.
 */
import { BaseEdge, EdgeLabelRenderer, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import type { Position } from '../../core/graph/graph';
import { useDerived } from '../state/EditorContext';
import { shapeOf, type FlowEdge } from './flow-model';

/** Corner radius of a bend, less where the stretches around it are short. */
const RADIUS = 8;

/** The SVG path through `points` with rounded corners, and the middle of its longest stretch. */
export function routedPath(points: readonly Position[]): { path: string; label: Position } {
  let path = `M ${points[0].x},${points[0].y}`;
  for (let i = 1; i < points.length - 1; i++) {
    const [a, b, c] = [points[i - 1], points[i], points[i + 1]];
    const r = Math.min(RADIUS, Math.hypot(b.x - a.x, b.y - a.y) / 2, Math.hypot(c.x - b.x, c.y - b.y) / 2);
    const toward = (p: Position, q: Position) => {
      const d = Math.hypot(q.x - p.x, q.y - p.y) || 1;
      return { x: p.x + ((q.x - p.x) / d) * r, y: p.y + ((q.y - p.y) / d) * r };
    };
    const before = toward(b, a);
    const after = toward(b, c);
    path += ` L ${before.x},${before.y} Q ${b.x},${b.y} ${after.x},${after.y}`;
  }
  const last = points[points.length - 1];
  path += ` L ${last.x},${last.y}`;
  let label = points[0];
  let longest = -1;
  for (let i = 1; i < points.length; i++) {
    const length = Math.hypot(points[i].x - points[i - 1].x, points[i].y - points[i - 1].y);
    if (length > longest) {
      longest = length;
      label = { x: (points[i].x + points[i - 1].x) / 2, y: (points[i].y + points[i - 1].y) / 2 };
    }
  }
  return { path, label };
}

function ShapeEdgeView({
  id,
  source,
  target,
  sourceX,
  sourceY,
  targetX,
  targetY,
  data,
  selected,
  markerEnd,
}: EdgeProps<FlowEdge>) {
  const { report } = useDerived();
  const { path, label } = routedPath([{ x: sourceX, y: sourceY }, ...(data?.route ?? []), { x: targetX, y: targetY }]);
  const shape = data ? shapeOf(report.shapes.get(data.from)) : '';
  return (
    <>
      {/* The ends, for checks that lines run between boxes (tests/e2e/canvas.test.ts). */}
      <g data-testid="edge-line" data-source={source} data-target={target}>
        <BaseEdge id={id} path={path} markerEnd={markerEnd} className={selected ? 'nc-edge-selected' : undefined} />
      </g>
      {shape ? (
        <EdgeLabelRenderer>
          <div
            className={`nc-edge-label${selected ? ' nc-selected' : ''}`}
            style={{ transform: `translate(-50%, -50%) translate(${label.x}px, ${label.y}px)` }}
            data-testid="edge-shape"
          >
            {shape}
          </div>
        </EdgeLabelRenderer>
      ) : null}
    </>
  );
}

export const ShapeEdge = memo(ShapeEdgeView);
