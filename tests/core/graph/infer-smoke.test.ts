import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../core/graph/builder';
import { summarize } from '../../../core/graph/summary';

describe('shape inference on a small LeNet-like chain', () => {
  it('infers shapes and counts, and flags a Dense fed a 4-D tensor with a Flatten fix', () => {
    const b = new GraphBuilder();
    let x = b.input([32, 32, 1]);
    x = b.layer('Conv2D', { filters: 6, kernelSize: [5, 5] }, x);
    x = b.layer('AveragePooling2D', {}, x);
    const dense = b.layer('Dense', { units: 10 }, x);
    const s = summarize(b.build());
    expect(s.layers.map((l) => l.outputShape)).toEqual([[null, 32, 32, 1], [null, 28, 28, 6], [null, 14, 14, 6], null]);
    expect(s.totals.trainableParams).toBe(5 * 5 * 1 * 6 + 6);
    expect(s.diagnostics).toHaveLength(1);
    expect(s.diagnostics[0]).toMatchObject({ nodeId: dense, code: 'wrong-rank', fix: { edit: { type: 'Flatten' } } });
  });
});
