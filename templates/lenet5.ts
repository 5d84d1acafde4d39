/**
 * LeNet-5, LeCun, Bottou, Bengio & Haffner, "Gradient-based learning applied
 * to document recognition", Proc. IEEE 1998, as it is commonly taught and as
 * TensorFlow.js examples ship it: 32×32×1 input (MNIST digits padded to 32,
 * as in the paper), C1 6@5×5, S2 2×2 pooling, C3 16@5×5 (fully connected to
 * S2, not the paper's partial table), S4 2×2 pooling, F5 120, F6 84, and a
 * softmax output in place of the paper's RBF units: 61,706 weights for 10
 * classes, the total of the TensorSpace/tfjs LeNet files.
 *
 * The paper squashes with a scaled tanh and subsamples by averaging; we keep
 * tanh and average pooling (the trainable subsampling coefficients of S2/S4
 * are dropped, as in every modern rendition). torchvision has no LeNet.
 */
import { GraphBuilder } from '../core/graph/builder';
import type { Graph } from '../core/graph/graph';
import { resolveOptions } from './resolve-options';
import type { Template, TemplateOptions } from './template';

const DEFAULTS = { input: [32, 32, 1], classes: 10 } as const;

/** Builds LeNet-5 at `input` (32×32×1 by default; 28×28 inputs give a smaller F5). */
export function buildLenet5(options?: TemplateOptions): Graph {
  const { input, classes } = resolveOptions('lenet5', options, DEFAULTS, 3);
  const b = new GraphBuilder();
  let x = b.input(input, 'input');
  x = b.layer('Conv2D', { filters: 6, kernelSize: [5, 5], activation: 'tanh' }, x, 'c1');
  x = b.layer('AveragePooling2D', { poolSize: [2, 2], strides: [2, 2] }, x, 's2');
  x = b.layer('Conv2D', { filters: 16, kernelSize: [5, 5], activation: 'tanh' }, x, 'c3');
  x = b.layer('AveragePooling2D', { poolSize: [2, 2], strides: [2, 2] }, x, 's4');
  x = b.layer('Flatten', {}, x, 'flatten');
  x = b.layer('Dense', { units: 120, activation: 'tanh' }, x, 'f5');
  x = b.layer('Dense', { units: 84, activation: 'tanh' }, x, 'f6');
  b.layer('Dense', { units: classes, activation: 'softmax' }, x, 'output');
  return b.build();
}

/** The LeNet-5 template. */
export const lenet5: Template = {
  id: 'lenet5',
  title: 'LeNet-5',
  description:
    'LeCun et al. 1998: two 5×5 conv + pooling stages and three dense layers (61,706 weights on 32×32 digits).',
  source: 'LeCun, Bottou, Bengio & Haffner, "Gradient-based learning applied to document recognition", Proc. IEEE 1998',
  defaultInput: DEFAULTS.input,
  defaultClasses: DEFAULTS.classes,
  build: buildLenet5,
};
