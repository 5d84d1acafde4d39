/**
 * The forms a Keras / tfjs Layers model.json comes in, and every refusal:
 * small hand-written files, each showing one rule.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors';
import { importLayersModel, UnsupportedLayersError } from '../../../core/formats/keras-import';
import type { Graph } from '../../../core/graph/graph';
import { inferShapes } from '../../../core/graph/infer';
import { summarize } from '../../../core/graph/summary';

type Json = Record<string, unknown>;

/** A Keras 2 / tfjs functional layer: `inbound_nodes` as `[[[name, 0, 0, {}], ...]]`. */
const k2 = (cls: string, name: string, config: Json, inputs: string[] = []): Json => ({
  name,
  class_name: cls,
  config: { name, ...config },
  inbound_nodes: inputs.length ? [inputs.map((i) => [i, 0, 0, {}])] : [],
});

const kerasTensor = (name: string): Json => ({
  class_name: '__keras_tensor__',
  config: { shape: [null, 4], dtype: 'float32', keras_history: [name, 0, 0] },
});
/** A Keras 3 functional layer: `inbound_nodes` as `[{ args, kwargs }]`; merges take a list as their one argument. */
const k3 = (cls: string, name: string, config: Json, inputs: string[], merge = false): Json => ({
  module: 'keras.layers',
  class_name: cls,
  config: {
    name,
    trainable: true,
    dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' } },
    ...config,
  },
  name,
  inbound_nodes: [{ args: merge ? [inputs.map(kerasTensor)] : inputs.map(kerasTensor), kwargs: {} }],
});

const functional = (name: string, layers: Json[], inputs: string[], outputs: string[], cls = 'Model'): Json => ({
  class_name: cls,
  config: { name, layers, input_layers: inputs.map((i) => [i, 0, 0]), output_layers: outputs.map((o) => [o, 0, 0]) },
});

const node = (graph: Graph, name: string) => {
  const found = graph.nodes.find((n) => n.name === name);
  if (!found) throw new Error(`no node "${name}" in ${graph.nodes.map((n) => n.name).join(', ')}`);
  return found;
};
const shapeOf = (graph: Graph, name: string) => inferShapes(graph).shapes.get(node(graph, name).id);
const outputNames = (graph: Graph) => graph.outputs?.map((id) => graph.nodes.find((n) => n.id === id)?.name);

