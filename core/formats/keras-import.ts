/**
 * Import of a TensorFlow.js / Keras Layers `model.json` into a NetCanvas
 * graph. Reads every form such files come in: a whole `model.json` (with
 * `modelTopology`), a bare topology, or a `model_config`; Keras 2, Keras 3
 * and tfjs 0.8–4 layer configs; Sequential models as an object or a legacy
 * list; functional models with several inputs and outputs; nested models,
 * inlined as groups named after the sub-model. Each layer's parameters come
 * from its spec's `fromKeras`, so the registry stays the one place that
 * knows a layer.
 *
 * What the importer refuses, whole and with one message: a tfjs graph model;
 * any layer class outside the registry (all of them named at once); a layer
 * setting NetCanvas cannot represent (the layer, the key and the value named);
 * a layer applied more than once (shared weights).
 *
 * What it treats as a no-op on purpose: the `InputLayer` of a nested model
 * (its tensor is the one the outer model feeds in). Training-only settings
 * NetCanvas does not keep (regularizers, constraints) import with a warning;
 * initializers and dtypes are ignored. Frozen layers (`trainable: false`,
 * or inside a frozen sub-model) stay frozen, summed up in one warning.
 *
 * What it reads around: Keras 2.1's `{ "type": "ndarray", "value": … }`
 * wrappers around numbers and lists are unwrapped before anything is read;
 * an input of unknown size (`[null, null, null, 3]`) is built at the size
 * the caller gives (`inputSize`), and without one the import is refused with
 * {@link UnknownInputSizeError}, which carries the model's usual size.
 */
import { ValidationError } from '../errors';
import { GraphBuilder } from '../graph/builder';
import type { Graph } from '../graph/graph';
import { inferShapes, layerOutputShape } from '../graph/infer';
import { isValidLayerName, layerNameProblem, nameText, suggestLayerName } from '../graph/names';
import type { Shape } from '../layers/layer-spec';
import { checkParams, resolveParams } from '../layers/params';
import { getLayerSpec, isLayerType, layerSpecs } from '../layers/registry';
import { LIMITS, limitText } from '../limits';
import { checkJsonDepth } from './json-limits';
import {
  BATCH_SHAPE_KEYS,
  kerasDeclaredInputShape,
  kerasInputShape,
  UnknownInputSizeError,
} from '../layers/keras-config';

export { UnknownInputSizeError } from '../layers/keras-config';

/** Options of {@link importLayersModel}. */
export interface KerasImportOptions {
  /**
   * Per-sample size (`[224, 224, 3]`) for inputs the file leaves unsized
   * (`[null, null, null, 3]`); it must agree with the sizes the file fixes.
   */
  inputSize?: readonly number[];
}

/** What {@link importLayersModel} returns. */
export interface KerasImportResult {
  /** The design, laid out top to bottom, with the file's layer names and its outputs in order. */
  graph: Graph;
  /**
   * Settings in the file that NetCanvas did not keep, and problems the design
   * has as imported (its error diagnostics), one sentence each, naming the layer.
   */
  warnings: string[];
}

/**
 * A model file whose layers include classes NetCanvas has no layer type for.
 * `classes` lists every one, in the order they first appear.
 */
export class UnsupportedLayersError extends ValidationError {
  readonly classes: readonly string[];
  constructor(classes: readonly string[]) {
    const supported = layerSpecs.map((s) => s.type).join(', ');
    super(
      [],
      `This model uses layer types NetCanvas does not support: ${classes.join(', ')}. ` +
        `NetCanvas imports networks built from ${supported}.`,
    );
    this.name = 'UnsupportedLayersError';
    this.classes = classes;
  }
}

/** Keras classes that hold other layers; the importer inlines them as groups. */
const MODEL_CLASSES = new Set(['Sequential', 'Model', 'Functional']);

type Path = readonly (string | number)[];
type Json = Record<string, unknown>;

/** One serialized layer or model: `{ class_name, config, name?, inbound_nodes? }`. */
interface KerasLayer {
  class_name: string;
  config: Json | unknown[];
  name?: string;
  inbound_nodes?: unknown;
}

