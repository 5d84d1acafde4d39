/**
 * A linear classifier, f(x) = Wx + b, followed by softmax: the first model of
 * CS231n ("Linear classification", cs231n.github.io/linear-classify) and the
 * single-layer perceptron of every course. Source: Stanford CS231n notes;
 * torchvision has no counterpart (it would be one `nn.Linear`).
 */
import { GraphBuilder } from '../core/graph/builder';
import type { Graph } from '../core/graph/graph';
import { resolveOptions } from './resolve-options';
import type { Template, TemplateOptions } from './template';

const DEFAULTS = { input: [28, 28, 1], classes: 10 } as const;

/** Builds Flatten (when the input is an image) then one Dense layer with softmax. */
export function buildLinear(options?: TemplateOptions): Graph {
  const { input, classes } = resolveOptions('linear', options, DEFAULTS, 'any');
  const b = new GraphBuilder();
  let x = b.input(input, 'input');
  // A flat input is already the vector Wx needs; only images are unrolled.
  if (input.length > 1) x = b.layer('Flatten', {}, x, 'flatten');
  b.layer('Dense', { units: classes, activation: 'softmax' }, x, 'scores');
  return b.build();
}

/** The linear classifier template. */
export const linear: Template = {
  id: 'linear',
  title: 'Linear classifier',
  description: 'f = Wx + b with softmax: one score per class straight from the pixels (7,850 weights on MNIST).',
  source: 'Stanford CS231n, "Linear classification" (cs231n.github.io/linear-classify)',
  defaultInput: DEFAULTS.input,
  defaultClasses: DEFAULTS.classes,
  build: buildLinear,
};
