import { describe, expect, it } from 'vitest';
import { importOne, layerFace, runLayer } from './layer-harness';

describe('LayerNormalization', () => {
  it.each([
    [{}, [512], 1024],
    [{}, [14, 14, 96], 192],
    [{ center: false }, [10], 10],
    [{ center: false, scale: false }, [10], 0],
  ])('%j on %j learns %i weights (γ and β per channel), no moving statistics', (params, input, weights) => {
    const run = runLayer('LayerNormalization', params, [input]);
    expect(run.all).toEqual([]);
    expect(run.shape).toEqual([null, ...input]);
    expect([run.row.trainableParams, run.row.nonTrainableParams]).toEqual([weights, 0]);
  });

  it('refuses an ε that float32 (PyTorch, ONNX) would round to 0', () => {
    expect(runLayer('LayerNormalization', { epsilon: 1e-12 }, [[4]]).all).toEqual([]);
    expect(runLayer('LayerNormalization', { epsilon: 1e-300 }, [[4]]).diagnostics.map((d) => d.message)).toEqual([
      expect.stringMatching(/epsilon.*1e-12/),
    ]);
  });

  it('shows what it does not learn', () => {
    expect(layerFace('LayerNormalization', {})).toBe('');
    expect(layerFace('LayerNormalization', { center: false })).toBe('γ');
    expect(layerFace('LayerNormalization', { center: false, scale: false })).toBe('no γ, β');
  });

  it('imports Keras configs on the last axis and refuses others and RMS scaling', () => {
    const config = { axis: [3], epsilon: 1e-6, center: true, scale: true };
    expect(importOne('LayerNormalization', config, [7, 7, 8])).toEqual({ epsilon: 1e-6, center: true, scale: true });
    expect(importOne('LayerNormalization', { ...config, axis: [1, 2, 3] }, [7, 7, 8])).toMatch(
      /config\.axis: LayerNormalization "layer": normalising axis \[1,2,3\] is not supported/,
    );
    expect(importOne('LayerNormalization', { ...config, rms_scaling: true }, [7, 7, 8])).toMatch(
      /config\.rms_scaling: .*RMS normalisation is not offered/,
    );
  });
});
