/**
 * The contract every layer spec keeps with the rest of NetCanvas and with
 * TensorFlow.js: defaults validate, parameters survive JSON, the palette has
 * what it needs, and the compiled tfjs layer agrees with our shape rule and
 * parameter count, and actually runs.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DIAGNOSTICS } from '../../core/errors';
import {
  ACTIVATIONS,
  type AnyLayerSpec,
  type LayerCategory,
  type ParamSpecs,
  type ResolvedParams,
  type Shape,
} from '../../core/layers/layer-spec';
import { checkParams, defaultParams, resolveParams } from '../../core/layers/params';
import { getLayerSpec, isLayerType, layerSpecs } from '../../core/layers/registry';

const CATEGORIES: LayerCategory[] = [
  'input',
  'convolution',
  'pooling',
  'dense',
  'activation',
  'normalization',
  'regularization',
  'reshape',
  'merge',
];

/** Representative inputs (batch first) and parameters for every layer type; merges take several inputs. */
const CASES: Record<string, { inputs: Shape[]; params: Record<string, unknown> }[]> = {
  InputLayer: [
    { inputs: [], params: { shape: [28, 28, 1] } },
    { inputs: [], params: { shape: [10] } },
  ],
  Conv2D: [
    { inputs: [[null, 12, 12, 3]], params: {} },
    {
      inputs: [[null, 12, 11, 3]],
      params: { filters: 4, kernelSize: [3, 5], strides: [2, 1], padding: 'same', activation: 'relu' },
    },
    { inputs: [[null, 9, 9, 2]], params: { filters: 3, dilationRate: [2, 2] } },
    { inputs: [[null, 9, 9, 2]], params: { filters: 3, dilationRate: [2, 1], padding: 'same' } },
    { inputs: [[null, 7, 7, 2]], params: { filters: 5, strides: [3, 3], useBias: false } },
  ],
  DepthwiseConv2D: [
    { inputs: [[null, 9, 9, 3]], params: { depthMultiplier: 2, strides: [2, 2], padding: 'same' } },
    { inputs: [[null, 8, 6, 4]], params: { kernelSize: [3, 1], useBias: false, activation: 'relu6' } },
  ],
  MaxPooling2D: [
    { inputs: [[null, 7, 7, 3]], params: {} },
    { inputs: [[null, 7, 7, 3]], params: { poolSize: [3, 3], strides: [2, 2], padding: 'same' } },
  ],
  AveragePooling2D: [
    { inputs: [[null, 8, 8, 2]], params: {} },
    { inputs: [[null, 5, 9, 2]], params: { poolSize: [2, 3], strides: [1, 3], padding: 'same' } },
  ],
  GlobalAveragePooling2D: [{ inputs: [[null, 5, 5, 4]], params: {} }],
  GlobalMaxPooling2D: [{ inputs: [[null, 3, 6, 7]], params: {} }],
  Dense: [
    { inputs: [[null, 20]], params: { units: 7, activation: 'softmax' } },
    { inputs: [[null, 5]], params: { units: 3, useBias: false } },
  ],
  Flatten: [
    { inputs: [[null, 4, 5, 3]], params: {} },
    { inputs: [[null, 4, 6]], params: {} },
  ],
  Reshape: [
    { inputs: [[null, 24]], params: { targetShape: [2, -1, 3] } },
    { inputs: [[null, 4, 4, 2]], params: { targetShape: [-1] } },
    { inputs: [[null, 12]], params: { targetShape: [3, 4] } },
  ],
  Activation: ACTIVATIONS.map((activation) => ({ inputs: [[null, 2, 3]], params: { activation } })),
  ReLU: [
    { inputs: [[null, 6]], params: {} },
    { inputs: [[null, 3, 3, 2]], params: { maxValue: 6 } },
  ],
  LeakyReLU: [{ inputs: [[null, 6]], params: { alpha: 0.1 } }],
  ELU: [{ inputs: [[null, 2, 2, 2]], params: { alpha: 1 } }],
  Dropout: [{ inputs: [[null, 8]], params: { rate: 0.3 } }],
  BatchNormalization: [
    { inputs: [[null, 6, 6, 8]], params: {} },
    { inputs: [[null, 6, 6, 8]], params: { center: false, scale: false } },
    { inputs: [[null, 10]], params: { scale: false, momentum: 0.9, epsilon: 1e-5 } },
  ],
  Add: [
    {
      inputs: [
        [null, 4, 4, 3],
        [null, 4, 4, 3],
        [null, 4, 4, 3],
      ],
      params: {},
    },
    {
      inputs: [
        [null, 5],
        [null, 5],
      ],
      params: {},
    },
  ],
  Concatenate: [
    {
      inputs: [
        [null, 4, 4, 3],
        [null, 4, 4, 5],
      ],
      params: {},
    },
    {
      inputs: [
        [null, 2, 4, 3],
        [null, 5, 4, 3],
      ],
      params: { axis: 1 },
    },
    // tfjs runs every negative axis as -1 unless it is resolved first.
    {
      inputs: [
        [null, 2, 4, 3],
        [null, 2, 1, 3],
      ],
      params: { axis: -2 },
    },
    {
      inputs: [
        [null, 3],
        [null, 4],
        [null, 1],
      ],
      params: {},
    },
  ],
  ZeroPadding2D: [{ inputs: [[null, 5, 5, 2]], params: { padding: [1, 2, 3, 4] } }],
  SeparableConv2D: [
    { inputs: [[null, 9, 9, 3]], params: {} },
    {
      inputs: [[null, 9, 8, 2]],
      params: { filters: 5, kernelSize: [3, 1], strides: [2, 2], padding: 'same', depthMultiplier: 2 },
    },
    { inputs: [[null, 6, 6, 4]], params: { filters: 3, useBias: false, activation: 'relu' } },
  ],
  Conv2DTranspose: [
    { inputs: [[null, 4, 5, 3]], params: {} },
    { inputs: [[null, 4, 4, 2]], params: { filters: 3, kernelSize: [3, 3], strides: [2, 2], padding: 'same' } },
    { inputs: [[null, 3, 3, 2]], params: { filters: 2, kernelSize: [3, 2], strides: [1, 2], useBias: false } },
    // A kernel narrower than its stride: valid gives N·S, not (N − 1)·S + F.
    { inputs: [[null, 3, 3, 1]], params: { filters: 2, kernelSize: [1, 1], strides: [3, 3] } },
  ],
  UpSampling2D: [
    { inputs: [[null, 3, 4, 2]], params: {} },
    { inputs: [[null, 3, 4, 2]], params: { size: [2, 3], interpolation: 'bilinear' } },
  ],
  Cropping2D: [
    { inputs: [[null, 6, 7, 2]], params: {} },
    { inputs: [[null, 6, 7, 2]], params: { cropping: [0, 2, 3, 1] } },
  ],
  Rescaling: [
    { inputs: [[null, 4, 4, 3]], params: {} },
    { inputs: [[null, 5]], params: { scale: 1 / 127.5, offset: -1 } },
  ],
  PReLU: [
    { inputs: [[null, 4, 5, 3]], params: {} },
    { inputs: [[null, 4, 5, 3]], params: { alphaPer: 'value' } },
    { inputs: [[null, 4, 5, 3]], params: { alphaPer: 'layer' } },
    { inputs: [[null, 6]], params: {} },
    { inputs: [[null, 2, 6]], params: { alphaPer: 'channel' } },
  ],
  Softmax: [
    { inputs: [[null, 7]], params: {} },
    { inputs: [[null, 3, 3, 4]], params: {} },
  ],
  Maxout: [
    { inputs: [[null, 12]], params: {} },
    { inputs: [[null, 3, 3, 12]], params: { pieces: 3 } },
  ],
  LayerNormalization: [
    { inputs: [[null, 8]], params: {} },
    { inputs: [[null, 4, 4, 6]], params: { center: false, epsilon: 1e-5 } },
  ],
  GaussianNoise: [{ inputs: [[null, 3, 3, 2]], params: { stddev: 0.5 } }],
  GaussianDropout: [{ inputs: [[null, 6]], params: { rate: 0.3 } }],
  Subtract: [
    {
      inputs: [
        [null, 3, 3, 2],
        [null, 3, 3, 2],
      ],
      params: {},
    },
  ],
  Multiply: [
    {
      inputs: [
        [null, 4],
        [null, 4],
        [null, 4],
      ],
      params: {},
    },
  ],
  Average: [
    {
      inputs: [
        [null, 2, 2, 3],
        [null, 2, 2, 3],
      ],
      params: {},
    },
  ],
  Maximum: [
    {
      inputs: [
        [null, 5],
        [null, 5],
      ],
      params: {},
    },
  ],
  Minimum: [
    {
      inputs: [
        [null, 5],
        [null, 5],
      ],
      params: {},
    },
  ],
};

