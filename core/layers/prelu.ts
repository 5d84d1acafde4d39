import type { Shape } from './layer-spec';
import { defineLayer, oneOf } from './layer-spec';
import { refuseKey } from './keras-config';

/** Where PReLU keeps a learned slope: one per channel, one per value, or one for the whole layer. */
const ALPHA_PER = ['channel', 'value', 'layer'] as const;
type AlphaPer = (typeof ALPHA_PER)[number];

/** The axes (1-based, batch excluded) PReLU shares one slope over, as Keras's `shared_axes`, for a rank-`rank` input. */
function sharedAxes(per: AlphaPer, rank: number): number[] {
  const axes = [...Array(rank).keys()].slice(1); // 1 … rank − 1
  if (per === 'layer') return axes;
  if (per === 'channel') return axes.slice(0, -1);
  return [];
}

/** The shape of tfjs's slope array for `input`: its per-sample shape with 1 on every shared axis. */
function alphaShape(input: Shape, per: AlphaPer): number[] {
  const shared = new Set(sharedAxes(per, input.length));
  return input.slice(1).map((d, i) => (shared.has(i + 1) ? 1 : (d as number)));
}

/** How many slopes a PReLU on `input` learns. */
function slopes(input: Shape, per: AlphaPer): number {
  return alphaShape(input, per).reduce((n, d) => n * d, 1);
}

/** Keras's `shared_axes` as one of NetCanvas's choices, or a refusal naming the axes. */
function fromSharedAxes(value: unknown, input: Shape | undefined): AlphaPer {
  const list = value === undefined || value === null ? [] : Array.isArray(value) ? value : [value];
  if (list.length === 0) return 'value';
  if (!input)
    return refuseKey(
      'shared_axes',
      `cannot tell which axes ${JSON.stringify(value)} are: the input's shape is unknown`,
    );
  const rank = input.length;
  const given = [...new Set(list.map((a) => (typeof a === 'number' && a < 0 ? a + rank : a)))].sort((a, b) => a - b);
  for (const per of ALPHA_PER) if (JSON.stringify(sharedAxes(per, rank)) === JSON.stringify(given)) return per;
  return refuseKey(
    'shared_axes',
    `sharing α over axes ${JSON.stringify(value)} is not offered; NetCanvas learns one α per channel (shared_axes ${JSON.stringify(sharedAxes('channel', rank))}), per value (none) or per layer (${JSON.stringify(sharedAxes('layer', rank))})`,
  );
}

/** Parametric ReLU (He et al. 2015): x for positive x, αx otherwise, with α learned. */
export const prelu = defineLayer({
  type: 'PReLU',
  label: 'PReLU',
  category: 'activation',
  description:
    'Parametric ReLU: passes positive values and multiplies negative ones by a slope α that the network learns, by default one per channel (He et al. 2015).',
  namePrefix: 'prelu',
  params: {
    alphaPer: oneOf(ALPHA_PER, 'channel', {
      label: 'One slope α per',
      help: '"channel" shares α over height and width (He et al.); "value" learns one for every value (Keras\'s default); "layer" learns one in all (PyTorch\'s default).',
    }),
  },
  inputs: { min: 1, max: 1, minRank: 2 },
  inferShape: ([input]) => input,
  countParams: ({ inputs: [input], params: p }) => ({ trainable: slopes(input, p.alphaPer), nonTrainable: 0 }),
  summarize: (p) => `α per ${p.alphaPer}`,
  fromKeras: (c, { inputShapes }) => ({ alphaPer: fromSharedAxes(c.shared_axes, inputShapes[0]) }),
  // Without the shapes (building a layer on its own) a feature map is assumed, the common case.
  toTfjs: (p, tf, name, io) => {
    const axes = sharedAxes(p.alphaPer, io?.inputs[0].length ?? 4);
    return tf.layers.prelu({ ...(axes.length ? { sharedAxes: axes } : {}), name });
  },
  exportedWeights: () => [{ tfjs: 'alpha', torch: 'alpha', layout: 'vector', role: 'parameter' }],
  // The slopes keep tfjs's shape (a feature map's are height × width × channels, 1 where shared), turned
  // channels-first where they meet an NCHW tensor; PyTorch's nn.PReLU only knows one slope or one per dim 1.
  pytorch: ({ params: p, inputs: [input] }) => ({
    module: {
      ctor: 'TfPReLU',
      args: [['shape', alphaShape(input, p.alphaPer)]],
      ...(input.length === 4 ? { kwargs: [['channels_first', true]] as const } : {}),
    },
    forward: ([x], m) => `${m}(${x})`,
    helpers: ['TfPReLU'],
  }),
  onnx: ({ inputs: [input] }, [x], onnx) => {
    const alpha = onnx.weight('alpha');
    const slope = input.length === 4 ? onnx.node('Transpose', [alpha], { perm: { ints: [2, 0, 1] } }) : alpha;
    return onnx.node('PRelu', [x, slope]);
  },
});
