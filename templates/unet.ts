/**
 * U-Net: Ronneberger, Fischer & Brox, "U-Net: Convolutional networks for
 * biomedical image segmentation", MICCAI 2015 (arXiv:1505.04597), Figure 1,
 * small: the same four levels down and up, with a quarter of the filters
 * (16, 32, 64, 128 and 256 at the bottom instead of 64 … 1024). Each level
 * down is two 3×3 convolutions with ReLU and a 2×2 max pool; each level up a
 * 2×2 up-convolution (Conv2DTranspose, stride 2) halving the channels, a
 * Concatenate with the encoder's map of that level (the skip connection),
 * and two 3×3 convolutions; a 1×1 convolution gives a class score map.
 *
 * One departure, common in practice: the 3×3 convolutions pad ("same"), so
 * the skip connections line up without cropping and the output map has the
 * input's height and width. The paper's unpadded convolutions shrink every
 * map and crop each skip connection (Cropping2D) before joining, 572×572 in
 * giving 388×388 out. The output is per-pixel class probabilities (softmax
 * over the channels): a segmentation network, shown for its shapes; the
 * training view trains classifiers.
 */
import { GraphBuilder } from '../core/graph/builder';
import type { Graph } from '../core/graph/graph';
import { InvalidTemplateOptionsError, resolveOptions } from './resolve-options';
import type { Template, TemplateOptions } from './template';

const DEFAULTS = { input: [128, 128, 1], classes: 2 } as const;
/** Filters at each level down; the bottom has twice the last. */
const WIDTHS = [16, 32, 64, 128] as const;

/** Two 3×3 "same" convolutions with ReLU: one level of the U. */
function doubleConv(b: GraphBuilder, x: string, filters: number, name: string): string {
  const conv = (input: string, k: number) =>
    b.layer('Conv2D', { filters, kernelSize: [3, 3], padding: 'same', activation: 'relu' }, input, `${name}.conv${k}`);
  return conv(conv(x, 1), 2);
}

/** Builds the small U-Net; every level is a group (`down1` … `down4`, `bottom`, `up4` … `up1`). */
export function buildUnet(options?: TemplateOptions): Graph {
  const { input, classes } = resolveOptions('unet', options, DEFAULTS, 3);
  const factor = 2 ** WIDTHS.length;
  if (input[0] % factor !== 0 || input[1] % factor !== 0)
    throw new InvalidTemplateOptionsError(
      'unet',
      `height and width must be multiples of ${factor} (${WIDTHS.length} 2×2 poolings each halve them), got ${input[0]}×${input[1]}`,
    );
  const b = new GraphBuilder();
  let x = b.input(input, 'input');
  const skips: string[] = [];
  WIDTHS.forEach((filters, i) => {
    x = b.group(`down${i + 1}`, () => {
      const features = doubleConv(b, x, filters, `down${i + 1}`);
      skips.push(features);
      return b.layer('MaxPooling2D', { poolSize: [2, 2], strides: [2, 2] }, features, `down${i + 1}.pool`);
    });
  });
  x = b.group('bottom', () => doubleConv(b, x, 2 * WIDTHS[WIDTHS.length - 1], 'bottom'));
  for (let i = WIDTHS.length - 1; i >= 0; i--) {
    const level = `up${i + 1}`;
    x = b.group(level, () => {
      const filters = WIDTHS[i];
      const up = b.layer('Conv2DTranspose', { filters, kernelSize: [2, 2], strides: [2, 2] }, x, `${level}.upconv`);
      const joined = b.layer('Concatenate', {}, [skips[i], up], `${level}.concat`);
      return doubleConv(b, joined, filters, level);
    });
  }
  b.layer('Conv2D', { filters: classes, kernelSize: [1, 1], activation: 'softmax' }, x, 'classifier');
  return b.build();
}

/** The small U-Net template. */
export const unet: Template = {
  id: 'unet',
  title: 'U-Net (small)',
  description:
    'Ronneberger et al. 2015 for segmentation with a quarter of the filters: 4 levels down, 4 up with Conv2DTranspose and skip Concatenates; a class map the size of the input.',
  source:
    'Ronneberger, Fischer & Brox, "U-Net: Convolutional networks for biomedical image segmentation", MICCAI 2015 (padded convolutions, 16–256 filters)',
  defaultInput: DEFAULTS.input,
  defaultClasses: DEFAULTS.classes,
  output: 'map',
  build: buildUnet,
};
