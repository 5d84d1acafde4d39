import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProject, serializeProjectFile } from '../../core/formats/project-file';
import { GraphBuilder } from '../../core/graph/builder';
import { createIpcHandlers, PayloadError } from '../../electron/ipc-handlers';
import { scriptedDialogs } from './scripted-dialogs';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'netcanvas-sidecar-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const handlersFor = (answers: Parameters<typeof scriptedDialogs>[0]) =>
  createIpcHandlers(scriptedDialogs(answers), { opened: () => undefined, saved: () => undefined });

/** A project whose training record names its weights, as the renderer writes it. */
function trainedProjectText(file = 'Untitled.weights.bin'): string {
  const b = new GraphBuilder();
  b.layer('Dense', { units: 3 }, b.input([4]));
  const weights = {
    file,
    weightsManifest: [{ paths: [file], weights: [{ name: 'dense/kernel', shape: [4, 3], dtype: 'float32' }] }],
    accuracy: 0.9,
  };
  return serializeProjectFile(createProject(b.build(), 'net', { settings: { epochs: 1 }, weights }));
}

const bytes = (...values: number[]) => new Float32Array(values).buffer;

describe('trained weights beside the project file', () => {
  it('writes the weights beside the project, named after the file the user chose, and reads them back on open', async () => {
    const target = path.join(dir, 'my net.netcanvas.json');
    const handlers = handlersFor({ save: [target], open: [[target]] });
    const data = bytes(1.5, -2, 3.25);
    const result = await handlers.saveProject({
      text: trainedProjectText(),
      suggestedName: 'Untitled.netcanvas.json',
      sidecar: { name: 'Untitled.weights.bin', data },
    });
    expect(result).toEqual({ status: 'saved', name: 'my net.netcanvas.json', path: target });
    expect((await fs.readdir(dir)).sort()).toEqual(['my net.netcanvas.json', 'my net.weights.bin']);
    expect(new Float32Array((await fs.readFile(path.join(dir, 'my net.weights.bin'))).buffer.slice(0))).toEqual(
      new Float32Array([1.5, -2, 3.25]),
    );
    const saved = JSON.parse(await fs.readFile(target, 'utf8'));
    expect(saved.training.weights.file).toBe('my net.weights.bin');

    const opened = await handlers.openProject();
    expect(opened?.sidecar?.name).toBe('my net.weights.bin');
    expect(new Float32Array(opened!.sidecar!.data)).toEqual(new Float32Array([1.5, -2, 3.25]));
  });

  it('saves in place with the weights replaced, and opens without a sidecar when the weights file is gone', async () => {
    const target = path.join(dir, 'net.netcanvas.json');
    const handlers = handlersFor({ save: [target], open: [[target]] });
    await handlers.saveProject({
      text: trainedProjectText(),
      suggestedName: 'net.netcanvas.json',
      sidecar: { name: 'net.weights.bin', data: bytes(1) },
    });
    await handlers.saveProject({
      text: trainedProjectText(),
      suggestedName: 'net.netcanvas.json',
      path: target,
      sidecar: { name: 'net.weights.bin', data: bytes(7, 8) },
    });
    expect(new Float32Array((await fs.readFile(path.join(dir, 'net.weights.bin'))).buffer.slice(0))).toEqual(
      new Float32Array([7, 8]),
    );
    await fs.rm(path.join(dir, 'net.weights.bin'));
    const opened = await handlers.openProject(target);
    expect(opened?.text).toContain('net.weights.bin');
    expect(opened?.sidecar).toBeUndefined();
  });

  it('opens without the weights, saying why, when the file beside the project is not the one saved with it', async () => {
    const target = path.join(dir, 'net.netcanvas.json');
    const handlers = handlersFor({ save: [target], open: [[target]] });
    await handlers.saveProject({
      text: trainedProjectText(),
      suggestedName: 'net.netcanvas.json',
      sidecar: { name: 'net.weights.bin', data: bytes(1, 2) },
    });
    // Same length, other bytes: another run's weights copied over this one's.
    await fs.writeFile(path.join(dir, 'net.weights.bin'), new Uint8Array(bytes(1, 3)));
    const opened = await handlers.openProject(target);
    expect(opened?.sidecar).toBeUndefined();
    expect(opened?.sidecarProblem).toBe(
      'net.weights.bin is not the weights file written with it (its checksum differs)',
    );
    // A missing file is not a mismatch: nothing to say beyond "not found", which the renderer says.
    await fs.rm(path.join(dir, 'net.weights.bin'));
    expect((await handlers.openProject(target))?.sidecarProblem).toBeUndefined();
  });

  it('refuses a sidecar name with folders in it and writes nothing', async () => {
    const target = path.join(dir, 'net.netcanvas.json');
    const handlers = handlersFor({ save: [target] });
    await expect(
      handlers.saveProject({
        text: trainedProjectText(),
        suggestedName: 'net.netcanvas.json',
        sidecar: { name: '../x.bin', data: bytes(1) },
      }),
    ).rejects.toThrow(PayloadError);
    await expect(
      handlers.saveProject({
        text: trainedProjectText(),
        suggestedName: 'net.netcanvas.json',
        sidecar: { name: '../x.bin', data: bytes(1) },
      }),
    ).rejects.toThrow(/sidecar\.name: must be a plain file name/);
    expect(await fs.readdir(dir)).toEqual([]);
    expect(await fs.readdir(path.dirname(dir))).not.toContain('x.bin');
  });

  it('does not read a weights file outside the project folder that a project names', async () => {
    const inner = path.join(dir, 'inner');
    await fs.mkdir(inner);
    await fs.writeFile(path.join(dir, 'secret.bin'), 'secret');
    const target = path.join(inner, 'net.netcanvas.json');
    await fs.writeFile(target, trainedProjectText('../secret.bin'));
    const opened = await handlersFor({ open: [[target]] }).openProject();
    expect(opened?.name).toBe('net.netcanvas.json');
    expect(opened?.sidecar).toBeUndefined();
  });

  it('refuses weights for a project that does not name them, and leaves no file behind', async () => {
    const target = path.join(dir, 'net.netcanvas.json');
    const b = new GraphBuilder();
    b.layer('Dense', { units: 3 }, b.input([4]));
    const plain = serializeProjectFile(createProject(b.build(), 'net'));
    const result = await handlersFor({ save: [target] }).saveProject({
      text: plain,
      suggestedName: 'net.netcanvas.json',
      sidecar: { name: 'net.weights.bin', data: bytes(1) },
    });
    expect(result).toEqual({
      status: 'failed',
      error: 'Refused request: weights sent without training.weights in the project.',
    });
    expect(await fs.readdir(dir)).toEqual([]);
  });
});
