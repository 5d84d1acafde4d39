/**
 * Training throughput (samples/s) of the LeNet-5 template compiled by
 * NetCanvas against the same network written by hand in tfjs, in the same
 * process and per backend, so the ratios are fair:
 *
 * - compiled + session: `compileGraph(lenet5)` trained by `core/train`'s `train()`
 *   (per-batch uint8 → float pipeline, custom loop) — what the app and CLI run;
 * - hand-written + session: a `tf.sequential` LeNet-5 trained by the same `train()`,
 *   which isolates the compiled model from the training loop;
 * - hand-written + fit: the same `tf.sequential` model trained by `model.fit` on
 *   float tensors prepared up front, the plain-tfjs way.
 *
 * Run with `npm run bench train-throughput`.
 */
import * as tf from '@tensorflow/tfjs';
import { pathToFileURL } from 'node:url';
import { compileGraph } from '../core/compile/compile';
import { selectBackend, type BackendName } from '../core/train/backends';
import { takeFirst } from '../core/data/dataset';
import type { TrainingData } from '../core/train/batches';
import { train } from '../core/train/session';
import { compileOptionsFor, parseTrainingSettings } from '../core/train/settings';
import { getTemplate } from '../templates/index';

/** Samples per timed epoch: tfjs's plain-JS cpu backend trains LeNet-5 at only a few samples/s. */
const SAMPLES: Record<BackendName, number> = { cpu: 128, wasm: 1024, webgl: 1024, webgpu: 1024 };
const BATCH_SIZE = 64;
const TIMED_EPOCHS = 1;
const INPUT = [32, 32, 1] as const;

/** LeNet-5 exactly as the template builds it (tanh, average pooling, 61,706 weights). */
function handWrittenLenet5(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [...INPUT], filters: 6, kernelSize: 5, activation: 'tanh' }),
      tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'tanh' }),
      tf.layers.averagePooling2d({ poolSize: 2, strides: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: 'tanh' }),
      tf.layers.dense({ units: 84, activation: 'tanh' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/** Random 32×32 grayscale bytes with random labels: throughput does not depend on what is learned. */
function syntheticData(count: number): TrainingData {
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  const images = new Uint8Array(count * INPUT[0] * INPUT[1] * INPUT[2]).map(() => next() >>> 24);
  const labels = new Int32Array(count).map(() => next() % 10);
  return {
    inputShape: INPUT,
    classNames: [...Array(10).keys()].map(String),
    train: { images, labels, count },
  };
}

const settings = parseTrainingSettings({
  optimizer: 'adam',
  learningRate: 1e-3,
  batchSize: BATCH_SIZE,
  epochs: TIMED_EPOCHS,
  validationSplit: 0,
  seed: 1,
});

/** The first batch of `data` alone, to warm up kernels before timing. */
const firstBatch = (data: TrainingData): TrainingData => ({
  ...data,
  train: takeFirst(data.train, BATCH_SIZE, data.inputShape),
});

/** Samples per second of `train()` over the timed epochs, after one untimed warm-up batch. */
async function sessionThroughput(model: tf.LayersModel, data: TrainingData): Promise<number> {
  await train(tf, model, firstBatch(data), { ...settings, epochs: 1 });
  const start = performance.now();
  await train(tf, model, data, settings);
  return (data.train.count * TIMED_EPOCHS) / ((performance.now() - start) / 1000);
}

/** Samples per second of `model.fit` on float tensors made up front, after a warm-up batch. */
async function fitThroughput(model: tf.LayersModel, data: TrainingData): Promise<number> {
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const count = data.train.count;
  const xs = tf.tidy(() => tf.div(tf.tensor4d(data.train.images, [count, ...INPUT], 'float32'), 255));
  const ys = tf.oneHot(tf.tensor1d(data.train.labels, 'int32'), 10);
  const warmX = xs.slice(0, BATCH_SIZE);
  const warmY = ys.slice(0, BATCH_SIZE);
  await model.fit(warmX, warmY, { epochs: 1, batchSize: BATCH_SIZE, verbose: 0 });
  const start = performance.now();
  await model.fit(xs, ys, { epochs: TIMED_EPOCHS, batchSize: BATCH_SIZE, shuffle: true, verbose: 0 });
  const rate = (count * TIMED_EPOCHS) / ((performance.now() - start) / 1000);
  tf.dispose([xs, ys, warmX, warmY]);
  return rate;
}

/** Runs the comparison on each backend that can train here and prints the figures and ratios. */
export async function run(): Promise<void> {
  const graph = getTemplate('lenet5').build({ input: [...INPUT], classes: 10 });
  console.log(
    `LeNet-5 (32×32×1, 10 classes), batch ${BATCH_SIZE}, adam, ${TIMED_EPOCHS} timed epoch after 1 warm-up batch`,
  );
  for (const backend of ['cpu', 'wasm'] as BackendName[]) {
    let chosen: BackendName;
    try {
      chosen = await selectBackend(backend);
    } catch (e) {
      console.log(`${backend}: unavailable (${(e as Error).message})`);
      continue;
    }
    if (chosen !== backend) {
      console.log(`${backend}: cannot train here (fell back to ${chosen}); skipped`);
      continue;
    }
    const data = syntheticData(SAMPLES[backend]);
    console.log(`${backend}: ${data.train.count} samples`);
    const f = (n: number) => n.toFixed(1).padStart(7);
    const compiled = compileGraph(graph, tf, compileOptionsFor(settings));
    const compiledRate = await sessionThroughput(compiled, data);
    compiled.dispose();
    console.log(`${backend.padEnd(5)} compiled template + session ${f(compiledRate)} samples/s`);
    const hand = handWrittenLenet5();
    const handSessionRate = await sessionThroughput(hand, data);
    hand.dispose();
    console.log(
      `${backend.padEnd(5)} hand-written + session     ${f(handSessionRate)} samples/s   compiled / hand-written: ${(compiledRate / handSessionRate).toFixed(2)}`,
    );
    const handFit = handWrittenLenet5();
    const handFitRate = await fitThroughput(handFit, data);
    handFit.dispose();
    console.log(
      `${backend.padEnd(5)} hand-written + model.fit   ${f(handFitRate)} samples/s   compiled + session / hand-written + fit: ${(compiledRate / handFitRate).toFixed(2)}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