/** A reference to a tensor: the output `tensorIndex` of the layer called `layer`. */
interface TensorRef {
  layer: string;
  tensorIndex: number;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A value quoted for a message, cut short: a malformed file may put a whole model where a name belongs. */
function brief(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function expectObject(value: unknown, path: Path, what: string): Json {
  if (!isObject(value)) throw new ValidationError(path, `expected ${what}, got ${brief(value)}`);
  return value;
}

function asLayer(value: unknown, path: Path): KerasLayer {
  const layer = expectObject(value, path, 'a layer object with class_name and config');
  if (typeof layer.class_name !== 'string' || layer.class_name === '')
    throw new ValidationError([...path, 'class_name'], 'expected the layer class name, e.g. "Conv2D"');
  const config = layer.config ?? {};
  if (!isObject(config) && !(Array.isArray(config) && layer.class_name === 'Sequential'))
    throw new ValidationError([...path, 'config'], `expected the layer's config object, got ${brief(config)}`);
  // Old tfjs files omit the config of layers that have none (Add); treat it as empty.
  return { ...layer, config } as unknown as KerasLayer;
}

/** The name a layer carries: the outer `name` of functional models, else `config.name`. */
function layerName(layer: KerasLayer): string | undefined {
  const name = layer.name ?? (isObject(layer.config) ? layer.config.name : undefined);
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/**
 * True for a TensorFlow.js graph model: `format: "graph-model"`, or a
 * topology that is a TensorFlow GraphDef (a `node` list) rather than Keras
 * layers. The importer refuses it with {@link graphModelRefusal}.
 */
export function isGraphModel(json: unknown): boolean {
  if (!isObject(json)) return false;
  const topology = json.modelTopology ?? json;
  return (
    json.format === 'graph-model' ||
    (isObject(topology) && Array.isArray(topology.node) && topology.model_config === undefined)
  );
}

/** Why a graph model cannot be imported, and what to export instead. */
export function graphModelRefusal(): ValidationError {
  return new ValidationError(
    [],
    'This file is a TensorFlow.js graph model (format "graph-model"), not a Layers model: it holds a frozen graph of ' +
      'TensorFlow operations instead of Keras layers, so there is no network design to import. Export the model from ' +
      'Keras or TensorFlow.js as a Layers model (model.save / tensorflowjs_converter --output_format tfjs_layers_model).',
  );
}

/**
 * True for a file that lists weights but holds no model: tfjs's
 * `weights_manifest.json` (a list of weight groups), a `model.json` saved with
 * `"modelTopology": null`, or a manifest with no topology beside it. The
 * importer refuses it with {@link weightsOnlyRefusal}.
 */
export function isWeightsOnly(json: unknown): boolean {
  if (Array.isArray(json))
    return json.length > 0 && json.every((g) => isObject(g) && Array.isArray(g.paths) && Array.isArray(g.weights));
  if (!isObject(json)) return false;
  // tfjs writes `"modelTopology": null` when only weights were saved; a manifest alone is the same.
  return (
    ('modelTopology' in json && json.modelTopology === null) ||
    (json.modelTopology === undefined &&
      json.weightsManifest !== undefined &&
      json.class_name === undefined &&
      json.model_config === undefined)
  );
}

/** Why a weights-only file cannot be imported, and what to import instead. */
export function weightsOnlyRefusal(json: unknown): ValidationError {
  return new ValidationError(
    isObject(json) && 'modelTopology' in json ? ['modelTopology'] : [],
    'a weights-only file: no model in it. It lists weights (weightsManifest) but not the layers they belong to; ' +
      'import the model.json that Keras or TensorFlow.js saved with its topology.',
  );
}

/** Refuses a graph model or a weights-only file, and finds the model itself: `{ class_name, config }` and where it sits in the file. */
function locateModel(json: unknown): { model: KerasLayer; path: Path } {
  if (isWeightsOnly(json)) throw weightsOnlyRefusal(json);
  const root = expectObject(json, [], 'a JSON object (a TensorFlow.js model.json)');
  if (isGraphModel(root)) throw graphModelRefusal();
  const topology = root.modelTopology ?? root;
  let path: (string | number)[] = root.modelTopology === undefined ? [] : ['modelTopology'];
  let model: unknown = expectObject(topology, path, 'the model topology object');
  if ((model as Json).model_config !== undefined) {
    path = [...path, 'model_config'];
    model = (model as Json).model_config;
    // Keras's HDF5 attributes store model_config as a JSON string; converters sometimes copy it verbatim.
    if (typeof model === 'string') {
      try {
        model = JSON.parse(model);
      } catch {
        throw new ValidationError(path, 'expected the model config, got a string that is not JSON');
      }
    }
  }
  return { model: asLayer(model, path), path };
}

/** The layers of a Sequential or functional model's config, with the path of the list. */
function modelLayers(model: KerasLayer, path: Path): { layers: unknown[]; path: Path } {
  if (Array.isArray(model.config)) return { layers: model.config, path: [...path, 'config'] };
  const layers = model.config.layers;
  if (!Array.isArray(layers)) throw new ValidationError([...path, 'config', 'layers'], 'expected the list of layers');
  return { layers, path: [...path, 'config', 'layers'] };
}

/** Every layer class outside the registry, in order of first appearance. */
function unsupportedClasses(model: KerasLayer, path: Path, found: string[] = []): string[] {
  const list = modelLayers(model, path);
  list.layers.forEach((raw, i) => {
    const layer = asLayer(raw, [...list.path, i]);
    if (MODEL_CLASSES.has(layer.class_name)) unsupportedClasses(layer, [...list.path, i], found);
    else if (!isLayerType(layer.class_name) && !found.includes(layer.class_name)) found.push(layer.class_name);
  });
  return found;
}

/** `[name, node, tensor]` or a list of them (Keras 3 writes a single input or output without the outer list). */
function nodeRefs(value: unknown, path: Path): TensorRef[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value))
    throw new ValidationError(path, 'expected a list of [layer name, node index, tensor index]');
  const list = typeof value[0] === 'string' ? [value] : value;
  return list.map((ref, i) => {
    if (!Array.isArray(ref) || typeof ref[0] !== 'string')
      throw new ValidationError([...path, i], `expected [layer name, node index, tensor index], got ${brief(ref)}`);
    return { layer: ref[0], tensorIndex: typeof ref[2] === 'number' ? ref[2] : 0 };
  });
}

/** The Keras 3 `__keras_tensor__` objects anywhere in a call's `args`, in order. */
function kerasTensors(value: unknown, out: TensorRef[] = []): TensorRef[] {
  if (Array.isArray(value)) for (const v of value) kerasTensors(v, out);
  else if (isObject(value)) {
    if (
      value.class_name === '__keras_tensor__' &&
      isObject(value.config) &&
      Array.isArray(value.config.keras_history)
    ) {
      const [layer, , tensorIndex] = value.config.keras_history as unknown[];
      if (typeof layer === 'string')
        out.push({ layer, tensorIndex: typeof tensorIndex === 'number' ? tensorIndex : 0 });
    } else for (const v of Object.values(value)) kerasTensors(v, out);
  }
  return out;
}

/**
 * The calls of a functional layer, each as the tensors it was applied to.
 * Keras 2 / tfjs write `[[[name, node, tensor, kwargs], ...], ...]`; Keras 3
 * writes `[{ args: [...keras tensors...], kwargs: {...} }, ...]`.
 */
function inboundCalls(value: unknown, path: Path): TensorRef[][] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ValidationError(path, 'expected a list of calls');
  return value.map((call, i) => {
    if (Array.isArray(call)) return nodeRefs(call, [...path, i]);
    if (isObject(call)) {
      const refs = kerasTensors(call.args);
      return refs.length ? refs : kerasTensors(call.kwargs);
    }
    throw new ValidationError([...path, i], `expected a list of input tensors or { args, kwargs }, got ${brief(call)}`);
  });
}

