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
  useConnection,
  useReactFlow,
  useStore,
  useUpdateNodeInternals,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore, type DragEvent } from 'react';
import type { Position } from '../../core/graph/graph';
import { useDerived, useEditor, useEditorState } from '../state/EditorContext';
import { addLayer, connectionPreview, connectLayers, dragTo } from '../state/edit-commands';
import { CanvasMiniMap } from './CanvasMiniMap';
import { LAYER_DRAG_TYPE } from './drag-type';
import { FlowCache, groupFlowId, layerIdsOf, toFlow, type FlowEdge, type FlowNode } from './flow-model';
import { FrameNode, GroupNode } from './GroupNode';
import { HealthLegend } from './HealthLegend';
import { healthByNode } from '../state/layer-health';
import { LayerNode } from './LayerNode';
import { BOX, collapsedOwners } from '../../core/graph/geometry';
import { ShapeEdge } from './ShapeEdge';
import { viewDesign } from './view-fit';
import { layoutsPending, watchLayouts } from './layout-client';
import { useGraphTabOrder, type CanvasItem } from './tab-order';

const nodeTypes = { layer: LayerNode, collapsedGroup: GroupNode, frame: FrameNode };
const edgeTypes = { shape: ShapeEdge };

export function Canvas({ colorMode, viewRequest }: { colorMode: 'light' | 'dark'; viewRequest: number }) {
  const { store } = useEditor();
  const state = useEditorState();
  const { report, summary } = useDerived();
  const flow = useReactFlow<FlowNode, FlowEdge>();
  const cache = useRef(new FlowCache());
  const measured = useRef(new Map<string, { width: number; height: number }>());
  const [measureTick, setMeasureTick] = useState(0);

  // The last run's layer health, while the design is the one it trained.
  const health = useMemo(
    () => ({ byNode: healthByNode(state.layerHealth, state.graph), epoch: state.layerHealth?.report.epoch ?? 0 }),
    [state.layerHealth, state.graph],
  );
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
          health,
        },
        cache.current,
      ),
    // measureTick: re-derive when React Flow has measured boxes (the map itself is mutated in place).
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [state.graph, report, summary, state.selectedNodes, state.selectedEdges, measureTick, health],
  );

  // Tab visits the boxes in graph order (a closed group where its first layer is), then the lines.
  const tabOrder = useMemo(() => {
    const owner = collapsedOwners(state.graph);
    const boxes = new Set<string>();
    for (const n of state.graph.nodes) boxes.add(owner.has(n.id) ? groupFlowId(owner.get(n.id) as string) : n.id);
    return { nodes: [...boxes], edges: edges.map((e) => e.id) };
  }, [state.graph, edges]);
  const wrapper = useRef<HTMLDivElement>(null);
  const reveal = useCallback(
    (item: CanvasItem) => {
      const centre = (id: string) => {
        const box = flow.getInternalNode(id);
        if (!box) return null;
        const { x, y } = box.internals.positionAbsolute;
        return { x: x + (box.measured.width ?? BOX.width) / 2, y: y + (box.measured.height ?? BOX.height) / 2 };
      };
      const line = item.kind === 'edge' ? flow.getEdge(item.id) : undefined;
      const [a, b] = line ? [centre(line.source), centre(line.target)] : [centre(item.id), null];
      if (!a) return;
      const to = b ? { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 } : a;
      void flow.setCenter(to.x, to.y, { zoom: flow.getZoom() });
    },
    [flow],
  );
  useGraphTabOrder(wrapper, tabOrder.nodes, tabOrder.edges, reveal);

  // Handles move to other sides when the direction changes; React Flow measures them only when told.
  const updateNodeInternals = useUpdateNodeInternals();
  const direction = state.graph.direction ?? 'TB';
  useEffect(() => {
    updateNodeInternals(store.getState().graph.nodes.map((n) => n.id));
    const groups = store.getState().graph.groups.map((g) => `group:${g.id}`);
    if (groups.length) updateNodeInternals(groups);
  }, [direction, store, updateNodeInternals]);

  // Show a design when it is opened, and again when the app asks (after a layout): see view-fit.ts.
  const shown = `${state.designSerial}:${viewRequest}`;
  useEffect(() => {
    const timer = setTimeout(() => {
      const box = wrapper.current?.getBoundingClientRect();
      if (box) viewDesign(flow, store.getState().graph, box.width, box.height);
    }, 30);
    return () => clearTimeout(timer);
  }, [shown, flow, store]);

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

  /** The two layers a flow connection joins: a collapsed group connects through its last layer (out) or first (in). */
  const endsOf = useCallback(
    (source: string, target: string): [string, string] => {
      const { graph } = store.getState();
      const sourceIds = layerIdsOf(graph, source);
      const targetIds = layerIdsOf(graph, target);
      return [sourceIds[sourceIds.length - 1], targetIds[0]];
    },
    [store],
  );

  const onConnect = useCallback(
    (connection: Connection) => connectLayers(store, ...endsOf(connection.source, connection.target)),
    [store, endsOf],
  );

  // While a line is dragged, each layer it reaches is checked once, and ConnectionHint says by the
  // pointer what dropping it there would do: a cycle is refused (with a notice, so the reason stays
  // after the pointer lets go), a shape problem can be wired (the Problems tab then offers its fixes).
  const previews = useRef(new Map<string, ReturnType<typeof connectionPreview>>());
  const previewOf = useCallback(
    (from: string, to: string) => {
      const [source, target] = endsOf(from, to);
      const key = `${source}>${target}`;
      let preview = previews.current.get(key);
      if (!preview) {
        preview = connectionPreview(store.getState().graph, source, target);
        previews.current.set(key, preview);
      }
      return preview;
    },
    [store, endsOf],
  );
  const onConnectStart = useCallback(() => previews.current.clear(), []);

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
      // Centre the box under the pointer rather than hanging it from its corner; addLayer moves it off any other.
      addLayer(store, type, { x: Math.round(at.x - BOX.width / 2), y: Math.round(at.y - BOX.height / 2) });
    },
    [flow, store],
  );

  const layingOut = useSyncExternalStore(watchLayouts, layoutsPending) > 0;
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
        onConnectStart={onConnectStart}
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
      >
        <Background variant={BackgroundVariant.Dots} gap={18} size={1} />
        <CanvasMiniMap nodes={nodes} edges={edges} down={(state.graph.direction ?? 'TB') === 'TB'} />
        <Controls showInteractive={false} />
        {health.byNode.size > 0 && <HealthLegend epoch={health.epoch} />}
        <ConnectionHint previewOf={previewOf} />
      </ReactFlow>
      {layingOut && (
        <div className="nc-busy" role="status" data-testid="layout-busy">
          Laying out…
        </div>
      )}
      {state.graph.nodes.length === 0 && (
        <div className="nc-empty-hint">
          <p>Drag a layer from the palette, or start from a template.</p>
          <p className="nc-muted">Click a palette entry to add it after the selected layer.</p>
        </div>
      )}
    </div>
  );
}

