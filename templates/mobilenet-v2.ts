/**
 * MobileNetV2: Sandler, Howard, Zhu, Zhmoginov & Chen, "MobileNetV2:
 * Inverted residuals and linear bottlenecks", CVPR 2018 (arXiv:1801.04381),
 * Table 2, exactly as torchvision's `torchvision/models/mobilenetv2.py`
 * builds it at width 1.0: a 3×3/2 stem of 32 filters, seventeen inverted
 * residual blocks (1×1 expansion by t, 3×3 depthwise, linear 1×1
 * projection, each convolution without bias and followed by batch norm,
 * ReLU6 after the first two; a residual Add where the stride is 1 and the
 * width is kept), a 1×1 convolution to 1280, global average pooling,
 * dropout 0.2 and a dense classifier. At 224×224×3 and 1000 classes:
 * 3,504,872 weights and 34,112 batch-norm statistics, torchvision's figures.
 *
 * Blocks are groups named as torchvision's `features.N`; layer names follow
 * its `state_dict` keys (`features.2.conv.1.0` is block 2's depthwise conv).
 */
import { GraphBuilder } from '../core/graph/builder';
import type { Graph } from '../core/graph/graph';
import { resolveOptions } from './resolve-options';
import type { Template, TemplateOptions } from './template';
import { TORCH_BATCH_NORM, sameSize, torchConv2d, torchDepthwiseConv2d, type FeatureMap } from './torch-layers';

const DEFAULTS = { input: [224, 224, 3], classes: 1000 } as const;

/** Table 2: expansion t, output channels c, repeats n, first stride s. */
const BLOCKS: readonly (readonly [t: number, c: number, n: number, s: number])[] = [
  [1, 16, 1, 1],
  [6, 24, 2, 2],
  [6, 32, 3, 2],
  [6, 64, 4, 2],
  [6, 96, 3, 1],
  [6, 160, 3, 2],
  [6, 320, 1, 1],
];

/** BatchNorm and, unless `linear`, ReLU6 after the layer `x`: torchvision's `Conv2dNormActivation` tail. */
function normAct(b: GraphBuilder, x: FeatureMap, name: string, bn: string, linear = false): FeatureMap {
  const y = sameSize(x, b.layer('BatchNormalization', TORCH_BATCH_NORM, x.id, bn));
  return linear ? y : sameSize(y, b.layer('ReLU', { maxValue: 6 }, y.id, `${name}.2`));
}

/** torchvision's `InvertedResidual`: expand (unless t = 1), depthwise, project, and add the input when shapes allow. */
function invertedResidual(
  b: GraphBuilder,
  x: FeatureMap,
  o: { name: string; inChannels: number; outChannels: number; stride: number; expand: number },
): FeatureMap {
  return b.group(`${o.name} (InvertedResidual)`, () => {
    const hidden = Math.round(o.inChannels * o.expand);
    let y = x;
    let k = 0;
    if (o.expand !== 1) {
      const name = `${o.name}.conv.${k++}`;
      y = torchConv2d(b, y, { name: `${name}.0`, filters: hidden, kernel: 1, useBias: false });
      y = normAct(b, y, name, `${name}.1`);
    }
    const dw = `${o.name}.conv.${k++}`;
    y = torchDepthwiseConv2d(b, y, { name: `${dw}.0`, kernel: 3, stride: o.stride, padding: 1, useBias: false });
    y = normAct(b, y, dw, `${dw}.1`);
    y = torchConv2d(b, y, { name: `${o.name}.conv.${k++}`, filters: o.outChannels, kernel: 1, useBias: false });
    y = normAct(b, y, o.name, `${o.name}.conv.${k}`, true);
    if (o.stride === 1 && o.inChannels === o.outChannels)
      y = sameSize(y, b.layer('Add', {}, [x.id, y.id], `${o.name}.add`));
    return y;
  });
}

/** Builds MobileNetV2 (width 1.0) as torchvision does. */
export function buildMobilenetV2(options?: TemplateOptions): Graph {
  const { input, classes } = resolveOptions('mobilenet_v2', options, DEFAULTS, 3);
  const b = new GraphBuilder();
  const [height, width] = input;
  let x: FeatureMap = { id: b.input(input, 'input'), height, width };
  x = torchConv2d(b, x, { name: 'features.0.0', filters: 32, kernel: 3, stride: 2, padding: 1, useBias: false });
  x = normAct(b, x, 'features.0', 'features.0.1');
  let channels = 32;
  let index = 1;
  for (const [t, c, n, s] of BLOCKS) {
    for (let i = 0; i < n; i++) {
      x = invertedResidual(b, x, {
        name: `features.${index++}`,
        inChannels: channels,
        outChannels: c,
        stride: i === 0 ? s : 1,
        expand: t,
      });
      channels = c;
    }
  }
  const last = `features.${index}`;
  x = torchConv2d(b, x, { name: `${last}.0`, filters: 1280, kernel: 1, useBias: false });
  x = normAct(b, x, last, `${last}.1`);
  const pooled = b.layer('GlobalAveragePooling2D', {}, x.id, 'avgpool');
  const dropped = b.layer('Dropout', { rate: 0.2 }, pooled, 'classifier.0');
  // torchvision returns logits; softmax here gives the probabilities the trainer's loss expects.
  b.layer('Dense', { units: classes, activation: 'softmax' }, dropped, 'classifier.1');
  return b.build();
}

/** The MobileNetV2 template. */
export const mobilenetV2: Template = {
  id: 'mobilenet_v2',
  title: 'MobileNetV2',
  description:
    'Sandler et al. 2018, as torchvision builds it: 17 inverted residual blocks of depthwise convolutions, 3.5M weights, 0.30 GMACs at 224×224.',
  source:
    'Sandler, Howard, Zhu, Zhmoginov & Chen, "MobileNetV2: Inverted residuals and linear bottlenecks", CVPR 2018; torchvision.models.mobilenet_v2',
  defaultInput: DEFAULTS.input,
  defaultClasses: DEFAULTS.classes,
  build: buildMobilenetV2,
};
