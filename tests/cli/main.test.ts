/**
 * The command line in-process, through `main(argv, io)`: the cases that do
 * not need a real process (wrong options, summaries of broken designs, help
 * per command) run here in milliseconds; netcanvas-command.test.ts spawns the
 * real binary for the rest.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { createProject, parseProjectFile, serializeProjectFile } from '../../core/formats/project-file';
import { GraphBuilder } from '../../core/graph/builder';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-main-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { out: (t) => void (stdout += t), err: (t) => void (stderr += t), cwd: dir });
  return { code, stdout, stderr };
}

describe('netcanvas command line', () => {
  it.each([
    [['frobnicate'], /^netcanvas: unknown command "frobnicate"/],
    [['summary', 'lenet5', '--colour'], /^netcanvas: Unknown option '--colour'.*netcanvas summary --help/],
    [['summary'], /^netcanvas: summary expects one template id or project file/],
    [['summary', 'lenet5', '--input', '32,0,1'], /^netcanvas: --input expects sizes ≥ 1 .* got "32,0,1"/],
    [['summary', 'lenet5', '--classes', 'ten'], /^netcanvas: --classes expects a whole number ≥ 1, got "ten"/],
    [
      ['summary', 'lenet5', '--optimizer', 'lbfgs'],
      /^netcanvas: --optimizer expects one of sgd, .*adam.*, got "lbfgs"/,
    ],
    [['validate'], /^netcanvas: validate expects one project file/],
  ])('%j is a usage error (exit 2, one line)', async (argv, message) => {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('no command prints the help on stderr with exit 2', async () => {
    const result = await run();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: netcanvas <command>');
  });

  it('names an unknown template and points at `netcanvas templates`', async () => {
    const result = await run('summary', 'resnet9000');
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'netcanvas: no template or file named "resnet9000"; `netcanvas templates` lists the templates\n',
    });
  });

  it('`summary <command> --help` and `help <command>` show that command’s options', async () => {
    for (const argv of [
      ['summary', '--help'],
      ['help', 'summary'],
    ]) {
      const result = await run(...argv);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: netcanvas summary <template-id \| file\.netcanvas\.json\b/);
      expect(result.stdout).toContain('--classes N');
    }
  });

  it('a template with options it cannot take gives one line naming the template (exit 2)', async () => {
    const result = await run('summary', 'lenet5', '--input', '784');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^netcanvas: Template "lenet5": input must be .*784.*\n$/);
  });

  it('refuses --input for a project file, whose input is part of the design', async () => {
    const b = new GraphBuilder();
    b.layer('Dense', { units: 3 }, b.input([4]));
    writeFileSync(join(dir, 'tiny.netcanvas.json'), serializeProjectFile(createProject(b.build())));
    const result = await run('summary', 'tiny.netcanvas.json', '--input', '8');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--input and --classes apply to templates/);
  });

  it('refuses a project whose kept runs are malformed, naming the field, as the app does', async () => {
    const b = new GraphBuilder();
    b.layer('Dense', { units: 2 }, b.input([2]));
    const project = createProject(b.build(), 'ring', { runs: [{ id: 'run-1', startedAt: 'today' }] });
    writeFileSync(join(dir, 'runs.netcanvas.json'), serializeProjectFile(project));
    const result = await run('validate', 'runs.netcanvas.json');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^netcanvas: runs\.netcanvas\.json: At training\.runs\.0\.design: /);
  });

  it('summarises a broken design anyway, lists its problems and exits 1', async () => {
    const b = new GraphBuilder();
    let x = b.input([8, 8, 3], 'image');
    x = b.layer('Conv2D', { filters: 4, kernelSize: [3, 3], strides: [2, 2] }, x, 'strided');
    b.layer('Dense', { units: 2 }, x, 'head');
    writeFileSync(join(dir, 'broken.netcanvas.json'), serializeProjectFile(createProject(b.build())));
    const result = await run('summary', 'broken.netcanvas.json', '--batch', '8', '--optimizer', 'sgd');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^strided \(Conv2D\)\s+\(None, 3, 3, 4\)/m);
    expect(result.stdout).toMatch(/^head \(Dense\)\s+\?\s/m);
    expect(result.stdout).toContain('Problems: 1 error, 1 warning');
    expect(result.stdout).toMatch(
      /warning\s+Conv2D "strided": \(8 − 3\) \/ 2 \+ 1 = 3.50 along height and width: the last row and column are dropped \[uneven-stride\]\n\s+fix: Pad to fit \(padding "same"\) → 4×4\n\s+or: Stride 1 → 6×6\n\s+or: Kernel 4×4 → 3×3/,
    );
    expect(result.stdout).toMatch(/error\s+Dense "head": .*\[wrong-rank\]\n\s+fix: .*Flatten/);
    expect(result.stdout).toContain('Estimated training memory (batch 8, sgd)');
    expect(result.stdout).toContain('Totals leave out the layers whose output shape could not be inferred.');
  });

  it('`new` writes a project from a template that validate accepts and summary reads back', async () => {
    const created = await run('new', 'lenet5', 'digits.netcanvas.json', '--input', '28,28,1', '--classes', '10');
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^digits\.netcanvas\.json: .+, 9 layers\n$/);
    const project = parseProjectFile(readFileSync(join(dir, 'digits.netcanvas.json'), 'utf8'));
    expect(created.stdout).toContain(project.name);
    expect(project.graph.nodes[0].params.shape).toEqual([28, 28, 1]);

    expect(await run('validate', 'digits.netcanvas.json')).toMatchObject({
      code: 0,
      stdout: 'digits.netcanvas.json: valid (9 layers)\n',
    });
    const fromFile = JSON.parse((await run('summary', 'digits.netcanvas.json', '--json')).stdout);
    const fromTemplate = JSON.parse((await run('summary', 'lenet5', '--input', '28,28,1', '--json')).stdout);
    expect(fromFile).toEqual(fromTemplate);
  });

  it('`new` will not overwrite a file unless told to', async () => {
    writeFileSync(join(dir, 'keep.netcanvas.json'), 'precious');
    expect(await run('new', 'mlp', 'keep.netcanvas.json')).toEqual({
      code: 1,
      stdout: '',
      stderr: 'netcanvas: "keep.netcanvas.json" already exists; pass --force to replace it\n',
    });
    expect(readFileSync(join(dir, 'keep.netcanvas.json'), 'utf8')).toBe('precious');
    expect((await run('new', 'mlp', 'keep.netcanvas.json', '--force')).code).toBe(0);
    expect(
      parseProjectFile(readFileSync(join(dir, 'keep.netcanvas.json'), 'utf8')).graph.nodes.map((n) => n.type),
    ).toContain('Dense');
  });

  it("reads files through core's one reader: a byte-order mark is fine, weights alone and a project handed to import are refused", async () => {
    writeFileSync(
      join(dir, 'bom.netcanvas.json'),
      `\uFEFF${serializeProjectFile(createProject(new GraphBuilder().build()))}`,
    );
    writeFileSync(join(dir, 'weights_manifest.json'), '[{"paths": ["w.bin"], "weights": []}]');
    expect(await run('validate', 'bom.netcanvas.json')).toMatchObject({ code: 0 });
    expect(await run('summary', 'weights_manifest.json')).toEqual({
      code: 1,
      stdout: '',
      stderr:
        'netcanvas: weights_manifest.json: a weights-only file: no model in it. It lists weights (weightsManifest) ' +
        'but not the layers they belong to; import the model.json that Keras or TensorFlow.js saved with its topology.\n',
    });
    expect((await run('import', 'bom.netcanvas.json', '-o', 'again.netcanvas.json')).stderr).toBe(
      'netcanvas: bom.netcanvas.json: This is a NetCanvas project, not a TensorFlow.js / Keras model: ' +
        'open it as a project (Open, or any netcanvas command that takes a design)\n',
    );
  });
});
