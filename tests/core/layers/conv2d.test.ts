import { describe, expect, it } from 'vitest';
import { applyFix } from '../../../core/graph/fixes';
import { inferShapes } from '../../../core/graph/infer';
import { explainLayer, layerFace, runLayer } from './layer-harness';

// Counts worked out by hand: params = kH·kW·Cin·filters (+ filters for the bias),
// MACs = outH·outW·filters·kH·kW·Cin (torchvision's convention).
describe('Conv2D shape, parameters and MACs', () => {
  it.each([
    {
      why: 'LeNet C1 on CIFAR: 5×5 valid',
      input: [32, 32, 3],
      params: { filters: 6, kernelSize: [5, 5] },
      shape: [null, 28, 28, 6],
      trainable: 456,
      macs: 28 * 28 * 6 * 5 * 5 * 3,
    },
    {
      why: '"same" keeps the size at stride 1',
      input: [28, 28, 1],
      params: { filters: 6, kernelSize: [5, 5], padding: 'same' },
      shape: [null, 28, 28, 6],
      trainable: 156,
      macs: 117_600,
    },
    {
      why: '"same" with stride 2 on an odd size rounds up: ⌈7 / 2⌉ = 4',
      input: [7, 7, 8],
      params: { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same' },
      shape: [null, 4, 4, 4],
      trainable: 3 * 3 * 8 * 4 + 4,
      macs: 4 * 4 * 4 * 9 * 8,
    },
    {
      why: 'ResNet stem: 7×7/2 same, no bias (118.01 M MACs, as torchvision)',
      input: [224, 224, 3],
      params: { filters: 64, kernelSize: [7, 7], strides: [2, 2], padding: 'same', useBias: false },
      shape: [null, 112, 112, 64],
      trainable: 9408,
      macs: 118_013_952,
    },
    {
      why: 'AlexNet conv1: 11×11/4 valid on 227 gives 55',
      input: [227, 227, 3],
      params: { filters: 96, kernelSize: [11, 11], strides: [4, 4] },
      shape: [null, 55, 55, 96],
      trainable: 34_944,
      macs: 105_415_200,
    },
    {
      why: 'dilation 2 makes a 3×3 kernel span 5×5',
      input: [32, 32, 3],
      params: { filters: 8, kernelSize: [3, 3], dilationRate: [2, 2] },
      shape: [null, 28, 28, 8],
      trainable: 224,
      macs: 28 * 28 * 8 * 9 * 3,
      warnings: ['cannot-train-in-browser'],
    },
    {
      why: 'dilation with "same" keeps the size',
      input: [9, 9, 2],
      params: { filters: 1, kernelSize: [3, 3], dilationRate: [2, 2], padding: 'same' },
      shape: [null, 9, 9, 1],
      trainable: 19,
      macs: 81 * 9 * 2,
      warnings: ['cannot-train-in-browser'],
    },
    {
      why: 'non-square kernel and strides',
      input: [28, 21, 3],
      params: { filters: 2, kernelSize: [3, 5], strides: [1, 2] },
      shape: [null, 26, 9, 2],
      trainable: 92,
      macs: 26 * 9 * 2 * 15 * 3,
    },
    {
      why: '1×1 convolution only mixes channels',
      input: [8, 8, 16],
      params: { filters: 32, kernelSize: [1, 1] },
      shape: [null, 8, 8, 32],
      trainable: 544,
      macs: 32_768,
    },
  ] as {
    why: string;
    input: number[];
    params: Record<string, unknown>;
    shape: (number | null)[];
    trainable: number;
    macs: number;
    warnings?: string[];
  }[])('$why', ({ input, params, shape, trainable, macs, warnings = [] }) => {
    const run = runLayer('Conv2D', params, [input]);
    // Dilated convolutions run in tfjs but cannot be trained there; nothing else warns.
    expect(run.all.map((d) => [d.code, d.severity])).toEqual(warnings.map((code) => [code, 'warning']));
    expect(run.shape).toEqual(shape);
    expect(run.row.trainableParams).toBe(trainable);
    expect(run.row.nonTrainableParams).toBe(0);
    expect(run.row.macs).toBe(macs);
    expect(run.row.activationBytes).toBe((shape[1] as number) * (shape[2] as number) * (shape[3] as number) * 4);
  });
});

describe('Conv2D problems', () => {
  it.each([
    {
      why: 'kernel larger than the input',
      input: [3, 3, 8],
      params: { kernelSize: [5, 5] },
      code: 'kernel-too-large',
      message: /^Conv2D "layer": 5×5 kernel does not fit a 3×3 input with padding "valid"$/,
      fix: 'Pad to fit (padding "same") → 3×3',
    },
    {
      why: 'dilated kernel larger than the input',
      input: [4, 4, 1],
      params: { kernelSize: [3, 3], dilationRate: [2, 2] },
      code: 'kernel-too-large',
      message: /^Conv2D "layer": 3×3 kernel \(5×5 with dilation\) does not fit a 4×4 input/,
      fix: 'Pad to fit (padding "same") → 4×4',
    },
    {
      why: 'kernel too tall only',
      input: [2, 10, 1],
      params: { kernelSize: [3, 1] },
      code: 'kernel-too-large',
      message: /3×1 kernel does not fit a 2×10 input/,
      fix: 'Pad to fit (padding "same") → 2×10',
    },
    {
      why: 'no filters',
      input: [8, 8, 1],
      params: { filters: 0 },
      code: 'param-invalid',
      message: /^Conv2D "layer": filters must be a whole number ≥ 1, got 0$/,
      fix: 'Reset filters to 32',
    },
    {
      why: 'fractional filters',
      input: [8, 8, 1],
      params: { filters: 2.5 },
      code: 'param-invalid',
      message: /filters must be a whole number ≥ 1, got 2\.5/,
      fix: 'Reset filters to 32',
    },
    {
      why: 'kernel size with one number',
      input: [8, 8, 1],
      params: { kernelSize: [3] },
      code: 'param-invalid',
      message: /^Conv2D "layer": kernelSize must be two whole numbers ≥ 1, got \[3\]$/,
      fix: 'Reset kernelSize to [3,3]',
    },
    {
      why: 'stride of zero',
      input: [8, 8, 1],
      params: { strides: [0, 1] },
      code: 'param-invalid',
      message: /strides must be two whole numbers ≥ 1, got \[0,1\]/,
      fix: 'Reset strides to [1,1]',
    },
    {
      why: 'unknown padding',
      input: [8, 8, 1],
      params: { padding: 'full' },
      code: 'param-invalid',
      message: /padding must be one of "valid", "same", got "full"/,
      fix: 'Reset padding to "valid"',
    },
    {
      why: 'unknown activation',
      input: [8, 8, 1],
      params: { activation: 'gelu' },
      code: 'param-invalid',
      message: /activation must be one of "linear", "relu", .*got "gelu"/,
      fix: 'Reset activation to "linear"',
    },
    {
      why: 'useBias not a boolean',
      input: [8, 8, 1],
      params: { useBias: 'yes' },
      code: 'param-invalid',
      message: /useBias must be true or false, got "yes"/,
      fix: 'Reset useBias to true',
    },
    {
      why: 'strides and dilation together (TensorFlow refuses them)',
      input: [16, 16, 1],
      params: { strides: [2, 2], dilationRate: [2, 2] },
      code: 'param-invalid',
      message: /^Conv2D "layer": strides 2×2 with dilation 2×2: .*strides 1/,
      fix: 'Set strides to 1×1',
    },
    {
      why: 'a flat vector instead of a feature map',
      input: [10],
      params: {},
      code: 'wrong-rank',
      message:
        /^Conv2D "layer": expects a 4-D input, a feature map \(batch, height, width, channels\), but it is 2-D \(batch×10\)$/,
      fix: undefined,
    },
  ])('$why → $code', ({ input, params, code, message, fix }) => {
    const run = runLayer('Conv2D', params, [input]);
    expect(run.shape).toBeNull();
    expect(run.diagnostics).toHaveLength(1);
    const [d] = run.diagnostics;
    expect(d).toMatchObject({ code, severity: 'error', nodeId: run.nodeId });
    expect(d.message).toMatch(message);
    expect(d.fix?.label).toBe(fix);
    if (d.fix) {
      // Every offered repair must leave the layer valid.
      const repaired = inferShapes(applyFix(run.graph, d.fix));
      expect(repaired.diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    }
  });

  it('switching to "same" repairs a kernel larger than its input', () => {
    const run = runLayer('Conv2D', { filters: 4, kernelSize: [5, 5] }, [[3, 3, 8]]);
    const repaired = inferShapes(applyFix(run.graph, run.diagnostics[0].fix!));
    expect(repaired.diagnostics).toEqual([]);
    expect(repaired.shapes.get(run.nodeId)).toEqual([null, 3, 3, 4]);
  });

  it.each([
    {
      input: [7, 7, 1],
      params: { kernelSize: [3, 3], strides: [3, 3] },
      shape: [null, 2, 2, 32],
      messages: ['Conv2D "layer": (7 − 3) / 3 + 1 = 2.33 along height and width: the last row and column are dropped'],
      // The lecture's example: pad by 1 (padding "same"), stride 2, or a 4×4 kernel.
      fixes: ['Pad to fit (padding "same") → 3×3', 'Stride 2 → 3×3', 'Kernel 4×4 → 2×2'],
    },
    {
      input: [8, 9, 1],
      params: { kernelSize: [3, 3], strides: [3, 3] },
      shape: [null, 2, 3, 32],
      messages: ['Conv2D "layer": (8 − 3) / 3 + 1 = 2.67: the last 2 rows are dropped'],
      fixes: ['Pad to fit (padding "same") → 3×3', 'Stride 1×3 → 6×3', 'Kernel 2×3 → 3×3'],
    },
    {
      input: [10, 10, 1],
      params: { kernelSize: [3, 3], strides: [2, 2], dilationRate: [1, 1] },
      shape: [null, 4, 4, 32],
      messages: ['Conv2D "layer": (10 − 3) / 2 + 1 = 4.50 along height and width: the last row and column are dropped'],
      fixes: ['Pad to fit (padding "same") → 5×5', 'Stride 1 → 8×8', 'Kernel 4×4 → 4×4'],
    },
    {
      input: [9, 10, 1],
      params: { kernelSize: [2, 3], strides: [2, 2] },
      shape: [null, 4, 4, 32],
      messages: [
        'Conv2D "layer": (9 − 2) / 2 + 1 = 4.50 along height and (10 − 3) / 2 + 1 = 4.50 along width: the last row is dropped and the last column is dropped',
      ],
      fixes: ['Pad to fit (padding "same") → 5×5', 'Stride 1 → 8×8', 'Kernel 3×4 → 4×4'],
    },
  ])(
    'a stride that does not fit $input is one warning, with every fix and the size it gives',
    ({ input, params, shape, messages, fixes }) => {
      const run = runLayer('Conv2D', params, [input]);
      expect(run.shape).toEqual(shape);
      expect(run.diagnostics.map((d) => d.message)).toEqual(messages);
      const [d] = run.diagnostics;
      expect(d).toMatchObject({ code: 'uneven-stride', severity: 'warning' });
      const offered = [d.fix!, ...(d.alternatives ?? [])];
      expect(offered.map((f) => f.label)).toEqual(fixes);
      // Each fix does what it says: the warning goes, and the output is the size its label names.
      for (const f of offered) {
        const fixed = inferShapes(applyFix(run.graph, f));
        expect(fixed.diagnostics, f.label).toEqual([]);
        const [, h, w] = fixed.shapes.get(run.nodeId) as number[];
        expect(f.label.endsWith(`→ ${h}×${w}`), f.label).toBe(true);
      }
    },
  );

  it('no uneven-stride warning with "same" padding or when the stride fits', () => {
    expect(
      runLayer('Conv2D', { kernelSize: [3, 3], strides: [3, 3], padding: 'same' }, [[7, 7, 1]]).diagnostics,
    ).toEqual([]);
    expect(runLayer('Conv2D', { kernelSize: [3, 3], strides: [2, 2] }, [[9, 9, 1]]).diagnostics).toEqual([]);
  });
});

describe('Conv2D explain() and face', () => {
  it.each([
    {
      input: [32, 32, 3],
      params: { filters: 6, kernelSize: [5, 5] },
      lines: ['height: (32 − 5 + 2·0) / 1 + 1 = 28', 'width: (32 − 5 + 2·0) / 1 + 1 = 28', 'depth: 6 filters'],
    },
    {
      input: [7, 8, 1],
      params: { filters: 4, kernelSize: [3, 3], strides: [2, 2], padding: 'same' },
      lines: [
        'height: (7 − 3 + 2·1) / 2 + 1 = 4  (padding "same": ⌈7 / 2⌉)',
        'width: (8 − 3 + 0 + 1) / 2 + 1 = 4  (padding "same": ⌈8 / 2⌉)',
        'depth: 4 filters',
      ],
    },
    {
      input: [7, 7, 1],
      params: { filters: 1, kernelSize: [3, 3], strides: [3, 3] },
      lines: [
        'height: (7 − 3 + 2·0) / 3 + 1 = 2.33 → 2',
        'width: (7 − 3 + 2·0) / 3 + 1 = 2.33 → 2',
        'depth: 1 filters',
      ],
    },
    {
      input: [32, 32, 3],
      params: { filters: 8, kernelSize: [3, 3], dilationRate: [2, 2] },
      lines: [
        'height: (32 − 5 + 2·0) / 1 + 1 = 28 (dilated kernel F = (3 − 1)·2 + 1 = 5)',
        'width: (32 − 5 + 2·0) / 1 + 1 = 28 (dilated kernel F = (3 − 1)·2 + 1 = 5)',
        'depth: 8 filters',
      ],
    },
  ])('explains $input with $params', ({ input, params, lines }) => {
    expect(explainLayer('Conv2D', params, [input])).toEqual(lines);
  });

  it('"same" arithmetic is true even when TensorFlow pads nothing (1×1 kernel, stride 3 on 8)', () => {
    // ⌈8 / 3⌉ = 3 needs no padding; the real-number rule then gives 2.33, not 3.
    expect(explainLayer('Conv2D', { kernelSize: [1, 1], strides: [3, 3], padding: 'same' }, [[8, 8, 1]])[0]).toBe(
      'height: (8 − 1 + 2·0) / 3 + 1 = 3.33 → 3  (padding "same": ⌈8 / 3⌉)',
    );
  });

  it.each([
    [{ filters: 64, kernelSize: [3, 3] }, '3×3 ×64 valid'],
    [{ filters: 64, kernelSize: [7, 7], strides: [2, 2], padding: 'same', activation: 'relu' }, '7×7 ×64 /2 same relu'],
    [{ filters: 8, kernelSize: [3, 3], dilationRate: [2, 2] }, '3×3 ×8 valid d2'],
  ])('face of %j is %s', (params, text) => {
    expect(layerFace('Conv2D', params)).toBe(text);
  });
});
