import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../core/graph/builder';
import { summarize } from '../../../core/graph/summary';
import { layerFace } from './layer-harness';

function inputFeedingActivation(shape: unknown) {
  const b = new GraphBuilder();
  const input = b.layer('InputLayer', { shape }, [], 'image');
  const act = b.layer('Activation', {}, input);
  return { input, act, summary: summarize(b.build()) };
}

describe('InputLayer', () => {
  it.each([
    { shape: [28, 28, 1], out: [null, 28, 28, 1], bytes: 784 * 4 },
    { shape: [32, 32, 3], out: [null, 32, 32, 3], bytes: 3072 * 4 },
    { shape: [784], out: [null, 784], bytes: 784 * 4 },
  ])('$shape gives a batch-first $out', ({ shape, out, bytes }) => {
    const { input, summary } = inputFeedingActivation(shape);
    expect(summary.diagnostics).toEqual([]);
    expect(summary.layers.find((l) => l.nodeId === input)).toMatchObject({
      outputShape: out,
      trainableParams: 0,
      macs: 0,
      activationBytes: bytes,
    });
  });

  it.each([
    { shape: [], message: /^InputLayer "image": shape must have at least 1 entries, got \[\]$/ },
    { shape: [0, 28, 1], message: /shape entries must be ≥ 1, got \[0,28,1\]/ },
    { shape: [1, 2, 3, 4], message: /shape must have at most 3 entries/ },
    { shape: [-1, 4], message: /shape entries must be ≥ 1, got \[-1,4\]/ },
  ])('$shape → param-invalid, and the layer after it is not blamed', ({ shape, message }) => {
    const { input, summary } = inputFeedingActivation(shape);
    expect(summary.diagnostics).toHaveLength(1);
    expect(summary.diagnostics[0]).toMatchObject({
      nodeId: input,
      code: 'param-invalid',
      fix: { label: 'Reset shape to [28,28,1]' },
    });
    expect(summary.diagnostics[0].message).toMatch(message);
  });

  it('face is the shape', () => expect(layerFace('InputLayer', { shape: [32, 32, 3] })).toBe('32×32×3'));
});
