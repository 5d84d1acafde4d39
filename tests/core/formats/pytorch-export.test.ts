/**
 * The PyTorch export, run under real PyTorch: for every template (at a small
 * input) the module's parameter count equals NetCanvas's trainable count,
 * its batch-norm statistics the non-trainable count, and with the same
 * weights its outputs equal tfjs's within 1e-4. All designs go to one Python
 * process, so PyTorch starts once.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exportPytorch } from '../../../core/formats/pytorch/index';
import { summarize } from '../../../core/graph/summary';
import { templates } from '../../../templates/index';
import { CHECK_EXPORTS, describeWithPython, runPython } from '../../python/torch-python';
import { compileWithTestWeights, seededInput, smallInput, tfjsWeightsOf } from './nchw-fixtures';

interface CheckResult {
  id: string;
  error?: string;
  params?: number;
  trainableParams?: number;
  bnStatistics?: number;
  outputShapes?: number[][];
  maxAbsDiff?: (number | null)[];
  stateDictKeys?: string[];
}

const BATCH = 3;

describeWithPython('PyTorch export under PyTorch', ['torch', 'numpy'], (python) => {
  const dir = mkdtempSync(join(tmpdir(), 'netcanvas-pytorch-'));
  const expected = new Map<string, { trainable: number; nonTrainable: number; output: number[] }>();
  let results = new Map<string, CheckResult>();

  beforeAll(async () => {
    await tf.setBackend('cpu');
    const jobs: unknown[] = [];
    for (const [k, template] of templates.entries()) {
      const input = smallInput(template.id, template.defaultInput);
      const graph = template.build({ input, classes: 10 });
      const totals = summarize(graph).totals;
      const model = compileWithTestWeights(tf, graph, 1000 + k);
      const folder = join(dir, template.id);
      mkdirSync(folder);
      try {
        const weights = await tfjsWeightsOf(tf, model);
        for (const f of exportPytorch(graph, { name: template.title, weights }))
          writeFileSync(join(folder, f.name), f.data);
        const x = seededInput(input, BATCH, k);
        const y = tf.tidy(() => model.predict(tf.tensor(x, [BATCH, ...input])) as tf.Tensor);
        writeFileSync(join(folder, 'input.bin'), x);
        writeFileSync(join(folder, 'expected.bin'), await y.data());
        expected.set(template.id, {
          trainable: totals.trainableParams,
          nonTrainable: totals.nonTrainableParams,
          output: y.shape,
        });
        y.dispose();
      } finally {
        model.dispose();
      }
      jobs.push({
        id: template.id,
        dir: folder,
        inputs: [{ file: join(folder, 'input.bin'), shape: [BATCH, ...input] }],
        expected: [{ file: join(folder, 'expected.bin'), shape: expected.get(template.id)?.output }],
      });
    }
    // The figure: torchvision's ResNet-18 at full size, 1000 classes, no weights needed to count.
    const resnet18 = join(dir, 'resnet18-full');
    mkdirSync(resnet18);
    const full = templates.find((t) => t.id === 'resnet18')!;
    for (const f of exportPytorch(full.build(), { name: full.title })) writeFileSync(join(resnet18, f.name), f.data);
    jobs.push({ id: 'resnet18-full', dir: resnet18 });

    writeFileSync(join(dir, 'jobs.json'), JSON.stringify(jobs));
    await runPython(python, [CHECK_EXPORTS, join(dir, 'jobs.json'), join(dir, 'results.json')]);
    const list = JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as CheckResult[];
    results = new Map(list.map((r) => [r.id, r]));
  }, 900_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(templates.map((t) => t.id))('%s: same counts, shapes and outputs as tfjs', (id) => {
    const result = results.get(id);
    const want = expected.get(id)!;
    expect(result?.error).toBeUndefined();
    expect(result?.trainableParams).toBe(want.trainable);
    expect(result?.params).toBe(want.trainable);
    expect(result?.bnStatistics).toBe(want.nonTrainable);
    expect(result?.outputShapes).toEqual([want.output]);
    expect(result?.maxAbsDiff?.[0]).toBeLessThan(1e-4);
  });

  it('resnet18 at 224×224 has torchvision’s 11,689,512 parameters and 9,600 batch-norm statistics', () => {
    const result = results.get('resnet18-full');
    expect(result?.error).toBeUndefined();
    expect(result?.params).toBe(11_689_512);
    expect(result?.bnStatistics).toBe(9_600);
    // Named as torchvision names them, so its state_dict keys read the same.
    expect(result?.stateDictKeys).toEqual(
      expect.arrayContaining(['conv1.weight', 'bn1.weight', 'bn1.running_mean', 'layer1.0.conv1.weight']),
    );
  });
});