/** Runs `read` on a layer's config, prefixing any refusal with the config's place in the file and the layer's name. */
function withLayerContext<T>(configPath: Path, title: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    if (e instanceof UnknownInputSizeError)
      throw new UnknownInputSizeError([...configPath, ...e.path], `${title}: ${e.detail}`, e.declared, e.suggested);
    throw new ValidationError([...configPath, ...e.path], `${title}: ${e.detail}`);
  }
}

/** Keras 2.1's wrapper around numpy values: `{ "type": "ndarray", "value": 0 }`. */
const isNdarray = (v: unknown): v is { type: 'ndarray'; value: unknown } =>
  isObject(v) && v.type === 'ndarray' && 'value' in v && Object.keys(v).length === 2;

/**
 * A copy of `json` with every `{ "type": "ndarray", "value": v }` replaced by
 * `v`, so every reader sees plain numbers and lists. Walked with a stack: a
 * model file can nest deeper than the call stack allows.
 */
export function unwrapNdarrays(json: unknown): unknown {
  const unwrap = (v: unknown): unknown => {
    let inner = v;
    while (isNdarray(inner)) inner = inner.value;
    return inner;
  };
  const copy = (v: unknown): unknown => (Array.isArray(v) ? [...v] : isObject(v) ? { ...v } : v);
  const root = copy(unwrap(json));
  const stack: unknown[] = typeof root === 'object' && root !== null ? [root] : [];
  while (stack.length) {
    const container = stack.pop() as Record<string, unknown> | unknown[];
    const keys = Array.isArray(container) ? container.keys() : Object.keys(container);
    for (const key of keys) {
      const slot = container as Record<string | number, unknown>;
      const value = copy(unwrap(slot[key]));
      slot[key] = value;
      if (typeof value === 'object' && value !== null) stack.push(value);
    }
  }
  return root;
}

