import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import type {
  ExportDesignRequest,
  ExportModelRequest,
  NetCanvasBridge,
  OpenedFile,
  SaveProjectRequest,
} from '../../electron/contract';
import { compileGraph } from '../../core/compile/compile';
import { exportTfjsModel } from '../../core/formats/tfjs-export';
import { GraphBuilder } from '../../core/graph/builder';
import type { Graph } from '../../core/graph/graph';
import { EditorStore, isDirty } from '../../renderer/state/editor-store';
import { exportDesign, exportModel, openProject, saveProject } from '../../renderer/state/file-commands';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A bridge that keeps saved files in memory, hands them back on open, and records exports, as a host would. */
class MemoryBridge implements NetCanvasBridge {
  readonly host = 'web' as const;
  saved: SaveProjectRequest | null = null;
  exported: ExportModelRequest | null = null;
  exportedDesigns: ExportDesignRequest[] = [];
  /** What the next open returns (defaults to what was saved, with its weights). */
  nextOpen: OpenedFile | null = null;

  async openProject(): Promise<OpenedFile | null> {
    if (this.nextOpen) return this.nextOpen;
    if (!this.saved) return null;
    return {
      name: this.saved.suggestedName,
      text: this.saved.text,
      ...(this.saved.sidecar ? { sidecar: this.saved.sidecar } : {}),
    };
  }
  async saveProject(request: SaveProjectRequest) {
    this.saved = request;
    return { status: 'saved' as const, name: request.suggestedName };
  }
  saveProjectAs(request: SaveProjectRequest) {
    return this.saveProject(request);
  }
  async importModel() {
    return null;
  }
  async exportModel(request: ExportModelRequest) {
    this.exported = request;
    return { status: 'saved' as const, name: request.suggestedName };
  }
  async exportDesign(request: ExportDesignRequest) {
    this.exportedDesigns.push(request);
    return { status: 'saved' as const, name: request.format === 'onnx' ? `${request.name}.onnx` : 'model.py' };
  }
  async exportText(request: { suggestedName: string }) {
    return { status: 'saved' as const, name: request.suggestedName };
  }
  async openDataset() {
    return null;
  }
  storeAutosave(): void {}
  async pendingAutosave() {
    return null;
  }
  onMenuCommand() {
    return () => undefined;
  }
  setDirty(): void {}
  setTrainingState(): void {}
}

function design(hiddenUnits = 8): Graph {
  const b = new GraphBuilder();
  const hidden = b.layer('Dense', { units: hiddenUnits, activation: 'relu' }, b.input([4]));
  b.layer('Dense', { units: 3, activation: 'softmax' }, hidden);
  return b.build();
}

/** Trains the store's design a little on fixed data and records the result in the store, as the training controller does. */
async function train(store: EditorStore): Promise<tf.LayersModel> {
  const { graph } = store.getState();
  const model = compileGraph(structuredClone(graph), tf, { seed: 7 });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const xs = tf.tensor2d(
    Array.from({ length: 64 * 4 }, (_, i) => Math.sin(i * 1.7)),
    [64, 4],
  );
  const ys = tf.oneHot(
    tf.tensor1d(
      Array.from({ length: 64 }, (_, i) => i % 3),
      'int32',
    ),
    3,
  );
  await model.fit(xs, ys, { epochs: 3, batchSize: 16, verbose: 0 });
  tf.dispose([xs, ys]);
  const exported = await exportTfjsModel(model, tf);
  store.setTrainedModel({
    graph,
    modelJson: JSON.stringify(exported.modelJson),
    weightData: exported.weightData!,
    accuracy: 0.75,
  });
  return model;
}

/** The weights of an exported model as `tf.loadLayersModel` reads them, by weight name. */
async function loadExported(request: ExportModelRequest): Promise<Map<string, number[]>> {
  const json = JSON.parse(request.modelJson);
  expect(request.weights).toHaveLength(1);
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0].weights,
      weightData: request.weights![0].data,
    }),
  );
  const weights = new Map(model.weights.map((w) => [w.originalName, Array.from(w.read().dataSync())]));
  model.dispose();
  return weights;
}

