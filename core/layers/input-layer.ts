import { intList, defineLayer } from './layer-spec';
import { kerasInputShape, requireValue } from './keras-config';

/** The network's input: a tensor of a fixed shape per sample. */
export const inputLayer = defineLayer({
  type: 'InputLayer',
  label: 'Input',
  category: 'input',
  description: 'Where data enters the network: one image of height × width × channels (or a flat vector) per sample.',
  namePrefix: 'input',
  params: {
    shape: intList({
      default: [28, 28, 1],
      min: 1,
      minLength: 1,
      maxLength: 3,
      label: 'Shape',
      help: 'Size of one sample without the batch: height, width, channels for images.',
    }),
  },
  inputs: { min: 0, max: 0 },
  inferShape: (_inputs, p) => [null, ...p.shape],
  summarize: (p) => p.shape.join('×'),
  fromKeras: (c, { inputSize }) => {
    requireValue(c, 'sparse', false, 'NetCanvas feeds dense tensors');
    return { shape: kerasInputShape(c, { required: true, ...(inputSize ? { size: inputSize } : {}) }) };
  },
  toTfjs: (p, tf, name) => tf.layers.inputLayer({ batchInputShape: [null, ...p.shape], name }),
  // The exporters make an input layer the model's argument (`forward(x)`, the graph input); it computes nothing.
  pytorch: () => ({ forward: ([x]) => x }),
  onnx: (_io, [x]) => x,
});
