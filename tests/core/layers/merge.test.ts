import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { applyFix } from '../../../core/graph/fixes';
import { incomingEdges } from '../../../core/graph/graph';
import { inferShapes } from '../../../core/graph/infer';
import { getLayerSpec } from '../../../core/layers/registry';
import { layerFace, runLayer } from './layer-harness';

describe('Add', () => {
  it.each([
    {
      why: 'a residual skip',
      inputs: [
        [8, 8, 16],
        [8, 8, 16],
      ],
      shape: [null, 8, 8, 16],
    },
    { why: 'three branches', inputs: [[4], [4], [4]], shape: [null, 4] },
    {
      why: 'sequences',
      inputs: [
        [3, 5],
        [3, 5],
      ],
      shape: [null, 3, 5],
    },
  ])('$why', ({ inputs, shape }) => {
    const run = runLayer('Add', {}, inputs);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual(shape);
    expect(run.row).toMatchObject({ trainableParams: 0, nonTrainableParams: 0, macs: 0 });
  });

  it('different channels: offers a 1×1 Conv2D that matches them, and the fix works', () => {
    const run = runLayer(
      'Add',
      {},
      [
        [8, 8, 16],
        [8, 8, 32],
      ],
      'skip',
    );
    expect(run.shape).toBeNull();
    expect(run.diagnostics).toHaveLength(1);
    const [d] = run.diagnostics;
    expect(d).toMatchObject({ code: 'shape-mismatch', severity: 'error' });
    expect(d.message).toBe('Add "skip": input 1 is 8×8×16 but input 2 is 8×8×32; Add needs equal shapes');
    expect(d.fix?.label).toBe('Match the channels: insert a 1×1 Conv2D with 16 filters on input 2');
    const repaired = inferShapes(applyFix(run.graph, d.fix!));
    expect(repaired.diagnostics).toEqual([]);
    expect(repaired.shapes.get(run.nodeId)).toEqual([null, 8, 8, 16]);
  });

  it('the channel fix on the middle input of three keeps every branch connected', () => {
    const run = runLayer(
      'Add',
      {},
      [
        [8, 8, 16],
        [8, 8, 32],
        [8, 8, 16],
      ],
      'sum',
    );
    const [d] = run.diagnostics;
    expect(d.message).toMatch(/input 1 is 8×8×16 but input 2 is 8×8×32/);
    const fixed = applyFix(run.graph, d.fix!);
    const repaired = inferShapes(fixed);
    expect(repaired.diagnostics).toEqual([]);
    const slots = incomingEdges(fixed, run.nodeId);
    expect(slots.map((e) => e.targetInput)).toEqual([0, 1, 2]);
    expect(slots.map((e) => fixed.nodes.find((n) => n.id === e.source)?.name)).toEqual(['in1', 'conv1', 'in3']);
  });

  it.each([
    {
      why: 'different height and width',
      inputs: [
        [8, 8, 16],
        [4, 4, 16],
      ],
      message: /^Add "layer": input 1 is 8×8×16 but input 2 is 4×4×16; Add needs equal shapes$/,
    },
    { why: 'different ranks', inputs: [[8, 8, 16], [16]], message: /input 1 is 8×8×16 but input 2 is 16/ },
    { why: 'the third input differs', inputs: [[4], [4], [5]], message: /input 1 is 4 but input 3 is 5/ },
  ])('$why → shape-mismatch without a channel fix', ({ inputs, message }) => {
    const run = runLayer('Add', {}, inputs);
    expect(run.diagnostics).toHaveLength(1);
    expect(run.diagnostics[0]).toMatchObject({ code: 'shape-mismatch', severity: 'error' });
    expect(run.diagnostics[0].fix).toBeUndefined();
    expect(run.diagnostics[0].message).toMatch(message);
  });

  it('one input is not enough', () => {
    const run = runLayer('Add', {}, [[4]]);
    expect(run.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['missing-input', 'Add "layer": needs at least 2 inputs but input 2 is not connected'],
    ]);
  });

  it('face is +', () => expect(layerFace('Add', {})).toBe('+'));
});

