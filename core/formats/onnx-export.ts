/**
 * Export to ONNX: one `<name>.onnx` file, opset 13, written with the
 * `onnx-proto` protobuf classes (generated from ONNX's own `onnx.proto`).
 *
 * - Inputs and outputs are channels first (NCHW) with a dynamic batch `N`,
 *   named after the design's input and output layers; every node that
 *   computes a layer's output carries the layer's name.
 * - The initializers are exactly the design's weights in NCHW layout
 *   (trained, or initialised as tfjs initialises them), batch norm unfolded,
 *   named as PyTorch names them (`conv1.weight`, `bn1.running_var`). Anything
 *   else constant (a Reshape's target, Pad's amounts) is a `Constant` node, so
 *   the file's weight count is the design's parameters plus its batch-norm
 *   statistics.
 * - Each layer's nodes come from its spec's `onnx` mapping.
 */
// onnx-proto is CommonJS that fills its exports at run time, so only its default export is visible to ES imports.
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';
import type { CompileOptions } from '../compile/compile';
import type { Graph } from '../graph/graph';
import type { OnnxAttribute, OnnxEmitter } from '../layers/nchw-export';
import { torchShape } from '../layers/nchw-export';
import type { Tfjs } from '../layers/layer-spec';
import { checkDesignWeights, mapEveryLayer, prepareNchwDesign, toNchwLayout, type NchwNode } from './nchw-graph';
import { exportTfjsModel } from './tfjs-export';
import type { TfjsWeights } from './tfjs-weights';

const { onnx } = onnxProto;

/** The opset the files declare: the first with Softmax over one axis and Pad/Clip taking tensors. */
export const ONNX_OPSET = 13;
/** ONNX IR version 7 goes with opset 13. */
const IR_VERSION = 7;

/** Options for {@link exportOnnx}. */
export interface OnnxExportOptions {
  /** The design's name, for the graph's name. */
  name: string;
  /** Trained weights; without them the design is compiled with tfjs and its initial weights are written. */
  weights?: TfjsWeights;
  /** How the initial weights are drawn when there are no trained ones (seed, initializer). */
  compile?: CompileOptions;
}

function attributeProto(name: string, value: OnnxAttribute): Onnx.IAttributeProto {
  const Type = onnx.AttributeProto.AttributeType;
  if ('int' in value) return { name, type: Type.INT, i: value.int };
  if ('float' in value) return { name, type: Type.FLOAT, f: value.float };
  if ('ints' in value) return { name, type: Type.INTS, ints: [...value.ints] };
  if ('floats' in value) return { name, type: Type.FLOATS, floats: [...value.floats] };
  return { name, type: Type.STRING, s: new TextEncoder().encode(value.string) };
}

const bytesOf = (values: Float32Array | BigInt64Array): Uint8Array =>
  new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

function valueInfo(name: string, shape: readonly (number | null)[]): Onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: torchShape(shape).map((d, i) => (i === 0 || d === null ? { dimParam: 'N' } : { dimValue: d })) },
      },
    },
  };
}

/** The weights of a design as tfjs initialises them, when it has no trained ones. */
async function initialWeights(graph: Graph, tf: Tfjs, compile: CompileOptions | undefined): Promise<TfjsWeights> {
  const { modelJson, weightData } = await exportTfjsModel(graph, tf, {
    weights: true,
    ...(compile ? { compile } : {}),
  });
  return {
    specs: (modelJson.weightsManifest?.[0]?.weights ?? []).map((w) => ({
      name: w.name,
      shape: w.shape,
      dtype: w.dtype,
    })),
    data: weightData ?? new ArrayBuffer(0),
  };
}

/**
 * The bytes of an ONNX model of `graph`. Throws `ExportError` when the
 * design has errors, a layer has no exact ONNX form, or the weights do not
 * fit the design.
 *
 * @example
 * const bytes = await exportOnnx(lenet5.build(), tf, { name: 'LeNet-5' });
 */
