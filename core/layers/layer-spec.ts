/**
 * The shape of a layer specification. Every layer type is one `LayerSpec`,
 * and every part of NetCanvas (palette, inspector, validation, shape
 * inference, costs, compilation, import and export) reads it.
 */
import type * as tfjs from '@tensorflow/tfjs';
import type { DiagnosticCode, NodeEdit, Problem } from '../errors';
import type { ExportedWeight, OnnxMapping, TorchMapping } from './nchw-export';

/** A tensor shape, batch first; `null` marks a dimension not known until run time. */
export type Shape = readonly (number | null)[];

/** The TensorFlow.js namespace, passed in by `core/compile` so this module needs only its types. */
export type Tfjs = typeof tfjs;

/** Palette groups; the category also picks a node's colour. */
export type LayerCategory =
  | 'input'
  | 'convolution'
  | 'pooling'
  | 'dense'
  | 'activation'
  | 'normalization'
  | 'regularization'
  | 'reshape'
  | 'merge';

interface ParamCommon {
  /** Label in the inspector; defaults to the parameter name split into words. */
  label?: string;
  /** One sentence on what the parameter does, shown as the field's help. */
  help?: string;
}

/** A whole number, e.g. `filters`. */
export interface IntParam extends ParamCommon {
  kind: 'int';
  default: number;
  min?: number;
  max?: number;
}
/** A real number, e.g. a dropout `rate`. `null` is allowed when `nullable`. */
export interface FloatParam extends ParamCommon {
  kind: 'float';
  default: number | null;
  min?: number;
  max?: number;
  /** When true, `max` itself is not allowed (`rate` < 1). */
  maxExclusive?: boolean;
  nullable?: boolean;
}
/** Two whole numbers for height and width, e.g. `kernelSize`. */
export interface IntPairParam extends ParamCommon {
  kind: 'intPair';
  default: readonly [number, number];
  min?: number;
  max?: number;
}
/** A list of whole numbers, e.g. an input `shape` or a `targetShape`. */
export interface IntListParam extends ParamCommon {
  kind: 'intList';
  default: readonly number[];
  min?: number;
  minLength?: number;
  maxLength?: number;
  /** Allow one `-1` entry meaning "whatever is left" (Keras `Reshape`). */
  allowInferred?: boolean;
}
/** One of a fixed list of strings, e.g. `padding`. */
export interface EnumParam<T extends string = string> extends ParamCommon {
  kind: 'enum';
  options: readonly T[];
  default: T;
}
/** On or off, e.g. `useBias`. */
export interface BoolParam extends ParamCommon {
  kind: 'bool';
  default: boolean;
}

export type ParamSpec = IntParam | FloatParam | IntPairParam | IntListParam | EnumParam | BoolParam;
export type ParamSpecs = Record<string, ParamSpec>;

/** The value type a parameter spec holds. */
export type ParamValue<S extends ParamSpec> = S extends IntParam
  ? number
  : S extends FloatParam
    ? number | null
    : S extends IntPairParam
      ? [number, number]
      : S extends IntListParam
        ? number[]
        : S extends EnumParam<infer T>
          ? T
          : S extends BoolParam
            ? boolean
            : never;

/** The parameter values of a layer, typed from its specs. */
export type ParamValues<P extends ParamSpecs> = { [K in keyof P]: ParamValue<P[K]> };

/** A whole-number parameter. */
export const int = (o: Omit<IntParam, 'kind'>): IntParam => ({ kind: 'int', ...o });
/** A real-number parameter. */
export const float = (o: Omit<FloatParam, 'kind'>): FloatParam => ({ kind: 'float', ...o });
/** A height×width pair of whole numbers. */
export const intPair = (o: Omit<IntPairParam, 'kind'>): IntPairParam => ({ kind: 'intPair', ...o });
/** A list of whole numbers. */
export const intList = (o: Omit<IntListParam, 'kind'>): IntListParam => ({ kind: 'intList', ...o });
/** Rows and columns at a feature map's four edges, one each (ZeroPadding2D adds them, Cropping2D cuts them). */
export const fourEdges = (what: string): IntListParam =>
  intList({ default: [1, 1, 1, 1], min: 0, minLength: 4, maxLength: 4, label: `${what} (top, bottom, left, right)` });
