// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { moveNodes, renameNode, setParams } from '../../core/graph/graph';
import { inferShapes } from '../../core/graph/infer';
import { summarize } from '../../core/graph/summary';
import type { LayerHealthReport } from '../../core/train/layer-health';
import { parseTrainingSettings } from '../../core/train/settings';
import { getTemplate } from '../../templates/index';
import { FlowCache, toFlow, type GroupFlowNode, type LayerFlowNode } from '../../renderer/canvas/flow-model';
import { healthBadgeText, healthLines, healthStatus } from '../../renderer/canvas/health-view';
import { Inspector } from '../../renderer/inspector/Inspector';
import { EditorProvider } from '../../renderer/state/EditorContext';
import { EditorStore } from '../../renderer/state/editor-store';
import { healthByNode } from '../../renderer/state/layer-health';
import { LayerHealthPanel } from '../../renderer/training/view/LayerHealthPanel';
import { TrainingController, type WorkerPort } from '../../renderer/training/run/training-controller';
import type { FromWorker, ToWorker } from '../../renderer/training/worker/worker-protocol';
import { webBridge } from '../../renderer/web-bridge';
import { render, type Mounted } from './render';

let mounted: Mounted | undefined;
afterEach(() => mounted?.unmount());

const mlp = () => getTemplate('mlp').build({ input: [2], classes: 2 });

/** What the worker reports after epoch 3 of an MLP trained at a far too high rate. */
const report: LayerHealthReport = {
  epoch: 2,
  rateFactor: 1,
  samples: 200,
  layers: [
    {
      name: 'hidden',
      activation: 'relu',
      deadShare: 0.625,
      gradientNorm: 0,
      updateRatio: 0,
      problems: ['dying', 'not-learning'],
      seen: { exploding: 0, 'not-learning': 1, dying: 2 },
    },
    { name: 'scores', activation: null, gradientNorm: 0.2, updateRatio: 1.2e-3, problems: [], seen: {} },
  ],
};

const idOf = (graph: ReturnType<typeof mlp>, name: string) => graph.nodes.find((n) => n.name === name)!.id;

