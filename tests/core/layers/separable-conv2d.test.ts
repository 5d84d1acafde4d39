import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { compileGraph } from '../../../core/compile/compile';
import { GraphBuilder } from '../../../core/graph/builder';
import { explainLayer, importOne, layerFace, runLayer } from './layer-harness';

// Counts by hand: params = F·F·Cin·m (depthwise) + Cin·m·filters (pointwise) + filters (bias);
// MACs = outH·outW·Cin·m·(F·F + filters).
describe('SeparableConv2D shape, parameters and MACs', () => {
  it.each([
    {
      why: 'Xception block2_sepconv1: 8,768 weights, as Keras reports',
      input: [147, 147, 64],
      params: { filters: 128, padding: 'same', useBias: false },
      shape: [null, 147, 147, 128],
      trainable: 3 * 3 * 64 + 64 * 128,
      macs: 189_467_712,
    },
    {
      why: 'mini-Xception: 3×3 same with a bias',
      input: [48, 48, 8],
      params: { filters: 16, padding: 'same' },
      shape: [null, 48, 48, 16],
      trainable: 72 + 128 + 16,
      macs: 460_800,
    },
    {
      why: 'depth multiplier 2, stride 2, valid: (9 − 3) / 2 + 1 = 4',
      input: [9, 9, 3],
      params: { filters: 5, strides: [2, 2], depthMultiplier: 2 },
      shape: [null, 4, 4, 5],
      trainable: 9 * 6 + 6 * 5 + 5,
      macs: 16 * 6 * (9 + 5),
    },
  ])('$why', ({ input, params, shape, trainable, macs }) => {
    const run = runLayer('SeparableConv2D', params, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual(shape);
    expect([run.row.trainableParams, run.row.nonTrainableParams, run.row.macs]).toEqual([trainable, 0, macs]);
  });

  it.each([
    [{ kernelSize: [5, 5] }, [3, 3, 2], 'kernel-too-large', /^SeparableConv2D "layer": 5×5 kernel does not fit a 3×3/],
    [{ filters: 0 }, [8, 8, 2], 'param-invalid', /filters must be a whole number ≥ 1, got 0/],
    [{}, [10], 'wrong-rank', /expects a 4-D input, a feature map/],
  ])('%j on %j → %s', (params, input, code, message) => {
    const run = runLayer('SeparableConv2D', params, [input]);
    expect(run.shape).toBeNull();
    expect(run.diagnostics.map((d) => d.code)).toEqual([code]);
    expect(run.diagnostics[0].message).toMatch(message);
  });

  it('explains the size like a convolution and the depth in two steps', () => {
    expect(explainLayer('SeparableConv2D', { filters: 64, strides: [2, 2] }, [[32, 32, 16]])).toEqual([
      'height: (32 − 3 + 2·0) / 2 + 1 = 15.50 → 15',
      'width: (32 − 3 + 2·0) / 2 + 1 = 15.50 → 15',
      'depth: 16 channels × 1 filtered apart by 3×3 kernels, then mixed by 1×1 into 64 filters',
    ]);
    expect(layerFace('SeparableConv2D', { filters: 64, padding: 'same', activation: 'relu' })).toBe(
      '3×3 ×64 same relu',
    );
  });

  it('imports a Keras config and refuses dilation', () => {
    const config = {
      filters: 128,
      kernel_size: [3, 3],
      strides: [1, 1],
      padding: 'same',
      data_format: 'channels_last',
      dilation_rate: [1, 1],
      depth_multiplier: 1,
      activation: 'linear',
      use_bias: false,
    };
    expect(importOne('SeparableConv2D', config, [8, 8, 4])).toEqual({
      filters: 128,
      kernelSize: [3, 3],
      strides: [1, 1],
      padding: 'same',
      depthMultiplier: 1,
      activation: 'linear',
      useBias: false,
    });
    expect(importOne('SeparableConv2D', { ...config, dilation_rate: 2 }, [8, 8, 4])).toMatch(
      /config\.dilation_rate: SeparableConv2D "layer": 2 is not supported: dilated separable convolution is not offered/,
    );
  });
});

describe('SeparableConv2D through tfjs serialization', () => {
  it('keeps its depth multiplier in the saved config and when rebuilt with a seeded initializer (tfjs 4.22 drops it)', async () => {
    await tf.setBackend('cpu');
    const b = new GraphBuilder();
    b.layer('SeparableConv2D', { filters: 4, depthMultiplier: 3 }, b.input([6, 6, 2], 'x'), 'sep');
    const model = compileGraph(b.build(), tf, { seed: 1, kernelInitializer: 'heNormal' });
    const expected = 3 * 3 * 2 * 3 + 2 * 3 * 4 + 4;
    expect(model.countParams()).toBe(expected);
    const config = model.getLayer('sep').getConfig();
    expect(config.depthMultiplier).toBe(3);
    const topology = model.toJSON(null, false) as unknown as {
      config: { layers: { config: Record<string, unknown> }[] };
    };
    expect(topology.config.layers[1].config.depth_multiplier).toBe(3);
    const reloaded = await tf.models.modelFromJSON({
      modelTopology: topology as unknown as tf.io.ModelJSON['modelTopology'],
    });
    expect(reloaded.countParams()).toBe(expected);
    model.dispose();
    reloaded.dispose();
  });
});
