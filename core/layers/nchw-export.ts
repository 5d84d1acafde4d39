/**
 * How a layer leaves NetCanvas for the channels-first (NCHW) frameworks,
 * PyTorch and ONNX. Every `LayerSpec` declares its mapping here, beside its
 * shape rule and its tfjs form, so the exporters in `core/formats` walk the
 * graph and never ask what type a layer is.
 *
 * Conventions the mappings share:
 * - A 4-D tensor is NCHW in PyTorch and ONNX where NetCanvas (like Keras) holds
 *   it NHWC; every other rank keeps NetCanvas's axis order. Shapes given to a
 *   mapping are NetCanvas's (`ExportIO`); {@link torchShape} converts.
 * - Weights are declared once ({@link ExportedWeight}): the tfjs name, the
 *   PyTorch/ONNX name and the layout conversion. The ONNX exporter converts in
 *   TypeScript, the PyTorch export's `model.py` in numpy, from the same table.
 * - A layer whose parameters have no exact NCHW form throws
 *   {@link ExportRefusal}; the exporter turns it into a message naming the layer.
 */
import type { ActivationName, Shape } from './layer-spec';
import { samePadding } from './window-math';

/**
 * How a tfjs weight array becomes PyTorch's/ONNX's:
 * - `vector`: unchanged (biases, batch-norm γ, β and statistics);
 * - `dense`: a Dense kernel `(in, out)` → `(out, in)`;
 * - `conv`: a convolution kernel HWIO → OIHW;
 * - `depthwise`: a depthwise kernel `(H, W, C, M)` → `(C·M, 1, H, W)`, for `groups = C`.
 */
export type WeightLayout = 'vector' | 'dense' | 'conv' | 'depthwise';

/** One weight of a layer, as the NCHW frameworks name and hold it. */
export interface ExportedWeight {
  /** The tfjs weight name inside the layer: `kernel`, `bias`, `gamma`, `moving_mean`. */
  tfjs: string;
  /** The PyTorch attribute of the module (also the ONNX initializer's suffix): `weight`, `running_mean`. */
  torch: string;
  layout: WeightLayout;
  /** `buffer` for statistics that are not trained (batch norm's moving mean and variance). */
  role: 'parameter' | 'buffer';
  /** Convolution and dense kernels: they get the run's initializer and weight decay. */
  kernel?: boolean;
}

/** What a mapping knows about one node: its checked parameters, NetCanvas (NHWC) shapes and name. */
export interface ExportIO<V> {
  params: V;
  /** Shapes of the inputs, in slot order, batch first (NetCanvas's axis order). */
  inputs: readonly Shape[];
  output: Shape;
  /** The layer's name in the design. */
  name: string;
}

/** A Python value in generated code. `{ code }` is written as it is (an expression). */
export type PyValue = number | boolean | null | string | { code: string } | readonly PyValue[];

/** A PyTorch module to construct, with its arguments named so repeated groups can turn them into parameters. */
export interface TorchModule {
  /** The constructor, e.g. `nn.Conv2d`. */
  ctor: string;
  /** Positional arguments with the names PyTorch gives them (`in_channels`), in order. */
  args: readonly (readonly [name: string, value: PyValue])[];
  /** Keyword arguments, written as `name=value`. */
  kwargs?: readonly (readonly [name: string, value: PyValue])[];
}

/** The PyTorch form of one layer. */
export interface TorchLayer {
  /** The module the layer owns (an attribute named after the layer); absent for a layer that is only an expression (Add). */
  module?: TorchModule;
  /**
   * The expression computing the layer's output, given its input expressions
   * and `self.<attribute>` of its module (`''` when it has none).
   */
  forward(inputs: readonly string[], module: string): string;
  /** An element-wise function applied after `forward` (a Conv2D's fused `activation`). */
  activation?: ActivationName;
  /** Helper functions the expression calls, from {@link TORCH_HELPERS}. */
  helpers?: readonly TorchHelperName[];
}

/** A tensor's shape as PyTorch holds it: NHWC → NCHW for rank 4, unchanged otherwise. */
export function torchShape(shape: Shape): Shape {
  return shape.length === 4 ? [shape[0], shape[3], shape[1], shape[2]] : shape;
}

