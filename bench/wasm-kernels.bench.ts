/**
 * Training throughput of a LeNet-5-like network (28×28×1 → conv 6@5×5 → pool →
 * conv 16@5×5 → pool → dense 120 → 84 → 10) on tfjs's cpu backend and on wasm
 * with NetCanvas's training kernels, in the same run so the ratio is fair.
 * Run with `npm run bench wasm`.
 */
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendName } from '../core/train/backends';

const BATCH_SIZE = 32;

/**
 * Samples per timed run. The cpu backend is ~50× slower, so it gets fewer
 * samples to keep the run short; throughput is per sample either way.
 */
const TIMED_SAMPLES: Record<'cpu' | 'wasm', number> = { cpu: 128, wasm: 1024 };

function leNet(): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 6, kernelSize: 5, padding: 'same', activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.conv2d({ filters: 16, kernelSize: 5, activation: 'relu' }),
      tf.layers.maxPooling2d({ poolSize: 2 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 120, activation: 'relu' }),
      tf.layers.dense({ units: 84, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
}

/** Training throughput: per wall-clock second, and per second of this process's CPU time. */
interface Throughput {
  wall: number;
  cpu: number;
}

/**
 * Samples per second of model.fit on `backend`, after an untimed warm-up
 * batch. Both backends run on one thread, so CPU-time throughput equals wall
 * throughput on an idle machine and stays meaningful on a shared, busy one.
 */
async function throughput(backend: 'cpu' | 'wasm'): Promise<Throughput> {
  const chosen: BackendName = await selectBackend(backend);
  if (chosen !== backend) throw new Error(`wanted backend ${backend}, got ${chosen}`);
  const model = leNet();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const samples = TIMED_SAMPLES[backend];
  const xs = tf.randomUniform([samples, 28, 28, 1], 0, 1, 'float32', 1);
  const ys = tf.oneHot(tf.randomUniform([samples], 0, 10, 'int32', 2) as tf.Tensor1D, 10);
  await model.trainOnBatch(xs.slice(0, BATCH_SIZE), ys.slice(0, BATCH_SIZE));
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  await model.fit(xs, ys, { epochs: 1, batchSize: BATCH_SIZE, shuffle: false, verbose: 0 });
  const wallSeconds = (performance.now() - wallStart) / 1000;
  const cpuUsed = process.cpuUsage(cpuStart);
  tf.dispose([xs, ys]);
  model.dispose();
  return { wall: samples / wallSeconds, cpu: samples / ((cpuUsed.user + cpuUsed.system) / 1e6) };
}

const cpu = await throughput('cpu');
const wasm = await throughput('wasm');
const row = (name: string, t: Throughput) =>
  `  ${name.padEnd(5)} ${t.wall.toFixed(0).padStart(7)} samples/s   ${t.cpu.toFixed(0).padStart(7)} samples/CPU-s`;
console.log(`LeNet-5 training (model.fit, batch ${BATCH_SIZE}, adam), one thread each:`);
console.log(row('cpu', cpu));
console.log(row('wasm', wasm));
console.log(
  `  wasm / cpu = ${(wasm.wall / cpu.wall).toFixed(1)}× (wall), ${(wasm.cpu / cpu.cpu).toFixed(1)}× (CPU time)`,
);