const noWarnings = { warn: () => {} };
const size = (w: tf.LayerVariable) => w.shape.reduce<number>((a, d) => a * (d as number), 1);
const rows = layerSpecs.map((spec) => [spec.type, spec] as const);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('every layer spec', () => {
  it('the registry finds each spec by its type and rejects unknown types', () => {
    for (const spec of layerSpecs) expect(getLayerSpec(spec.type)).toBe(spec);
    expect(isLayerType('Conv3D')).toBe(false);
    expect(() => getLayerSpec('Conv3D')).toThrow(/Unknown layer type "Conv3D"/);
  });

  it.each(rows)('%s has palette text a learner can read', (_type, spec) => {
    expect(spec.type).toMatch(/^[A-Z][A-Za-z0-9]+$/);
    expect(spec.label.trim().length).toBeGreaterThan(1);
    expect(CATEGORIES).toContain(spec.category);
    expect(spec.description).toMatch(/^\S.{20,}[.)]$/s);
    expect(spec.namePrefix).toMatch(/^[a-z]+$/);
    for (const [name, p] of Object.entries(spec.params as ParamSpecs)) {
      expect(name).toMatch(/^[a-z][A-Za-z]*$/); // tfjs camelCase argument names
      if (p.kind === 'enum') expect(p.options).toContain(p.default);
    }
    expect(spec.inputs.min).toBeLessThanOrEqual(spec.inputs.max);
  });

  it.each(rows)('%s defaults validate and survive a JSON round trip', (_type, spec) => {
    const defaults = defaultParams(spec.params);
    expect(checkParams(spec.params, defaults)).toEqual([]);
    const copy = JSON.parse(JSON.stringify(defaults));
    expect(copy).toEqual(defaults);
    expect(checkParams(spec.params, copy)).toEqual([]);
    // Filling defaults is a copy: editing a node never changes the spec.
    expect(defaultParams(spec.params)).not.toBe(defaults);
  });

  it.each(rows)('%s has representative cases here', (type) => {
    expect(CASES[type]?.length ?? 0).toBeGreaterThan(0);
  });

  it('every diagnostic code has a severity and a title', () => {
    for (const [code, entry] of Object.entries(DIAGNOSTICS)) {
      expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(['error', 'warning']).toContain(entry.severity);
      expect(entry.title.length).toBeGreaterThan(5);
    }
  });
});