/** Input sizes of EfficientNet B0–B7, as Keras's applications build them. */
const EFFICIENTNET_SIZES: Readonly<Record<string, number>> = {
  b0: 224,
  b1: 240,
  b2: 260,
  b3: 300,
  b4: 380,
  b5: 456,
  b6: 528,
  b7: 600,
};

/**
 * The size an image model with unknown input size is usually run at: from
 * its name as Keras's applications write it (`mobilenetv2_1.00_224` → 224,
 * `efficientnetb3` → 300), else 224 (ImageNet); a height or width the file
 * fixes is kept, channels default to 3. `undefined` for a non-image input.
 */
export function usualInputSize(names: readonly string[], declared: readonly (number | null)[]): number[] | undefined {
  if (declared.length !== 3) return declared.every((d) => d !== null) ? (declared as number[]) : undefined;
  let side: number | undefined;
  for (const name of names) {
    const efficientnet = /efficientnet-?(b\d)/i.exec(name);
    const suffix = /[_-](\d{2,4})$/.exec(name);
    side = efficientnet ? EFFICIENTNET_SIZES[efficientnet[1].toLowerCase()] : suffix ? Number(suffix[1]) : undefined;
    if (side !== undefined && side >= 32) break;
    side = undefined;
  }
  const [h, w, c] = declared;
  const fallback = h ?? w ?? side ?? 224;
  return [h ?? side ?? fallback, w ?? side ?? fallback, c ?? 3];
}

const ROLE_KEYS = /_(regularizer|constraint)$/;

class KerasImporter {
  readonly builder = new GraphBuilder();
  readonly warnings: string[] = [];
  /** Layers imported frozen, for the one-line summary. */
  frozenLayers = 0;
  /** Inputs the file leaves unsized, built at the size the caller gave. */
  sizedInputs = 0;
  private readonly names = new Set<string>();
  /** Each node's output shape as far as it can be worked out while importing; fromKeras may need its input's. */
  private readonly shapes = new Map<string, Shape | undefined>();
  /** How many frozen models (trainable: false) enclose the layers being imported: Keras freezes all their layers. */
  private frozenModels = 0;

  constructor(private readonly options: KerasImportOptions) {}

  /** Imports `model` fed by `inputs` (undefined at the top level: the model's own inputs become nodes). Returns its output node ids. */
  importModel(model: KerasLayer, path: Path, inputs: string[] | undefined): string[] {
    const frozen = isObject(model.config) && model.config.trainable === false;
    if (frozen) this.frozenModels++;
    try {
      return model.class_name === 'Sequential'
        ? this.importSequential(model, path, inputs)
        : this.importFunctional(model, path, inputs);
    } finally {
      if (frozen) this.frozenModels--;
    }
  }

  private importNested(layer: KerasLayer, path: Path, inputs: string[] | undefined): string[] {
    const label = layerName(layer) ?? layer.class_name;
    return this.builder.group(label, () => this.importModel(layer, path, inputs));
  }