/** One of `options`. */
export const oneOf = <T extends string>(
  options: readonly T[],
  defaultValue: NoInfer<T>,
  extra: ParamCommon = {},
): EnumParam<T> => ({ kind: 'enum', options, default: defaultValue, ...extra });
/** A yes/no parameter. */
export const bool = (defaultValue: boolean, extra: ParamCommon = {}): BoolParam => ({
  kind: 'bool',
  default: defaultValue,
  ...extra,
});

/** The activation functions NetCanvas offers, by their Keras/tfjs identifiers. */
export const ACTIVATIONS = [
  'linear',
  'relu',
  'relu6',
  'sigmoid',
  'tanh',
  'softmax',
  'elu',
  'selu',
  'softplus',
  'swish',
] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

/**
 * What a layer accepts as input. The engine checks these before calling
 * `inferShape`, so shape rules can destructure their inputs without guards
 * (cf. tfjs `InputSpec`).
 */
export interface InputRule {
  /** Fewest connected inputs (0 for `InputLayer`). */
  min: number;
  /** Most connected inputs; `Infinity` for merges. */
  max: number;
  /** Exact rank (batch included) every input must have. */
  rank?: number;
  /** Smallest rank every input must have. */
  minRank?: number;
  /** What each input is, in words, for messages: "a feature map (batch, height, width, channels)". */
  describe?: string;
  /** A repair to offer when an input has the wrong rank, e.g. insert a `Flatten`. */
  wrongRankFix?: (actualRank: number) => { label: string; edit: NodeEdit } | undefined;
}

/** Trainable and non-trainable parameter counts, as Keras reports them. */
export interface ParamCount {
  trainable: number;
  nonTrainable: number;
}

/** Passed to a shape rule so it can report warnings without failing. */
export interface ShapeContext {
  warn(code: DiagnosticCode, message: string, fix?: Problem['fix'], alternatives?: Problem['alternatives']): void;
}

/** How one output position of a sliding-window layer looks at its input (for the receptive field). */
export interface LayerWindow {
  kernel: readonly [number, number];
  strides: readonly [number, number];
  dilation?: readonly [number, number];
  /**
   * Up-sampling (transposed convolution, UpSampling2D): the stride spreads
   * the input apart instead of stepping over it, so one output position sees
   * ⌈kernel / stride⌉ neighbouring input positions, and neighbouring outputs
   * are the input's step / stride apart.
   */
  transposed?: boolean;
}

/** Arguments every cost function receives. */
export interface LayerIO<V> {
  inputs: readonly Shape[];
  output: Shape;
  params: V;
}

