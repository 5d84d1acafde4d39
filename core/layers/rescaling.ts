import { defineLayer, float } from './layer-spec';
import { kerasNumber } from './keras-config';

/** x · scale + offset, element by element: turns pixel values 0–255 into 0–1 (or −1–1) inside the model. */
export const rescaling = defineLayer({
  type: 'Rescaling',
  label: 'Rescaling',
  category: 'normalization',
  description:
    'Multiplies every value by a scale and adds an offset: a scale of 1/255 maps pixel values 0–255 to 0–1. Keras models since 2.6 often start with it, so the model takes raw pixels.',
  namePrefix: 'rescale',
  params: {
    scale: float({ default: 1 / 255, help: 'Factor every value is multiplied by (1/255 = 0.00392…).' }),
    offset: float({ default: 0, help: 'Added after scaling (−1 with a scale of 1/127.5 gives −1 to 1).' }),
  },
  inputs: { min: 1, max: 1, minRank: 2 },
  inferShape: ([input]) => input,
  summarize: (p) => {
    const scale =
      p.scale !== null && p.scale !== 0 && Number.isInteger(1 / p.scale) ? `1/${1 / p.scale}` : `${p.scale}`;
    return `×${scale}${p.offset ? ` ${(p.offset ?? 0) < 0 ? '−' : '+'} ${Math.abs(p.offset ?? 0)}` : ''}`;
  },
  // Keras may save a list (one scale per channel); NetCanvas keeps one number, so such a file is refused.
  fromKeras: (c) => ({ scale: kerasNumber(c, 'scale'), offset: kerasNumber(c, 'offset', 0) }),
  toTfjs: (p, tf, name) => tf.layers.rescaling({ scale: p.scale ?? 1 / 255, offset: p.offset ?? 0, name }),
  pytorch: ({ params: p }) => ({ forward: ([x]) => `${x} * ${p.scale ?? 1 / 255} + ${p.offset ?? 0}` }),
  onnx: ({ params: p }, [x], onnx) =>
    onnx.node('Add', [
      onnx.node('Mul', [x, onnx.constant([p.scale ?? 1 / 255], [], 'float')]),
      onnx.constant([p.offset ?? 0], [], 'float'),
    ]),
});
