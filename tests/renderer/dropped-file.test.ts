/**
 * A file dropped on the window: a project opens, a Keras / tfjs model.json is
 * imported, and anything else is refused with the design left as it was.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createProject, serializeProjectFile } from '../../core/formats/project-file';
import { getTemplate } from '../../templates/index';
import { EditorStore } from '../../renderer/state/editor-store';
import { openDroppedFile, openProjectFile } from '../../renderer/state/file-commands';

const FIXTURE = new URL(
  '../../../shared/fixtures/keras-models/tfjs-layers0.8.3_lenet_sequential_listconfig__tensorspace-team_tensorspace__docs_tfjs_rawModel_mnist.json',
  import.meta.url,
);

describe('a file dropped on the window', () => {
  it('opens a NetCanvas project as the saved design', async () => {
    const store = new EditorStore();
    const graph = getTemplate('lenet5').build();
    await openDroppedFile(store, { name: 'lenet.netcanvas.json', text: serializeProjectFile(createProject(graph)) });
    expect(store.getState().graph).toEqual(graph);
    expect(store.getState().fileName).toBe('lenet.netcanvas.json');
  });

  it('imports a model.json', async () => {
    const store = new EditorStore();
    await openDroppedFile(store, { name: 'mnist.json', text: readFileSync(FIXTURE, 'utf8') });
    expect(store.getState().graph.nodes.length).toBeGreaterThan(5);
    expect(store.getState().notice?.text).toMatch(/^Imported mnist\.json/);
  });

  it('refuses a file that is not JSON, or JSON that is neither, and keeps the design', async () => {
    const graph = getTemplate('mlp').build();
    const store = new EditorStore(graph);
    await openDroppedFile(store, { name: 'photo.png', text: '\u0089PNG...' });
    expect(store.getState().notice).toMatchObject({
      kind: 'error',
      text: 'Could not open photo.png: it is not JSON. Your design is unchanged.',
    });
    await openDroppedFile(store, { name: 'notes.json', text: '{"hello": 1}' });
    expect(store.getState().notice?.kind).toBe('error');
    expect(store.getState().notice?.text).toMatch(/^Could not import notes\.json: /);
    expect(store.getState().graph).toBe(graph);
  });

  it('Open takes what a drop takes: a model.json is imported, weights alone are refused with the reason', async () => {
    const graph = getTemplate('mlp').build();
    const store = new EditorStore(graph);
    await openProjectFile(store, { name: 'weights_manifest.json', text: '[{"paths": ["w.bin"], "weights": []}]' });
    expect(store.getState().notice?.text).toBe(
      'Could not open weights_manifest.json: a weights-only file: no model in it. It lists weights (weightsManifest) ' +
        'but not the layers they belong to; import the model.json that Keras or TensorFlow.js saved with its topology. ' +
        'Your design is unchanged.',
    );
    expect(store.getState().graph).toBe(graph);
    await openProjectFile(store, { name: 'mnist.json', text: `\uFEFF${readFileSync(FIXTURE, 'utf8')}` });
    expect(store.getState().notice?.text).toMatch(/^Imported mnist\.json/);
    expect(store.getState().graph.nodes.length).toBeGreaterThan(5);
  });
});
