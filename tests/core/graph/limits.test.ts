/**
 * NetCanvas's limits (core/limits.ts) as a user meets them: numbers that pass
 * each parameter's range but make a tensor or the weights too large, chains
 * deeper than tfjs can build, huge cycles, and outputs that leave layers out.
 * Each is one diagnostic naming the limit, on the layer that crosses it.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../core/compile/compile';
import { blocksTraining } from '../../../core/errors';
import { exportTfjsModel } from '../../../core/formats/tfjs-export';
import { GraphBuilder } from '../../../core/graph/builder';
import { applyFix } from '../../../core/graph/fixes';
import { connect, outputNodeIds, type Graph } from '../../../core/graph/graph';
import { inferShapes, trainingBlockers } from '../../../core/graph/infer';
import { summarize } from '../../../core/graph/summary';
import { checkParamValue } from '../../../core/layers/params';
import type { ParamSpecs } from '../../../core/layers/layer-spec';
import { getLayerSpec, layerSpecs } from '../../../core/layers/registry';
import { LIMITS } from '../../../core/limits';

/** An input of `shape` and a chain of `length` ReLU layers after it. */
function chain(length: number, shape: number[] = [4]): { graph: Graph; ids: string[] } {
  const b = new GraphBuilder();
  const ids = [b.input(shape, 'x')];
  for (let i = 1; i <= length; i++) ids.push(b.layer('ReLU', {}, ids[i - 1], `r${i}`));
  return { graph: b.build(), ids };
}

describe('parameter limits', () => {
  it.each([
    [
      'Dense',
      'units',
      65_537,
      "units must be at most 65,536 (NetCanvas's limit for whole-number parameters), got 65537",
    ],
    [
      'Conv2D',
      'filters',
      1e9,
      "filters must be at most 65,536 (NetCanvas's limit for whole-number parameters), got 1000000000",
    ],
    [
      'Conv2D',
      'kernelSize',
      [3, 70_000],
      "kernelSize must be at most 65,536 (NetCanvas's limit for whole-number parameters), got [3,70000]",
    ],
    [
      'InputLayer',
      'shape',
      [2 ** 24 + 1],
      "shape entries must be at most 16,777,216 (NetCanvas's limit for sizes), got [16777217]",
    ],
    [
      'LeakyReLU',
      'alpha',
      1e7,
      "alpha must be between -1,000,000 and 1,000,000 (NetCanvas's limit for real-number parameters), got 10000000",
    ],
  ])('%s %s = %j is refused with the limit named', (type, param, value, message) => {
    const spec = getLayerSpec(type);
    expect(`${param} ${checkParamValue(spec.params[param], value)}`).toBe(message);
  });

  it('every whole-number parameter of every registered layer type is bounded', () => {
    for (const spec of layerSpecs) {
      for (const [name, p] of Object.entries(spec.params as ParamSpecs)) {
        const over =
          p.kind === 'intList'
            ? [LIMITS.dimension + 1]
            : p.kind === 'intPair'
              ? [LIMITS.wholeNumber + 1, 1]
              : p.kind === 'int'
                ? LIMITS.wholeNumber + 1
                : p.kind === 'float'
                  ? LIMITS.realNumber * 2
                  : undefined;
        if (over !== undefined) expect(checkParamValue(p, over), `${spec.type}.${name}`).not.toBeNull();
      }
    }
  });
});

describe('size limits', () => {
  it('a tensor over 2³¹ values per sample is an error on the layer that makes it, and nothing after it is blamed', () => {
    const b = new GraphBuilder();
    const x = b.input([40_000, 40_000, 1], 'image');
    const conv = b.layer('Conv2D', { filters: 4, kernelSize: [3, 3], padding: 'same' }, x, 'wide');
    b.layer('Flatten', {}, conv, 'flat');
    const report = inferShapes(b.build());
    expect(report.diagnostics.filter((d) => d.severity === 'error')).toEqual([
      {
        nodeId: conv,
        code: 'tensor-over-limit',
        severity: 'error',
        message:
          'Conv2D "wide": output 40000×40000×4 holds 6,400,000,000 values per sample; NetCanvas computes tensors of at most 2,147,483,648 values',
      },
    ]);
  });

  it('one layer over 2³¹ weights is an error naming the limit', () => {
    const b = new GraphBuilder();
    const x = b.input([2 ** 16], 'x');
    const big = b.layer('Dense', { units: 65_536 }, x, 'big');
    const report = inferShapes(b.build());
    expect(report.diagnostics.map((d) => [d.nodeId, d.code, d.message])).toEqual([
      [
        big,
        'too-many-weights',
        'Dense "big": has 4,295,032,832 weights; NetCanvas holds at most 2,147,483,648 (8 GiB of float32)',
      ],
    ]);
  });

  it('layers each within the limit but over it together: the layer that crosses it is named, once', () => {
    const b = new GraphBuilder();
    let x = b.input([40_000], 'x');
    const ids: string[] = [];
    for (let i = 1; i <= 5; i++) ids.push((x = b.layer('Dense', { units: 40_000 }, x, `fc${i}`)));
    const report = inferShapes(b.build());
    expect(report.diagnostics.map((d) => [d.nodeId, d.code, d.message])).toEqual([
      [
        ids[1],
        'too-many-weights',
        'Dense "fc2": brings the design to 3,200,080,000 weights; NetCanvas holds at most 2,147,483,648 (8 GiB of float32)',
      ],
    ]);
  });

  it('summary totals stay finite numbers for any design that loads', () => {
    const b = new GraphBuilder();
    b.layer('Dense', { units: 65_536 }, b.input([2 ** 24], 'x'), 'big');
    const { totals } = summarize(b.build());
    expect(Number.isFinite(totals.params) && Number.isFinite(totals.macs)).toBe(true);
  });
});