describe('layer health in the editor', () => {
  it('belongs to the nodes of the design trained, wherever they sit, until the network changes', () => {
    const graph = mlp();
    const record = { graph, report };
    const byNode = healthByNode(record, graph);
    expect([...byNode.keys()]).toEqual([idOf(graph, 'hidden'), idOf(graph, 'scores')]);
    expect(byNode.get(idOf(graph, 'hidden'))?.deadShare).toBe(0.625);
    const moved = moveNodes(graph, new Map([[idOf(graph, 'hidden'), { x: 500, y: 40 }]]));
    expect(healthByNode(record, moved).size).toBe(2);
    expect(healthByNode(record, setParams(graph, idOf(graph, 'hidden'), { units: 64 })).size).toBe(0);
    expect(healthByNode(record, renameNode(graph, idOf(graph, 'hidden'), 'h')).size).toBe(0);
    expect(healthByNode(null, graph).size).toBe(0);
  });

  it('marks a layer by the worst problem of its run, and words its figures', () => {
    const [hidden, scores] = report.layers;
    expect(healthStatus(hidden)).toBe('exploding');
    expect(healthBadgeText(hidden)).toBe('exploding');
    expect(healthStatus(scores)).toBe('healthy');
    expect(healthBadgeText(scores)).toBe('Δ 1.2e-3');
    expect(healthBadgeText({ ...hidden, seen: {} })).toBe('63% dead');
    const lines = healthLines(hidden, 2);
    expect(lines[0]).toBe('Dead ReLU units: 63% (never above 0 on the validation batch)');
    expect(lines).toContain('Update / weight ratio: 0 per step (about 1e-3 is healthy)');
    expect(lines.find((l) => l.startsWith('Exploding'))).toMatch(/^Exploding in epoch 1, not now: .*learning rate/);
    expect(lines.find((l) => l.startsWith('Dying'))).toMatch(/^Dying \(first in epoch 3\): /);
    expect(healthLines(scores, 2)).toContain('Healthy through epoch 3.');
  });

  it('reaches the canvas boxes', () => {
    const graph = mlp();
    const shapes = inferShapes(graph);
    const flow = toFlow(
      {
        graph,
        report: shapes,
        summary: summarize(graph, shapes),
        selectedNodes: new Set(),
        selectedEdges: new Set(),
        measured: new Map(),
        health: { byNode: healthByNode({ graph, report }, graph), epoch: 2 },
      },
      new FlowCache(),
    );
    const box = (name: string) => (flow.nodes as LayerFlowNode[]).find((n) => n.data.name === name)!.data.health;
    expect(box('input')).toBeNull();
    expect(box('hidden')).toMatchObject({ status: 'exploding', text: 'exploding' });
    expect(box('hidden')?.detail).toContain('Dead ReLU units: 63%');
    expect(box('scores')).toMatchObject({ status: 'healthy' });
  });

  it('marks a closed group by its worst layer, saying which layers ail', () => {
    const trained = mlp();
    // The same network with its two Dense layers in one closed group.
    const grouped = {
      ...trained,
      nodes: trained.nodes.map((n) => (n.type === 'Dense' ? { ...n, group: 'g' } : n)),
      groups: [{ id: 'g', label: 'head', collapsed: true }],
    };
    const shapes = inferShapes(grouped);
    const flow = toFlow(
      {
        graph: grouped,
        report: shapes,
        summary: summarize(grouped, shapes),
        selectedNodes: new Set(),
        selectedEdges: new Set(),
        measured: new Map(),
        health: { byNode: healthByNode({ graph: trained, report }, grouped), epoch: 2 },
      },
      new FlowCache(),
    );
    const box = flow.nodes.find((n) => n.type === 'collapsedGroup') as GroupFlowNode;
    expect(box.data.health).toEqual({ status: 'exploding', text: '1/2 exploding…', detail: 'hidden: exploding' });
  });

  it('comes from the training worker into the editor store each epoch, and a new run clears it', async () => {
    const store = new EditorStore(mlp());
    const posted: ToWorker[] = [];
    const worker: WorkerPort = {
      postMessage: (message) => void posted.push(message),
      onmessage: null,
      onerror: null,
      terminate() {},
    };
    const controller = new TrainingController(
      () => worker,
      'http://localhost/',
      () => ({}),
      store,
    );
    await controller.chooseDataset('toy-ring');
    const start = () =>
      controller.start({
        graph: store.getState().graph,
        settings: parseTrainingSettings({ epochs: 3 }),
        limit: null,
        backend: 'cpu',
      });
    start();
    expect(posted[0].type).toBe('start');
    const receive = (message: FromWorker) => worker.onmessage?.({ data: message } as MessageEvent<FromWorker>);
    receive({ type: 'health', report });
    expect(store.getState().layerHealth).toEqual({ graph: store.getState().graph, report });
    expect(healthByNode(store.getState().layerHealth, store.getState().graph).size).toBe(2);
    receive({ type: 'error', kind: 'other', message: 'stopped' });
    start();
    expect(store.getState().layerHealth).toBeNull();
  });

  it('is listed in the Train view, one row per layer, while the design is the one trained', () => {
    const graph = mlp();
    mounted = render(<LayerHealthPanel record={{ graph, report }} graph={graph} />);
    const rows = mounted.allByTestId('health-row');
    expect(rows.map((r) => r.dataset.health)).toEqual(['exploding', 'healthy']);
    expect(rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent))).toEqual([
      ['hidden', '● Exploding', '63% dead', '0', '0'],
      ['scores', '● Healthy', '—', '2.0e-1', '1.2e-3'],
    ]);
    mounted.unmount();
    mounted = render(
      <LayerHealthPanel record={{ graph, report }} graph={setParams(graph, idOf(graph, 'hidden'), { units: 8 })} />,
    );
    expect(mounted.byTestId('train-health')).toBeNull();
  });

  it('shows in the inspector of the selected layer', () => {
    const graph = mlp();
    const store = new EditorStore(graph);
    store.setLayerHealth({ graph, report });
    store.select([idOf(graph, 'hidden')]);
    mounted = render(
      <EditorProvider store={store} bridge={webBridge}>
        <Inspector />
      </EditorProvider>,
    );
    const section = mounted.byTestId('inspector-health');
    expect(section?.textContent).toContain('Dead ReLU units: 63%');
    expect(mounted.container.textContent).toContain('Health after epoch 3 · exploding');
  });
});
