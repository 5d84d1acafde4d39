/**
 * A two-layer neural network, f(x) = W2·max(0, W1·x) (biases included), as in
 * CS231n "Neural Networks Part 1" (cs231n.github.io/neural-networks-1) and
 * Rumelhart, Hinton & Williams 1986. torchvision has no counterpart (it would
 * be `nn.Sequential(nn.Flatten(), nn.Linear, nn.ReLU, nn.Linear)`).
 */
import { GraphBuilder } from '../core/graph/builder';
import type { Graph } from '../core/graph/graph';
import { InvalidTemplateOptionsError, resolveOptions } from './resolve-options';
import type { Template, TemplateOptions } from './template';

const DEFAULTS = { input: [28, 28, 1], classes: 10 } as const;

/** Hidden units when none are asked for: enough to reach about 98% on MNIST. */
export const DEFAULT_HIDDEN_UNITS = 128;

/** Options of the MLP template: the common ones plus the hidden layer's width. */
export interface MlpOptions extends TemplateOptions {
  /** Units in the hidden layer (the rows of W1). */
  hiddenUnits?: number;
}

/** Builds Flatten (for images), Dense(hiddenUnits, relu), Dense(classes, softmax). */
export function buildMlp(options?: MlpOptions): Graph {
  const { input, classes } = resolveOptions('mlp', options, DEFAULTS, 'any');
  const hiddenUnits = options?.hiddenUnits ?? DEFAULT_HIDDEN_UNITS;
  if (!Number.isInteger(hiddenUnits) || hiddenUnits < 1)
    throw new InvalidTemplateOptionsError('mlp', `hiddenUnits must be a whole number ≥ 1, got ${hiddenUnits}`);
  const b = new GraphBuilder();
  let x = b.input(input, 'input');
  if (input.length > 1) x = b.layer('Flatten', {}, x, 'flatten');
  x = b.layer('Dense', { units: hiddenUnits, activation: 'relu' }, x, 'hidden');
  b.layer('Dense', { units: classes, activation: 'softmax' }, x, 'scores');
  return b.build();
}

/** The two-layer perceptron template. */
export const mlp: Template = {
  id: 'mlp',
  title: 'Two-layer MLP',
  description: `f = W2·max(0, W1·x): one hidden ReLU layer (${DEFAULT_HIDDEN_UNITS} units by default, option hiddenUnits).`,
  source:
    'Stanford CS231n, "Neural Networks Part 1" (cs231n.github.io/neural-networks-1); Rumelhart, Hinton & Williams 1986',
  defaultInput: DEFAULTS.input,
  defaultClasses: DEFAULTS.classes,
  build: (options?: MlpOptions) => buildMlp(options),
};
