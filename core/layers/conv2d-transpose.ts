import { ACTIVATIONS, bool, defineLayer, int, intPair, oneOf } from './layer-spec';
import { convSummary, type Padding } from './window-math';
import { kernelAndBias, onnxActivation, torchConvModule, torchPair } from './nchw-export';
import { kerasConvWindow, kerasInt, refuseDilation, requireValue } from './keras-config';

/**
 * Output length of a transposed convolution along one axis, as Keras and
 * tfjs compute it: `N·S` for "same", `N·S + max(F − S, 0)` for "valid"
 * (which is `(N − 1)·S + F` whenever the kernel is at least the stride).
 */
export function transposedLength(n: number | null, k: number, s: number, padding: Padding): number | null {
  if (n === null) return null;
  return padding === 'same' ? n * s : n * s + Math.max(k - s, 0);
}

function explainAxis(n: number | null, k: number, s: number, padding: Padding): string {
  if (n === null) return 'unknown until run time';
  const out = transposedLength(n, k, s, padding) as number;
  if (padding === 'same') return `N·S = ${n}·${s} = ${out}  (padding "same")`;
  if (k >= s) return `(N − 1)·S + F = (${n} − 1)·${s} + ${k} = ${out}`;
  return `N·S = ${n}·${s} = ${out}  (the ${k}×${k} kernel is narrower than the stride: gaps stay zero)`;
}

/**
 * How PyTorch and ONNX reach TensorFlow's output along one axis: the full
 * transposed convolution is `(N − 1)·S + F` long; TensorFlow either extends
 * it with zeros after (`outputPadding`, when the kernel is narrower than the
 * stride) or trims it, the odd one after (`cropBefore`, `cropAfter`).
 */
function transposedAxis(n: number, k: number, s: number, target: number) {
  const full = (n - 1) * s + k;
  if (target >= full) return { outputPadding: target - full, cropBefore: 0, cropAfter: 0 };
  const cropBefore = Math.floor((full - target) / 2);
  return { outputPadding: 0, cropBefore, cropAfter: full - target - cropBefore };
}

/**
 * Transposed convolution ("up-convolution"): each input value scatters a
 * `kernelSize` patch of weights into the output, `strides` apart, so the map
 * grows. The decoder half of U-Net, autoencoders and GAN generators.
 */
export const conv2dTranspose = defineLayer({
  type: 'Conv2DTranspose',
  label: 'Conv 2D Transpose',
  category: 'convolution',
  description:
    'Runs a convolution backwards: every input value stamps a learned kernel into the output, the stamps a stride apart, so the map grows (2×2 kernels at stride 2 double it). U-Net and autoencoders upsample with it.',
  namePrefix: 'upconv',
  params: {
    filters: int({ min: 1, default: 32, help: 'Number of kernels, and so the depth of the output.' }),
    kernelSize: intPair({ min: 1, default: [2, 2], help: 'Height and width F of each kernel.' }),
    strides: intPair({ min: 1, default: [2, 2], help: 'Distance S between stamps: the factor the map grows by.' }),
    padding: oneOf(['valid', 'same'] as const, 'valid', {
      help: '"valid" keeps every stamped value: (N − 1)·S + F; "same" trims the output to N·S.',
    }),
    activation: oneOf(ACTIVATIONS, 'linear'),
    useBias: bool(true, { help: 'Add one learned bias per filter.' }),
  },
  inputs: { min: 1, max: 1, rank: 4, describe: 'a feature map (batch, height, width, channels)' },
  inferShape: ([[batch, h, w]], p) => [
    batch,
    transposedLength(h, p.kernelSize[0], p.strides[0], p.padding),
    transposedLength(w, p.kernelSize[1], p.strides[1], p.padding),
    p.filters,
  ],
  countParams: ({ inputs: [input], params: p }) => ({
    trainable: p.kernelSize[0] * p.kernelSize[1] * (input[3] as number) * p.filters + (p.useBias ? p.filters : 0),
    nonTrainable: 0,
  }),
  // Every input value meets every weight of the kernel once (the count fvcore and PyTorch profilers use).
  macs: ({ inputs: [input], params: p }) =>
    (input[1] ?? 0) * (input[2] ?? 0) * (input[3] as number) * p.kernelSize[0] * p.kernelSize[1] * p.filters,
  window: (p) => ({ kernel: p.kernelSize, strides: p.strides, transposed: true }),
  summarize: convSummary,
  explain: ([[, h, w]], p) => [
    `height: ${explainAxis(h, p.kernelSize[0], p.strides[0], p.padding)}`,
    `width: ${explainAxis(w, p.kernelSize[1], p.strides[1], p.padding)}`,
    `depth: ${p.filters} filters`,
  ],
  fromKeras: (c) => {
    const window = kerasConvWindow(c);
    requireValue(c, 'output_padding', undefined, 'NetCanvas computes the output size from the kernel and stride');
    refuseDilation(c, 'TensorFlow.js has no dilated transposed convolution');
    return { filters: kerasInt(c, 'filters'), ...window };
  },
  toTfjs: (p, tf, name) => tf.layers.conv2dTranspose({ ...p, name }),
  // tfjs's kernel is (H, W, out, in); the conv layout's HWIO → OIHW turns it into PyTorch's (in, out, H, W).
  exportedWeights: (p) => kernelAndBias('conv', p.useBias),
  pytorch: ({ params: p, inputs: [input], output }) => {
    const axes = [0, 1].map((a) =>
      transposedAxis(input[a + 1] as number, p.kernelSize[a], p.strides[a], output[a + 1] as number),
    );
    // ConvTranspose2d trims `padding` from both ends; TensorFlow's odd extra one after is sliced off.
    const uneven = axes.some((a) => a.cropAfter !== a.cropBefore);
    const crop = ([h, w]: (number | null)[]) => `[:, :, :${h}, :${w}]`;
    return {
      module: torchConvModule('nn.ConvTranspose2d', {
        inChannels: input[3] as number,
        outChannels: p.filters,
        kernel: p.kernelSize,
        strides: p.strides,
        padding: axes.some((a) => a.cropBefore) ? torchPair([axes[0].cropBefore, axes[1].cropBefore]) : undefined,
        extra: axes.some((a) => a.outputPadding)
          ? [['output_padding', torchPair([axes[0].outputPadding, axes[1].outputPadding])]]
          : [],
        useBias: p.useBias,
      }),
      forward: ([x], m) => `${m}(${x})${uneven ? crop([output[1], output[2]]) : ''}`,
      activation: p.activation,
    };
  },
  onnx: ({ params: p, inputs: [input], output }, [x], onnx) => {
    const [h, w] = [0, 1].map((a) =>
      transposedAxis(input[a + 1] as number, p.kernelSize[a], p.strides[a], output[a + 1] as number),
    );
    const y = onnx.node('ConvTranspose', [x, onnx.weight('weight'), ...(p.useBias ? [onnx.weight('bias')] : [])], {
      kernel_shape: { ints: p.kernelSize },
      strides: { ints: p.strides },
      pads: { ints: [h.cropBefore, w.cropBefore, h.cropAfter, w.cropAfter] },
      output_padding: { ints: [h.outputPadding, w.outputPadding] },
    });
    return onnxActivation(p.activation, y, 4, onnx);
  },
});
