/**
 * Files NetCanvas used to refuse for reasons of its own, built here in the
 * exact forms their writers use (tests/fixtures/keras/README.md): numbers
 * wrapped as `{ "type": "ndarray", "value": … }` (Keras 2.1.x-tf), a
 * BatchNormalization after a Dense (`axis: [1]`), an input without a fixed
 * size, a frozen base model, and a weights-only model.json.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors';
import {
  importLayersModel,
  UnknownInputSizeError,
  unwrapNdarrays,
  usualInputSize,
} from '../../../core/formats/keras-import';
import type { Graph } from '../../../core/graph/graph';
import { inferShapes } from '../../../core/graph/infer';
import { summarize } from '../../../core/graph/summary';

const FIXTURES = fileURLToPath(new URL('../../fixtures/keras/', import.meta.url));
const SHARED = fileURLToPath(new URL('../../../../shared/fixtures/keras-models/', import.meta.url));
const fixture = (file: string): unknown => JSON.parse(readFileSync(FIXTURES + file, 'utf8'));

/** The parameter total a file's weightsManifest lists. */
function manifestTotal(json: unknown): number {
  const groups = (json as { weightsManifest: { weights: { shape: number[] }[] }[] }).weightsManifest;
  return groups.flatMap((g) => g.weights).reduce((sum, w) => sum + w.shape.reduce((a, d) => a * d, 1), 0);
}

const node = (graph: Graph, name: string) => {
  const found = graph.nodes.find((n) => n.name === name);
  if (!found) throw new Error(`no node "${name}"`);
  return found;
};

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('the file was imported');
}

describe('numbers wrapped as ndarrays (Keras 2.1.x-tf)', () => {
  it('imports the file with every wrapped value read as the number inside', () => {
    const json = fixture('keras2.1.6-tf_ndarray-values.json');
    const { graph, warnings } = importLayersModel(json);
    expect(warnings).toEqual([]);
    expect(node(graph, 'Conv1_relu').params).toEqual({ maxValue: 6 });
    expect(node(graph, 'dropout_1').params).toEqual({ rate: 0.2 });
    expect(node(graph, 'leaky_re_lu_1').params).toEqual({ alpha: 0.1 });
    const summary = summarize(graph);
    expect(summary.diagnostics).toEqual([]);
    expect(summary.totals.params).toBe(manifestTotal(json));
  });

  it('leaves the caller’s JSON as it was', () => {
    const json = fixture('keras2.1.6-tf_ndarray-values.json');
    const before = JSON.stringify(json);
    importLayersModel(json);
    expect(JSON.stringify(json)).toBe(before);
  });

  /** Every number and list in `json` wrapped as Keras 2.1.x-tf writes numpy values, lists element-wise too. */
  function wrapEverything(json: unknown): unknown {
    if (Array.isArray(json)) return { type: 'ndarray', value: json.map(wrapEverything) };
    if (typeof json === 'number') return { type: 'ndarray', value: json };
    if (typeof json === 'object' && json !== null)
      return Object.fromEntries(Object.entries(json).map(([k, v]) => [k, wrapEverything(v)]));
    return json;
  }

  it.each(readdirSync(SHARED).filter((f) => f.endsWith('.json') && !/INDEX|NEGATIVE|embedding_gru/.test(f)))(
    'reads %s the same with every number and list wrapped',
    (file) => {
      const json = JSON.parse(readFileSync(SHARED + file, 'utf8')) as { modelTopology: unknown };
      const plain = importLayersModel(json);
      // Wrap the model, not the file's outer keys (format, weightsManifest), which Keras never wraps.
      const wrapped = importLayersModel({ ...json, modelTopology: wrapEverything(json.modelTopology) });
      expect(wrapped.graph).toEqual(plain.graph);
      expect(wrapped.warnings).toEqual(plain.warnings);
    },
  );

  it('unwraps wrappers inside wrappers and inside lists, and nothing else', () => {
    expect(
      unwrapNdarrays({
        a: { type: 'ndarray', value: { type: 'ndarray', value: [1, { type: 'ndarray', value: 2 }] } },
        b: { type: 'ndarray', value: 3, extra: true },
        c: 'ndarray',
      }),
    ).toEqual({ a: [1, 2], b: { type: 'ndarray', value: 3, extra: true }, c: 'ndarray' });
  });

  it('walks a structure deeper than the call stack', () => {
    let deep: unknown = { type: 'ndarray', value: 1 };
    for (let i = 0; i < 100_000; i++) deep = [deep];
    let out = unwrapNdarrays(deep);
    let depth = 0;
    while (Array.isArray(out)) {
      out = out[0];
      depth++;
    }
    expect([depth, out]).toEqual([100_000, 1]);
  });
});

describe('BatchNormalization on the last axis, however written', () => {
  it('imports axis [1] after a Dense and [3] after a Conv2D (tf.keras 2.x)', () => {
    const json = fixture('keras2.13.1_bn-after-dense.json');
    const { graph, warnings } = importLayersModel(json);
    expect(warnings).toEqual([]);
    const summary = summarize(graph);
    expect(summary.diagnostics).toEqual([]);
    expect(summary.totals.params).toBe(manifestTotal(json));
    expect(summary.layers.find((l) => l.name === 'batch_normalization_1')).toMatchObject({
      outputShape: [null, 64],
      trainableParams: 128,
      nonTrainableParams: 128,
    });
  });

  const withAxis = (axis: unknown, input: (number | null)[]) => ({
    class_name: 'Sequential',
    config: {
      name: 's',
      layers: [
        { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, ...input] } },
        { class_name: 'BatchNormalization', config: { name: 'bn', axis } },
      ],
    },
  });

  it.each([
    [-1, [10]],
    [1, [10]],
    [[1], [10]],
    [[-1], [4, 4, 3]],
    [3, [4, 4, 3]],
    [2, [5, 7]],
  ])('accepts axis %j on a %j input', (axis, input) => {
    expect(importLayersModel(withAxis(axis, input)).graph.nodes).toHaveLength(2);
  });

  it.each([
    [1, [4, 4, 3], /normalising axis 1 is not supported; .*last axis, the channels \(-1, here also 3\)/],
    [-2, [4, 4, 3], /normalising axis -2 is not supported/],
    [[1, 2], [4, 4, 3], /normalising axis \[1,2\] is not supported/],
    [0, [10], /normalising axis 0 is not supported/],
  ])('refuses axis %j on a %j input', (axis, input, message) => {
    const error = refusal(() => importLayersModel(withAxis(axis, input)));
    expect(error.path).toEqual(['config', 'layers', 1, 'config', 'axis']);
    expect(error.message).toMatch(message);
  });
});