describe('depth and cycles', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it(`a chain ${LIMITS.depth.toLocaleString('en-US')} layers deep compiles and saves in tfjs: the depth limit is safe`, async () => {
    const { graph } = chain(LIMITS.depth - 1);
    expect(inferShapes(graph).diagnostics).toEqual([]);
    const model = compileGraph(graph, tf);
    const { modelJson } = await exportTfjsModel(model, tf, { weights: false });
    expect((modelJson.modelTopology.config as { layers: unknown[] }).layers).toHaveLength(LIMITS.depth);
    model.dispose();
  }, 60_000);

  it('a 100,000-layer chain gets one error, on the layer past the depth limit', () => {
    const { graph, ids } = chain(99_999);
    const report = inferShapes(graph);
    expect(report.diagnostics.map((d) => [d.nodeId, d.code, d.message])).toEqual([
      [
        ids[LIMITS.depth],
        'too-deep',
        'ReLU "r2000": is layer 2,001 of one chain; TensorFlow.js builds models at most 2,000 layers deep',
      ],
    ]);
    expect(report.order).toHaveLength(100_000);
  });

  it('a 10,000-layer cycle is one diagnostic, on its first layer, with the middle of the cycle left out', () => {
    const { graph, ids } = chain(10_000);
    const add = 'merge';
    // Turn r1 into the entry of a ring: the last layer feeds back into it through an Add.
    const ring: Graph = {
      ...graph,
      nodes: [...graph.nodes, { id: add, type: 'Add', name: 'merge', params: {}, position: { x: 0, y: 0 } }],
      edges: graph.edges.map((e) => (e.target === ids[1] ? { ...e, target: add } : e)),
    };
    const cyclic = connect(connect(ring, add, ids[1], 0), ids[10_000], add, 1);
    const report = inferShapes(cyclic);
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics[0]).toMatchObject({
      nodeId: ids[1],
      code: 'cycle',
      message:
        'ReLU "r1": is on a cycle of 10,001 layers "r1" → "r2" → "r3" → "r4" → … → "r9999" → "r10000" → "merge" → "r1"; data must flow one way',
    });
  });
});

describe('declared outputs that leave layers out', () => {
  function twoHeads() {
    const b = new GraphBuilder();
    const x = b.input([4], 'x');
    const main = b.layer('Dense', { units: 3 }, x, 'main');
    const aux = b.layer('Dense', { units: 2 }, b.layer('ReLU', {}, x, 'aux_relu'), 'aux');
    b.setOutputs([main]);
    return { graph: b.build(), main, aux };
  }

  it('a dangling branch is an error with a fix that makes it an output, after which summary and model agree', async () => {
    const { graph, main, aux } = twoHeads();
    const [problem, ...rest] = inferShapes(graph).diagnostics;
    expect(rest).toEqual([]);
    expect(problem).toEqual({
      nodeId: aux,
      code: 'unused-layer',
      severity: 'error',
      message: `Dense "aux": leads to none of the model's outputs ("main"), so the exported model would leave it out`,
      fix: { label: 'Make "aux" an output', nodeId: aux, edit: { kind: 'add-output' } },
    });
    const fixed = applyFix(graph, problem.fix!);
    expect(outputNodeIds(fixed)).toEqual([main, aux]);
    expect(inferShapes(fixed).diagnostics).toEqual([]);
    await tf.setBackend('cpu');
    const model = compileGraph(fixed, tf);
    expect(model.countParams()).toBe(summarize(fixed).totals.params);
    model.dispose();
  });
});

describe('training blockers', () => {
  it('a dilated Conv2D is a warning for the design but stops training', () => {
    const b = new GraphBuilder();
    b.layer('Conv2D', { filters: 2, dilationRate: [2, 2] }, b.input([8, 8, 1], 'x'), 'dilated');
    const { diagnostics } = inferShapes(b.build());
    expect(diagnostics.map((d) => [d.code, d.severity])).toEqual([['cannot-train-in-browser', 'warning']]);
    expect(diagnostics.every(blocksTraining)).toBe(true);
    expect(trainingBlockers(diagnostics)).toEqual(diagnostics);
  });
});