/** The hint by the pointer while a line is dragged onto a layer that cannot take it, saying why. */
function ConnectionHint({ previewOf }: { previewOf(from: string, to: string): ReturnType<typeof connectionPreview> }) {
  const connection = useConnection();
  const flow = useReactFlow();
  const pane = useStore((s) => s.domNode);
  if (!connection.inProgress || !connection.toNode) return null;
  // A line may be dragged from an input handle back to an output: the output end is the source.
  const fromSource = connection.fromHandle.type === 'source';
  const [from, to] = fromSource
    ? [connection.fromNode.id, connection.toNode.id]
    : [connection.toNode.id, connection.fromNode.id];
  if (from === to) return null;
  const preview = previewOf(from, to);
  if (preview.kind === 'ok') return null;
  const at = flow.flowToScreenPosition(connection.to);
  const origin = pane?.getBoundingClientRect();
  return (
    <div
      className={`nc-connect-hint nc-connect-hint-${preview.kind}`}
      role="status"
      data-testid="connect-hint"
      style={{ left: at.x - (origin?.left ?? 0) + 16, top: at.y - (origin?.top ?? 0) + 16 }}
    >
      {preview.kind === 'refused' ? 'Cannot connect: ' : 'Connects, but: '}
      {preview.message}
    </div>
  );
}