describe('trained weights saved beside the project', () => {
  it('saves the trained weights with the project, and after reopening the model export carries exactly those weights', async () => {
    const store = new EditorStore(design());
    store.setTraining({ settings: { epochs: 3 }, data: { dataset: 'mnist', limit: null } });
    const trainedModel = await train(store);
    const trainedWeights = new Map(trainedModel.weights.map((w) => [w.originalName, Array.from(w.read().dataSync())]));
    trainedModel.dispose();
    const bridge = new MemoryBridge();

    // On the web an untitled design is saved under the name its name dialog offers.
    await saveProject(store, bridge, { name: 'Untitled.netcanvas.json' });
    const saved = bridge.saved!;
    expect(saved.sidecar?.name).toBe('Untitled.weights.bin');
    const record = JSON.parse(saved.text).training.weights;
    expect(record.file).toBe('Untitled.weights.bin');
    expect(
      record.weightsManifest[0].weights.map((w: { name: string; shape: number[] }) => `${w.name} ${w.shape.join('×')}`),
    ).toEqual(['dense1/kernel 4×8', 'dense1/bias 8', 'dense2/kernel 8×3', 'dense2/bias 3']);

    // A fresh session (a new store: nothing trained), then the project opens.
    const reopened = new EditorStore();
    await openProject(reopened, bridge);
    expect(reopened.getState().notice?.text).toBe('Opened Untitled.netcanvas.json with its trained weights.');
    expect(reopened.getState().training).toEqual({ settings: { epochs: 3 }, data: { dataset: 'mnist', limit: null } });
    expect(isDirty(reopened.getState())).toBe(false);

    await exportModel(reopened, bridge);
    const exportedWeights = await loadExported(bridge.exported!);
    expect([...exportedWeights.keys()].sort()).toEqual([...trainedWeights.keys()].sort());
    for (const [name, values] of trainedWeights) expect(exportedWeights.get(name)).toEqual(values);
    expect(reopened.getState().notice?.text).toBe('Saved Untitled.model.json.');
  });

  it('exports a reopened project to ONNX and PyTorch with its trained weights and its training settings', async () => {
    const store = new EditorStore(design());
    store.setTraining({ settings: { epochs: 3, learningRate: 0.02 }, data: { dataset: 'mnist', limit: null } });
    const trainedModel = await train(store);
    const bridge = new MemoryBridge();
    await saveProject(store, bridge, { name: 'Untitled.netcanvas.json' });
    const reopened = new EditorStore();
    await openProject(reopened, bridge);

    await exportDesign(reopened, bridge, 'onnx');
    expect(reopened.getState().notice?.text).toBe('Exported ONNX with the trained weights: Untitled.onnx.');
    await exportDesign(reopened, bridge, 'pytorch');
    expect(reopened.getState().notice?.text).toBe('Exported PyTorch with the trained weights: model.py.');
    const [onnx, pytorch] = bridge.exportedDesigns;

    // ONNX Runtime gives the trained model's outputs from the exported bytes.
    const inputs = Array.from({ length: 5 * 4 }, (_, i) => Math.cos(i * 0.9));
    const expected = tf.tidy(() => (trainedModel.predict(tf.tensor2d(inputs, [5, 4])) as tf.Tensor).dataSync());
    trainedModel.dispose();
    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(new Uint8Array((onnx as { onnx: ArrayBuffer }).onnx));
    const result = await session.run({
      [session.inputNames[0]]: new ort.Tensor('float32', Float32Array.from(inputs), [5, 4]),
    });
    const got = result[session.outputNames[0]].data as Float32Array;
    await session.release();
    expect(got.length).toBe(expected.length);
    for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - expected[i])).toBeLessThan(1e-5);

    // PyTorch: the saved sidecar's bytes and manifest travel as they are; train.py trains with the project's settings.
    if (pytorch.format !== 'pytorch') throw new Error('expected the PyTorch export second');
    expect(new Uint8Array(pytorch.weights!.data)).toEqual(new Uint8Array(bridge.saved!.sidecar!.data));
    expect(JSON.parse(pytorch.weights!.manifest)[0]).toEqual({
      paths: ['model.weights.bin'],
      weights: JSON.parse(bridge.saved!.text).training.weights.weightsManifest[0].weights,
    });
    expect(pytorch.trainPy).toContain(`\\"learningRate\\":0.02`);
    expect(pytorch.modelPy).toContain('self.dense1 = nn.Linear(4, 8)');
  });

  it('opens a project whose weights no longer fit the design without them, saying why', async () => {
    const store = new EditorStore(design());
    await train(store).then((m) => m.dispose());
    const bridge = new MemoryBridge();
    // On the web an untitled design is saved under the name its name dialog offers.
    await saveProject(store, bridge, { name: 'Untitled.netcanvas.json' });
    // The same project with the hidden layer's width edited by hand: the saved weights are 4×8, the design now 4×5.
    const edited = JSON.parse(bridge.saved!.text);
    const hidden = edited.graph.nodes.find((n: { params: { units?: number } }) => n.params.units === 8);
    hidden.params.units = 5;
    bridge.nextOpen = { name: 'edited.netcanvas.json', text: JSON.stringify(edited), sidecar: bridge.saved!.sidecar };

    const reopened = new EditorStore();
    await openProject(reopened, bridge);
    expect(reopened.getState().graph.nodes).toHaveLength(3);
    expect(reopened.getState().notice).toMatchObject({ kind: 'error' });
    expect(reopened.getState().notice?.text).toBe(
      'Opened edited.netcanvas.json without its trained weights: dense1/kernel is 4×8 in Untitled.weights.bin but 4×5 in the design.',
    );

    await exportModel(reopened, bridge);
    expect(bridge.exported?.weights).toBeUndefined();
  });

  it('opens a project without its weights file, saying which file is missing', async () => {
    const store = new EditorStore(design());
    await train(store).then((m) => m.dispose());
    const bridge = new MemoryBridge();
    // On the web an untitled design is saved under the name its name dialog offers.
    await saveProject(store, bridge, { name: 'Untitled.netcanvas.json' });
    bridge.nextOpen = { name: 'Untitled.netcanvas.json', text: bridge.saved!.text };

    const reopened = new EditorStore();
    await openProject(reopened, bridge);
    expect(reopened.getState().notice?.text).toBe(
      'Opened Untitled.netcanvas.json without its trained weights: Untitled.weights.bin was not found beside the project (on the web, pick it together with the project).',
    );

    // The desktop found a file but not the one saved with the project: the notice says that instead.
    bridge.nextOpen = {
      name: 'Untitled.netcanvas.json',
      text: bridge.saved!.text,
      sidecarProblem: 'Untitled.weights.bin is not the weights file written with it (its checksum differs)',
    };
    const mismatched = new EditorStore();
    await openProject(mismatched, bridge);
    expect(mismatched.getState().notice?.text).toBe(
      'Opened Untitled.netcanvas.json without its trained weights: Untitled.weights.bin is not the weights file written with it (its checksum differs).',
    );
  });

  it('rejects weights whose names are not those of the design, even when the byte count matches', async () => {
    const store = new EditorStore(design());
    await train(store).then((m) => m.dispose());
    const bridge = new MemoryBridge();
    // On the web an untitled design is saved under the name its name dialog offers.
    await saveProject(store, bridge, { name: 'Untitled.netcanvas.json' });
    // Rename the manifest's weights: the bytes still add up, but they no longer name the design's weights.
    const edited = JSON.parse(bridge.saved!.text);
    for (const w of edited.training.weights.weightsManifest[0].weights) w.name = w.name.replace('dense1', 'other');
    bridge.nextOpen = { name: 'x.netcanvas.json', text: JSON.stringify(edited), sidecar: bridge.saved!.sidecar };

    const reopened = new EditorStore();
    await openProject(reopened, bridge);
    expect(reopened.getState().notice?.text).toBe(
      "Opened x.netcanvas.json without its trained weights: the design's weight dense1/kernel is not in Untitled.weights.bin.",
    );
  });
});
