import { describe, expect, it } from 'vitest';
import { explainLayer, importOne, layerFace, runLayer } from './layer-harness';

// Counts by hand: params = F·F·Cin·filters + filters; MACs = inH·inW·Cin·F·F·filters (each input value
// meets every kernel weight once). Sizes: "valid" N·S + max(F − S, 0), "same" N·S.
describe('Conv2DTranspose shape, parameters and MACs', () => {
  it.each([
    {
      why: 'U-Net up-convolution: 2×2 / 2 doubles the map and halves the channels',
      input: [28, 28, 1024],
      params: { filters: 512 },
      shape: [null, 56, 56, 512],
      trainable: 2_097_664,
      macs: 1_644_167_168,
    },
    {
      why: '3×3 / 2 "same": N·S',
      input: [7, 7, 16],
      params: { filters: 8, kernelSize: [3, 3], padding: 'same' },
      shape: [null, 14, 14, 8],
      trainable: 9 * 16 * 8 + 8,
      macs: 49 * 16 * 9 * 8,
    },
    {
      why: '3×3 / 1 "valid" grows by F − 1: (5 − 1)·1 + 3 = 7',
      input: [5, 5, 2],
      params: { filters: 3, kernelSize: [3, 3], strides: [1, 1] },
      shape: [null, 7, 7, 3],
      trainable: 57,
      macs: 25 * 2 * 9 * 3,
    },
    {
      why: 'a kernel narrower than the stride leaves gaps: 3·3 = 9',
      input: [3, 3, 1],
      params: { filters: 2, kernelSize: [1, 1], strides: [3, 3], useBias: false },
      shape: [null, 9, 9, 2],
      trainable: 2,
      macs: 9 * 2,
    },
  ])('$why', ({ input, params, shape, trainable, macs }) => {
    const run = runLayer('Conv2DTranspose', params, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual(shape);
    expect([run.row.trainableParams, run.row.nonTrainableParams, run.row.macs]).toEqual([trainable, 0, macs]);
  });

  it.each([
    [{ strides: [0, 2] }, [4, 4, 1], 'param-invalid', /strides must be two whole numbers ≥ 1, got \[0,2\]/],
    [{}, [4, 4], 'wrong-rank', /^Conv2DTranspose "layer": expects a 4-D input/],
  ])('%j on %j → %s', (params, input, code, message) => {
    const run = runLayer('Conv2DTranspose', params, [input]);
    expect(run.diagnostics.map((d) => d.code)).toEqual([code]);
    expect(run.diagnostics[0].message).toMatch(message);
  });

  it('explains each axis with the transposed rule', () => {
    expect(explainLayer('Conv2DTranspose', { filters: 512 }, [[28, 14, 1024]])).toEqual([
      'height: (N − 1)·S + F = (28 − 1)·2 + 2 = 56',
      'width: (N − 1)·S + F = (14 − 1)·2 + 2 = 28',
      'depth: 512 filters',
    ]);
    expect(
      explainLayer('Conv2DTranspose', { kernelSize: [3, 1], strides: [2, 3], padding: 'same' }, [[7, 7, 1]]),
    ).toEqual([
      'height: N·S = 7·2 = 14  (padding "same")',
      'width: N·S = 7·3 = 21  (padding "same")',
      'depth: 32 filters',
    ]);
    expect(explainLayer('Conv2DTranspose', { kernelSize: [1, 1], strides: [3, 3] }, [[3, 3, 1]])[0]).toBe(
      'height: N·S = 3·3 = 9  (the 1×1 kernel is narrower than the stride: gaps stay zero)',
    );
    expect(layerFace('Conv2DTranspose', { filters: 64 })).toBe('2×2 ×64 /2 valid');
  });

  it('imports a Keras config; refuses output_padding and dilation', () => {
    const config = { filters: 16, kernel_size: 3, strides: 2, padding: 'same', output_padding: null, use_bias: true };
    expect(importOne('Conv2DTranspose', config, [7, 7, 4])).toEqual({
      filters: 16,
      kernelSize: [3, 3],
      strides: [2, 2],
      padding: 'same',
      activation: 'linear',
      useBias: true,
    });
    expect(importOne('Conv2DTranspose', { ...config, output_padding: [1, 1] }, [7, 7, 4])).toMatch(
      /config\.output_padding: Conv2DTranspose "layer": \[1,1\] is not supported/,
    );
    expect(importOne('Conv2DTranspose', { ...config, dilation_rate: [2, 2] }, [7, 7, 4])).toMatch(
      /config\.dilation_rate: .*no dilated transposed convolution/,
    );
  });
});