  private importSequential(model: KerasLayer, path: Path, inputs: string[] | undefined): string[] {
    const { layers, path: listPath } = modelLayers(model, path);
    if (inputs && inputs.length !== 1)
      throw new ValidationError(path, `Sequential "${layerName(model)}" takes one input but is fed ${inputs.length}`);
    let current = inputs?.[0];
    layers.forEach((raw, i) => {
      const layerPath = [...listPath, i];
      const layer = asLayer(raw, layerPath);
      if (layer.class_name === 'InputLayer') {
        // Inside a nested Sequential the input is the outer tensor; the InputLayer only restates its shape.
        if (current === undefined) current = this.addLayer(layer, layerPath, []);
        return;
      }
      if (MODEL_CLASSES.has(layer.class_name)) {
        const outputs = this.importNested(layer, layerPath, current === undefined ? undefined : [current]);
        if (outputs.length !== 1)
          throw new ValidationError(
            layerPath,
            `sub-model "${layerName(layer)}" has ${outputs.length} outputs; a Sequential model passes on one`,
          );
        current = outputs[0];
        return;
      }
      if (current === undefined) current = this.addSequentialInput(model, path, layer, layerPath);
      current = this.addLayer(layer, layerPath, [current]);
    });
    if (current === undefined) throw new ValidationError(listPath, 'the model has no layers');
    return [current];
  }

  /**
   * A Sequential model without an InputLayer declares its input shape on its
   * first layer (`batch_input_shape`), or, in Keras 3, as the model's
   * `build_input_shape`. Keras names that input `<first layer>_input`.
   */
  private addSequentialInput(model: KerasLayer, modelPath: Path, first: KerasLayer, path: Path): string {
    const config = first.config as Json;
    let shape = withLayerContext([...path, 'config'], `${first.class_name} "${layerName(first)}"`, () =>
      this.inputShape(config, BATCH_SHAPE_KEYS),
    );
    if (!shape && isObject(model.config) && Array.isArray(model.config.build_input_shape)) {
      const built = { build_input_shape: model.config.build_input_shape };
      shape = withLayerContext([...modelPath, 'config'], `${model.class_name} "${layerName(model)}"`, () =>
        this.inputShape(built, ['build_input_shape'], true),
      );
    }
    if (!shape)
      throw new ValidationError(
        [...path, 'config'],
        `${first.class_name} "${layerName(first)}" is the first layer but declares no input shape (batch_input_shape), and the model has no InputLayer`,
      );
    const id = this.builder.input(shape, this.uniqueName(`${layerName(first) ?? 'input'}_input`, 'input'));
    this.shapes.set(id, [null, ...shape]);
    return id;
  }

  /** A declared input shape, at the caller's size where the file leaves it open (counted, to tell when the size went unused). */
  private inputShape(config: Json, keys: readonly string[], required = false): number[] | undefined {
    const { inputSize } = this.options;
    const shape = kerasInputShape(config, { keys, required, ...(inputSize ? { size: inputSize } : {}) });
    if (kerasDeclaredInputShape(config, keys)?.dims.includes(null)) this.sizedInputs++;
    return shape;
  }

