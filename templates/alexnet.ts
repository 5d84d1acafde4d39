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
  b.group('classifier', () => {
    let y = b.layer('Flatten', {}, x.id, 'flatten');
    y = b.layer('Dropout', { rate: 0.5 }, y, 'dropout6');
    y = b.layer('Dense', { units: 4096, activation: 'relu' }, y, 'fc6');
    y = b.layer('Dropout', { rate: 0.5 }, y, 'dropout7');
    y = b.layer('Dense', { units: 4096, activation: 'relu' }, y, 'fc7');
    // torchvision returns logits; softmax here gives the probabilities the trainer's loss expects.
    b.layer('Dense', { units: classes, activation: 'softmax' }, y, 'fc8');
  });
  return b.build();
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
