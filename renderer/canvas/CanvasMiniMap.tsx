/**
 * The minimap, drawn on one <canvas>: every box in its category's colour and
 * every line along its route, so the network's shape shows (a ResNet's
 * shortcuts beside its main path). React Flow's own MiniMap renders one
 * subscribed SVG element per node, which made opening ResNet-152 take
 * seconds; here an edit or a pan redraws in well under a millisecond.
 *
 * A long network squeezed into the map whole would be a one-pixel line, so
 * the map never draws boxes thinner than a few pixels across the flow: it
 * then shows the stretch around the view and scrolls with it, as a code
 * editor's minimap does. Click or drag on it to move the view there.
 */
import { Panel, useReactFlow, useStore, type ReactFlowState } from '@xyflow/react';
import { useEffect, useMemo, useRef, type PointerEvent } from 'react';
import { BOX } from '../../core/graph/geometry';
import type { Position } from '../../core/graph/graph';
import { CATEGORY_COLOR } from './category-style';
import type { FlowEdge, FlowNode } from './flow-model';

const WIDTH = 200;
const HEIGHT = 150;
const MARGIN = 40;
/** The narrowest a box is drawn across the flow, in map pixels, before the map scrolls instead of shrinking. */
const MIN_ACROSS = 14;

const viewportOf = (s: ReactFlowState) => ({
  x: s.transform[0],
  y: s.transform[1],
  zoom: s.transform[2],
  width: s.width,
  height: s.height,
});
const sameViewport = (a: ReturnType<typeof viewportOf>, b: ReturnType<typeof viewportOf>) =>
  a.x === b.x && a.y === b.y && a.zoom === b.zoom && a.width === b.width && a.height === b.height;

function boxColor(node: FlowNode): string | null {
  if (node.type === 'frame') return null;
  if (node.type === 'collapsedGroup') return '#64748b';
  return CATEGORY_COLOR[node.data.category];
}

/** Where the map's window onto the design is, and its scale. */
interface MapWindow {
  minX: number;
  minY: number;
  scale: number;
  offsetX: number;
  offsetY: number;
}

/** The window the map shows: everything when that keeps boxes readable across the flow, else the stretch around the view. */
export function mapWindow(
  content: { minX: number; minY: number; maxX: number; maxY: number },
  view: { x: number; y: number; width: number; height: number },
  down: boolean,
): MapWindow {
  if (!Number.isFinite(content.minX)) {
    const scale = Math.min(WIDTH / (view.width + 2 * MARGIN), HEIGHT / (view.height + 2 * MARGIN));
    return { minX: view.x - MARGIN, minY: view.y - MARGIN, scale, offsetX: 0, offsetY: 0 };
  }
  const minX = content.minX - MARGIN;
  const minY = content.minY - MARGIN;
  const w = content.maxX - content.minX + 2 * MARGIN;
  const h = content.maxY - content.minY + 2 * MARGIN;
  const whole = Math.min(WIDTH / w, HEIGHT / h);
  const across = down ? BOX.width : BOX.height;
  const readable = Math.min(MIN_ACROSS / across, down ? WIDTH / w : HEIGHT / h);
  const scale = Math.max(whole, readable);
  if (down) {
    const shown = HEIGHT / scale;
    const centre = view.y + view.height / 2;
    const top = h <= shown ? minY - (shown - h) / 2 : Math.min(Math.max(centre - shown / 2, minY), minY + h - shown);
    return { minX, minY: top, scale, offsetX: (WIDTH - w * scale) / 2, offsetY: 0 };
  }
  const shown = WIDTH / scale;
  const centre = view.x + view.width / 2;
  const left = w <= shown ? minX - (shown - w) / 2 : Math.min(Math.max(centre - shown / 2, minX), minX + w - shown);
  return { minX: left, minY, scale, offsetX: 0, offsetY: (HEIGHT - h * scale) / 2 };
}

export function CanvasMiniMap({
  nodes,
  edges,
  down,
}: {
  nodes: readonly FlowNode[];
  edges: readonly FlowEdge[];
  down: boolean;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const viewport = useStore(viewportOf, sameViewport);
  const flow = useReactFlow();

  const content = useMemo(() => {
    let minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity;
    for (const n of nodes) {
      if (n.type === 'frame') continue;
      minX = Math.min(minX, n.position.x);
      minY = Math.min(minY, n.position.y);
      maxX = Math.max(maxX, n.position.x + BOX.width);
      maxY = Math.max(maxY, n.position.y + BOX.height);
    }
    return { minX, minY, maxX, maxY };
  }, [nodes]);

  const view = {
    x: -viewport.x / viewport.zoom,
    y: -viewport.y / viewport.zoom,
    width: viewport.width / viewport.zoom,
    height: viewport.height / viewport.zoom,
  };
  const win = mapWindow(content, view, down);

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !Number.isFinite(win.scale)) return;
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    const toX = (x: number) => win.offsetX + (x - win.minX) * win.scale;
    const toY = (y: number) => win.offsetY + (y - win.minY) * win.scale;
    const style = getComputedStyle(canvas.current as HTMLCanvasElement);
    // Lines first, under the boxes, along their routes from handle to handle.
    const at = new Map(nodes.map((n) => [n.id, n.position]));
    ctx.strokeStyle = style.getPropertyValue('--muted').trim() || '#888';
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (const e of edges) {
      const a = at.get(e.source);
      const b = at.get(e.target);
      if (!a || !b) continue;
      const from: Position = down
        ? { x: a.x + BOX.width / 2, y: a.y + BOX.height }
        : { x: a.x + BOX.width, y: a.y + BOX.height / 2 };
      const to: Position = down ? { x: b.x + BOX.width / 2, y: b.y } : { x: b.x, y: b.y + BOX.height / 2 };
      const points = [from, ...(e.data?.route ?? []), to];
      ctx.moveTo(toX(points[0].x), toY(points[0].y));
      for (const p of points.slice(1)) ctx.lineTo(toX(p.x), toY(p.y));
    }
    ctx.stroke();
    for (const n of nodes) {
      const color = boxColor(n);
      if (!color) continue;
      ctx.fillStyle = color;
      ctx.fillRect(
        toX(n.position.x),
        toY(n.position.y),
        Math.max(2, BOX.width * win.scale),
        Math.max(1.5, BOX.height * win.scale),
      );
    }
    const accent = style.getPropertyValue('--accent-ui').trim() || '#2563eb';
    ctx.strokeStyle = accent;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(toX(view.x), toY(view.y), view.width * win.scale, view.height * win.scale);
  }, [
    nodes,
    edges,
    down,
    win.scale,
    win.offsetX,
    win.offsetY,
    win.minX,
    win.minY,
    view.x,
    view.y,
    view.width,
    view.height,
  ]);

  const moveTo = (event: PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = win.minX + (event.clientX - rect.left - win.offsetX) / win.scale;
    const y = win.minY + (event.clientY - rect.top - win.offsetY) / win.scale;
    void flow.setCenter(x, y, { zoom: viewport.zoom, duration: 0 });
  };

  return (
    <Panel position="bottom-right" className="nc-minimap">
      <canvas
        ref={canvas}
        width={WIDTH * (typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1)}
        height={HEIGHT * (typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1)}
        style={{ width: WIDTH, height: HEIGHT }}
        aria-label="Minimap: click to move the view"
        data-testid="minimap"
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          moveTo(e);
        }}
        onPointerMove={(e) => {
          if (e.buttons === 1) moveTo(e);
        }}
      />
    </Panel>
  );
}
