/**
 * AlexNet: Krizhevsky, Sutskever & Hinton, "ImageNet classification with deep
 * convolutional neural networks", NeurIPS 2012, in the single-tower form of
 * torchvision's `torchvision/models/alexnet.py` (after Krizhevsky 2014, "One
 * weird trick"): 64/192/384/256/256 filters, no local response normalisation.
 * At 224×224×3 and 1000 classes: 61,100,840 weights and 714,188,480 MACs,
 * torchvision's figures.
 *
 * torchvision's `AdaptiveAvgPool2d((6, 6))` is left out: at 224×224 the
 * features are already 6×6, so it is the identity. At other input sizes the
 * classifier takes whatever the features are (e.g. 1×1×256 at 64×64), as a
 * Keras model with a fixed input does, so fc6 has fewer weights than in
 * torchvision, where the adaptive pool stretches or shrinks the map to 6×6.
 */
import { GraphBuilder } from '../core/graph/builder';
import type { Graph } from '../core/graph/graph';
import { resolveOptions } from './resolve-options';
import type { Template, TemplateOptions } from './template';
import { torchConv2d, torchMaxPool2d, type FeatureMap } from './torch-layers';

const DEFAULTS = { input: [224, 224, 3], classes: 1000 } as const;

/** Builds AlexNet; the five convolutions form the group `features`, the dense layers `classifier`. */
export function buildAlexnet(options?: TemplateOptions): Graph {
  const { input, classes } = resolveOptions('alexnet', options, DEFAULTS, 3);
  const b = new GraphBuilder();
  const [height, width] = input;
  let x: FeatureMap = { id: b.input(input, 'input'), height, width };
  x = b.group('features', () => {
    let y = torchConv2d(b, x, { name: 'conv1', filters: 64, kernel: 11, stride: 4, padding: 2, activation: 'relu' });
    y = torchMaxPool2d(b, y, { name: 'pool1', kernel: 3, stride: 2 });
    y = torchConv2d(b, y, { name: 'conv2', filters: 192, kernel: 5, padding: 2, activation: 'relu' });
    y = torchMaxPool2d(b, y, { name: 'pool2', kernel: 3, stride: 2 });
    y = torchConv2d(b, y, { name: 'conv3', filters: 384, kernel: 3, padding: 1, activation: 'relu' });
    y = torchConv2d(b, y, { name: 'conv4', filters: 256, kernel: 3, padding: 1, activation: 'relu' });
    y = torchConv2d(b, y, { name: 'conv5', filters: 256, kernel: 3, padding: 1, activation: 'relu' });
    return torchMaxPool2d(b, y, { name: 'pool5', kernel: 3, stride: 2 });
  });
  classifier(b, x.id, classes);
  return b.build();
}

/**
 * The three dense layers both AlexNets end in, as the group `classifier`:
 * dropout 0.5 before fc6 and fc7 (the paper's), softmax on fc8 (torchvision
 * returns logits; probabilities are what the trainer's loss expects).
 */
function classifier(b: GraphBuilder, features: string, classes: number): void {
  b.group('classifier', () => {
    let y = b.layer('Flatten', {}, features, 'flatten');
    y = b.layer('Dropout', { rate: 0.5 }, y, 'dropout6');
    y = b.layer('Dense', { units: 4096, activation: 'relu' }, y, 'fc6');
    y = b.layer('Dropout', { rate: 0.5 }, y, 'dropout7');
    y = b.layer('Dense', { units: 4096, activation: 'relu' }, y, 'fc7');
    b.layer('Dense', { units: classes, activation: 'softmax' }, y, 'fc8');
  });
}

/** The AlexNet template. */
export const alexnet: Template = {
  id: 'alexnet',
  title: 'AlexNet',
  description:
    'Krizhevsky et al. 2012, as torchvision builds it: 5 conv + 3 dense layers, 61.1M weights, 0.71 GMACs at 224×224.',
  source: 'Krizhevsky, Sutskever & Hinton, NeurIPS 2012; torchvision.models.alexnet',
  defaultInput: DEFAULTS.input,
  defaultClasses: DEFAULTS.classes,
  build: buildAlexnet,
};

const LECTURE_DEFAULTS = { input: [227, 227, 3], classes: 1000 } as const;

/**
 * AlexNet as the 2012 paper (Figure 2) describes it and the lecture's slide
 * lays it out: 227×227×3 in, 96 11×11/4 filters → 55×55×96, 3×3/2
 * overlapping max pools, 256 5×5, 384, 384 and 256 3×3 filters, dense 4096,
 * 4096 and 1000, dropout 0.5 before the first two dense layers. One tower:
 * the paper splits conv2, conv4 and conv5 across two GPUs (each half sees
 * only its own GPU's channels, 60,965,224 weights); on one device every
 * filter sees every channel, 62,378,344 weights. The local response
 * normalisation after conv1 and conv2 is left out: it changes no shape and
 * no count, and has no TensorFlow.js layer.
 */
export function buildAlexnet2012(options?: TemplateOptions): Graph {
  const { input, classes } = resolveOptions('alexnet2012', options, LECTURE_DEFAULTS, 3);
  const b = new GraphBuilder();
  let x = b.input(input, 'input');
  const conv = (filters: number, kernel: number, name: string, stride = 1) =>
    (x = b.layer(
      'Conv2D',
      {
        filters,
        kernelSize: [kernel, kernel],
        strides: [stride, stride],
        padding: stride === 1 ? 'same' : 'valid',
        activation: 'relu',
      },
      x,
      name,
    ));
  const pool = (name: string) => (x = b.layer('MaxPooling2D', { poolSize: [3, 3], strides: [2, 2] }, x, name));
  b.group('features', () => {
    conv(96, 11, 'conv1', 4);
    pool('pool1');
    conv(256, 5, 'conv2');
    pool('pool2');
    conv(384, 3, 'conv3');
    conv(384, 3, 'conv4');
    conv(256, 3, 'conv5');
    pool('pool3');
  });
  classifier(b, x, classes);
  return b.build();
}

/** AlexNet as the paper and the lecture present it (one tower). */
export const alexnet2012: Template = {
  id: 'alexnet2012',
  title: 'AlexNet (2012 paper)',
  description:
    'The paper’s network as the lecture draws it: 227×227×3, 96/256/384/384/256 filters (55×55×96 after conv1), one tower instead of two GPUs, 62.4M weights.',
  source:
    'Krizhevsky, Sutskever & Hinton, "ImageNet classification with deep convolutional neural networks", NeurIPS 2012, Figure 2 (one tower, no LRN)',
  defaultInput: LECTURE_DEFAULTS.input,
  defaultClasses: LECTURE_DEFAULTS.classes,
  build: buildAlexnet2012,
};
