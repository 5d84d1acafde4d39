/**
 * The hostile calls into the desktop shell's file handlers that once got
 * through (issue #10), each replayed as a compromised renderer would make
 * it. The main process must refuse every one: a grant serves only the
 * purpose the user chose it for, every path is resolved before it is
 * checked, and main names the files it writes itself.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProject, serializeProjectFile } from '../../core/formats/project-file';
import { GraphBuilder } from '../../core/graph/builder';
import { createIpcHandlers } from '../../electron/ipc-handlers';
import { idxImages } from '../fixtures-gen/idx';
import { scriptedDialogs as dialogs } from './scripted-dialogs';

let dir: string;
beforeEach(async () => {
  dir = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), 'netcanvas-probes-')));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const handlersFor = (answers: Parameters<typeof dialogs>[0]) =>
  createIpcHandlers(dialogs(answers), { opened: () => undefined, saved: () => undefined });

const projectText = () => {
  const b = new GraphBuilder();
  b.layer('Dense', { units: 3 }, b.input([4]));
  return serializeProjectFile(createProject(b.build()));
};

async function write(rel: string, data: string | Uint8Array): Promise<string> {
  const file = path.join(dir, rel);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
  return file;
}

const refused = /was not chosen by the user/;

describe('a dataset folder is read once, read-only, through the dataset reader only', () => {
  it('its files can be neither read nor overwritten as projects afterwards (data/.bashrc)', async () => {
    await write('data/train-images-idx3-ubyte', idxImages(1, 2, 2));
    const bashrc = await write('data/.bashrc', 'alias ls=rm');
    const handlers = handlersFor({ folder: [path.join(dir, 'data')] });
    expect(await handlers.openDataset('idx', () => undefined)).not.toBeNull();
    await expect(handlers.openProject(bashrc)).rejects.toThrow(refused);
    await expect(handlers.openProject(path.join(dir, 'data', 'train-images-idx3-ubyte'))).rejects.toThrow(refused);
    await expect(handlers.saveProject({ text: projectText(), suggestedName: 'x.json', path: bashrc })).rejects.toThrow(
      refused,
    );
    expect(await fs.readFile(bashrc, 'utf8')).toBe('alias ls=rm');
  });

  it('a symbolic link inside the dataset folder is not followed out of it', async () => {
    const secret = await write('secret/key.png', 'secret');
    await write('data/a/1.png', 'x');
    await fs.mkdir(path.join(dir, 'data', 'b'));
    await fs.symlink(secret, path.join(dir, 'data', 'b', 'leak.png'));
    const handlers = handlersFor({ folder: [path.join(dir, 'data')] });
    const opened = await handlers.openDataset('image-folder', () => undefined);
    expect(opened?.files.map((f) => f.path)).toEqual(['a/1.png']);
  });
});

describe('symbolic links cannot stretch a grant', () => {
  it('granted/link-out/secret is checked as the file it really is, and refused', async () => {
    const project = await write('granted/net.netcanvas.json', projectText());
    const secret = await write('outside/secret', 'secret');
    await fs.symlink(path.dirname(secret), path.join(dir, 'granted', 'link-out'));
    const handlers = handlersFor({ open: [[project]] });
    await handlers.openProject();
    const through = path.join(dir, 'granted', 'link-out', 'secret');
    await expect(handlers.openProject(through)).rejects.toThrow(refused);
    await expect(handlers.saveProject({ text: projectText(), suggestedName: 'x.json', path: through })).rejects.toThrow(
      refused,
    );
    expect(await fs.readFile(secret, 'utf8')).toBe('secret');
  });

  it('a granted project replaced by a link elsewhere is refused, not followed', async () => {
    const project = await write('net.netcanvas.json', projectText());
    const secret = await write('secret.txt', 'secret');
    const handlers = handlersFor({ open: [[project]] });
    await handlers.openProject();
    await fs.rm(project);
    await fs.symlink(secret, project);
    await expect(handlers.openProject(project)).rejects.toThrow(refused);
  });
});

describe('an export writes only the files main names itself', () => {
  it('the weight shard names the renderer lists (.bashrc, authorized_keys) are never written', async () => {
    const target = path.join(dir, 'out', 'net.model.json');
    await fs.mkdir(path.dirname(target));
    const handlers = handlersFor({ save: [target, target] });
    const modelJson = JSON.stringify({
      modelTopology: {},
      weightsManifest: [{ paths: ['.bashrc', 'authorized_keys'], weights: [] }],
    });
    const data = new TextEncoder().encode('ssh-rsa AAAA attacker').buffer;
    const result = await handlers.exportModel({
      modelJson,
      suggestedName: 'net.model.json',
      weights: [
        { name: '.bashrc', data },
        { name: 'authorized_keys', data },
      ],
    });
    expect(result).toMatchObject({ status: 'saved', name: 'net.model.json' });
    expect((await fs.readdir(path.join(dir, 'out'))).sort()).toEqual(['net.model.json', 'net.weights.bin']);
    // Shards the manifest does not list, or names it lists that were not sent, are refused whole.
    await expect(
      handlers.exportModel({ modelJson, suggestedName: 'net.model.json', weights: [{ name: '.bashrc', data }] }),
    ).rejects.toThrow(/the manifest lists weights that were not sent/);
  });

  it('whatever file the user types, main writes <name>.model.json and <name>.weights.bin beside it', async () => {
    const handlers = handlersFor({ save: [path.join(dir, 'lenet.json')] });
    const modelJson = JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['w.bin'], weights: [] }] });
    await handlers.exportModel({
      modelJson,
      suggestedName: 'x.json',
      weights: [{ name: 'w.bin', data: new ArrayBuffer(8) }],
    });
    expect((await fs.readdir(dir)).sort()).toEqual(['lenet.model.json', 'lenet.weights.bin']);
  });
});

describe('importing a model reads the model and its weights, nothing else', () => {
  it('a manifest naming other files of the folder gets none of them back', async () => {
    const model = await write(
      'm/model.json',
      JSON.stringify({
        modelTopology: {},
        weightsManifest: [{ paths: ['../secret.bin', 'notes.txt', '.bashrc', 'real.weights.bin', 'link.bin'] }],
      }),
    );
    await write('secret.bin', 'secret');
    await write('m/notes.txt', 'notes');
    await write('m/.bashrc', 'rc');
    await write('m/real.weights.bin', new Uint8Array([1, 2]));
    await fs.symlink(path.join(dir, 'secret.bin'), path.join(dir, 'm', 'link.bin'));
    const imported = await handlersFor({ open: [[model]] }).importModel();
    expect(imported?.weights?.map((w) => w.name)).toEqual(['real.weights.bin']);
  });

  it('a model.json picked for import cannot be overwritten as a project afterwards', async () => {
    const model = await write('m/model.json', JSON.stringify({ modelTopology: {} }));
    const handlers = handlersFor({ open: [[model]] });
    await handlers.importModel();
    await expect(handlers.saveProject({ text: projectText(), suggestedName: 'x.json', path: model })).rejects.toThrow(
      refused,
    );
    expect(JSON.parse(await fs.readFile(model, 'utf8'))).toEqual({ modelTopology: {} });
  });

  it('a model.json chosen in the Open dialog (imported, as a drop is) is read once and never writable', async () => {
    const model = await write('m/model.json', JSON.stringify({ modelTopology: {} }));
    const opened: string[] = [];
    const handlers = createIpcHandlers(dialogs({ open: [[model]] }), {
      opened: (file) => void opened.push(file),
      saved: () => undefined,
    });
    expect(await handlers.openProject()).toMatchObject({ path: model, text: JSON.stringify({ modelTopology: {} }) });
    await expect(handlers.saveProject({ text: projectText(), suggestedName: 'x.json', path: model })).rejects.toThrow(
      refused,
    );
    await expect(handlers.openProject(model)).rejects.toThrow(refused);
    expect(opened).toEqual([]); // not a recent project either
    expect(JSON.parse(await fs.readFile(model, 'utf8'))).toEqual({ modelTopology: {} });
  });

  it('weights that do not match the checksum written with them are refused (an interrupted export)', async () => {
    const target = path.join(dir, 'net.model.json');
    const handlers = handlersFor({ save: [target], open: [[target]] });
    const modelJson = JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['w.bin'], weights: [] }] });
    await handlers.exportModel({
      modelJson,
      suggestedName: 'net.model.json',
      weights: [{ name: 'w.bin', data: new Uint8Array([1, 2, 3, 4]).buffer }],
    });
    // Another export was killed after writing its weights and before its model.json.
    await fs.writeFile(path.join(dir, 'net.weights.bin'), new Uint8Array([9, 9, 9, 9]));
    await expect(handlers.importModel()).rejects.toThrow(
      /net\.model\.json cannot be imported with its weights: net\.weights\.bin is not the weights file written with it/,
    );
  });
});

describe('a project reads only the weights file main named for it', () => {
  it('a project naming another file of its folder opens without weights', async () => {
    await write('keys.bin', 'secret');
    const text = JSON.parse(projectText());
    text.training = { weights: { file: 'keys.bin', weightsManifest: [] } };
    const project = await write('net.netcanvas.json', JSON.stringify(text));
    const opened = await handlersFor({ open: [[project]] }).openProject();
    expect(opened?.sidecar).toBeUndefined();
  });
});

describe('Clear Recent revokes what only the recent list granted', () => {
  it('a recent file is refused once the list is cleared, the file opened this session still saves', async () => {
    const old = await write('old.netcanvas.json', projectText());
    const current = await write('current.netcanvas.json', projectText());
    const handlers = handlersFor({ open: [[current]] });
    await handlers.grants.grantProject(old, 'recent');
    await handlers.openProject();
    handlers.grants.revokeRecent();
    await expect(handlers.openProject(old)).rejects.toThrow(refused);
    expect(
      await handlers.saveProject({ text: projectText(), suggestedName: 'current.netcanvas.json', path: current }),
    ).toMatchObject({ status: 'saved' });
  });
});