describe('Concatenate', () => {
  it.each([
    {
      why: 'channels of an Inception block',
      inputs: [
        [28, 28, 64],
        [28, 28, 32],
      ],
      params: {},
      shape: [null, 28, 28, 96],
    },
    { why: 'three flat vectors', inputs: [[3], [4], [5]], params: {}, shape: [null, 12] },
    {
      why: 'along the height (axis 1)',
      inputs: [
        [4, 8, 2],
        [6, 8, 2],
      ],
      params: { axis: 1 },
      shape: [null, 10, 8, 2],
    },
    {
      why: 'along the width (axis -2)',
      inputs: [
        [4, 8, 2],
        [4, 1, 2],
      ],
      params: { axis: -2 },
      shape: [null, 4, 9, 2],
    },
  ])('$why', ({ inputs, params, shape }) => {
    const run = runLayer('Concatenate', params, inputs);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual(shape);
    expect(run.row).toMatchObject({ trainableParams: 0, nonTrainableParams: 0, macs: 0 });
  });

  it.each([
    {
      why: 'maps of different sizes',
      inputs: [
        [8, 8, 4],
        [4, 4, 4],
      ],
      params: {},
      code: 'concat-mismatch',
      message: /^Concatenate "layer": input 1 is 8×8×4 but input 2 is 4×4×4: all sizes except axis -1 must agree$/,
      fix: undefined,
    },
    {
      why: 'different ranks',
      inputs: [[8, 8, 4], [4]],
      params: {},
      code: 'concat-mismatch',
      message: /^Concatenate "layer": input 1 is 4-D but input 2 is 2-D$/,
      fix: undefined,
    },
    {
      why: 'joining along the batch',
      inputs: [
        [8, 8, 4],
        [8, 8, 4],
      ],
      params: { axis: 0 },
      code: 'concat-mismatch',
      message: /^Concatenate "layer": axis 0 is not a data axis of a 4-D input$/,
      fix: 'Join along the channels (axis -1)',
    },
    {
      why: 'axis -4 is the batch of a 4-D input',
      inputs: [
        [8, 8, 4],
        [8, 8, 4],
      ],
      params: { axis: -4 },
      code: 'concat-mismatch',
      message: /axis -4 is not a data axis/,
      fix: 'Join along the channels (axis -1)',
    },
    {
      why: 'axis 3 of flat vectors',
      inputs: [[3], [4]],
      params: { axis: 3 },
      code: 'concat-mismatch',
      message: /axis 3 is not a data axis of a 2-D input/,
      fix: 'Join along the channels (axis -1)',
    },
    {
      why: 'axis out of range',
      inputs: [[3], [4]],
      params: { axis: 7 },
      code: 'param-invalid',
      message: /axis must be a whole number from -4 to 3, got 7/,
      fix: 'Reset axis to -1',
    },
  ])('$why → $code', ({ inputs, params, code, message, fix }) => {
    const run = runLayer('Concatenate', params, inputs);
    expect(run.shape).toBeNull();
    expect(run.diagnostics).toHaveLength(1);
    expect(run.diagnostics[0]).toMatchObject({ code, severity: 'error' });
    expect(run.diagnostics[0].message).toMatch(message);
    expect(run.diagnostics[0].fix?.label).toBe(fix);
    if (run.diagnostics[0].fix)
      expect(inferShapes(applyFix(run.graph, run.diagnostics[0].fix)).diagnostics).toEqual([]);
  });

  it('face names a non-default axis', () => {
    expect(layerFace('Concatenate', {})).toBe('');
    expect(layerFace('Concatenate', { axis: 1 })).toBe('axis 1');
  });
});

describe('the other element-wise merges', () => {
  const pair = [
    [4, 4, 8],
    [4, 4, 8],
  ];

  it.each([
    ['Multiply', '×', [2, 12, 30]],
    ['Average', 'mean', [1.5, 3.5, 5.5]],
    ['Maximum', 'max', [2, 4, 6]],
    ['Minimum', 'min', [1, 3, 5]],
    ['Subtract', '−', [-1, -1, -1]],
  ] as const)('%s keeps equal shapes, shows %s and computes it in tfjs', async (type, face, expected) => {
    const run = runLayer(type, {}, pair);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual([null, 4, 4, 8]);
    expect(run.row).toMatchObject({ trainableParams: 0, macs: 0 });
    expect(layerFace(type, {})).toBe(face);
    await tf.setBackend('cpu');
    const a = tf.tensor2d([[1, 3, 5]]);
    const b = tf.tensor2d([[2, 4, 6]]);
    const out = getLayerSpec(type).toTfjs({}, tf, `${type}_values`).apply([a, b]) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual(expected);
    tf.dispose([a, b, out]);
  });

  it.each(['Multiply', 'Average', 'Maximum', 'Minimum', 'Subtract'])('%s names itself when shapes differ', (type) => {
    const run = runLayer(type, {}, [
      [8, 8, 16],
      [8, 8, 32],
    ]);
    expect(run.diagnostics[0].message).toBe(
      `${type} "layer": input 1 is 8×8×16 but input 2 is 8×8×32; ${type} needs equal shapes`,
    );
    expect(run.diagnostics[0].fix?.label).toBe('Match the channels: insert a 1×1 Conv2D with 16 filters on input 2');
  });

  it('Subtract takes exactly two inputs; the others take any number', () => {
    const three = [[4], [4], [4]];
    expect(runLayer('Subtract', {}, three).diagnostics.map((d) => [d.code, d.message])).toEqual([
      [
        'too-many-inputs',
        'Subtract "layer": takes at most 2 inputs but has 3; use an Add or Concatenate to merge tensors',
      ],
    ]);
    expect(runLayer('Average', {}, three).all).toEqual([]);
  });
});