/** The PyTorch/ONNX axis of NetCanvas axis `axis` (negative counts from the end) in a tensor of `rank`. */
export function torchAxis(axis: number, rank: number): number {
  const a = axis < 0 ? rank + axis : axis;
  if (rank !== 4 || a === 0) return a;
  return a === 3 ? 1 : a + 1;
}

/** An ONNX attribute value: numbers and lists of them; `int`/`ints` are marked because ONNX types them apart from floats. */
export type OnnxAttribute =
  | { int: number }
  | { float: number }
  | { ints: readonly number[] }
  | { floats: readonly number[] }
  | { string: string };

/** What an ONNX mapping writes into: the exporter implements it. */
export interface OnnxEmitter {
  /**
   * Adds a node; returns the name of its output. The exporter names the
   * node that computes the layer's output after the layer, the others after
   * the layer and their operator.
   */
  node(op: string, inputs: readonly string[], attributes?: Readonly<Record<string, OnnxAttribute>>): string;
  /** The initializer holding the layer's weight `torch` (see {@link ExportedWeight}), already in NCHW layout. */
  weight(torch: string): string;
  /** A constant that is not a weight (a Reshape's target, Pad's amounts), as a `Constant` node. */
  constant(values: readonly number[], dims: readonly number[], type: 'float' | 'int64'): string;
}

/** The ONNX form of one layer: adds its nodes and returns the name of the layer's output. */
export type OnnxMapping<V> = (io: ExportIO<V>, inputs: readonly string[], onnx: OnnxEmitter) => string;

/** The PyTorch form of one layer. */
export type TorchMapping<V> = (io: ExportIO<V>) => TorchLayer;

/**
 * A layer (or parameter value) with no exact PyTorch/ONNX form. The exporter
 * reports it as `Conv2D "conv1": <message>`; nothing is written.
 */
export class ExportRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExportRefusal';
  }
}

/**
 * PyTorch's normalisation modules (1.13) learn γ and β together (`affine`,
 * `elementwise_affine`) or neither; a design that learns only one of them has
 * no PyTorch (or, for ONNX, no weight-exact) form. `torchModule` names the
 * module in the refusal.
 */
export function requireAffinePair(p: { center: boolean; scale: boolean }, torchModule: string): void {
  if (p.center !== p.scale)
    throw new ExportRefusal(
      `learns ${p.center ? 'the shift β but not the scale γ' : 'the scale γ but not the shift β'}; PyTorch's ${torchModule} learns both or neither (turn both on or both off)`,
    );
}

/**
 * Python helpers a layer's expression may call, emitted once at the top of
 * `model.py` when used. Keyed by name so the registry can only ask for
 * helpers that exist.
 */
