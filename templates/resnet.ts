/**
 * ResNet: He, Zhang, Ren & Sun, "Deep residual learning for image
 * recognition", CVPR 2016 (arXiv:1512.03385), Table 1, exactly as
 * torchvision's `torchvision/models/resnet.py` builds ResNet-18/34/50/101/152:
 * bias-free convolutions each followed by BatchNorm, BasicBlocks (two 3×3
 * convs) or Bottlenecks (1×1, 3×3, 1×1 ×4) with the stride on the 3×3
 * ("ResNet v1.5"), and a 1×1 convolution + BatchNorm shortcut ("option B")
 * wherever a block changes the size or the channels. At 224×224×3 and 1000
 * classes the trainable counts and MACs equal torchvision's (resnet50
 * 25,557,032 weights, 4.09 GMACs).
 *
 * torchvision's `AdaptiveAvgPool2d((1, 1))` is a GlobalAveragePooling2D at
 * every input size. Stages (`layer1` … `layer4`) and residual blocks
 * (`layer2.0 (BasicBlock)`) are groups; layer names follow torchvision's
 * `state_dict` keys (`layer1.0.conv1`, `layer2.0.downsample.0`).
 */
import { GraphBuilder } from '../core/graph/builder';
import type { Graph } from '../core/graph/graph';
import { resolveOptions } from './resolve-options';
import type { Template, TemplateOptions } from './template';
import { TORCH_BATCH_NORM, sameSize, torchConv2d, torchMaxPool2d, type FeatureMap } from './torch-layers';

const DEFAULTS = { input: [224, 224, 3], classes: 1000 } as const;

/** A tensor flowing through a ResNet, with its channel count (blocks need it to decide on a projection). */
export interface ResidualMap extends FeatureMap {
  channels: number;
}

/** Where a block sits and what it does to its input. */
export interface BlockOptions {
  /** torchvision's module path, e.g. `layer2.0`; prefixes every layer name in the block. */
  name: string;
  /** torchvision's `planes`: the width of the block's 3×3 convolution. */
  planes: number;
  /** 2 in the first block of a stage that halves the map, else 1. */
  stride: number;
}

/** Conv (no bias) → BatchNorm, optionally → ReLU: the unit every ResNet layer is made of. */
function convBn(
  b: GraphBuilder,
  x: FeatureMap,
  o: { conv: string; bn: string; relu?: string; filters: number; kernel: number; stride: number; padding: number },
): FeatureMap {
  let y = torchConv2d(b, x, {
    name: o.conv,
    filters: o.filters,
    kernel: o.kernel,
    stride: o.stride,
    padding: o.padding,
    useBias: false,
  });
  y = sameSize(y, b.layer('BatchNormalization', TORCH_BATCH_NORM, y.id, o.bn));
  if (o.relu) y = sameSize(y, b.layer('ReLU', {}, y.id, o.relu));
  return y;
}

/**
 * Adds the block output to its input (through a 1×1 conv + BatchNorm
 * projection when the size or channels change), then applies ReLU.
 */
function closeBlock(b: GraphBuilder, x: ResidualMap, out: FeatureMap, o: BlockOptions, channels: number): ResidualMap {
  let shortcut: FeatureMap = x;
  if (o.stride !== 1 || x.channels !== channels) {
    shortcut = convBn(b, x, {
      conv: `${o.name}.downsample.0`,
      bn: `${o.name}.downsample.1`,
      filters: channels,
      kernel: 1,
      stride: o.stride,
      padding: 0,
    });
  }
  const sum = b.layer('Add', {}, [out.id, shortcut.id], `${o.name}.add`);
  return { id: b.layer('ReLU', {}, sum, `${o.name}.relu`), height: out.height, width: out.width, channels };
}

/** torchvision's `BasicBlock` (expansion 1): 3×3 conv, BN, ReLU, 3×3 conv, BN, add the shortcut, ReLU. As a group. */
export function basicBlock(b: GraphBuilder, x: ResidualMap, o: BlockOptions): ResidualMap {
  return b.group(`${o.name} (BasicBlock)`, () => {
    let y = convBn(b, x, {
      conv: `${o.name}.conv1`,
      bn: `${o.name}.bn1`,
      relu: `${o.name}.relu1`,
      filters: o.planes,
      kernel: 3,
      stride: o.stride,
      padding: 1,
    });
    y = convBn(b, y, {
      conv: `${o.name}.conv2`,
      bn: `${o.name}.bn2`,
      filters: o.planes,
      kernel: 3,
      stride: 1,
      padding: 1,
    });
    return closeBlock(b, x, y, o, o.planes);
  });
}

