/**
 * The minimap, drawn on one <canvas>. React Flow's own MiniMap renders one
 * subscribed SVG element per node, which made opening ResNet-152 (575 boxes)
 * take seconds and every edit three times slower; here an edit or a pan
 * redraws a few hundred rectangles in well under a millisecond.
 * Click or drag on it to move the view there.
 */
import { Panel, useReactFlow, useStore, type ReactFlowState } from '@xyflow/react';
import { useEffect, useMemo, useRef, type PointerEvent } from 'react';
import { CATEGORY_COLOR } from './category-style';
import type { FlowNode } from './flow-model';
import { NODE_HEIGHT, NODE_WIDTH } from './layout';

const WIDTH = 200;
const HEIGHT = 150;
const MARGIN = 40;

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

export function CanvasMiniMap({ nodes }: { nodes: readonly FlowNode[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const viewport = useStore(viewportOf, sameViewport);
  const flow = useReactFlow();

  // The area shown: every box plus what is on screen, so the view rectangle never leaves the map.
  const content = useMemo(() => {
    let minX = Infinity,
      minY = Infinity,
      maxX = -Infinity,
      maxY = -Infinity;
    for (const n of nodes) {
      if (n.type === 'frame') continue;
      minX = Math.min(minX, n.position.x);
      minY = Math.min(minY, n.position.y);
      maxX = Math.max(maxX, n.position.x + (n.measured?.width ?? NODE_WIDTH));
      maxY = Math.max(maxY, n.position.y + (n.measured?.height ?? NODE_HEIGHT));
    }
    return { minX, minY, maxX, maxY };
  }, [nodes]);

  const view = {
    x: -viewport.x / viewport.zoom,
    y: -viewport.y / viewport.zoom,
    width: viewport.width / viewport.zoom,
    height: viewport.height / viewport.zoom,
  };
  const minX = Math.min(content.minX, view.x) - MARGIN;
  const minY = Math.min(content.minY, view.y) - MARGIN;
  const maxX = Math.max(content.maxX, view.x + view.width) + MARGIN;
  const maxY = Math.max(content.maxY, view.y + view.height) + MARGIN;
  const scale = Math.min(WIDTH / (maxX - minX), HEIGHT / (maxY - minY));
  const offsetX = (WIDTH - (maxX - minX) * scale) / 2;
  const offsetY = (HEIGHT - (maxY - minY) * scale) / 2;

  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx || !Number.isFinite(scale)) return;
    const ratio = window.devicePixelRatio || 1;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    const toX = (x: number) => offsetX + (x - minX) * scale;
    const toY = (y: number) => offsetY + (y - minY) * scale;
    for (const n of nodes) {
      const color = boxColor(n);
      if (!color) continue;
      ctx.fillStyle = color;
      const w = Math.max(2, (n.measured?.width ?? NODE_WIDTH) * scale);
      const h = Math.max(1.5, (n.measured?.height ?? NODE_HEIGHT) * scale);
      ctx.fillRect(toX(n.position.x), toY(n.position.y), w, h);
    }
    const accent =
      getComputedStyle(canvas.current as HTMLCanvasElement)
        .getPropertyValue('--accent-ui')
        .trim() || '#2563eb';
    ctx.strokeStyle = accent;
    ctx.lineWidth = 1.5;
    ctx.strokeRect(toX(view.x), toY(view.y), view.width * scale, view.height * scale);
  }, [nodes, scale, offsetX, offsetY, minX, minY, view.x, view.y, view.width, view.height]);

  const moveTo = (event: PointerEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = minX + (event.clientX - rect.left - offsetX) / scale;
    const y = minY + (event.clientY - rect.top - offsetY) / scale;
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
