/**
 * Training throughput (samples/s) of the CIFAR-10 CNN template in NetCanvas
 * (tfjs wasm, `core/train`'s session, as the CLI runs it) against the same
 * design exported to PyTorch and trained on the CPU by the exported model's
 * `logits()` with Adam, in the same run, on the same synthetic 32×32×3 data:
 * the ratio says how much faster a design trains once it leaves the browser.
 * PyTorch is timed on one thread (like tfjs's wasm backend) and on all cores.
 *
 * Run with `npm run bench pytorch-export`. Needs a Python with torch and numpy.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { compileGraph } from '../core/compile/compile';
import { exportPytorch } from '../core/formats/pytorch/index';
import { selectBackend } from '../core/train/backends';
import type { TrainingData } from '../core/train/batches';
import { train } from '../core/train/session';
import { compileOptionsFor, parseTrainingSettings } from '../core/train/settings';
import { getTemplate } from '../templates/index';
import { findPython, runPython } from '../tests/python/find-python';

const SAMPLES = 512;
const BATCH_SIZE = 64;
const INPUT = [32, 32, 3] as const;

const settings = parseTrainingSettings({
  optimizer: 'adam',
  batchSize: BATCH_SIZE,
  epochs: 1,
  validationSplit: 0,
  seed: 1,
});

/** Random pixels and labels: throughput does not depend on what is learned. */
function syntheticData(count: number): TrainingData {
  let state = 12345;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0);
  const images = new Uint8Array(count * INPUT[0] * INPUT[1] * INPUT[2]).map(() => next() >>> 24);
  const labels = new Int32Array(count).map(() => next() % 10);
  return { inputShape: INPUT, classNames: [...Array(10).keys()].map(String), train: { images, labels, count } };
}

/** One epoch of the exported model's training step in PyTorch, after a warm-up batch; prints samples/s. */
const PYTORCH_TIMING = String.raw`
import sys, time, torch, torch.nn.functional as F
import model as design
torch.set_num_threads(int(sys.argv[1]))
torch.manual_seed(0)
net = design.build_model(weights=False).train()
opt = torch.optim.Adam(net.parameters(), lr=1e-3, eps=1e-7)
x = torch.rand(${SAMPLES}, 3, 32, 32)
y = torch.randint(0, 10, (${SAMPLES},))
def step(i):
    opt.zero_grad()
    F.cross_entropy(net.logits(x[i:i + ${BATCH_SIZE}]), y[i:i + ${BATCH_SIZE}]).backward()
    opt.step()
step(0)
start = time.perf_counter()
for i in range(0, ${SAMPLES}, ${BATCH_SIZE}):
    step(i)
print(${SAMPLES} / (time.perf_counter() - start))
`;

export async function run(): Promise<void> {
  const python = findPython(['torch', 'numpy']);
  if (!python) {
    console.log('No Python with torch and numpy here (Debian: python3-torch python3-numpy); nothing to compare.');
    return;
  }
  const graph = getTemplate('cifar-cnn').build({ input: [...INPUT], classes: 10 });
  console.log(
    `CIFAR-10 CNN (32×32×3, 10 classes), ${SAMPLES} samples, batch ${BATCH_SIZE}, adam, 1 timed epoch after a warm-up`,
  );

  const backend = await selectBackend('wasm');
  const data = syntheticData(SAMPLES);
  const model = compileGraph(graph, tf, compileOptionsFor(settings));
  await train(tf, model, { ...data, train: { ...data.train, count: BATCH_SIZE } }, settings);
  const start = performance.now();
  await train(tf, model, data, settings);
  const netcanvasRate = SAMPLES / ((performance.now() - start) / 1000);
  model.dispose();
  const f = (n: number) => n.toFixed(1).padStart(8);
  console.log(`NetCanvas (tfjs ${backend})         ${f(netcanvasRate)} samples/s`);

  const dir = mkdtempSync(join(tmpdir(), 'netcanvas-bench-pytorch-'));
  try {
    for (const file of exportPytorch(graph, { name: 'CIFAR-10 CNN', training: settings }))
      writeFileSync(join(dir, file.name), file.data);
    writeFileSync(join(dir, 'timing.py'), PYTORCH_TIMING);
    for (const threads of [1, 0]) {
      const count = threads || (await import('node:os')).availableParallelism();
      const { stdout } = await runPython(python, ['timing.py', String(count)], { cwd: dir });
      const rate = Number(stdout.trim());
      console.log(
        `exported PyTorch, CPU, ${String(count).padStart(2)} thread${count === 1 ? ' ' : 's'} ${f(rate)} samples/s   PyTorch / NetCanvas: ${(rate / netcanvasRate).toFixed(2)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