/** The error `importLayersModel` throws for `json`. */
function refusal(json: unknown): ValidationError {
  try {
    importLayersModel(json);
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('the file was imported');
}

const dense = (name: string, units: number, extra: Json = {}): Json => ({
  class_name: 'Dense',
  config: { name, units, ...extra },
});

describe('model.json forms', () => {
  it('reads a Keras 2 functional model with a residual Add and two outputs, keeping the output order', () => {
    const model = functional(
      'res',
      [
        k2('InputLayer', 'img', { batch_input_shape: [null, 8, 8, 3] }),
        k2('Conv2D', 'c1', { filters: 3, kernel_size: 3, padding: 'same', activation: 'relu' }, ['img']),
        k2('Add', 'sum', {}, ['img', 'c1']),
        k2('GlobalAveragePooling2D', 'gap', {}, ['sum']),
        k2('Dense', 'head', { units: 2, activation: 'softmax' }, ['gap']),
      ],
      ['img'],
      ['head', 'c1'],
    );
    const { graph } = importLayersModel({ modelTopology: { keras_version: '2.4.0', model_config: model } });
    expect(outputNames(graph)).toEqual(['head', 'c1']);
    expect(shapeOf(graph, 'sum')).toEqual([null, 8, 8, 3]);
    const c1 = node(graph, 'c1');
    expect(c1.params).toMatchObject({
      filters: 3,
      kernelSize: [3, 3],
      strides: [1, 1],
      padding: 'same',
      activation: 'relu',
    });
    // Add's two inputs in the file's order.
    const add = node(graph, 'sum');
    const slots = graph.edges.filter((e) => e.target === add.id).sort((a, b) => a.targetInput - b.targetInput);
    expect(slots.map((e) => graph.nodes.find((n) => n.id === e.source)?.name)).toEqual(['img', 'c1']);
    expect(summarize(graph).totals.params).toBe(3 * 3 * 3 * 3 + 3 + 3 * 2 + 2);
  });

  it('reads Keras 3 args/kwargs inbound nodes, batch_shape and a merge fed a list', () => {
    const model = functional(
      'k3',
      [
        {
          class_name: 'InputLayer',
          name: 'x',
          config: { batch_shape: [null, 4], dtype: 'float32', sparse: false, name: 'x' },
          inbound_nodes: [],
        },
        k3('Dense', 'a', { units: 4, activation: 'relu', use_bias: true }, ['x']),
        k3('Dense', 'b', { units: 4, activation: 'tanh', use_bias: false }, ['x']),
        k3('Concatenate', 'cat', { axis: -1 }, ['a', 'b'], true),
        k3('Dense', 'out', { units: 1, activation: 'sigmoid', use_bias: true }, ['cat']),
      ],
      ['x'],
      ['out'],
      'Functional',
    );
    const { graph } = importLayersModel({ format: 'layers-model', modelTopology: { model_config: model } });
    expect(shapeOf(graph, 'cat')).toEqual([null, 8]);
    expect(node(graph, 'b').params).toMatchObject({ units: 4, activation: 'tanh', useBias: false });
    expect(summarize(graph).totals.params).toBe(4 * 4 + 4 + 4 * 4 + 8 + 1);
  });

  it('accepts Keras 3 input_layers / output_layers written as a single [name, 0, 0]', () => {
    const model = functional(
      'single',
      [k2('InputLayer', 'x', { batch_shape: [null, 3] }), k2('Dense', 'y', { units: 2 }, ['x'])],
      [],
      [],
    );
    (model.config as Json).input_layers = ['x', 0, 0];
    (model.config as Json).output_layers = ['y', 0, 0];
    expect(outputNames(importLayersModel(model).graph)).toEqual(['y']);
  });

  it('places layers listed before their inputs', () => {
    const model = functional(
      'unordered',
      [
        k2('Dense', 'y', { units: 2 }, ['h']),
        k2('Dense', 'h', { units: 3 }, ['x']),
        k2('InputLayer', 'x', { batch_input_shape: [null, 5] }),
      ],
      ['x'],
      ['y'],
    );
    expect(summarize(importLayersModel(model).graph).totals.params).toBe(5 * 3 + 3 + 3 * 2 + 2);
  });

  it('reads a legacy list Sequential with the input shape on its first layer, naming the input like Keras', () => {
    const { graph } = importLayersModel({
      modelTopology: {
        class_name: 'Sequential',
        keras_version: 'tfjs-layers 0.8.3',
        config: [dense('hidden', 50, { activation: 'sigmoid', batch_input_shape: [null, 8] }), dense('out', 1)],
      },
    });
    expect(graph.nodes.map((n) => [n.name, n.type])).toEqual([
      ['hidden_input', 'InputLayer'],
      ['hidden', 'Dense'],
      ['out', 'Dense'],
    ]);
    expect(node(graph, 'hidden_input').params.shape).toEqual([8]);
    expect(outputNames(graph)).toEqual(['out']);
    // Laid out top to bottom.
    expect(graph.nodes.map((n) => n.position.y)).toEqual(
      [...graph.nodes.map((n) => n.position.y)].sort((a, b) => a - b),
    );
    expect(new Set(graph.nodes.map((n) => n.position.y)).size).toBe(3);
  });

  it('reads a bare Keras 3 Sequential whose input shape is only its build_input_shape', () => {
    const { graph } = importLayersModel({
      class_name: 'Sequential',
      config: { name: 's', build_input_shape: [null, 6], layers: [dense('d', 2)] },
    });
    expect(node(graph, 'd_input').params.shape).toEqual([6]);
  });

  it('inlines a nested Sequential inside a functional model as a group, its InputLayer a no-op', () => {
    const inner = {
      class_name: 'Sequential',
      name: 'head',
      config: {
        name: 'head',
        layers: [
          { class_name: 'InputLayer', config: { name: 'head_in', batch_input_shape: [null, 4] } },
          dense('h1', 3),
          dense('h2', 2),
        ],
      },
      inbound_nodes: [[['x', 0, 0, {}]]],
    };
    const model = functional(
      'outer',
      [k2('InputLayer', 'x', { batch_input_shape: [null, 4] }), inner, k2('Dense', 'final', { units: 1 }, ['head'])],
      ['x'],
      ['final'],
    );
    const { graph } = importLayersModel(model);
    expect(graph.groups.map((g) => g.label)).toEqual(['head']);
    expect(graph.nodes.filter((n) => n.group === graph.groups[0].id).map((n) => n.name)).toEqual(['h1', 'h2']);
    expect(graph.nodes.some((n) => n.name === 'head_in')).toBe(false);
    expect(shapeOf(graph, 'final')).toEqual([null, 1]);
  });

  it('inlines a nested functional model with two inputs, feeding its InputLayers in input_layers order', () => {
    const inner = {
      ...functional(
        'pair',
        [
          k2('InputLayer', 'a', { batch_input_shape: [null, 3] }),
          k2('InputLayer', 'b', { batch_input_shape: [null, 5] }),
          k2('Dense', 'fa', { units: 2 }, ['a']),
          k2('Dense', 'fb', { units: 2 }, ['b']),
          k2('Add', 'joined', {}, ['fa', 'fb']),
        ],
        ['a', 'b'],
        ['joined'],
      ),
      name: 'pair',
      // Keras 2 numbers the nested model's call on the outer tensors as its node 1 (node 0 is its own construction).
      inbound_nodes: [
        [
          ['x3', 0, 0, {}],
          ['x5', 0, 0, {}],
        ],
      ],
    };
    const outer = functional(
      'outer',
      [
        k2('InputLayer', 'x3', { batch_input_shape: [null, 3] }),
        k2('InputLayer', 'x5', { batch_input_shape: [null, 5] }),
        inner,
        { ...k2('Dense', 'head', { units: 1 }), inbound_nodes: [[['pair', 1, 0, {}]]] },
      ],
      ['x3', 'x5'],
      ['head'],
    );
    const { graph } = importLayersModel(outer);
    const feeder = (name: string) =>
      graph.nodes.find((n) => n.id === graph.edges.find((e) => e.target === node(graph, name).id)?.source)?.name;
    expect([feeder('fa'), feeder('fb'), feeder('head')]).toEqual(['x3', 'x5', 'joined']);
    expect(graph.groups.map((g) => g.label)).toEqual(['pair']);
    expect(summarize(graph).totals.params).toBe(3 * 2 + 2 + 5 * 2 + 2 + 2 + 1);
  });

  it('renames a layer whose name a nested model reuses, and says so', () => {
    const inner = { class_name: 'Sequential', config: { name: 'inner', layers: [dense('d', 3)] } };
    const { graph, warnings } = importLayersModel({
      class_name: 'Sequential',
      config: {
        name: 'outer',
        layers: [
          { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, 2] } },
          dense('d', 3),
          inner,
        ],
      },
    });
    expect(graph.nodes.map((n) => n.name)).toEqual(['in', 'd', 'd_2']);
    expect(warnings).toContain('Layer "d" was renamed "d_2": another layer already has that name.');
  });

  it.each([
    [1, [1, 1, 1, 1]],
    [
      [1, 2],
      [1, 1, 2, 2],
    ],
    [
      [
        [0, 1],
        [2, 3],
      ],
      [0, 1, 2, 3],
    ],
  ])('reads ZeroPadding2D padding %j as top, bottom, left, right %j', (padding, expected) => {
    const { graph } = importLayersModel({
      class_name: 'Sequential',
      config: [{ class_name: 'ZeroPadding2D', config: { name: 'pad', padding, batch_input_shape: [null, 5, 5, 1] } }],
    });
    expect(node(graph, 'pad').params.padding).toEqual(expected);
  });

  it.each([
    [{ alpha: 0.1 }, 0.1],
    [{ negative_slope: 0.2 }, 0.2],
    [{}, 0.3],
  ])('reads the LeakyReLU slope from %j', (config, alpha) => {
    const { graph } = importLayersModel({
      class_name: 'Sequential',
      config: [{ class_name: 'LeakyReLU', config: { name: 'lr', batch_input_shape: [null, 3], ...config } }],
    });
    expect(node(graph, 'lr').params.alpha).toBe(alpha);
  });

  it('reads pooling strides that Keras leaves null as the pool size', () => {
    const { graph } = importLayersModel({
      class_name: 'Sequential',
      config: [
        {
          class_name: 'MaxPooling2D',
          config: { name: 'p', pool_size: [3, 3], strides: null, batch_input_shape: [null, 9, 9, 1] },
        },
      ],
    });
    expect(shapeOf(graph, 'p')).toEqual([null, 3, 3, 1]);
  });

  it('reads layers an old file leaves without config or name', () => {
    const { graph } = importLayersModel({
      class_name: 'Sequential',
      config: [{ class_name: 'InputLayer', config: { batch_input_shape: [null, 2, 2, 1] } }, { class_name: 'Flatten' }],
    });
    expect(graph.nodes.map((n) => [n.name, n.type])).toEqual([
      ['input1', 'InputLayer'],
      ['flatten1', 'Flatten'],
    ]);
    expect(shapeOf(graph, 'flatten1')).toEqual([null, 4]);
  });

  it('warns about training settings it does not keep, and keeps a frozen layer frozen in one line', () => {
    const { warnings } = importLayersModel({
      class_name: 'Sequential',
      config: [
        dense('d', 2, {
          batch_input_shape: [null, 3],
          kernel_regularizer: { class_name: 'L2', config: { l2: 0.01 } },
          trainable: false,
        }),
      ],
    });
    expect(warnings).toEqual([
      'Dense "d": kernel_regularizer is not imported; NetCanvas sets weight decay in the training settings.',
      '1 layer frozen (trainable: false): kept frozen',
    ]);
  });

  it('imports a Keras 3 Dense fed a feature map, and warns that the design needs a Flatten first', () => {
    const { graph, warnings } = importLayersModel({
      class_name: 'Sequential',
      config: {
        name: 's',
        layers: [
          { class_name: 'InputLayer', config: { name: 'in', batch_shape: [null, 4, 4, 3] } },
          { class_name: 'Dense', config: { name: 'per_pixel', units: 2 } },
        ],
      },
    });
    expect(graph.nodes.map((n) => n.name)).toEqual(['in', 'per_pixel']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^The imported design needs a fix before it matches the file: Dense "per_pixel": expects a 2-D input/,
    );
  });
});