  private importFunctional(model: KerasLayer, path: Path, inputs: string[] | undefined): string[] {
    const config = model.config as Json;
    const { layers, path: listPath } = modelLayers(model, path);
    const inputRefs = nodeRefs(config.input_layers, [...path, 'config', 'input_layers']);
    const outputRefs = nodeRefs(config.output_layers, [...path, 'config', 'output_layers']);
    const modelName = layerName(model) ?? model.class_name;
    if (outputRefs.length === 0)
      throw new ValidationError([...path, 'config', 'output_layers'], `model "${modelName}" declares no outputs`);
    if (inputs && inputs.length !== inputRefs.length)
      throw new ValidationError(
        path,
        `model "${modelName}" has ${inputRefs.length} inputs but is fed ${inputs.length}`,
      );

    const tensors = new Map<string, string[]>();
    const resolve = (ref: TensorRef): string | undefined => tensors.get(ref.layer)?.[ref.tensorIndex];
    let pending = layers.map((raw, i) => ({ layer: asLayer(raw, [...listPath, i]), path: [...listPath, i] as Path }));
    // Keras writes layers in topological order, but nothing in the format promises it: place what can be placed until done.
    while (pending.length) {
      const waiting: typeof pending = [];
      for (const item of pending) {
        const { layer, path: layerPath } = item;
        const name = layerName(layer);
        if (name === undefined)
          throw new ValidationError([...layerPath, 'name'], 'a layer of a functional model needs a name');
        if (layer.class_name === 'InputLayer') {
          if (inputs) {
            const slot = inputRefs.findIndex((r) => r.layer === name);
            if (slot === -1)
              throw new ValidationError(layerPath, `InputLayer "${name}" is not among the model's input_layers`);
            tensors.set(name, [inputs[slot]]);
          } else tensors.set(name, [this.addLayer(layer, layerPath, [])]);
          continue;
        }
        const callsPath = [...layerPath, 'inbound_nodes'];
        const calls = inboundCalls(layer.inbound_nodes, callsPath);
        if (calls.length === 0)
          throw new ValidationError(callsPath, `${layer.class_name} "${name}" is not connected to any input`);
        if (calls.length > 1)
          throw new ValidationError(
            callsPath,
            `${layer.class_name} "${name}" is applied ${calls.length} times with shared weights; NetCanvas cannot represent a layer used more than once`,
          );
        const feeds = calls[0].map(resolve);
        if (feeds.some((f) => f === undefined)) {
          waiting.push(item);
          continue;
        }
        const outputs = MODEL_CLASSES.has(layer.class_name)
          ? this.importNested(layer, layerPath, feeds as string[])
          : [this.addLayer(layer, layerPath, feeds as string[])];
        tensors.set(name, outputs);
      }
      if (waiting.length === pending.length) {
        const { layer, path: stuckPath } = waiting[0];
        const missing = inboundCalls(layer.inbound_nodes, [])[0].find((r) => resolve(r) === undefined) as TensorRef;
        throw new ValidationError(
          [...stuckPath, 'inbound_nodes'],
          `${layer.class_name} "${layerName(layer)}" takes its input from "${missing.layer}", which is not a layer of model "${modelName}" (or is on a cycle)`,
        );
      }
      pending = waiting;
    }
    return outputRefs.map((ref, i) => {
      const id = resolve(ref);
      if (id === undefined)
        throw new ValidationError(
          [...path, 'config', 'output_layers', i],
          `output "${ref.layer}" is not a layer of model "${modelName}"`,
        );
      return id;
    });
  }

  /** Adds one registry layer, its parameters read by the spec's `fromKeras` and checked against the spec. */
  private addLayer(layer: KerasLayer, path: Path, feeds: string[]): string {
    const spec = getLayerSpec(layer.class_name);
    const config = layer.config as Json;
    const name = this.uniqueName(layerName(layer) ?? this.freshName(spec.namePrefix), spec.namePrefix);
    const title = `${layer.class_name} "${name}"`;
    if (!spec.fromKeras) throw new Error(`Layer spec "${spec.type}" has no fromKeras`); // every registry spec declares one
    const inputShapes = feeds.map((id) => this.shapes.get(id));
    const { inputSize } = this.options;
    const context = { inputShapes, ...(inputSize ? { inputSize } : {}) };
    const params: Record<string, unknown> = withLayerContext([...path, 'config'], title, () =>
      spec.fromKeras!(config, context),
    );
    if (spec.inputs.max === 0 && kerasDeclaredInputShape(config)?.dims.includes(null)) this.sizedInputs++;
    const bad = checkParams(spec.params, resolveParams(spec.params, params));
    if (bad.length)
      throw new ValidationError(
        [...path, 'config'],
        `${title}: ${bad.map(([key, why]) => `${key} ${why}`).join('; ')}`,
      );
    for (const [key, value] of Object.entries(config)) {
      if (ROLE_KEYS.test(key) && value !== null && value !== undefined)
        this.warnings.push(`${title}: ${key} is not imported; NetCanvas sets weight decay in the training settings.`);
    }
    const id = this.builder.layer(layer.class_name, params, feeds, name);
    // An input layer has no weights to freeze; Keras marks some frozen anyway.
    if (spec.inputs.max > 0 && (config.trainable === false || this.frozenModels > 0)) {
      this.builder.freeze(id);
      this.frozenLayers++;
    }
    const known = inputShapes.every((s) => s !== undefined);
    this.shapes.set(id, known ? layerOutputShape(spec, inputShapes as Shape[], params) : undefined);
    return id;
  }