/** torchvision's `Bottleneck` (expansion 4, stride on the 3×3): 1×1, 3×3, 1×1 convs with BN, add, ReLU. As a group. */
export function bottleneck(b: GraphBuilder, x: ResidualMap, o: BlockOptions): ResidualMap {
  return b.group(`${o.name} (Bottleneck)`, () => {
    const n = o.name;
    let y = convBn(b, x, {
      conv: `${n}.conv1`,
      bn: `${n}.bn1`,
      relu: `${n}.relu1`,
      filters: o.planes,
      kernel: 1,
      stride: 1,
      padding: 0,
    });
    y = convBn(b, y, {
      conv: `${n}.conv2`,
      bn: `${n}.bn2`,
      relu: `${n}.relu2`,
      filters: o.planes,
      kernel: 3,
      stride: o.stride,
      padding: 1,
    });
    y = convBn(b, y, { conv: `${n}.conv3`, bn: `${n}.bn3`, filters: o.planes * 4, kernel: 1, stride: 1, padding: 0 });
    return closeBlock(b, x, y, o, o.planes * 4);
  });
}

/** Blocks per stage and block kind of each depth: Table 1 of the paper. */
const ARCHITECTURES = {
  18: { block: basicBlock, blocks: [2, 2, 2, 2] },
  34: { block: basicBlock, blocks: [3, 4, 6, 3] },
  50: { block: bottleneck, blocks: [3, 4, 6, 3] },
  101: { block: bottleneck, blocks: [3, 4, 23, 3] },
  152: { block: bottleneck, blocks: [3, 8, 36, 3] },
} as const;

/** The ResNet depths torchvision offers for ImageNet. */
export type ResnetDepth = keyof typeof ARCHITECTURES;

/** Builds ResNet-`depth`: stem, four stages of residual blocks, global average pooling, dense classifier. */
export function buildResnet(depth: ResnetDepth, options?: TemplateOptions): Graph {
  const { input, classes } = resolveOptions(`resnet${depth}`, options, DEFAULTS, 3);
  const { block, blocks } = ARCHITECTURES[depth];
  const b = new GraphBuilder();
  const [height, width] = input;
  const entry = { id: b.input(input, 'input'), height, width };
  let x: ResidualMap = b.group('stem', () => {
    const y = convBn(b, entry, {
      conv: 'conv1',
      bn: 'bn1',
      relu: 'relu',
      filters: 64,
      kernel: 7,
      stride: 2,
      padding: 3,
    });
    return { ...torchMaxPool2d(b, y, { name: 'maxpool', kernel: 3, stride: 2, padding: 1 }), channels: 64 };
  });
  blocks.forEach((count, s) => {
    const stage = `layer${s + 1}`;
    x = b.group(stage, () => {
      let y = x;
      for (let i = 0; i < count; i++)
        y = block(b, y, { name: `${stage}.${i}`, planes: 64 * 2 ** s, stride: i === 0 && s > 0 ? 2 : 1 });
      return y;
    });
  });
  const pooled = b.layer('GlobalAveragePooling2D', {}, x.id, 'avgpool');
  // torchvision returns logits; softmax here gives the probabilities the trainer's loss expects.
  b.layer('Dense', { units: classes, activation: 'softmax' }, pooled, 'fc');
  return b.build();
}

const FIGURES: Record<ResnetDepth, string> = {
  18: '11.7M weights, 1.81 GMACs',
  34: '21.8M weights, 3.66 GMACs',
  50: '25.6M weights, 4.09 GMACs',
  101: '44.5M weights, 7.80 GMACs',
  152: '60.2M weights, 11.51 GMACs',
};

function resnetTemplate(depth: ResnetDepth): Template {
  const { block, blocks } = ARCHITECTURES[depth];
  const kind = block === basicBlock ? 'BasicBlocks' : 'Bottlenecks';
  return {
    id: `resnet${depth}`,
    title: `ResNet-${depth}`,
    description: `He et al. 2016: ${blocks.join('/')} residual ${kind} in 4 stages, ${FIGURES[depth]} at 224×224.`,
    source: `He, Zhang, Ren & Sun, "Deep residual learning for image recognition", CVPR 2016; torchvision.models.resnet${depth}`,
    defaultInput: DEFAULTS.input,
    defaultClasses: DEFAULTS.classes,
    build: (options) => buildResnet(depth, options),
  };
}

export const resnet18 = resnetTemplate(18);
export const resnet34 = resnetTemplate(34);
export const resnet50 = resnetTemplate(50);
export const resnet101 = resnetTemplate(101);
export const resnet152 = resnetTemplate(152);
