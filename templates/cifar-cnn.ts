/**
 * A small VGG-style network for CIFAR-10 (32×32×3): three stages of two 3×3
 * "same" convolutions with ReLU, each closed by 2×2 max pooling and dropout,
 * then a 128-unit dense layer. The pattern (stacked 3×3 convs, doubling the
 * filters as pooling halves the map) is Simonyan & Zisserman 2015 ("Very deep
 * convolutional networks for large-scale image recognition") scaled down to
 * 32/64/128 filters, in the spirit of the Keras `cifar10_cnn.py` example;
 * torchvision has no CIFAR network. 550,570 weights for 10 classes at 32×32.
 */
import { GraphBuilder } from '../core/graph/builder';
import type { Graph } from '../core/graph/graph';
import { resolveOptions } from './resolve-options';
import type { Template, TemplateOptions } from './template';

const DEFAULTS = { input: [32, 32, 3], classes: 10 } as const;
const STAGE_FILTERS = [32, 64, 128] as const;

/** Builds the CIFAR CNN; each stage is a group. */
export function buildCifarCnn(options?: TemplateOptions): Graph {
  const { input, classes } = resolveOptions('cifar-cnn', options, DEFAULTS, 3);
  const b = new GraphBuilder();
  let x = b.input(input, 'input');
  STAGE_FILTERS.forEach((filters, i) => {
    const stage = `block${i + 1}`;
    x = b.group(stage, () => {
      let y = x;
      for (const k of [1, 2])
        y = b.layer(
          'Conv2D',
          { filters, kernelSize: [3, 3], padding: 'same', activation: 'relu' },
          y,
          `${stage}_conv${k}`,
        );
      // "same" pooling so odd sizes (e.g. 28×28 inputs) lose no rows.
      y = b.layer('MaxPooling2D', { poolSize: [2, 2], strides: [2, 2], padding: 'same' }, y, `${stage}_pool`);
      return b.layer('Dropout', { rate: 0.25 }, y, `${stage}_dropout`);
    });
  });
  x = b.layer('Flatten', {}, x, 'flatten');
  x = b.layer('Dense', { units: 128, activation: 'relu' }, x, 'fc1');
  x = b.layer('Dropout', { rate: 0.5 }, x, 'fc1_dropout');
  b.layer('Dense', { units: classes, activation: 'softmax' }, x, 'predictions');
  return b.build();
}

/** The CIFAR CNN template. */
export const cifarCnn: Template = {
  id: 'cifar-cnn',
  title: 'CIFAR-10 CNN',
  description:
    'A small VGG-style net for 32×32×3: three stages of two 3×3 convs + pooling (32/64/128 filters), 550,570 weights.',
  source: 'Simonyan & Zisserman 2015 (VGG) scaled down for CIFAR-10; cf. the Keras cifar10_cnn example',
  defaultInput: DEFAULTS.input,
  defaultClasses: DEFAULTS.classes,
  build: buildCifarCnn,
};
