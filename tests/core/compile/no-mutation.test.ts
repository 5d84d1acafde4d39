import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../core/compile/compile';
import { GraphBuilder } from '../../../core/graph/builder';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('compileGraph', () => {
  it('leaves the design unchanged (tfjs Reshape rewrites -1 in the arrays it is given)', () => {
    const b = new GraphBuilder();
    const x = b.input([4, 4, 2]);
    b.layer('Dense', { units: 3 }, b.layer('Reshape', { targetShape: [-1] }, x));
    const graph = b.build();
    const before = structuredClone(graph);
    const model = compileGraph(graph, tf);
    expect(model.outputs[0].shape).toEqual([null, 3]);
    expect(graph).toEqual(before);
    model.dispose();
  });
});
