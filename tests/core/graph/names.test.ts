/**
 * Layer names: what tfjs, Keras and Python accept, checked against real tfjs,
 * and the valid name offered in place of a bad one.
 */
import * as tf from '@tensorflow/tfjs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../core/compile/compile';
import { GraphBuilder } from '../../../core/graph/builder';
import { applyFix } from '../../../core/graph/fixes';
import { renameNode } from '../../../core/graph/graph';
import { inferShapes } from '../../../core/graph/infer';
import { isValidLayerName, layerNameProblem, suggestLayerName } from '../../../core/graph/names';

describe('layer names', () => {
  it.each([
    ['', /^has no name; every layer needs one/],
    ['conv 1', /^its name has a space; a name starts with a letter/],
    ['block1/conv', /^its name has the character "\/"/],
    ['_hidden', /^its name must start with a letter/],
    ['1st', /^its name must start with a letter/],
    ['späť', /^its name has the non-ASCII character "ä"/],
    ['new\nline', /^its name has a control character/],
    ['a..b', /^its name has an empty or malformed part between dots/],
    ['layer1.0a', /^its name has an empty or malformed part between dots/],
    ['x'.repeat(129), /^its name has 129 characters; NetCanvas allows at most 128$/],
  ])('refuses %j', (name, reason) => {
    expect(layerNameProblem(name)).toMatch(reason);
  });

  it.each(['conv1', 'fc', 'layer1.0.conv1', 'layer2.0.downsample.0', 'class', 'Dense_2', 'x'.repeat(128)])(
    'accepts %j',
    (name) => expect(layerNameProblem(name)).toBeNull(),
  );

  it.each([
    ['conv 1', 'conv', [], 'conv_1'],
    ['block1/conv', 'conv', [], 'block1_conv'],
    ['_hidden', 'dense', [], 'hidden'],
    ['1st', 'conv', [], 'conv_1st'],
    ['层', 'dense', ['dense1'], 'dense2'],
    ['', 'pool', [], 'pool1'],
    ['a..b', 'conv', [], 'a.b'],
    ['conv 1', 'conv', ['conv_1'], 'conv_1_2'],
  ])('offers a valid name for %j (stem %j, taken %j): %j', (name, stem, taken, expected) => {
    expect(suggestLayerName(name, stem, new Set(taken))).toBe(expected);
  });

  it('always offers a valid name nobody has, whatever the text', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.array(fc.string({ maxLength: 4 })),
        (name, taken) => {
          const suggestion = suggestLayerName(name, 'layer', new Set(taken));
          expect(isValidLayerName(suggestion)).toBe(true);
          expect(taken).not.toContain(suggestion);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('names in real tfjs', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('tfjs builds and saves a model whose layers carry names NetCanvas accepts, dotted ones included', async () => {
    const b = new GraphBuilder();
    const x = b.input([4], 'input');
    const y = b.layer(
      'Dense',
      { units: 3 },
      b.layer('ReLU', {}, b.layer('Dense', { units: 5 }, x, 'layer1.0.fc'), 'class'),
      'Out_2',
    );
    const graph = b.build();
    expect(inferShapes(graph).diagnostics).toEqual([]);
    const model = compileGraph(graph, tf);
    expect(model.layers.map((l) => l.name)).toEqual(['input', 'layer1.0.fc', 'class', 'Out_2']);
    expect(JSON.stringify(model.toJSON(null, false))).toContain('"layer1.0.fc"');
    model.dispose();
    expect(y).toBeDefined();
  });

  it.each(['_hidden', 'conv 1', 'späť'])('tfjs itself refuses %j, which is why NetCanvas does', (name) => {
    const input = tf.input({ shape: [2] });
    expect(() => tf.layers.dense({ units: 1, name }).apply(input)).toThrow(/Not a valid tensor name/);
  });

  it('the offered rename fixes the design, and it then compiles', () => {
    const b = new GraphBuilder();
    const x = b.input([4], 'input');
    const fc1 = b.layer('Dense', { units: 3 }, x, 'fc');
    const graph = renameNode(b.build(), fc1, 'fully connected/1');
    const [problem] = inferShapes(graph).diagnostics;
    expect(problem).toMatchObject({
      code: 'invalid-name',
      severity: 'error',
      message:
        'Dense "fully connected/1": its name has a space; a name starts with a letter and has only letters, digits, "_" and single dots',
      fix: { label: 'Rename it "fully_connected_1"', edit: { kind: 'rename', name: 'fully_connected_1' } },
    });
    const fixed = applyFix(graph, problem.fix!);
    expect(inferShapes(fixed).diagnostics).toEqual([]);
    compileGraph(fixed, tf).dispose();
  });
});
