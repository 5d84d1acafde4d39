/**
 * GoogLeNet (Inception v1): Szegedy et al., "Going deeper with
 * convolutions", CVPR 2015 (arXiv:1409.4842), Table 1, exactly as
 * torchvision's `torchvision/models/googlenet.py` builds it without the
 * auxiliary classifiers (`aux_logits=False`, as at inference): nine Inception
 * modules, each four branches (1×1; 1×1 → 3×3; 1×1 → "5×5"; 3×3 max pool →
 * 1×1) joined by a Concatenate, between max pools; global average pooling,
 * dropout 0.2 and one dense classifier.
 *
 * Two departures from the paper are torchvision's and kept, because the
 * counts must be its published ones: every convolution is followed by
 * batch normalization (eps 0.001, from Inception v2) instead of having a
 * bias, and the "5×5" branch uses a 3×3 kernel (a known quirk of the weights
 * torchvision ported). At 224×224×3 and 1000 classes: 6,624,904 weights and
 * 14,560 batch-norm statistics, torchvision's figures.
 *
 * torchvision pools with `ceil_mode=True`; the max pools round up here too
 * (Keras "same", or explicit padding where that differs). Each Inception
 * module is a group; layer names follow torchvision's `state_dict` keys
 * (`inception4a.branch2.1.conv`).
 */
import { GraphBuilder } from '../core/graph/builder';
import type { Graph } from '../core/graph/graph';
import { resolveOptions } from './resolve-options';
import type { Template, TemplateOptions } from './template';
import { sameSize, torchConv2d, torchMaxPool2d, type FeatureMap } from './torch-layers';

const DEFAULTS = { input: [224, 224, 3], classes: 1000 } as const;

/** torchvision's `BasicConv2d`: conv (no bias), BatchNorm with eps 0.001, ReLU. */
function basicConv(
  b: GraphBuilder,
  x: FeatureMap,
  o: { name: string; filters: number; kernel: number; stride?: number; padding?: number },
): FeatureMap {
  let y = torchConv2d(b, x, { ...o, name: `${o.name}.conv`, useBias: false });
  // PyTorch's momentum 0.1 for the new batch is Keras's 0.9 for the running average.
  y = sameSize(y, b.layer('BatchNormalization', { epsilon: 0.001, momentum: 0.9 }, y.id, `${o.name}.bn`));
  return sameSize(y, b.layer('ReLU', {}, y.id, `${o.name}.relu`));
}

/** An Inception module's widths, in torchvision's argument order. */
interface InceptionWidths {
  ch1x1: number;
  ch3x3red: number;
  ch3x3: number;
  ch5x5red: number;
  ch5x5: number;
  poolProj: number;
}

/** torchvision's `Inception`: four branches concatenated along the channels, as one group. */
function inception(b: GraphBuilder, x: FeatureMap, name: string, w: InceptionWidths): FeatureMap {
  return b.group(`${name} (Inception)`, () => {
    const branch1 = basicConv(b, x, { name: `${name}.branch1`, filters: w.ch1x1, kernel: 1 });
    let branch2 = basicConv(b, x, { name: `${name}.branch2.0`, filters: w.ch3x3red, kernel: 1 });
    branch2 = basicConv(b, branch2, { name: `${name}.branch2.1`, filters: w.ch3x3, kernel: 3, padding: 1 });
    let branch3 = basicConv(b, x, { name: `${name}.branch3.0`, filters: w.ch5x5red, kernel: 1 });
    // torchvision's "5×5" branch has a 3×3 kernel; its pretrained weights were ported that way.
    branch3 = basicConv(b, branch3, { name: `${name}.branch3.1`, filters: w.ch5x5, kernel: 3, padding: 1 });
    let branch4 = torchMaxPool2d(b, x, { name: `${name}.branch4.0`, kernel: 3, stride: 1, padding: 1, ceilMode: true });
    branch4 = basicConv(b, branch4, { name: `${name}.branch4.1`, filters: w.poolProj, kernel: 1 });
    const joined = b.layer('Concatenate', {}, [branch1.id, branch2.id, branch3.id, branch4.id], `${name}.concat`);
    return sameSize(x, joined);
  });
}

