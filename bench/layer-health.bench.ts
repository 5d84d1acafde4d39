/**
 * What watching layer health costs: the same training run with and without
 * `callbacks.health` (one watched step and one validation forward pass per
 * epoch, `core/train/layer-health.ts`), in the same process, alternating runs
 * so a busy machine slows both alike. The issue allows 10 %.
 *
 * - the MLP on the ring with the toy sets' defaults (the e2e's case: a short
 *   epoch, so the per-epoch work weighs most);
 * - LeNet-5 on MNIST-sized synthetic digits (convolutions, tanh saturation).
 *
 * Run with `npm run bench layer-health`.
 */
import * as tf from '@tensorflow/tfjs';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { compileGraph } from '../core/compile/compile';
import { toyDataset } from '../core/data/toy';
import type { Graph } from '../core/graph/graph';
import { selectBackend } from '../core/train/backends';
import type { TrainingData } from '../core/train/batches';
import { defaultSettingsFor } from '../core/train/defaults';
import { healthLayersOf } from '../core/train/layer-health';
import { train } from '../core/train/session';
import { compileOptionsFor, parseTrainingSettings, type TrainingSettings } from '../core/train/settings';
import { getTemplate } from '../templates/index';

/** Timed runs per variant; the median is reported. */
const REPEATS = 7;

/** Random 28×28 grayscale bytes with random labels: the cost does not depend on what is learned. */
function syntheticDigits(count: number): TrainingData {
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  const split = (n: number) => ({
    images: new Uint8Array(n * 28 * 28).map(() => next() >>> 24),
    labels: new Int32Array(n).map(() => next() % 10),
    count: n,
  });
  return {
    inputShape: [28, 28, 1],
    classNames: [...Array(10).keys()].map(String),
    train: split(count),
    validation: split(Math.round(count / 9)),
  };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Wall-clock and CPU seconds of one training run from fresh weights, with or
 * without health. CPU time is the steadier figure on a shared machine: other
 * processes lengthen the wall clock, not this process's own work.
 */
async function timedRun(
  graph: Graph,
  data: TrainingData,
  settings: TrainingSettings,
  health: boolean,
): Promise<{ wall: number; cpu: number }> {
  const model = compileGraph(graph, tf, compileOptionsFor(settings));
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await train(tf, model, data, settings, health ? { health: { layers: healthLayersOf(graph) } } : {});
  const cpu = process.cpuUsage(cpuStart);
  const wall = (performance.now() - start) / 1000;
  model.dispose();
  return { wall, cpu: (cpu.user + cpu.system) / 1e6 };
}

async function compare(label: string, graph: Graph, data: TrainingData, settings: TrainingSettings): Promise<void> {
  await timedRun(graph, data, { ...settings, epochs: 1 }, true); // warm-up: kernels compiled, caches filled
  const plain: { wall: number; cpu: number }[] = [];
  const watched: { wall: number; cpu: number }[] = [];
  // ABBA order, so a drift in the machine's load falls on both alike.
  for (let i = 0; i < REPEATS; i++) {
    for (const health of i % 2 ? [true, false] : [false, true])
      (health ? watched : plain).push(await timedRun(graph, data, settings, health));
  }
  const line = (what: 'wall' | 'cpu') => {
    const [p, w] = [median(plain.map((r) => r[what])), median(watched.map((r) => r[what]))];
    return `${what.padEnd(4)} without ${p.toFixed(2).padStart(6)} s, with health ${w.toFixed(2).padStart(6)} s: ${(w / p).toFixed(3)}`;
  };
  console.log(`${label} (medians of ${REPEATS}, load ${loadavg()[0].toFixed(2)})`);
  console.log(`  ${line('wall')}\n  ${line('cpu')}`);
}

export async function run(): Promise<void> {
  tf.env().set('PROD', true);
  const backend = await selectBackend('wasm');
  console.log(
    `backend ${backend}, load average at start ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );

  const ring = toyDataset('ring', { seed: 1 });
  const points = parseTrainingSettings({ ...defaultSettingsFor('points'), seed: 1 }, [], 'points');
  const mlp = getTemplate('mlp').build({ input: [2], classes: 2 });
  await compare(`mlp, ring, ${points.epochs} epochs`, mlp, ring, points);

  const digits = syntheticDigits(2048);
  const images = parseTrainingSettings({ ...defaultSettingsFor('images'), epochs: 2, seed: 1 }, [], 'images');
  const lenet = getTemplate('lenet5').build({ input: [28, 28, 1], classes: 10 });
  await compare(`lenet5, 2,048 digits, ${images.epochs} epochs`, lenet, digits, images);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