export const TORCH_HELPERS = {
  tf_same_avg_pool2d: `def tf_same_avg_pool2d(x, kernel_size, stride, pad):
    """Average pooling with TensorFlow's "same" padding, which is uneven (the odd zero goes after) and
    leaves the padding out of each window's average; PyTorch's AvgPool2d pads evenly, so pad and divide here."""
    summed = F.avg_pool2d(F.pad(x, pad), kernel_size, stride, divisor_override=1)
    counts = F.avg_pool2d(F.pad(torch.ones_like(x[:1, :1]), pad), kernel_size, stride, divisor_override=1)
    return summed / counts`,
  SeparableConv2d: `class SeparableConv2d(nn.Module):
    """TensorFlow's SeparableConv2D: a depthwise convolution (one group per input channel, no bias), then a
    1x1 convolution mixing the channels."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, depth_multiplier=1, bias=True):
        super().__init__()
        middle = in_channels * depth_multiplier
        self.depthwise = nn.Conv2d(in_channels, middle, kernel_size, stride, padding, groups=in_channels, bias=False)
        self.pointwise = nn.Conv2d(middle, out_channels, 1, bias=bias)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))`,
  TfPReLU: `class TfPReLU(nn.Module):
    """PReLU with TensorFlow's slopes: x where x >= 0, alpha * x below. alpha keeps TensorFlow's shape (height,
    width, channels for a feature map, 1 where a slope is shared), turned channels-first to meet NCHW inputs."""

    def __init__(self, shape, channels_first=False):
        super().__init__()
        self.alpha = nn.Parameter(torch.zeros(shape))
        self.channels_first = channels_first

    def forward(self, x):
        alpha = self.alpha.permute(2, 0, 1) if self.channels_first else self.alpha
        return torch.where(x >= 0, x, alpha * x)`,
  GaussianNoise: `class GaussianNoise(nn.Module):
    """Keras's GaussianNoise: adds N(0, stddev^2) noise while training; nothing in evaluation."""

    def __init__(self, stddev):
        super().__init__()
        self.stddev = stddev

    def forward(self, x):
        return x + torch.randn_like(x) * self.stddev if self.training else x`,
  GaussianDropout: `class GaussianDropout(nn.Module):
    """Keras's GaussianDropout: multiplies by noise of mean 1 and variance rate / (1 - rate) while training;
    nothing in evaluation."""

    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def forward(self, x):
        if not self.training or self.rate == 0:
            return x
        return x * (1 + torch.randn_like(x) * math.sqrt(self.rate / (1 - self.rate)))`,
  tf_bilinear_upsample: `def tf_bilinear_upsample(x, scale_h, scale_w):
    """TensorFlow.js's bilinear up-sampling by whole factors: output row i reads input row i / scale (no
    half-pixel shift, unlike F.interpolate), blending the two nearest rows, the last one repeated."""

    def along(x, scale, dim):
        n = x.shape[dim]
        position = torch.arange(n * scale, dtype=x.dtype, device=x.device) / scale
        low = position.floor().long()
        high = (low + 1).clamp(max=n - 1)
        shape = [1] * x.dim()
        shape[dim] = -1
        weight = (position - low).view(shape)
        return x.index_select(dim, low) * (1 - weight) + x.index_select(dim, high) * weight

    return along(along(x, scale_h, 2), scale_w, 3)`,
} as const;
/** The name of a helper in {@link TORCH_HELPERS}. */
export type TorchHelperName = keyof typeof TORCH_HELPERS;

/** `(N, 64, 56, 56)`: a NetCanvas shape written as PyTorch holds it, for `model.py`'s comments. */
export function torchShapeText(shape: Shape): string {
  return `(${torchShape(shape)
    .map((d, i) => (i === 0 ? 'N' : (d ?? '?')))
    .join(', ')})`;
}

/** A square pair as one number, as PyTorch code writes it (`kernel_size=3`); otherwise the pair. */
export function torchPair([a, b]: readonly [number, number]): PyValue {
  return a === b ? a : [a, b];
}

/**
 * The PyTorch expression and ONNX nodes of each activation function, on a
 * tensor of `rank` (softmax acts on NetCanvas's last axis, PyTorch's
 * channels for a 4-D tensor). A `Record` over every name, so a new activation
 * cannot be added without its export.
 */
export const ACTIVATION_EXPORT: Record<
  Exclude<ActivationName, 'linear'>,
  {
    torch(x: string, rank: number): string;
    onnx(x: string, rank: number, onnx: OnnxEmitter): string;
  }
> = {
  relu: { torch: (x) => `F.relu(${x})`, onnx: (x, _r, g) => g.node('Relu', [x]) },
  relu6: {
    torch: (x) => `F.relu6(${x})`,
    onnx: (x, _r, g) => g.node('Clip', [x, g.constant([0], [], 'float'), g.constant([6], [], 'float')]),
  },
  sigmoid: { torch: (x) => `torch.sigmoid(${x})`, onnx: (x, _r, g) => g.node('Sigmoid', [x]) },
  tanh: { torch: (x) => `torch.tanh(${x})`, onnx: (x, _r, g) => g.node('Tanh', [x]) },
  softmax: {
    torch: (x, rank) => `torch.softmax(${x}, dim=${torchAxis(-1, rank)})`,
    onnx: (x, rank, g) => g.node('Softmax', [x], { axis: { int: torchAxis(-1, rank) } }),
  },
  elu: { torch: (x) => `F.elu(${x})`, onnx: (x, _r, g) => g.node('Elu', [x], { alpha: { float: 1 } }) },
  // Keras's SELU constants are ONNX's and PyTorch's defaults.
  selu: { torch: (x) => `F.selu(${x})`, onnx: (x, _r, g) => g.node('Selu', [x]) },
  softplus: { torch: (x) => `F.softplus(${x})`, onnx: (x, _r, g) => g.node('Softplus', [x]) },
  // swish(x) = x·sigmoid(x), PyTorch's SiLU; ONNX before opset 24 has no operator for it.
  swish: {
    torch: (x) => `F.silu(${x})`,
    onnx: (x, _r, g) => g.node('Mul', [x, g.node('Sigmoid', [x])]),
  },
};

