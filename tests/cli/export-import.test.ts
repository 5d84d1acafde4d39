/**
 * `netcanvas export` and `netcanvas import` as a user runs them (the real
 * command in a child process): a design leaves as a model.json tfjs loads,
 * comes back as a project file with the same layers and counts, and model
 * files are read by `summary` and `validate` too. Real files from the wild
 * (../shared/fixtures/keras-models) check the importer's counts and refusals
 * through the command.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProjectFile } from '../../core/formats/project-file';
import { GraphBuilder } from '../../core/graph/builder';
import { createProject, serializeProjectFile } from '../../core/formats/project-file';
import { summarize } from '../../core/graph/summary';
import { buildLenet5 } from '../../templates/lenet5';
import { buildMlp } from '../../templates/mlp';
import { netcanvas } from './run-netcanvas';

const FIXTURES = fileURLToPath(new URL('../../../shared/fixtures/keras-models/', import.meta.url));

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  await tf.setBackend('cpu');
  tf.env().set('PROD', true);
});

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('netcanvas export', () => {
  it.concurrent(
    'writes an untrained template as topology only, which tfjs loads with the same parameters',
    async () => {
      const out = join(dir, 'lenet5');
      const run = await netcanvas(['export', 'lenet5', '--format', 'tfjs', '-o', out]);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toBe(
        `LeNet-5 (template lenet5): topology only (untrained) written to ${join(out, 'model.json')}\n`,
      );
      const modelJson = readJson(join(out, 'model.json'));
      expect(modelJson.format).toBe('layers-model');
      expect(modelJson).not.toHaveProperty('weightsManifest');
      expect(existsSync(join(out, 'model.weights.bin'))).toBe(false);
      const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology }));
      expect(model.countParams()).toBe(61_706);
      expect(model.outputs[0].shape).toEqual([null, 10]);
      model.dispose();
    },
  );

  it.concurrent(
    '--weights writes seeded initial weights that tfjs loads; the same seed gives the same bytes',
    async () => {
      const [a, b] = [join(dir, 'mlp-a'), join(dir, 'mlp-b')];
      const options = ['--input', '2', '--classes', '2', '--weights', '--seed', '7'];
      const runs = await Promise.all([a, b].map((out) => netcanvas(['export', 'mlp', ...options, '-o', out])));
      for (const run of runs) expect(run).toMatchObject({ code: 0, stderr: '' });
      const weights = readFileSync(join(a, 'model.weights.bin'));
      expect(weights.equals(readFileSync(join(b, 'model.weights.bin')))).toBe(true);
      const modelJson = readJson(join(a, 'model.json'));
      const model = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: modelJson.modelTopology,
          weightSpecs: modelJson.weightsManifest[0].weights,
          weightData: new Uint8Array(weights).buffer,
        }),
      );
      const params = summarize(buildMlp({ input: [2], classes: 2 })).totals.params;
      expect(model.countParams()).toBe(params);
      expect(weights.byteLength).toBe(params * 4);
      model.dispose();
    },
  );

  it.concurrent('refuses a design with errors, listing them, and writes nothing', async () => {
    const b = new GraphBuilder();
    const x = b.input([28, 28, 1], 'pixels');
    b.layer('Dense', { units: 10 }, x, 'scores'); // Dense needs a flat vector
    const file = join(dir, 'broken.netcanvas.json');
    writeFileSync(file, serializeProjectFile(createProject(b.build())));
    const out = join(dir, 'broken-out');
    const run = await netcanvas(['export', file, '-o', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^netcanvas: .*broken\.netcanvas\.json has 1 error and cannot be exported:\n {2}- Dense "scores": /,
    );
    expect(existsSync(out)).toBe(false);
  });

  it.concurrent.each([
    [
      ['export', 'lenet5', '--format', 'keras', '-o', 'x'],
      /^netcanvas: --format expects one of tfjs, pytorch, onnx, got "keras"\n$/,
    ],
    [['export', 'lenet5'], /^netcanvas: export needs -o DIR, the folder to write into\n$/],
    [
      ['export', 'lenet5', '--format', 'pytorch', '--weights', '-o', 'x'],
      /^netcanvas: --weights and --seed set initial weights; a PyTorch export initialises its own\n$/,
    ],
    [
      ['export', 'lenet5', '--format', 'onnx', '--weights', '-o', 'x'],
      /^netcanvas: an ONNX file always holds weights: the trained ones, or initial ones \(seeded with --seed\)\n$/,
    ],
    [
      ['export', 'lenet5', '-o', 'x', '--seed', '3'],
      /^netcanvas: --seed seeds the initial weights; pass --weights with it\n$/,
    ],
  ])('%j is a wrong command line (exit 2)', async (args, message) => {
    const run = await netcanvas(args);
    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
  });
});

describe('netcanvas import', () => {
  it('brings an exported design back as a project with the same layers and counts', async () => {
    const out = join(dir, 'roundtrip');
    expect((await netcanvas(['export', 'lenet5', '--input', '28,28,1', '-o', out])).code).toBe(0);
    const project = join(dir, 'lenet.netcanvas.json');
    const run = await netcanvas(['import', join(out, 'model.json'), '-o', project]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const original = buildLenet5({ input: [28, 28, 1] });
    const expected = summarize(original);
    expect(run.stdout).toBe(`${project}: 9 layers, ${expected.totals.params.toLocaleString('en-US')} parameters\n`);
    const imported = parseProjectFile(readFileSync(project, 'utf8'));
    expect(imported.name).toBe('model');
    const summary = summarize(imported.graph);
    expect(summary.layers.map((l) => [l.name, l.type, l.outputShape, l.trainableParams])).toEqual(
      expected.layers.map((l) => [l.name, l.type, l.outputShape, l.trainableParams]),
    );
    // The written project is a valid project the other commands read.
    expect(await netcanvas(['validate', project])).toMatchObject({ code: 0, stdout: `${project}: valid (9 layers)\n` });
  });

  it.concurrent('checks a real Keras file against the parameter total its weightsManifest lists', async () => {
    const file = join(
      FIXTURES,
      'keras2.4.0_cnn_sequential__AlexFSmirnov_tfjs-classification-demo__react-app_public_model_model.json',
    );
    const project = join(dir, 'keras-cnn.netcanvas.json');
    const run = await netcanvas(['import', file, '-o', project, '--name', 'Demo CNN']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/: \d+ layers, 160,847 parameters \(as its weightsManifest lists\)\n$/);
    expect(parseProjectFile(readFileSync(project, 'utf8')).name).toBe('Demo CNN');
  });

  it.concurrent('will not overwrite a file without --force', async () => {
    const project = join(dir, 'taken.netcanvas.json');
    writeFileSync(project, 'keep me');
    const source = join(
      FIXTURES,
      'tfjs-layers1.3.2_mlp__tensorflow_tfjs-examples__abalone-node_trainedModel_model.json',
    );
    const refused = await netcanvas(['import', source, '-o', project]);
    expect(refused).toMatchObject({
      code: 1,
      stderr: `netcanvas: "${project}" already exists; pass --force to replace it\n`,
    });
    expect(readFileSync(project, 'utf8')).toBe('keep me');
    expect((await netcanvas(['import', source, '-o', project, '--force'])).code).toBe(0);
    expect(parseProjectFile(readFileSync(project, 'utf8')).graph.nodes.length).toBeGreaterThan(1);
  });

  it.concurrent.each([
    [
      'NEGATIVE_graph-model__tensorflow_tfjs-examples__angular-predictive-prefetching_client_src_assets_model.json',
      /graph model .*not a Layers model/,
    ],
    [
      'EDGE_tfjs-layers0.0.0_embedding_gru__tensorflow_tfjs__e2e_integration_tests_load_predict_data_layers_model_model.json',
      /layer types NetCanvas does not support: Embedding, GRU\./,
    ],
  ])('refuses %s with the importer’s reason and writes nothing', async (name, reason) => {
    const project = join(dir, `${name}.netcanvas.json`);
    const run = await netcanvas(['import', join(FIXTURES, name), '-o', project]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`^netcanvas: .*${name.replace(/[.]/g, '\\.')}: `));
    expect(run.stderr).toMatch(reason);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(existsSync(project)).toBe(false);
  });
});

describe('summary and validate read model.json files', () => {
  const file = join(
    FIXTURES,
    'tfjs-layers0.8.5_lenet_functional__tensorspace-team_tensorspace__docs_tfjs_convertedModel_model.json',
  );

  it.concurrent('summary --json of a model.json gives the weightsManifest total', async () => {
    const run = await netcanvas(['summary', file, '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).totals.params).toBe(61_706);
  });

  it.concurrent('validate accepts a model.json it can import', async () => {
    const run = await netcanvas(['validate', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/: valid \(\d+ layers\)\n$/);
  });

  it.concurrent('validate of a graph model fails with the importer’s reason, in one line', async () => {
    const run = await netcanvas([
      'validate',
      join(
        FIXTURES,
        'NEGATIVE_graph-model__tensorflow_tfjs-examples__angular-predictive-prefetching_client_src_assets_model.json',
      ),
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^netcanvas: .*: This file is a TensorFlow\.js graph model .*\n$/);
  });
});

describe('the import fixes through the command (fixtures in tests/fixtures/keras)', () => {
  const OURS = fileURLToPath(new URL('../fixtures/keras/', import.meta.url));

  it.concurrent('an input of open size is refused with the --input to pass, and imported with it', async () => {
    const source = join(OURS, 'keras2.13.1_unsized-input.json');
    const project = join(dir, 'unsized.netcanvas.json');
    const refused = await netcanvas(['import', source, '-o', project]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /^netcanvas: .*unsized-input\.json: At .*batch_input_shape: InputLayer "input_1": input size \[null,null,null,3\] is not fixed; .*\(its usual size is 224×224×3\); pass --input 224,224,3 to import it at that size\n$/,
    );
    expect(existsSync(project)).toBe(false);
    const run = await netcanvas(['import', source, '--input', '224,224,3', '-o', project]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/: 11 layers, 18,984 parameters \(as its weightsManifest lists\)\n$/);
    const { graph } = parseProjectFile(readFileSync(project, 'utf8'));
    expect(graph.nodes[0].params.shape).toEqual([224, 224, 3]);
    // summary reads the model file at a size too.
    const summary = await netcanvas(['summary', source, '--input', '96,96,3', '--json']);
    expect(summary.code).toBe(0);
    expect(JSON.parse(summary.stdout).layers[1].outputShape).toEqual([null, 48, 48, 32]);
  });

  it.concurrent('a frozen base imports with one warning line and stays frozen in the project', async () => {
    const project = join(dir, 'frozen.netcanvas.json');
    const run = await netcanvas(['import', join(OURS, 'keras2.13.1_frozen-base.json'), '-o', project]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('warning: 8 layers frozen (trainable: false): kept frozen\n');
    const { graph } = parseProjectFile(readFileSync(project, 'utf8'));
    expect(graph.nodes.filter((n) => n.trainable === false)).toHaveLength(8);
  });

  it.concurrent.each([
    ['keras2.1.6-tf_ndarray-values.json', /: 14 layers, 2,154 parameters \(as its weightsManifest lists\)\n$/],
    ['keras2.13.1_bn-after-dense.json', /: 8 layers, 347,194 parameters \(as its weightsManifest lists\)\n$/],
  ])('%s imports with the weightsManifest total', async (name, line) => {
    const run = await netcanvas(['import', join(OURS, name), '-o', join(dir, `${name}.netcanvas.json`)]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(line);
  });

  it.concurrent('a weights-only model.json is refused as such, and nothing is written', async () => {
    const project = join(dir, 'weights-only.netcanvas.json');
    const run = await netcanvas(['import', join(OURS, 'tfjs4.22_weights-only.json'), '-o', project]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^netcanvas: .*weights-only\.json: At modelTopology: a weights-only file: no model in it\./,
    );
    expect(existsSync(project)).toBe(false);
  });
});

describe('netcanvas export of layers tfjs lacks', () => {
  it.concurrent('writes README.md with the code to load Maxout beside model.json', async () => {
    const b = new GraphBuilder();
    const x = b.layer('Dense', { units: 8 }, b.input([4], 'x'), 'pieces');
    b.layer('Dense', { units: 2 }, b.layer('Maxout', { pieces: 2 }, x, 'maxout'), 'out');
    const project = join(dir, 'maxout.netcanvas.json');
    writeFileSync(project, serializeProjectFile(createProject(b.build())));
    const out = join(dir, 'maxout-model');
    const run = await netcanvas(['export', project, '-o', out]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/written to .*maxout-model\/README\.md, .*maxout-model\/model\.json\n$/);
    const readme = readFileSync(join(out, 'README.md'), 'utf8');
    expect(readme).toMatch(/no class for: Maxout\./);
    expect(readme).toContain('tf.serialization.registerClass(Maxout);');
  });
});
