import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProject, serializeProjectFile } from '../../core/formats/project-file';
import { GraphBuilder } from '../../core/graph/builder';
import { resolveAppFile } from '../../electron/app-protocol';
import { createIpcHandlers, PayloadError } from '../../electron/ipc-handlers';
import { scriptedDialogs } from './scripted-dialogs';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'netcanvas-ipc-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const projectText = () => {
  const b = new GraphBuilder();
  b.layer('Dense', { units: 3 }, b.input([4]));
  return serializeProjectFile(createProject(b.build()));
};

function setup(answers: Parameters<typeof scriptedDialogs>[0]) {
  const events: string[] = [];
  const handlers = createIpcHandlers(scriptedDialogs(answers), {
    opened: (f) => events.push(`opened ${path.basename(f)}`),
    saved: (f) => events.push(`saved ${path.basename(f)}`),
  });
  return { handlers, events };
}

describe('IPC handlers', () => {
  it('saves where the user chose, then saves in place without asking again', async () => {
    const target = path.join(dir, 'net.netcanvas.json');
    const { handlers, events } = setup({ save: [target] });
    const first = await handlers.saveProject({ text: projectText(), suggestedName: 'net.netcanvas.json' });
    expect(first).toEqual({
      status: 'saved',
      name: 'net.netcanvas.json',
      path: path.join(await fs.realpath(dir), 'net.netcanvas.json'),
    });
    const second = await handlers.saveProject({
      text: projectText(),
      suggestedName: 'net.netcanvas.json',
      path: target,
    });
    expect(second.status).toBe('saved');
    expect(await fs.readFile(target, 'utf8')).toBe(projectText());
    expect(events).toEqual(['saved net.netcanvas.json', 'saved net.netcanvas.json']);
  });

  it('refuses to write a path the user never chose', async () => {
    const { handlers } = setup({});
    const outside = path.join(dir, 'evil.netcanvas.json');
    await expect(handlers.saveProject({ text: projectText(), suggestedName: 'x.json', path: outside })).rejects.toThrow(
      /was not chosen by the user/,
    );
    await expect(fs.access(outside)).rejects.toThrow();
    await expect(handlers.openProject('/etc/passwd')).rejects.toThrow(/was not chosen by the user/);
  });

  it('refuses payloads of the wrong shape with the bad field named', async () => {
    const { handlers } = setup({ save: [path.join(dir, 'a.json')] });
    await expect(handlers.saveProject({ text: 42, suggestedName: 'a.json' })).rejects.toThrow(PayloadError);
    await expect(handlers.saveProject({ text: 42, suggestedName: 'a.json' })).rejects.toThrow(
      /^Refused request: text:/,
    );
    await expect(handlers.saveProjectAs({ text: '{}', suggestedName: '../../etc/passwd' })).rejects.toThrow(
      /suggestedName: must be a plain file name/,
    );
    await expect(handlers.exportText({ text: 'a', suggestedName: 's.csv', format: 'pdf' })).rejects.toThrow(/format/);
    await expect(handlers.exportModel({ modelJson: '{"a":1}', suggestedName: 'm.json' })).rejects.toThrow(
      /no modelTopology/,
    );
  });

  it('refuses to save an invalid project and leaves the old file as it was', async () => {
    const target = path.join(dir, 'keep.netcanvas.json');
    await fs.writeFile(target, projectText());
    const { handlers } = setup({ save: [target] });
    const bad = JSON.parse(projectText());
    bad.graph.edges[0].source = 'nowhere';
    const result = await handlers.saveProjectAs({ text: JSON.stringify(bad), suggestedName: 'keep.netcanvas.json' });
    expect(result).toEqual({ status: 'failed', error: expect.stringContaining('At graph.edges.0.source') });
    expect(await fs.readFile(target, 'utf8')).toBe(projectText());
  });

  it('reports a cancelled dialog as cancelled', async () => {
    const { handlers } = setup({ save: [null] });
    expect(await handlers.saveProjectAs({ text: projectText(), suggestedName: 'a.netcanvas.json' })).toEqual({
      status: 'cancelled',
    });
    expect(await handlers.openProject()).toBeNull();
  });

  it('opens a chosen file, and a recent file once granted', async () => {
    const file = path.join(dir, 'r.netcanvas.json');
    await fs.writeFile(file, projectText());
    const { handlers, events } = setup({ open: [[file]] });
    const real = path.join(await fs.realpath(dir), 'r.netcanvas.json');
    expect(await handlers.openProject()).toEqual({ name: 'r.netcanvas.json', path: real, text: projectText() });
    expect(await handlers.openProject(file)).toMatchObject({ path: real });
    expect(events).toEqual(['opened r.netcanvas.json', 'opened r.netcanvas.json']);
  });

  it('exports <name>.model.json with its weights in <name>.weights.bin, and imports them back', async () => {
    const target = path.join(dir, 'out', 'lenet.model.json');
    await fs.mkdir(path.dirname(target));
    const { handlers } = setup({ save: [target], open: [[target]] });
    const weights = [{ name: 'k', shape: [4], dtype: 'float32' }];
    const modelJson = JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['weights.bin'], weights }] });
    const data = new Uint8Array([1, 2, 3, 4]).buffer;
    expect(
      await handlers.exportModel({ modelJson, suggestedName: 'model.json', weights: [{ name: 'weights.bin', data }] }),
    ).toEqual({
      status: 'saved',
      name: 'lenet.model.json',
      path: path.join(await fs.realpath(dir), 'out', 'lenet.model.json'),
    });
    expect((await fs.readdir(path.join(dir, 'out'))).sort()).toEqual(['lenet.model.json', 'lenet.weights.bin']);
    expect([...(await fs.readFile(path.join(dir, 'out', 'lenet.weights.bin')))]).toEqual([1, 2, 3, 4]);
    const imported = await handlers.importModel();
    const written = JSON.parse(imported!.text);
    expect(written.weightsManifest).toEqual([{ paths: ['lenet.weights.bin'], weights }]);
    expect(written.userDefinedMetadata.netcanvas.weights).toMatchObject({ file: 'lenet.weights.bin', bytes: 4 });
    expect(imported?.weights?.map((w) => [w.name, [...new Uint8Array(w.data)]])).toEqual([
      ['lenet.weights.bin', [1, 2, 3, 4]],
    ]);
  });
});