/** Applies `activation` to the ONNX value `x` (nothing for `linear`). */
export function onnxActivation(activation: ActivationName, x: string, rank: number, onnx: OnnxEmitter): string {
  return activation === 'linear' ? x : ACTIVATION_EXPORT[activation].onnx(x, rank, onnx);
}

/** The ONNX `pads` of a 2-D window: `[top, left, bottom, right]` from NetCanvas's per-axis (before, after). */
export function onnxPads(
  [top, bottom]: readonly [number, number],
  [left, right]: readonly [number, number],
): { ints: number[] } {
  return { ints: [top, left, bottom, right] };
}

/** Zeros (before, after) a sliding window adds on height and width: none for "valid", TensorFlow's split for "same". */
export function windowPadding(
  input: Shape,
  kernel: readonly [number, number],
  strides: readonly [number, number],
  padding: 'valid' | 'same',
  dilation: readonly [number, number] = [1, 1],
): [height: [number, number], width: [number, number]] {
  if (padding === 'valid')
    return [
      [0, 0],
      [0, 0],
    ];
  const [, h, w] = input as readonly number[];
  return [samePadding(h, kernel[0], strides[0], dilation[0]), samePadding(w, kernel[1], strides[1], dilation[1])];
}

/**
 * How a PyTorch window layer takes padding (before, after) per axis: as its
 * own `padding=` when even on both axes, else as an explicit `F.pad` in
 * `forward` (left, right, top, bottom) with `value` (−∞ for max pooling).
 */
export function torchWindowPadding(
  [height, width]: [[number, number], [number, number]],
  value?: string,
): { padding: PyValue | undefined; pad(x: string): string } {
  if (height[0] === height[1] && width[0] === width[1]) {
    const padding = height[0] === 0 && width[0] === 0 ? undefined : torchPair([height[0], width[0]]);
    return { padding, pad: (x) => x };
  }
  const amounts = `(${width[0]}, ${width[1]}, ${height[0]}, ${height[1]})`;
  return { padding: undefined, pad: (x) => `F.pad(${x}, ${amounts}${value ? `, value=${value}` : ''})` };
}

/**
 * A PyTorch convolution module (`nn.Conv2d`, `nn.ConvTranspose2d`, …): its
 * channels and kernel size, then as keywords only what differs from
 * PyTorch's defaults (stride 1, no padding, bias on), with `extra` keywords
 * (`dilation`, `groups`) between padding and bias.
 */
export function torchConvModule(
  ctor: string,
  o: {
    inChannels: number;
    outChannels: number;
    kernel: readonly [number, number];
    strides: readonly [number, number];
    padding?: PyValue;
    extra?: readonly (readonly [string, PyValue])[];
    useBias: boolean;
  },
): TorchModule {
  return {
    ctor,
    args: [
      ['in_channels', o.inChannels],
      ['out_channels', o.outChannels],
      ['kernel_size', torchPair(o.kernel)],
    ],
    kwargs: [
      ...(o.strides[0] !== 1 || o.strides[1] !== 1 ? [['stride', torchPair(o.strides)] as const] : []),
      ...(o.padding === undefined ? [] : [['padding', o.padding] as const]),
      ...(o.extra ?? []),
      ...(o.useBias ? [] : [['bias', false] as const]),
    ],
  };
}

/** The weights of a convolution or dense layer: its kernel in `layout`, then its bias when it has one. */
export function kernelAndBias(layout: 'conv' | 'depthwise' | 'dense', useBias: boolean): ExportedWeight[] {
  const kernel: ExportedWeight = {
    tfjs: layout === 'depthwise' ? 'depthwise_kernel' : 'kernel',
    torch: 'weight',
    layout,
    role: 'parameter',
    kernel: true,
  };
  return useBias ? [kernel, { tfjs: 'bias', torch: 'bias', layout: 'vector', role: 'parameter' }] : [kernel];
}
