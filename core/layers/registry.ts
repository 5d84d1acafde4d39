/**
 * The layer registry: the single source of truth for every layer type.
 * Adding a layer is one file in this folder, one line here, and one test file.
 */
import { UnknownLayerTypeError } from '../errors';
import { activation, elu, leakyRelu, relu } from './activations';
import { batchNormalization } from './batch-normalization';
import { conv2d } from './conv2d';
import { conv2dTranspose } from './conv2d-transpose';
import { cropping2d } from './cropping2d';
import { dense } from './dense';
import { depthwiseConv2d } from './depthwise-conv2d';
import { dropout } from './dropout';
import { flatten } from './flatten';
import { globalAveragePooling2d, globalMaxPooling2d } from './global-pooling2d';
import { inputLayer } from './input-layer';
import type { AnyLayerSpec } from './layer-spec';
import { gaussianDropout } from './gaussian-dropout';
import { gaussianNoise } from './gaussian-noise';
import { layerNormalization } from './layer-normalization';
import { maxout } from './maxout';
import { add, average, concatenate, maximum, minimum, multiply, subtract } from './merge';
import { prelu } from './prelu';
import { averagePooling2d, maxPooling2d } from './pooling2d';
import { rescaling } from './rescaling';
import { reshape } from './reshape';
import { separableConv2d } from './separable-conv2d';
import { softmax } from './softmax';
import { upSampling2d } from './up-sampling2d';
import { zeroPadding2d } from './zero-padding2d';

const ALL = [
  inputLayer,
  conv2d,
  depthwiseConv2d,
  separableConv2d,
  conv2dTranspose,
  maxPooling2d,
  averagePooling2d,
  globalAveragePooling2d,
  globalMaxPooling2d,
  dense,
  flatten,
  reshape,
  activation,
  relu,
  leakyRelu,
  elu,
  prelu,
  softmax,
  maxout,
  dropout,
  gaussianDropout,
  gaussianNoise,
  batchNormalization,
  layerNormalization,
  rescaling,
  add,
  subtract,
  multiply,
  average,
  maximum,
  minimum,
  concatenate,
  zeroPadding2d,
  cropping2d,
  upSampling2d,
] as const;

/** The Keras class name of every layer NetCanvas knows. */
export type LayerType = (typeof ALL)[number]['type'];

const byType = new Map<string, AnyLayerSpec>();
for (const spec of ALL as readonly AnyLayerSpec[]) {
  if (byType.has(spec.type)) throw new Error(`Duplicate layer type "${spec.type}"`);
  byType.set(spec.type, spec);
}

/** Every layer spec, in palette order. */
export const layerSpecs: readonly AnyLayerSpec[] = ALL as readonly AnyLayerSpec[];

/** The spec of `type`; throws `UnknownLayerTypeError` for a type no spec declares. */
export function getLayerSpec(type: string): AnyLayerSpec {
  const spec = byType.get(type);
  if (!spec) throw new UnknownLayerTypeError(type);
  return spec;
}

/** Whether the registry knows `type`. */
export function isLayerType(type: string): type is LayerType {
  return byType.has(type);
}
