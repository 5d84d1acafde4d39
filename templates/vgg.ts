/**
 * VGG: Simonyan & Zisserman, "Very deep convolutional networks for
 * large-scale image recognition", ICLR 2015, configurations A, B, D and E
 * (VGG-11, -13, -16, -19), with and without batch normalisation, exactly as
 * torchvision's `torchvision/models/vgg.py` builds them. At 224×224×3 and
 * 1000 classes the trainable counts equal torchvision's (vgg16 138,357,544
 * weights, 15.47 GMACs). The `_bn` variants put a BatchNorm between each
 * convolution (which keeps its bias, as in torchvision) and its ReLU.
 *
 * torchvision's `AdaptiveAvgPool2d((7, 7))` is left out: at 224×224 the
 * features are already 7×7, so it is the identity. At other input sizes the
 * classifier takes the features as they are (2×2×512 at 64×64), so fc1 has
 * fewer weights than in torchvision.
 */
import { GraphBuilder } from '../core/graph/builder';
import type { Graph } from '../core/graph/graph';
import { resolveOptions } from './resolve-options';
import type { Template, TemplateOptions } from './template';
import { TORCH_BATCH_NORM, sameSize, torchConv2d, torchMaxPool2d, type FeatureMap } from './torch-layers';

const DEFAULTS = { input: [224, 224, 3], classes: 1000 } as const;

/** Convolutions per stage for each depth; stages have 64, 128, 256, 512, 512 filters. Table 1 of the paper. */
const CONVS_PER_STAGE = {
  11: [1, 1, 2, 2, 2],
  13: [2, 2, 2, 2, 2],
  16: [2, 2, 3, 3, 3],
  19: [2, 2, 4, 4, 4],
} as const;
const STAGE_FILTERS = [64, 128, 256, 512, 512] as const;

/** The VGG depths torchvision offers. */
export type VggDepth = keyof typeof CONVS_PER_STAGE;

/** Builds VGG-`depth` (with BatchNorm when `batchNorm`); each stage is a group `blockN`. */
export function buildVgg(depth: VggDepth, batchNorm: boolean, options?: TemplateOptions): Graph {
  const id = `vgg${depth}${batchNorm ? '_bn' : ''}`;
  const { input, classes } = resolveOptions(id, options, DEFAULTS, 3);
  const b = new GraphBuilder();
  const [height, width] = input;
  let x: FeatureMap = { id: b.input(input, 'input'), height, width };
  CONVS_PER_STAGE[depth].forEach((convs, s) => {
    const stage = `block${s + 1}`;
    x = b.group(stage, () => {
      let y = x;
      for (let k = 1; k <= convs; k++) {
        const name = `${stage}_conv${k}`;
        if (!batchNorm) {
          y = torchConv2d(b, y, { name, filters: STAGE_FILTERS[s], kernel: 3, padding: 1, activation: 'relu' });
          continue;
        }
        y = torchConv2d(b, y, { name, filters: STAGE_FILTERS[s], kernel: 3, padding: 1 });
        y = sameSize(y, b.layer('BatchNormalization', TORCH_BATCH_NORM, y.id, `${stage}_bn${k}`));
        y = sameSize(y, b.layer('ReLU', {}, y.id, `${stage}_relu${k}`));
      }
      return torchMaxPool2d(b, y, { name: `${stage}_pool`, kernel: 2, stride: 2 });
    });
  });
  b.group('classifier', () => {
    let y = b.layer('Flatten', {}, x.id, 'flatten');
    y = b.layer('Dense', { units: 4096, activation: 'relu' }, y, 'fc1');
    y = b.layer('Dropout', { rate: 0.5 }, y, 'fc1_dropout');
    y = b.layer('Dense', { units: 4096, activation: 'relu' }, y, 'fc2');
    y = b.layer('Dropout', { rate: 0.5 }, y, 'fc2_dropout');
    // torchvision returns logits; softmax here gives the probabilities the trainer's loss expects.
    b.layer('Dense', { units: classes, activation: 'softmax' }, y, 'predictions');
  });
  return b.build();
}

const PARAMS_M: Record<string, string> = {
  vgg11: '132.9M',
  vgg11_bn: '132.9M',
  vgg13: '133.0M',
  vgg13_bn: '133.1M',
  vgg16: '138.4M',
  vgg16_bn: '138.4M',
  vgg19: '143.7M',
  vgg19_bn: '143.7M',
};

function vggTemplate(depth: VggDepth, batchNorm: boolean): Template {
  const id = `vgg${depth}${batchNorm ? '_bn' : ''}`;
  const convs = CONVS_PER_STAGE[depth].reduce((a, n) => a + n, 0);
  return {
    id,
    title: `VGG-${depth}${batchNorm ? ' (BN)' : ''}`,
    description: `Simonyan & Zisserman 2015: ${convs} 3×3 conv${batchNorm ? ' + BatchNorm' : ''} layers in 5 stages and 3 dense layers, ${PARAMS_M[id]} weights.`,
    source: `Simonyan & Zisserman, ICLR 2015; torchvision.models.${id}`,
    defaultInput: DEFAULTS.input,
    defaultClasses: DEFAULTS.classes,
    build: (options) => buildVgg(depth, batchNorm, options),
  };
}

export const vgg11 = vggTemplate(11, false);
export const vgg11Bn = vggTemplate(11, true);
export const vgg13 = vggTemplate(13, false);
export const vgg13Bn = vggTemplate(13, true);
export const vgg16 = vggTemplate(16, false);
export const vgg16Bn = vggTemplate(16, true);
export const vgg19 = vggTemplate(19, false);
export const vgg19Bn = vggTemplate(19, true);
