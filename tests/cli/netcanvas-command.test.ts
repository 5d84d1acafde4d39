/**
 * Runs the real `netcanvas` command (bin/netcanvas.mjs under Node, as npx
 * does) and checks what a user sees: output, exit codes, and one clear line
 * for a bad file. Each spawn costs about a second of tsx start-up, so the
 * cases are few and run concurrently.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../core/graph/builder';
import { summarize } from '../../core/graph/summary';
import { createProject, serializeProjectFile } from '../../core/formats/project-file';
import { templates } from '../../templates/index';
import { netcanvas } from './run-netcanvas';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A small valid design: 28×28×1 → Conv2D 8@3×3 → MaxPool → Flatten → Dense 10. */
function smallNet() {
  const b = new GraphBuilder();
  let x = b.input([28, 28, 1], 'pixels');
  x = b.layer('Conv2D', { filters: 8, kernelSize: [3, 3], activation: 'relu' }, x, 'conv');
  x = b.layer('MaxPooling2D', { poolSize: [2, 2] }, x, 'pool');
  x = b.layer('Flatten', {}, x, 'flat');
  b.layer('Dense', { units: 10, activation: 'softmax' }, x, 'scores');
  return b.build();
}

function writeProject(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const validFile = writeProject('small.netcanvas.json', serializeProjectFile(createProject(smallNet(), 'small')));

/** The same net with the Flatten left out: Dense gets a 4-D tensor, and a 30×30 kernel cannot fit. */
const invalidFile = (() => {
  const b = new GraphBuilder();
  let x = b.input([28, 28, 1], 'pixels');
  x = b.layer('Conv2D', { filters: 8, kernelSize: [3, 3] }, x, 'conv');
  b.layer('Conv2D', { filters: 4, kernelSize: [30, 30] }, x, 'huge');
  b.layer('Dense', { units: 10 }, x, 'scores');
  return writeProject('broken.netcanvas.json', serializeProjectFile(createProject(b.build())));
})();

describe('netcanvas', () => {
  it.concurrent('--help lists every command and exits 0', async () => {
    const run = await netcanvas(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['templates', 'summary', 'validate', 'new'])
      expect(run.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(run.stderr).toBe('');
  });

  it.concurrent('templates prints every template id with its description', async () => {
    const run = await netcanvas(['templates']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(templates.map((t) => t.id));
    for (const t of templates) expect(run.stdout).toContain(t.description);
  });

  it.concurrent('summary lenet5 prints a Keras-style table whose figures are core’s', async () => {
    const run = await netcanvas(['summary', 'lenet5']);
    expect(run.code).toBe(0);
    const expected = summarize(templates.find((t) => t.id === 'lenet5')!.build());
    for (const layer of expected.layers) {
      const row = run.stdout.split('\n').find((l) => l.startsWith(`${layer.name} (${layer.type})`));
      expect(row, `row for ${layer.name}`).toBeDefined();
      expect(row).toContain(`(None, ${layer.outputShape!.slice(1).join(', ')})`);
      expect(row).toContain(layer.macs.toLocaleString('en-US'));
    }
    expect(run.stdout).toContain(`Total params: ${expected.totals.params.toLocaleString('en-US')}`);
    expect(run.stdout).toContain(`MACs per sample: ${expected.totals.macs.toLocaleString('en-US')}`);
    expect(run.stdout).toMatch(/Estimated training memory \(batch 32, adam\): [\d.]+ [KMG]iB/);
  });

  it.concurrent('summary --json with --input and --classes prints exactly core’s summary', async () => {
    const run = await netcanvas(['summary', 'cifar-cnn', '--input', '64,64,3', '--classes', '5', '--json']);
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    const expected = summarize(templates.find((t) => t.id === 'cifar-cnn')!.build({ input: [64, 64, 3], classes: 5 }));
    expect(printed).toEqual({
      layers: expected.layers.map((l) => ({
        name: l.name,
        type: l.type,
        outputShape: l.outputShape,
        trainableParams: l.trainableParams,
        nonTrainableParams: l.nonTrainableParams,
        macs: l.macs,
      })),
      totals: {
        params: expected.totals.params,
        trainableParams: expected.totals.trainableParams,
        nonTrainableParams: expected.totals.nonTrainableParams,
        macs: expected.totals.macs,
      },
      diagnostics: [],
    });
    expect(printed.layers[0].outputShape).toEqual([null, 64, 64, 3]);
    expect(printed.layers.at(-1).outputShape).toEqual([null, 5]);
  });

  it.concurrent('summary of a project file reads it from the working directory', async () => {
    const run = await netcanvas(['summary', 'small.netcanvas.json'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^conv \(Conv2D\)\s+\(None, 26, 26, 8\)\s+80\s+0\s+48,672\s/m);
    expect(run.stdout).toMatch(/^scores \(Dense\)\s+\(None, 10\)\s+13,530\s/m);
    expect(run.stdout).toContain('Total params: 13,610');
  });

  it.concurrent('validate accepts a valid project with exit 0', async () => {
    const run = await netcanvas(['validate', validFile]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toContain('valid (5 layers)');
  });

  it.concurrent('validate lists every error of a broken design and exits 1', async () => {
    const run = await netcanvas(['validate', invalidFile]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('invalid (4 layers; 2 errors, 0 warnings)');
    expect(run.stdout).toMatch(/error\s+Conv2D "huge": .*30×30.*\[kernel-too-large\]/);
    expect(run.stdout).toMatch(/error\s+Dense "scores": .*\[wrong-rank\]/);
    expect(run.stdout).toMatch(/fix: .*Flatten/);
  });

  it.concurrent('validate of a missing file says so in one line, exit 1', async () => {
    const run = await netcanvas(['validate', 'nowhere.netcanvas.json'], dir);
    expect(run).toEqual({
      code: 1,
      stdout: '',
      stderr: 'netcanvas: cannot read "nowhere.netcanvas.json": no such file or folder\n',
    });
  });

  it.concurrent('validate of a file that is not JSON says so in one line, exit 1', async () => {
    const path = writeProject(
      'truncated.netcanvas.json',
      serializeProjectFile(createProject(smallNet())).slice(0, 200),
    );
    const run = await netcanvas(['validate', path]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^netcanvas: .*truncated\.netcanvas\.json: not valid JSON: .+\n$/);
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it.concurrent('validate of a bad parameter names its JSON path, exit 1', async () => {
    const project = createProject(smallNet());
    project.graph.nodes[1].params.filters = 0;
    const path = writeProject('bad-field.netcanvas.json', serializeProjectFile(project));
    const run = await netcanvas(['validate', path]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`netcanvas: ${path}: At graph.nodes.1.params.filters: must be a whole number ≥ 1, got 0\n`);
  });
});
