/**
 * Layers NetCanvas adds to TensorFlow.js (Maxout, Subtract) leave in a
 * model.json that loads back in NetCanvas, and with a README whose code makes
 * a plain tfjs program, one that never saw NetCanvas, load the same model and
 * compute the same outputs. Without that code it cannot.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../core/compile/compile';
import { importLayersModel } from '../../../core/formats/keras-import';
import { customLayersReadme, exportTfjsModel } from '../../../core/formats/tfjs-export';
import { GraphBuilder } from '../../../core/graph/builder';
import { summarize } from '../../../core/graph/summary';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'netcanvas-custom-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** 6 → Dense(8) → Maxout(2) → Dense(3), minus Dense(3) of the input, → Dense(2). */
function design() {
  const b = new GraphBuilder();
  const x = b.input([6], 'x');
  const pieces = b.layer('Dense', { units: 8 }, x, 'pieces');
  const units = b.layer('Maxout', { pieces: 2 }, pieces, 'maxout');
  const left = b.layer('Dense', { units: 3 }, units, 'left');
  const right = b.layer('Dense', { units: 3 }, x, 'right');
  const diff = b.layer('Subtract', {}, [left, right], 'diff');
  b.layer('Dense', { units: 2, activation: 'softmax' }, diff, 'out');
  return b.build();
}

const INPUT = [[0.5, -1, 2, 0, 1.5, -0.25]];

/** A Node program with only tfjs: runs `setup`, loads the model from the files, prints its output for INPUT. */
const program = (setup: string) => `
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
await tf.setBackend('cpu');
${setup}
const json = JSON.parse(readFileSync(${JSON.stringify(join(dir, 'model.json'))}, 'utf8'));
const bytes = readFileSync(${JSON.stringify(join(dir, 'model.weights.bin'))});
const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
const model = await tf.loadLayersModel(
  tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData }),
);
console.log(JSON.stringify(Array.from(model.predict(tf.tensor2d(${JSON.stringify(INPUT)})).dataSync())));
`;

describe('a model with Maxout and Subtract', () => {
  it('exports with a README, loads back in NetCanvas and in a plain tfjs program given the README’s code', async () => {
    const graph = design();
    const model = compileGraph(graph, tf, { seed: 5 });
    const expected = Array.from((model.predict(tf.tensor2d(INPUT)) as tf.Tensor).dataSync());
    const exported = await exportTfjsModel(model, tf);
    model.dispose();

    const readme = exported.readme ?? '';
    expect(readme).toMatch(
      /^# Loading this model\n\nThis model uses layer types that TensorFlow\.js has no class for: Maxout, Subtract\./,
    );
    expect(readme).toContain('custom_object_scope({"Maxout": Maxout})');
    expect(readme).toContain('Subtract: Keras has Subtract');

    // Back into NetCanvas: the same design and counts.
    const back = importLayersModel(exported.modelJson);
    expect(back.graph.nodes.map((n) => [n.type, n.params])).toEqual(graph.nodes.map((n) => [n.type, n.params]));
    expect(summarize(back.graph).totals).toEqual(summarize(graph).totals);

    writeFileSync(join(dir, 'model.json'), JSON.stringify(exported.modelJson));
    writeFileSync(join(dir, 'model.weights.bin'), new Uint8Array(exported.weightData as ArrayBuffer));
    const code = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).join('\n');
    expect(code).toContain('class Maxout extends tf.layers.Layer');
    const node = (source: string) =>
      run(process.execPath, ['--input-type=module', '-e', source], { cwd: process.cwd(), timeout: 60_000 });

    const withReadme = await node(program(code));
    const outputs = JSON.parse(withReadme.stdout.trim().split('\n').at(-1) as string) as number[];
    outputs.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));

    await expect(node(program(''))).rejects.toThrow(/Unknown layer: (Maxout|Subtract)/);
  }, 120_000);

  it('needs no README when every layer is one tfjs has', () => {
    expect(customLayersReadme(['Dense', 'Conv2D', 'Add'])).toBeNull();
  });
});