describe('refusals', () => {
  const oneLayer = (cls: string, config: Json, input: number[] = [8, 8, 3]) => ({
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: 's',
        layers: [
          { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, ...input] } },
          { class_name: cls, config: { name: 'bad', ...config } },
        ],
      },
    },
  });

  it.each([
    [
      'Conv2D',
      { filters: 4, kernel_size: 3, activation: 'hard_sigmoid' },
      'activation',
      /activation "hard_sigmoid" is not supported/,
    ],
    ['Conv2D', { filters: 4, kernel_size: 3, padding: 'causal' }, 'padding', /padding "causal" is not supported/],
    [
      'Conv2D',
      { filters: 4, kernel_size: 3, data_format: 'channels_first' },
      'data_format',
      /channels_first.*channels-last/,
    ],
    ['Conv2D', { filters: 4, kernel_size: 3, groups: 2 }, 'groups', /grouped convolution/],
    ['Conv2D', { kernel_size: 3 }, 'filters', /required but missing/],
    ['Conv2D', { filters: 0, kernel_size: 3 }, '', /filters must be a whole number ≥ 1, got 0/],
    ['MaxPooling2D', { pool_size: 2, data_format: 'channels_first' }, 'data_format', /channels_first/],
    ['ReLU', { max_value: 6, threshold: 1 }, 'threshold', /1 is not supported/],
    ['ReLU', { negative_slope: 0.1 }, 'negative_slope', /LeakyReLU/],
    ['BatchNormalization', { axis: 1 }, 'axis', /axis 1 is not supported/],
    ['Dropout', { rate: 0.5, noise_shape: [null, 1, 1, 3] }, 'noise_shape', /independently/],
    ['GlobalAveragePooling2D', { keepdims: true }, 'keepdims', /output shape/],
    ['ZeroPadding2D', { padding: [1, 2, 3] }, 'padding', /\[\[top, bottom\], \[left, right\]\]/],
    ['Activation', { activation: 'gelu' }, 'activation', /"gelu" is not supported/],
  ])('%s %j is refused at config.%s', (cls, config, key, message) => {
    const error = refusal(oneLayer(cls, config));
    expect(error.path).toEqual(['modelTopology', 'config', 'layers', 1, 'config', ...(key ? [key] : [])]);
    expect(error.message).toMatch(
      new RegExp(`^At modelTopology\\.config\\.layers\\.1\\.config${key ? `\\.${key}` : ''}: ${cls} "bad": `),
    );
    expect(error.message).toMatch(message);
  });

  it('refuses an input of unknown size, on the first layer or in build_input_shape', () => {
    const error = refusal({ class_name: 'Sequential', config: [dense('d', 2, { batch_input_shape: [null, null] })] });
    expect(error.message).toMatch(/^At config\.0\.config\.batch_input_shape: Dense "d": .*fixed size/);
    const built = refusal({
      class_name: 'Sequential',
      config: { name: 's', build_input_shape: [null, null, 3], layers: [dense('d', 2)] },
    });
    expect(built.message).toMatch(/^At config\.build_input_shape: Sequential "s": .*fixed size/);
  });

  it('names every unsupported class at once, nested ones included', () => {
    const error = refusal({
      class_name: 'Sequential',
      config: {
        name: 's',
        layers: [
          {
            class_name: 'Embedding',
            config: { name: 'e', input_dim: 10, output_dim: 4, batch_input_shape: [null, 5] },
          },
          {
            class_name: 'Sequential',
            config: {
              name: 'inner',
              layers: [
                { class_name: 'LSTM', config: { name: 'l', units: 3 } },
                { class_name: 'Embedding', config: {} },
              ],
            },
          },
          dense('d', 2),
        ],
      },
    });
    expect(error).toBeInstanceOf(UnsupportedLayersError);
    expect((error as UnsupportedLayersError).classes).toEqual(['Embedding', 'LSTM']);
    expect(error.message).toMatch(/^This model uses layer types NetCanvas does not support: Embedding, LSTM\. /);
  });

  it('refuses a tfjs graph model', () => {
    const error = refusal({
      format: 'graph-model',
      modelTopology: { node: [{ name: 'x', op: 'Placeholder' }], versions: {} },
    });
    expect(error.message).toMatch(/graph model.*not a Layers model/);
  });

  it('refuses a layer applied twice (shared weights)', () => {
    const shared = { ...k2('Dense', 'shared', { units: 4 }), inbound_nodes: [[['x', 0, 0, {}]], [['x', 0, 0, {}]]] };
    const error = refusal(
      functional('m', [k2('InputLayer', 'x', { batch_input_shape: [null, 4] }), shared], ['x'], ['shared']),
    );
    expect(error.path).toEqual(['config', 'layers', 1, 'inbound_nodes']);
    expect(error.message).toMatch(/Dense "shared" is applied 2 times with shared weights/);
  });

  it('refuses an input from a layer the model does not have', () => {
    const error = refusal(
      functional(
        'm',
        [k2('InputLayer', 'x', { batch_input_shape: [null, 4] }), k2('Dense', 'd', { units: 1 }, ['ghost'])],
        ['x'],
        ['d'],
      ),
    );
    expect(error.message).toMatch(/Dense "d" takes its input from "ghost", which is not a layer of model "m"/);
  });

  it.each([
    [null, /^expected a JSON object/],
    [
      { modelTopology: { class_name: 'Sequential', config: { name: 's', layers: 'x' } } },
      /^At modelTopology\.config\.layers: expected the list of layers/,
    ],
    [
      { modelTopology: { class_name: 'Sequential', config: { name: 's', layers: [{ config: {} }] } } },
      /^At modelTopology\.config\.layers\.0\.class_name: /,
    ],
    [{ modelTopology: { class_name: 'Dense', config: {} } }, /expected a Sequential or functional model, got "Dense"/],
    [{ modelTopology: { model_config: '{not json' } }, /^At modelTopology\.model_config: .*not JSON/],
    [{ class_name: 'Sequential', config: [dense('d', 2)] }, /first layer but declares no input shape/],
    [{ class_name: 'Sequential', config: { name: 's', layers: [] } }, /the model has no layers/],
    [
      { class_name: 'Model', config: { name: 'm', layers: [k2('InputLayer', 'x', { batch_input_shape: [null, 2] })] } },
      /^At config\.output_layers: model "m" declares no outputs/,
    ],
  ])('refuses a malformed file %#', (json, message) => {
    expect(refusal(json).message).toMatch(message);
  });
});