  /** For a layer the file leaves unnamed: the first free `conv1`, `conv2`, ... as the palette names them. */
  private freshName(prefix: string): string {
    let k = 1;
    while (this.names.has(`${prefix}${k}`)) k++;
    return `${prefix}${k}`;
  }

  /**
   * `name`, or `name_2`, `name_3`, ... when a layer already has it (nested
   * models may reuse names); a name NetCanvas cannot export (`block1/conv`,
   * `_x`, a space) becomes a valid one. Either way with a warning.
   */
  private uniqueName(name: string, stem = 'layer'): string {
    if (!isValidLayerName(name)) {
      const valid = suggestLayerName(name, stem, this.names);
      this.warnings.push(`Layer ${nameText(name)} was renamed "${valid}": ${layerNameProblem(name)}.`);
      this.names.add(valid);
      return valid;
    }
    let unique = name;
    for (let k = 2; this.names.has(unique); k++) unique = `${name}_${k}`;
    if (unique !== name)
      this.warnings.push(`Layer "${name}" was renamed "${unique}": another layer already has that name.`);
    this.names.add(unique);
    return unique;
  }
}

/**
 * Reads a TensorFlow.js / Keras Layers model (a parsed `model.json`, a bare
 * topology or a `model_config`) into a graph with positions laid out.
 * Throws `ValidationError` (with the path of the bad field) for anything it
 * cannot represent, {@link UnsupportedLayersError} naming every layer class
 * outside the registry.
 *
 * @example
 * const { graph, warnings } = importLayersModel(JSON.parse(text));
 * summarize(graph).totals.params; // equals the weightsManifest's total
 */
export function importLayersModel(json: unknown, options: KerasImportOptions = {}): KerasImportResult {
  checkJsonDepth(json);
  const { model, path } = locateModel(unwrapNdarrays(json));
  if (!MODEL_CLASSES.has(model.class_name))
    throw new ValidationError(
      [...path, 'class_name'],
      `expected a Sequential or functional model, got "${model.class_name}"`,
    );
  const unsupported = unsupportedClasses(model, path);
  if (unsupported.length) throw new UnsupportedLayersError(unsupported);
  const importer = new KerasImporter(options);
  let outputs: string[];
  try {
    outputs = importer.importModel(model, path, undefined);
  } catch (e) {
    if (!(e instanceof UnknownInputSizeError) || e.suggested) throw e;
    const suggested = usualInputSize([layerName(model) ?? ''], e.declared);
    const usual = suggested ? ` (its usual size is ${suggested.join('×')})` : '';
    throw new UnknownInputSizeError(e.path, `${e.detail}${usual}`, e.declared, suggested);
  }
  importer.builder.setOutputs(outputs);
  const frozen = importer.frozenLayers;
  if (frozen)
    importer.warnings.push(`${frozen} layer${frozen === 1 ? '' : 's'} frozen (trainable: false): kept frozen`);
  if (options.inputSize && importer.sizedInputs === 0)
    importer.warnings.push(
      `The model's input size is fixed in the file; the given size ${options.inputSize.join('×')} was not used.`,
    );
  const graph = importer.builder.build();
  if (graph.nodes.length > LIMITS.layers)
    throw new ValidationError(
      path,
      `the model has ${limitText(graph.nodes.length)} layers; a design holds at most ${limitText(LIMITS.layers)}`,
    );
  // A file Keras accepts can still break a NetCanvas rule (Keras 3 lets Dense take a feature map,
  // NetCanvas's Dense takes a flat vector). The design is imported so the user can see and fix it,
  // but its counts are not the file's until then, so say so up front.
  const errors = inferShapes(graph).diagnostics.filter((d) => d.severity === 'error');
  const problems = errors.map((d) => `The imported design needs a fix before it matches the file: ${d.message}`);
  return { graph, warnings: [...importer.warnings, ...problems] };
}
