/**
 * The weight count worked out in the inspector, as a lecture writes it, for
 * every layer with weights; the formula's result is the count the summary
 * reports (so the two cannot drift apart).
 */
import { describe, expect, it } from 'vitest';
import { getLayerSpec } from '../../../core/layers/registry';
import { resolveParams } from '../../../core/layers/params';
import type { ResolvedParams, Shape } from '../../../core/layers/layer-spec';
import { runLayer } from './layer-harness';

function formula(type: string, params: Record<string, unknown>, input: readonly number[]): string {
  const spec = getLayerSpec(type);
  const run = runLayer(type, params, [input]);
  const io = {
    inputs: [[null, ...input]] as Shape[],
    output: run.shape as Shape,
    params: resolveParams(spec.params, params) as ResolvedParams,
  };
  const text = spec.explainParams?.(io) ?? '';
  // The number after "=" is the summary's count, trainable and not.
  const total = Number(text.split('=')[1].trim().split(' ')[0].replace(/,/g, ''));
  expect(total).toBe(run.row.trainableParams + run.row.nonTrainableParams);
  return text;
}

describe('the weight count worked out', () => {
  it.each([
    ['Conv2D', { filters: 6, kernelSize: [5, 5] }, [32, 32, 3], '(5·5·3 + 1)·6 = 456'],
    ['Conv2D', { filters: 64, kernelSize: [7, 7], useBias: false }, [224, 224, 3], '7·7·3·64 = 9,408 (no bias)'],
    ['DepthwiseConv2D', { kernelSize: [3, 3], depthMultiplier: 2 }, [16, 16, 8], '(3·3 + 1)·8·2 = 160'],
    ['Dense', { units: 120 }, [400], '(400 + 1)·120 = 48,120'],
    ['BatchNormalization', {}, [8, 8, 64], '4·64 = 256 (γ, β learned, moving mean and variance kept)'],
  ])('%s %j on %j: %s', (type, params, input, expected) => {
    expect(formula(type, params, input)).toBe(expected);
  });
});