describe('PyTorch and ONNX export on the desktop', () => {
  const pytorch = (extra: object = {}) => ({
    format: 'pytorch',
    name: 'LeNet',
    modelPy: 'class Net: pass\n',
    trainPy: 'print("train")\n',
    readme: '# LeNet\n',
    ...extra,
  });
  const weights = {
    data: new Float32Array([1, 2, 3]).buffer,
    manifest: JSON.stringify([
      { paths: ['model.weights.bin'], weights: [{ name: 'd/kernel', shape: [3], dtype: 'float32' }] },
    ]),
  };
  const list = async (folder: string) => (await fs.readdir(folder)).sort();

  it('writes the files main names into the folder the user picks, and an untrained export removes stale weights', async () => {
    const folder = path.join(dir, 'export');
    await fs.mkdir(folder);
    await fs.writeFile(path.join(folder, 'notes.txt'), 'mine');
    const { handlers } = setup({ folder: [folder, folder] });
    expect(await handlers.exportDesign(pytorch({ weights }))).toEqual({
      status: 'saved',
      name: 'model.py',
      path: path.join(folder, 'model.py'),
    });
    expect(await list(folder)).toEqual([
      'README.md',
      'model.py',
      'model.weights.bin',
      'model.weights.json',
      'notes.txt',
      'train.py',
    ]);
    expect([...new Float32Array((await fs.readFile(path.join(folder, 'model.weights.bin'))).buffer.slice(0))]).toEqual([
      1, 2, 3,
    ]);
    // Exported again untrained: model.py would load the old weights beside it, so they go; the user's file stays.
    expect((await handlers.exportDesign(pytorch())).status).toBe('saved');
    expect(await list(folder)).toEqual(['README.md', 'model.py', 'notes.txt', 'train.py']);
    expect(await fs.readFile(path.join(folder, 'model.py'), 'utf8')).toBe('class Net: pass\n');
  });

  it('names the ONNX file after the design, never with a folder in it', async () => {
    const bytes = onnxProto.onnx.ModelProto.encode({ irVersion: 7, graph: { name: 'g' } }).finish();
    const onnx = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const { handlers } = setup({ folder: [dir, null] });
    expect(await handlers.exportDesign({ format: 'onnx', name: '../../my net/v2', onnx })).toEqual({
      status: 'saved',
      name: 'my-net-v2.onnx',
      path: path.join(dir, 'my-net-v2.onnx'),
    });
    expect([...(await fs.readFile(path.join(dir, 'my-net-v2.onnx')))]).toEqual([...bytes]);
    expect(await handlers.exportDesign({ format: 'onnx', name: 'x', onnx })).toEqual({ status: 'cancelled' });
  });

  it('refuses weights that do not match their manifest and bytes that are not ONNX, before asking for a folder', async () => {
    const { handlers } = setup({ folder: [dir] });
    await expect(handlers.exportDesign(pytorch({ weights: { ...weights, data: new ArrayBuffer(8) } }))).rejects.toThrow(
      /Refused request: At model\.weights\.bin: holds 8 bytes; the manifest describes 12/,
    );
    await expect(
      handlers.exportDesign(
        pytorch({ weights: { ...weights, manifest: weights.manifest.replace('model.weights.bin', '../x') } }),
      ),
    ).rejects.toThrow(/must name model\.weights\.bin/);
    await expect(
      handlers.exportDesign({ format: 'onnx', name: 'x', onnx: new Uint8Array([255, 255, 255]).buffer }),
    ).rejects.toThrow(/not an ONNX model/);
    await expect(handlers.exportDesign({ format: 'keras', name: 'x' })).rejects.toThrow(PayloadError);
    expect(await list(dir)).toEqual([]);
  });
});