/** The nine modules of Table 1, with the max pools between them (`null` marks a pool). */
const MODULES: readonly ([string, InceptionWidths] | [string, null])[] = [
  ['inception3a', { ch1x1: 64, ch3x3red: 96, ch3x3: 128, ch5x5red: 16, ch5x5: 32, poolProj: 32 }],
  ['inception3b', { ch1x1: 128, ch3x3red: 128, ch3x3: 192, ch5x5red: 32, ch5x5: 96, poolProj: 64 }],
  ['maxpool3', null],
  ['inception4a', { ch1x1: 192, ch3x3red: 96, ch3x3: 208, ch5x5red: 16, ch5x5: 48, poolProj: 64 }],
  ['inception4b', { ch1x1: 160, ch3x3red: 112, ch3x3: 224, ch5x5red: 24, ch5x5: 64, poolProj: 64 }],
  ['inception4c', { ch1x1: 128, ch3x3red: 128, ch3x3: 256, ch5x5red: 24, ch5x5: 64, poolProj: 64 }],
  ['inception4d', { ch1x1: 112, ch3x3red: 144, ch3x3: 288, ch5x5red: 32, ch5x5: 64, poolProj: 64 }],
  ['inception4e', { ch1x1: 256, ch3x3red: 160, ch3x3: 320, ch5x5red: 32, ch5x5: 128, poolProj: 128 }],
  ['maxpool4', null],
  ['inception5a', { ch1x1: 256, ch3x3red: 160, ch3x3: 320, ch5x5red: 32, ch5x5: 128, poolProj: 128 }],
  ['inception5b', { ch1x1: 384, ch3x3red: 192, ch3x3: 384, ch5x5red: 48, ch5x5: 128, poolProj: 128 }],
];

/** Builds GoogLeNet as torchvision does without its auxiliary classifiers. */
export function buildGooglenet(options?: TemplateOptions): Graph {
  const { input, classes } = resolveOptions('googlenet', options, DEFAULTS, 3);
  const b = new GraphBuilder();
  const [height, width] = input;
  let x: FeatureMap = { id: b.input(input, 'input'), height, width };
  x = basicConv(b, x, { name: 'conv1', filters: 64, kernel: 7, stride: 2, padding: 3 });
  x = torchMaxPool2d(b, x, { name: 'maxpool1', kernel: 3, stride: 2, ceilMode: true });
  x = basicConv(b, x, { name: 'conv2', filters: 64, kernel: 1 });
  x = basicConv(b, x, { name: 'conv3', filters: 192, kernel: 3, padding: 1 });
  x = torchMaxPool2d(b, x, { name: 'maxpool2', kernel: 3, stride: 2, ceilMode: true });
  for (const [name, widths] of MODULES) {
    // maxpool4 is torchvision's 2×2 window (the paper's is 3×3); both give 7×7 at 224.
    if (widths === null)
      x = torchMaxPool2d(b, x, { name, kernel: name === 'maxpool4' ? 2 : 3, stride: 2, ceilMode: true });
    else x = inception(b, x, name, widths);
  }
  const pooled = b.layer('GlobalAveragePooling2D', {}, x.id, 'avgpool');
  const dropped = b.layer('Dropout', { rate: 0.2 }, pooled, 'dropout');
  // torchvision returns logits; softmax here gives the probabilities the trainer's loss expects.
  b.layer('Dense', { units: classes, activation: 'softmax' }, dropped, 'fc');
  return b.build();
}

/** The GoogLeNet template. */
export const googlenet: Template = {
  id: 'googlenet',
  title: 'GoogLeNet',
  description:
    'Szegedy et al. 2015 (Inception v1), as torchvision builds it without the auxiliary classifiers: 9 Inception modules, 6.6M weights, 1.50 GMACs at 224×224.',
  source:
    'Szegedy et al., "Going deeper with convolutions", CVPR 2015; torchvision.models.googlenet (aux_logits=False, batch norm)',
  defaultInput: DEFAULTS.input,
  defaultClasses: DEFAULTS.classes,
  build: buildGooglenet,
};