const tfjsRows = Object.entries(CASES).flatMap(([type, cases]) =>
  cases.map(
    (c, i) =>
      [
        `${type} ${JSON.stringify(c.params)} on ${c.inputs.map((s) => s.slice(1).join('×')).join(' + ') || 'nothing'}`,
        type,
        c,
        i,
      ] as const,
  ),
);

describe('compiled tfjs layer agrees with the spec', () => {
  it.each(tfjsRows)('%s', (_title, type, { inputs, params }, i) => {
    const spec: AnyLayerSpec = getLayerSpec(type);
    const resolved = resolveParams(spec.params, params) as ResolvedParams;
    expect(checkParams(spec.params, resolved)).toEqual([]);
    const expected = spec.inferShape(inputs, resolved, noWarnings);
    const name = `${type.toLowerCase()}_${i}`;

    if (inputs.length === 0) {
      const layer = spec.toTfjs(resolved, tf, name) as tf.layers.Layer & { batchInputShape: Shape };
      expect(layer.batchInputShape).toEqual(expected);
      expect(layer.name).toBe(name);
      return;
    }

    // As core/compile does: the inferred shapes go along (Reshape needs them to resolve -1).
    const layer = spec.toTfjs(resolved, tf, name, { inputs, output: expected });
    expect(layer.name).toBe(name);
    expect(layer.getClassName()).toBe(type);
    const tfShapes = inputs.map((s) => [...s]);
    expect(layer.computeOutputShape(tfShapes.length === 1 ? tfShapes[0] : tfShapes)).toEqual(expected);

    const symbolic = inputs.map((s) => tf.input({ shape: s.slice(1) as number[] }));
    const output = layer.apply(symbolic.length === 1 ? symbolic[0] : symbolic) as tf.SymbolicTensor;
    expect(output.shape).toEqual(expected);

    const count = spec.countParams?.({ inputs, output: expected, params: resolved }) ?? {
      trainable: 0,
      nonTrainable: 0,
    };
    expect(layer.trainableWeights.reduce((a, w) => a + size(w), 0)).toBe(count.trainable);
    expect(layer.nonTrainableWeights.reduce((a, w) => a + size(w), 0)).toBe(count.nonTrainable);
    expect(layer.countParams()).toBe(count.trainable + count.nonTrainable);

    // The layer must also run: some tfjs limits only show when a kernel executes.
    const model = tf.model({ inputs: symbolic, outputs: output });
    const batch = inputs.map((s) => tf.randomNormal([2, ...(s.slice(1) as number[])]));
    const result = model.predict(batch.length === 1 ? batch[0] : batch) as tf.Tensor;
    expect(result.shape).toEqual([2, ...expected.slice(1)]);
    expect(Array.from(result.dataSync()).every(Number.isFinite)).toBe(true);
    tf.dispose([result, ...batch]);
    model.dispose();
  });

  it.each(tfjsRows.filter(([, type]) => type !== 'InputLayer'))(
    '%s: config survives a JSON round trip',
    (_title, type, { inputs, params }, i) => {
      const spec = getLayerSpec(type);
      const resolved = resolveParams(spec.params, params) as ResolvedParams;
      const copy = JSON.parse(JSON.stringify(resolved));
      expect(copy).toEqual(resolved);
      const config = (p: ResolvedParams) =>
        spec.toTfjs(p, tf, `rt_${type}_${i}`, { inputs, output: spec.inferShape(inputs, p, noWarnings) }).getConfig();
      expect(config(copy)).toEqual(config(resolved));
    },
  );
});

describe('Reshape with -1 compiles to a fully known tfjs shape', () => {
  it('a Dense after Reshape([-1]) can build its weights', () => {
    const spec = getLayerSpec('Reshape');
    const inputs: Shape[] = [[null, 4, 4, 2]];
    const params = resolveParams(spec.params, { targetShape: [-1] }) as ResolvedParams;
    const output = spec.inferShape(inputs, params, noWarnings);
    const x = tf.input({ shape: [4, 4, 2] });
    const flat = spec.toTfjs(params, tf, 'reshape_then_dense', { inputs, output }).apply(x) as tf.SymbolicTensor;
    expect(flat.shape).toEqual([null, 32]);
    const dense = tf.layers.dense({ units: 3 });
    dense.apply(flat);
    expect(dense.countParams()).toBe(32 * 3 + 3);
  });
});

it('building a tfjs layer never changes the parameters it was given', () => {
  for (const [type, cases] of Object.entries(CASES)) {
    const spec = getLayerSpec(type);
    for (const { params } of cases) {
      const resolved = resolveParams(spec.params, params) as ResolvedParams;
      const before = structuredClone(resolved);
      spec.toTfjs(resolved, tf, `untouched_${type}`);
      expect(resolved, type).toEqual(before);
    }
  }
});
