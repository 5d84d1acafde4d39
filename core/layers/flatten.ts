import { defineLayer } from './layer-spec';
import { requireChannelsLast } from './keras-config';
import type { Shape } from './layer-spec';

/**
 * tfjs flattens a feature map in NHWC order; PyTorch holds it NCHW, so the
 * values are put back in NHWC order first (once, here) and a Dense layer after
 * the Flatten keeps the weights it was trained with. A 1×1 map needs no reorder.
 */
const needsNhwcOrder = (input: Shape): boolean => input.length === 4 && !(input[1] === 1 && input[2] === 1);

/** Unrolls everything but the batch into one vector: 5×5×16 becomes 400. */
export const flatten = defineLayer({
  type: 'Flatten',
  label: 'Flatten',
  category: 'reshape',
  description: 'Unrolls a feature map into one long vector (5×5×16 becomes 400) so a Dense layer can take it.',
  namePrefix: 'flatten',
  params: {},
  // tfjs's Flatten refuses a 2-D input (min_ndim 3), so a Flatten after a flat vector is reported here, not at compile time.
  inputs: {
    min: 1,
    max: 1,
    minRank: 3,
    describe: 'something with more than one axis per sample to unroll',
    // A vector (2-D with the batch) is already what Flatten would make: the layer has nothing to do.
    wrongRankFix: (rank) =>
      rank === 2 ? { label: 'Remove it: its input is already flat', edit: { kind: 'remove' } } : undefined,
  },
  inferShape: ([[batch, ...rest]]) => [
    batch,
    rest.some((d) => d === null) ? null : rest.reduce<number>((a, d) => a * (d as number), 1),
  ],
  // Every element of the vector comes from one position, but what follows (a Dense) mixes them all.
  window: () => 'global',
  explain: ([[, ...rest]]) => [
    `${rest.map((d) => d ?? '?').join(' × ')} = ${rest.some((d) => d === null) ? '?' : rest.reduce<number>((a, d) => a * (d as number), 1)}`,
  ],
  fromKeras: (c) => {
    // channels_first would flatten in a different order, so imported Dense weights would not line up.
    requireChannelsLast(c);
    return {};
  },
  toTfjs: (_p, tf, name) => tf.layers.flatten({ name }),
  pytorch: ({ inputs: [input] }) => ({
    forward: ([x]) => (needsNhwcOrder(input) ? `torch.flatten(${x}.permute(0, 2, 3, 1), 1)` : `torch.flatten(${x}, 1)`),
  }),
  onnx: ({ inputs: [input] }, [x], onnx) =>
    onnx.node('Flatten', [needsNhwcOrder(input) ? onnx.node('Transpose', [x], { perm: { ints: [0, 2, 3, 1] } }) : x], {
      axis: { int: 1 },
    }),
});