describe('app:// protocol', () => {
  it('serves files inside the renderer folder only', () => {
    const root = '/opt/netcanvas/renderer';
    expect(resolveAppFile(root, 'app://netcanvas/')).toBe('/opt/netcanvas/renderer/index.html');
    expect(resolveAppFile(root, 'app://netcanvas/assets/index-abc.js')).toBe(
      '/opt/netcanvas/renderer/assets/index-abc.js',
    );
    // The URL parser resolves dot segments (encoded or not) against the root, so they cannot climb out.
    expect(resolveAppFile(root, 'app://netcanvas/../../etc/passwd')).toBe('/opt/netcanvas/renderer/etc/passwd');
    expect(resolveAppFile(root, 'app://netcanvas/%2e%2e/%2e%2e/etc/passwd')).toBe('/opt/netcanvas/renderer/etc/passwd');
    expect(resolveAppFile(root, 'app://netcanvas/a/%2e%2e%2f%2e%2e%2f%2e%2e%2fsecret')).toBeNull();
    expect(resolveAppFile(root, 'app://netcanvas/a%5c..%5csecret')).toBeNull();
    expect(resolveAppFile(root, 'app://other/index.html')).toBeNull();
    expect(resolveAppFile(root, 'not a url')).toBeNull();
  });
});

describe('opening a recent file that has gone', () => {
  it('says so in one line instead of an error from the file system', async () => {
    const file = path.join(dir, 'gone.netcanvas.json');
    const { handlers } = setup({});
    const granted = await handlers.grants.grantProject(file, 'recent');
    await expect(handlers.openProject(file)).rejects.toThrow(`${granted} no longer exists`);
  });
});