describe('an input without a fixed size', () => {
  const json = () => fixture('keras2.13.1_unsized-input.json');

  it('is refused without a size, naming the input and the size the model is usually run at', () => {
    const error = refusal(() => importLayersModel(json()));
    expect(error).toBeInstanceOf(UnknownInputSizeError);
    const unsized = error as UnknownInputSizeError;
    expect(unsized.declared).toEqual([null, null, 3]);
    expect(unsized.suggested).toEqual([224, 224, 3]);
    expect(unsized.path).toEqual([
      'modelTopology',
      'model_config',
      'config',
      'layers',
      0,
      'config',
      'batch_input_shape',
    ]);
    expect(unsized.message).toMatch(
      /InputLayer "input_1": input size \[null,null,null,3\] is not fixed; .* \(its usual size is 224×224×3\)$/,
    );
  });

  it('imports at the size given, with the counts of the file and the shapes that size gives', () => {
    const file = json();
    const { graph, warnings } = importLayersModel(file, { inputSize: [160, 160, 3] });
    expect(warnings).toEqual([]);
    const report = inferShapes(graph);
    expect(report.diagnostics).toEqual([]);
    expect(node(graph, 'input_1').params.shape).toEqual([160, 160, 3]);
    expect(report.shapes.get(node(graph, 'Conv1').id)).toEqual([null, 80, 80, 32]);
    expect(summarize(graph, report).totals.params).toBe(manifestTotal(file));
  });

  it('refuses a size that contradicts what the file fixes', () => {
    const error = refusal(() => importLayersModel(json(), { inputSize: [224, 224, 1] }));
    expect(error).not.toBeInstanceOf(UnknownInputSizeError);
    expect(error.message).toMatch(/the given input size 224×224×1 does not fit the declared \[null,null,null,3\]/);
  });

  it('says when the size given was not needed', () => {
    const { warnings } = importLayersModel(fixture('keras2.13.1_bn-after-dense.json'), { inputSize: [32, 32, 1] });
    expect(warnings).toEqual(["The model's input size is fixed in the file; the given size 32×32×1 was not used."]);
  });

  it('sizes a Sequential whose first layer declares an open size', () => {
    const model = {
      class_name: 'Sequential',
      config: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, null] } }],
    };
    expect((refusal(() => importLayersModel(model)) as UnknownInputSizeError).suggested).toBeUndefined();
    const { graph } = importLayersModel(model, { inputSize: [7] });
    expect(summarize(graph).totals.params).toBe(7 * 2 + 2);
  });

  it.each([
    [['mobilenetv2_1.00_224'], [null, null, 3], [224, 224, 3]],
    [['mobilenet_1.00_128'], [null, null, 3], [128, 128, 3]],
    [['efficientnetb3'], [null, null, 3], [300, 300, 3]],
    [['EfficientNet-B7'], [null, null, 3], [600, 600, 3]],
    [
      ['model_1', 'input_1'],
      [null, null, 1],
      [224, 224, 1],
    ],
    [['resnet50'], [null, null, null], [224, 224, 3]],
    [['x'], [96, null, 3], [96, 96, 3]],
    [['x'], [null], undefined],
  ])('the usual size of %j with %j is %j', (names, declared, expected) => {
    expect(usualInputSize(names, declared)).toEqual(expected);
  });
});

describe('frozen layers', () => {
  it('keeps every layer of a frozen base frozen and says so in one line', () => {
    const json = fixture('keras2.13.1_frozen-base.json');
    const { graph, warnings } = importLayersModel(json);
    expect(warnings).toEqual(['8 layers frozen (trainable: false): kept frozen']);
    const frozen = graph.nodes.filter((n) => n.trainable === false).map((n) => n.name);
    expect(frozen).toEqual([
      'Conv1',
      'bn_Conv1',
      'Conv1_relu',
      'expanded_conv_depthwise',
      'expanded_conv_depthwise_BN',
      'expanded_conv_depthwise_relu',
      'expanded_conv_project',
      'expanded_conv_project_BN',
    ]);
    // As Keras counts them: only the new head trains.
    const { totals } = summarize(graph);
    expect(totals.trainableParams).toBe(16 * 5 + 5);
    expect(totals.params).toBe(manifestTotal(json));
  });
});

describe('a weights-only model.json', () => {
  it('is refused as having no model in it', () => {
    const error = refusal(() => importLayersModel(fixture('tfjs4.22_weights-only.json')));
    expect(error.path).toEqual(['modelTopology']);
    expect(error.message).toMatch(/^At modelTopology: a weights-only file: no model in it\./);
  });

  it('is refused the same without a modelTopology key at all', () => {
    const error = refusal(() => importLayersModel({ weightsManifest: [] }));
    expect(error.message).toMatch(/^a weights-only file: no model in it/);
  });
});
