/**
 * Where the view goes after a design opens or is laid out again: the whole
 * design when it reads at that size, else its input end at a readable zoom
 * (ResNet-152 expanded is 300 layers deep; the minimap gives the overview,
 * and Fit shows it whole with groups collapsed).
 */
import type { ReactFlowInstance } from '@xyflow/react';
import { boundsOf, visibleBoxes } from '../../core/graph/geometry';
import type { Graph } from '../../core/graph/graph';
import type { FlowEdge, FlowNode } from './flow-model';
import { FIT_PADDING, READABLE_ZOOM } from './semantic-fit';

/** The closest a long design opens: enough to read, and several layers on screen. */
const MAX_OPEN_ZOOM = 0.65;

/** Shows `graph` in a canvas of `width` × `height` pixels: whole if readable, else from its input end. */
export function viewDesign(
  flow: ReactFlowInstance<FlowNode, FlowEdge>,
  graph: Graph,
  width: number,
  height: number,
): void {
  const boxes = visibleBoxes(graph);
  const all = boundsOf(boxes.values());
  if (!all || !width || !height) return;
  const zoom = Math.min(width / all.width, height / all.height) * (1 - 2 * FIT_PADDING);
  if (zoom >= READABLE_ZOOM) {
    void flow.fitView({ padding: FIT_PADDING, maxZoom: 1.2, duration: 0 });
    return;
  }
  // Across the flow the whole design fits (at most at 65 %, so the first blocks show along it);
  // along the flow the view starts at the input end.
  const down = (graph.direction ?? 'TB') === 'TB';
  const across = down ? width / all.width : height / all.height;
  const z = Math.max(READABLE_ZOOM, Math.min(MAX_OPEN_ZOOM, across * (1 - 2 * FIT_PADDING)));
  const margin = 24;
  void flow.setViewport(
    down
      ? { x: (width - all.width * z) / 2 - all.x * z, y: margin - all.y * z, zoom: z }
      : { x: margin - all.x * z, y: (height - all.height * z) / 2 - all.y * z, zoom: z },
    { duration: 0 },
  );
}
