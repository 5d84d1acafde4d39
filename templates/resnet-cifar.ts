/**
 * The CIFAR-10 ResNets of He, Zhang, Ren & Sun, "Deep residual learning for
 * image recognition", CVPR 2016, §4.2: a 3×3 convolution with 16 filters,
 * then three stages of n BasicBlocks with 16, 32 and 64 filters on 32×32,
 * 16×16 and 8×8 maps (6n + 2 layers: ResNet-20, 32, 44, 56, 110), global
 * average pooling and a 10-way dense layer. No torchvision module; the usual
 * PyTorch reference is akamaster/pytorch_resnet_cifar10 (`resnet.py`).
 *
 * Shortcuts: the paper uses option A, an identity whose extra channels are
 * zeros and whose stride-2 subsampling takes every other pixel. That needs a
 * strided slice and a channel pad, which NetCanvas's layer palette does not
 * have, so we use option B (the paper's other choice): a 1×1 convolution +
 * BatchNorm projection, only in the two blocks where the size and channels
 * change. It adds 16·32 + 2·32 + 32·64 + 2·64 = 2,752 trainable weights to
 * every depth, e.g. ResNet-20 has 272,474 trainable weights (0.27M, as the
 * paper's Table 6 lists) instead of option A's 269,722.
 *
 * Convolutions have no bias (a BatchNorm follows each) and pad like PyTorch,
 * so a stride-2 3×3 convolution pads one row on top and none below.
 */
import { GraphBuilder } from '../core/graph/builder';
import type { Graph } from '../core/graph/graph';
import { resolveOptions } from './resolve-options';
import { basicBlock, type ResidualMap } from './resnet';
import type { Template, TemplateOptions } from './template';
import { TORCH_BATCH_NORM, sameSize, torchConv2d } from './torch-layers';

const DEFAULTS = { input: [32, 32, 3], classes: 10 } as const;

/** The depths of Table 6 of the paper (6n + 2 with n = 3, 5, 7, 9, 18). */
export const CIFAR_RESNET_DEPTHS = [20, 32, 44, 56, 110] as const;
export type CifarResnetDepth = (typeof CIFAR_RESNET_DEPTHS)[number];

/** Builds the CIFAR ResNet of `depth`; stages and residual blocks are groups. */
export function buildCifarResnet(depth: CifarResnetDepth, options?: TemplateOptions): Graph {
  const { input, classes } = resolveOptions(`resnet${depth}`, options, DEFAULTS, 3);
  const blocksPerStage = (depth - 2) / 6;
  const b = new GraphBuilder();
  const [height, width] = input;
  let x: ResidualMap = b.group('stem', () => {
    let y = torchConv2d(
      b,
      { id: b.input(input, 'input'), height, width },
      { name: 'conv1', filters: 16, kernel: 3, padding: 1, useBias: false },
    );
    y = sameSize(y, b.layer('BatchNormalization', TORCH_BATCH_NORM, y.id, 'bn1'));
    return { ...sameSize(y, b.layer('ReLU', {}, y.id, 'relu')), channels: 16 };
  });
  [16, 32, 64].forEach((planes, s) => {
    const stage = `layer${s + 1}`;
    x = b.group(stage, () => {
      let y = x;
      for (let i = 0; i < blocksPerStage; i++)
        y = basicBlock(b, y, { name: `${stage}.${i}`, planes, stride: i === 0 && s > 0 ? 2 : 1 });
      return y;
    });
  });
  const pooled = b.layer('GlobalAveragePooling2D', {}, x.id, 'avgpool');
  b.layer('Dense', { units: classes, activation: 'softmax' }, pooled, 'fc');
  return b.build();
}

function cifarResnetTemplate(depth: CifarResnetDepth): Template {
  const n = (depth - 2) / 6;
  return {
    id: `resnet${depth}`,
    title: `ResNet-${depth} (CIFAR)`,
    description: `He et al. 2016 §4.2: 3 stages of ${n} BasicBlocks (16/32/64 filters) for 32×32×3 CIFAR-10, 1×1 projection shortcuts.`,
    source: 'He, Zhang, Ren & Sun, CVPR 2016, §4.2 (CIFAR-10); cf. akamaster/pytorch_resnet_cifar10',
    defaultInput: DEFAULTS.input,
    defaultClasses: DEFAULTS.classes,
    build: (options) => buildCifarResnet(depth, options),
  };
}

export const resnet20 = cifarResnetTemplate(20);
export const resnet32 = cifarResnetTemplate(32);
export const resnet44 = cifarResnetTemplate(44);
export const resnet56 = cifarResnetTemplate(56);
export const resnet110 = cifarResnetTemplate(110);