export async function exportOnnx(graph: Graph, tf: Tfjs, options: OnnxExportOptions): Promise<Uint8Array> {
  const design = prepareNchwDesign(graph);
  const weights = options.weights ?? (await initialWeights(graph, tf, options.compile));
  checkDesignWeights(design, weights);
  const arrays = new Map<string, { values: Float32Array; shape: number[] }>();
  let offset = 0;
  for (const spec of weights.specs) {
    const count = spec.shape.reduce((a, d) => a * d, 1);
    arrays.set(spec.name, {
      values: new Float32Array(weights.data.slice(offset, offset + 4 * count)),
      shape: spec.shape,
    });
    offset += 4 * count;
  }

  const nodes: Onnx.INodeProto[] = [];
  const initializers: Onnx.ITensorProto[] = [];
  const used = new Set<string>();
  const values = new Map<string, string>(); // node id → the ONNX value holding its output
  const unique = (name: string) => {
    let candidate = name;
    for (let k = 2; used.has(candidate); k++) candidate = `${name}_${k}`;
    used.add(candidate);
    return candidate;
  };
  for (const id of design.inputs) {
    const name = unique((design.byId.get(id) as NchwNode).node.name);
    values.set(id, name);
  }
  // Layer names come first, so a layer called like another's inner node keeps its own name.
  for (const n of design.nodes) if (!n.isInput) used.add(n.node.name);

  mapEveryLayer(design, 'ONNX', (n) => {
    const layer = n.node.name;
    const first = nodes.length;
    const emitter: OnnxEmitter = {
      node(op, inputs, attributes = {}) {
        const output = unique(`${layer}/${op}`);
        nodes.push({
          name: output,
          opType: op,
          input: [...inputs],
          output: [output],
          attribute: Object.entries(attributes).map(([key, value]) => attributeProto(key, value)),
        });
        return output;
      },
      weight(torch) {
        const w = n.weights.find((x) => x.torch === torch);
        if (!w) throw new Error(`${n.node.type} has no weight "${torch}"`);
        const name = `${layer}.${torch}`;
        if (!initializers.some((t) => t.name === name)) {
          const source = arrays.get(`${layer}/${w.tfjs}`) as { values: Float32Array; shape: number[] };
          const converted = toNchwLayout(source.values, source.shape, w.layout);
          initializers.push({
            name,
            dims: converted.shape,
            dataType: onnx.TensorProto.DataType.FLOAT,
            rawData: bytesOf(converted.values),
          });
        }
        return name;
      },
      constant(data, dims, type) {
        const output = unique(`${layer}/Constant`);
        const tensor: Onnx.ITensorProto =
          type === 'float'
            ? { dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: bytesOf(new Float32Array(data)) }
            : {
                dims: [...dims],
                dataType: onnx.TensorProto.DataType.INT64,
                rawData: bytesOf(new BigInt64Array(data.map((v) => BigInt(v)))),
              };
        nodes.push({
          name: output,
          opType: 'Constant',
          output: [output],
          attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: tensor }],
        });
        return output;
      },
    };
    const result = n.spec.onnx(
      n.io,
      n.inputs.map((i) => values.get(i) as string),
      emitter,
    );
    // The node computing the layer's output takes the layer's name, and so does its output value.
    const producer = nodes.findIndex((node, k) => k >= first && node.output?.[0] === result);
    if (producer >= 0) {
      const node = nodes[producer];
      node.name = layer;
      node.output = [layer];
      for (let k = producer + 1; k < nodes.length; k++)
        nodes[k].input = (nodes[k].input ?? []).map((i) => (i === result ? layer : i));
    } else {
      nodes.push({ name: layer, opType: 'Identity', input: [result], output: [layer] });
    }
    values.set(n.node.id, layer);
  });

  const model: Onnx.IModelProto = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'NetCanvas',
    docString: `${options.name}, exported from NetCanvas. Inputs and outputs are channels first (NCHW).`,
    graph: {
      name: options.name,
      node: nodes,
      initializer: initializers,
      input: design.inputs.map((id) =>
        valueInfo(values.get(id) as string, (design.byId.get(id) as NchwNode).io.output),
      ),
      output: design.outputs.map((id) =>
        valueInfo(values.get(id) as string, (design.byId.get(id) as NchwNode).io.output),
      ),
    },
  };
  return onnx.ModelProto.encode(model).finish();
}