/** The specification of one layer type. */
export interface LayerSpec<P extends ParamSpecs = ParamSpecs> {
  /** The Keras class name, e.g. `Conv2D`. */
  type: string;
  /** Name in the palette, e.g. `Conv 2D`. */
  label: string;
  category: LayerCategory;
  /** One or two sentences for a learner: what the layer computes. */
  description: string;
  /** Default name stem for new nodes (`conv` gives `conv1`, `conv2`, ...). */
  namePrefix: string;
  params: P;
  inputs: InputRule;
  /** The output shape for these inputs; throws `ShapeError` for a user mistake. */
  inferShape(inputs: readonly Shape[], params: ParamValues<P>, ctx: ShapeContext): Shape;
  /** Weights, as Keras counts them. Defaults to none. */
  countParams?(io: LayerIO<ParamValues<P>>): ParamCount;
  /** Multiply-accumulates per sample. Only convolution and dense layers count (torchvision's convention). */
  macs?(io: LayerIO<ParamValues<P>>): number;
  /** The parameters in short for a node's face, e.g. `3×3 ×64 /2 same`. */
  summarize?(params: ParamValues<P>): string;
  /**
   * The non-linearity this layer applies to its output, for a layer whose
   * params do not name it as `activation` (the ReLU layer). Layer health
   * (`core/train/layer-health.ts`) reads it to count dead or saturated units.
   */
  outputActivation?(params: ParamValues<P>): ActivationName;
  /**
   * How the output size follows from the input, in real numbers, as a lecture
   * would write it: `(32 − 5 + 2·0) / 1 + 1 = 28`. One line per axis.
   */
  explain?(inputs: readonly Shape[], params: ParamValues<P>): string[];
  /**
   * The weight count worked out as a lecture writes it, e.g. `(5·5·3 + 1)·6 = 456`
   * for six 5×5 filters over 3 channels with a bias each. Absent for layers without weights.
   */
  explainParams?(io: LayerIO<ParamValues<P>>): string;
  /**
   * How one output position sees the input, for the receptive field: a sliding
   * window, or `global` when every output sees all of it (dense, flatten, global
   * pooling). Absent: position for position (activations, normalization, merges, padding).
   */
  window?(params: ParamValues<P>): LayerWindow | 'global';
  /**
   * The tfjs layer for these parameters, named `name`. `io` carries the
   * inferred shapes when the caller has them; a layer whose tfjs form needs
   * them (Reshape resolves its -1 entry, which tfjs leaves unknown) uses them.
   */
  toTfjs(
    params: ParamValues<P>,
    tf: Tfjs,
    name: string,
    io?: Omit<LayerIO<ParamValues<P>>, 'params'>,
  ): tfjs.layers.Layer;
  /**
   * Parameters from a Keras/tfjs layer `config` (snake_case keys), for import.
   * Throws `ValidationError` naming the key when the config cannot be represented.
   * `context` tells what the file itself cannot: the shapes feeding the layer
   * (BatchNormalization's `axis: 1` is the last axis only after a Dense).
   */
  fromKeras?(config: Record<string, unknown>, context: KerasImportContext): Partial<ParamValues<P>>;
  /**
   * The layer's weights as PyTorch and ONNX name and lay them out, in tfjs's
   * order; none when absent. Their count must equal `countParams`.
   */
  exportedWeights?(params: ParamValues<P>): readonly ExportedWeight[];
  /** The layer in PyTorch: its module and forward expression (`nchw-export.ts`). Required, so no layer is left out. */
  pytorch: TorchMapping<ParamValues<P>>;
  /** The layer in ONNX: the nodes it adds (`nchw-export.ts`). */
  onnx: OnnxMapping<ParamValues<P>>;
  /**
   * For a type TensorFlow.js has no layer class for, whose `toTfjs` builds
   * one of NetCanvas's own (`custom-tfjs.ts`): what a program outside
   * NetCanvas needs before it can load a model.json holding the layer.
   */
  customClass?: CustomClassNote;
}

/** How to load a layer NetCanvas adds to TensorFlow.js, elsewhere. */
export interface CustomClassNote {
  /** JavaScript that defines the tfjs class and registers it; run it before `tf.loadLayersModel`. */
  tfjs: string;
  /** For Keras (Python): the class to define and how to load with it, or why nothing is needed. */
  keras: string;
}

/** What the importer knows about a layer beyond its config. */
export interface KerasImportContext {
  /**
   * The shapes feeding the layer, batch first, in input order; `undefined`
   * where an earlier layer's shape could not be worked out.
   */
  inputShapes: readonly (Shape | undefined)[];
  /**
   * A per-sample input size the user gave, for an input whose file leaves
   * height, width (or any size) unknown (`[null, null, null, 3]`).
   */
  inputSize?: readonly number[];
}

/** Checked parameter values of a layer whose type is known only at run time. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ResolvedParams = ParamValues<any>;

/** A spec whose parameter types are erased, as the registry stores them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyLayerSpec = LayerSpec<any>;

/**
 * Declares a layer type; the identity function, there to infer parameter
 * types from `params` so the shape rule sees `p.kernelSize` as a pair.
 */
export function defineLayer<const P extends ParamSpecs>(spec: LayerSpec<P>): LayerSpec<P> {
  return spec;
}
