/**
 * The canvas: React Flow in controlled mode over the editor's graph. React
 * Flow reports what the user did (drag, select, connect); each report becomes
 * an edit through core's graph functions, and the canvas redraws from the graph.
 */
import {
  Background,
  BackgroundVariant,
  Controls,
  ReactFlow,
  useReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import type { Position } from '../../core/graph/graph';
import { useDerived, useEditor, useEditorState } from '../state/EditorContext';
import { addLayer, connectLayers, dragTo } from '../state/edit-commands';
import { CanvasMiniMap } from './CanvasMiniMap';
import { LAYER_DRAG_TYPE } from './drag-type';
import { FlowCache, layerIdsOf, toFlow, type FlowEdge, type FlowNode } from './flow-model';
import { FrameNode, GroupNode } from './GroupNode';
import { LayerNode } from './LayerNode';
import { NODE_HEIGHT, NODE_WIDTH } from './layout';
import { ShapeEdge } from './ShapeEdge';

const nodeTypes = { layer: LayerNode, collapsedGroup: GroupNode, frame: FrameNode };
const edgeTypes = { shape: ShapeEdge };

/** Below this zoom a layer's text cannot be read. */
const MIN_READABLE_ZOOM = 0.4;

export function Canvas({ colorMode }: { colorMode: 'light' | 'dark' }) {
  const { store } = useEditor();
  const state = useEditorState();
  const { report, summary } = useDerived();
  const flow = useReactFlow();
  const cache = useRef(new FlowCache());
  const measured = useRef(new Map<string, { width: number; height: number }>());
  const [measureTick, setMeasureTick] = useState(0);

  const { nodes, edges } = useMemo(
    () =>
      toFlow(
        {
          graph: state.graph,
          report,
          summary,
          selectedNodes: state.selectedNodes,
          selectedEdges: state.selectedEdges,
          measured: measured.current,
        },
        cache.current,
      ),
    // measureTick: re-derive when React Flow has measured boxes (the map itself is mutated in place).
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [state.graph, report, summary, state.selectedNodes, state.selectedEdges, measureTick],
  );

  // Fit the view whenever a different design is opened. A network too long to read
  // when fitted whole (ResNet-152 is 300 layers deep) opens at its input end instead;
  // the minimap gives the overview.
  const wrapper = useRef<HTMLDivElement>(null);
  const loaded = state.designSerial;
  useEffect(() => {
    const timer = setTimeout(() => {
      const { graph } = store.getState();
      const box = wrapper.current?.getBoundingClientRect();
      if (!graph.nodes.length || !box) return;
      const xs = graph.nodes.map((n) => n.position.x);
      const ys = graph.nodes.map((n) => n.position.y);
      const width = Math.max(...xs) - Math.min(...xs) + NODE_WIDTH;
      const height = Math.max(...ys) - Math.min(...ys) + NODE_HEIGHT;
      const zoom = Math.min(box.width / width, box.height / height);
      if (zoom >= MIN_READABLE_ZOOM) void flow.fitView({ padding: 0.1, maxZoom: 1.2, duration: 0 });
      else {
        const top = [...graph.nodes].sort((a, b) => a.position.y - b.position.y).slice(0, 6);
        void flow.fitView({
          nodes: top.map((n) => ({ id: n.id })),
          padding: 0.2,
          minZoom: MIN_READABLE_ZOOM,
          maxZoom: 1,
          duration: 0,
        });
      }
    }, 30);
    return () => clearTimeout(timer);
  }, [loaded, flow, store]);

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      const { graph, selectedNodes, selectedEdges } = store.getState();
      let resized = false;
      const moves = new Map<string, Position>();
      let dragging = false;
      let dragEnded = false;
      let selection: Set<string> | null = null;
      const byId = new Map(graph.nodes.map((n) => [n.id, n]));
      for (const change of changes) {
        if (change.type === 'dimensions' && change.dimensions) {
          const old = measured.current.get(change.id);
          if (!old || old.width !== change.dimensions.width || old.height !== change.dimensions.height) {
            measured.current.set(change.id, change.dimensions);
            resized = true;
          }
        } else if (change.type === 'position' && change.position) {
          if (change.dragging) dragging = true;
          else dragEnded = true;
          const members = layerIdsOf(graph, change.id);
          if (change.id.startsWith('group:')) {
            // A collapsed group moves all its layers by the same amount.
            const nodesIn = members.map((id) => byId.get(id)).filter((n) => n !== undefined);
            const dx = change.position.x - Math.min(...nodesIn.map((n) => n.position.x));
            const dy = change.position.y - Math.min(...nodesIn.map((n) => n.position.y));
            for (const n of nodesIn) moves.set(n.id, { x: n.position.x + dx, y: n.position.y + dy });
          } else moves.set(change.id, change.position);
        } else if (change.type === 'select') {
          selection ??= new Set(selectedNodes);
          for (const id of layerIdsOf(graph, change.id)) {
            if (change.selected) selection.add(id);
            else selection.delete(id);
          }
        }
      }
      if (moves.size && (dragging || dragEnded)) dragTo(store, moves);
      if (dragEnded && !dragging) store.endPreview();
      if (selection) store.select(selection, selectedEdges);
      if (resized) setMeasureTick((t) => t + 1);
    },
    [store],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<FlowEdge>[]) => {
      const { selectedNodes, selectedEdges } = store.getState();
      let selection: Set<string> | null = null;
      for (const change of changes) {
        if (change.type !== 'select') continue;
        selection ??= new Set(selectedEdges);
        if (change.selected) selection.add(change.id);
        else selection.delete(change.id);
      }
      if (selection) store.select(selectedNodes, selection);
    },
    [store],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const { graph } = store.getState();
      // A collapsed group connects through its last layer (output) or first layer (input).
      const sourceIds = layerIdsOf(graph, connection.source);
      const targetIds = layerIdsOf(graph, connection.target);
      connectLayers(store, sourceIds[sourceIds.length - 1], targetIds[0]);
    },
    [store],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(LAYER_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(LAYER_DRAG_TYPE);
      if (!type) return;
      event.preventDefault();
      const at = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      // Centre the box under the pointer rather than hanging it from its corner.
      addLayer(store, type, { x: Math.round(at.x - 105), y: Math.round(at.y - 30) });
    },
    [flow, store],
  );

  const onNodeDragStop = useCallback(() => store.endPreview(), [store]);
  const onPaneClick = useCallback(() => store.select([]), [store]);

  return (
    <div className="nc-canvas" data-testid="canvas" ref={wrapper} onDragOver={onDragOver} onDrop={onDrop}>
      <ReactFlow<FlowNode, FlowEdge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onNodeDragStop={onNodeDragStop}
        onPaneClick={onPaneClick}
        deleteKeyCode={null}
        multiSelectionKeyCode={['Control', 'Meta']}
        selectionKeyCode="Shift"
        colorMode={colorMode}
        minZoom={0.05}
        maxZoom={2.5}
        // Always on: React Flow reads this prop in an effect, so switching it on when a big design
        // arrives would first mount every box (all 520 of ResNet-152) and then unmount most of them.
        onlyRenderVisibleElements
        proOptions={{ hideAttribution: true }}
        fitView
      >
        <Background variant={BackgroundVariant.Dots} gap={18} size={1} />
        <CanvasMiniMap nodes={nodes} />
        <Controls showInteractive={false} />
      </ReactFlow>
      {state.graph.nodes.length === 0 && (
        <div className="nc-empty-hint">
          <p>Drag a layer from the palette, or start from a template.</p>
          <p className="nc-muted">Click a palette entry to add it after the selected layer.</p>
        </div>
      )}
    </div>
  );
}
