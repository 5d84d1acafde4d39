import { describe, expect, it } from 'vitest';
import { moveNodes, setParams } from '../../../core/graph/graph';
import {
  compareRuns,
  designHash,
  nextRunId,
  parseRunRecords,
  snapshotDesign,
  type RunRecord,
} from '../../../core/train/run-record';
import { parseTrainingSettings } from '../../../core/train/settings';
import { buildLinear } from '../../../templates/linear';
import { buildMlp } from '../../../templates/mlp';

const linear = buildLinear({ input: [2], classes: 2 });
const mlp = buildMlp({ input: [2], classes: 2 });

function run(id: string, graph = linear, title = 'Linear classifier', settings = {}): RunRecord {
  return {
    id,
    startedAt: '2026-11-29T03:00:00.000Z',
    design: snapshotDesign(graph, title),
    dataset: { id: 'toy:ring', trainCount: 1800, validationCount: 200 },
    settings: parseTrainingSettings({ learningRate: 0.03, epochs: 20, ...settings }),
    seed: 1,
    history: [{ epoch: 1, loss: 0.69, accuracy: 0.5, valLoss: 0.68, valAccuracy: 0.52, seconds: 0.4 }],
    test: { loss: 0.69, accuracy: 0.51, count: 1000 },
    backend: 'wasm',
    seconds: 9.5,
    status: 'completed',
  };
}

describe('run records', () => {
  it('hash what a design computes, not where its boxes sit', () => {
    const moved = moveNodes(linear, new Map([[linear.nodes[0].id, { x: 999, y: -5 }]]));
    expect(designHash(moved)).toBe(designHash(linear));
    expect(designHash(linear)).toMatch(/^[0-9a-f]{16}$/);
    const wider = setParams(mlp, mlp.nodes.find((n) => n.name === 'hidden')!.id, { units: 64 });
    expect(designHash(wider)).not.toBe(designHash(mlp));
    // A parameter left at its default and the same value written out are the same network.
    const explicit = setParams(linear, linear.nodes[1].id, { useBias: true });
    expect(designHash(explicit)).toBe(designHash(linear));
  });

  it('snapshot a design as a hash and a summary', () => {
    expect(snapshotDesign(mlp, 'Two-layer MLP')).toEqual({
      hash: designHash(mlp),
      title: 'Two-layer MLP',
      layers: 3,
      trainableParams: 2 * 128 + 128 + 128 * 2 + 2,
      layerNames: ['input:InputLayer', 'hidden:Dense', 'scores:Dense'],
    });
  });

  it('say what differed between two runs: settings and design', () => {
    const first = run('run-1');
    const second = run('run-2', mlp, 'Two-layer MLP', { learningRate: 0.01 });
    expect(compareRuns(first, first)).toEqual([]);
    expect(compareRuns(first, second)).toEqual([
      { what: 'learning rate', a: '0.03', b: '0.01' },
      { what: 'design', a: 'Linear classifier, 2 layers, 6 weights', b: 'Two-layer MLP, 3 layers, 642 weights' },
      { what: 'layers added', a: '', b: 'hidden:Dense' },
    ]);
  });

  it('are read back from a project, a bad entry refused with its path', () => {
    const runs = [run('run-1'), run('run-2')];
    expect(parseRunRecords(JSON.parse(JSON.stringify(runs)))).toEqual(runs);
    expect(parseRunRecords(undefined)).toEqual([]);
    const bad = JSON.parse(JSON.stringify(runs));
    bad[1].history[0].epoch = 0;
    expect(() => parseRunRecords(bad, ['training', 'runs'])).toThrow(/^At training\.runs\.1\.history\.0\.epoch: /);
    expect(nextRunId(runs)).toBe('run-3');
    expect(nextRunId([])).toBe('run-1');
  });
});
