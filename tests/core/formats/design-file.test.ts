/**
 * The one reader that tells what a file is: data-driven over the corpus of
 * real model files in shared/fixtures (as Netron tests its formats), plus
 * small hand-written files for each kind and each refusal, with the exact
 * message a user reads.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors';
import { identifyFile, openDesignFile, type DesignKind } from '../../../core/formats/design-file';
import { UnsupportedLayersError } from '../../../core/formats/keras-import';
import { createProject, serializeProjectFile } from '../../../core/formats/project-file';
import { GraphBuilder } from '../../../core/graph/builder';
import { summarize } from '../../../core/graph/summary';

const CORPUS = new URL('../../../../shared/fixtures/keras-models/', import.meta.url);

interface CorpusEntry {
  file: string;
  /** The file's own `format` field: absent (null) in files older than tfjs 1.x. */
  format: 'layers-model' | 'graph-model' | null;
  weightsManifest_param_sum: number | null;
  layer_classes: Record<string, number> | null;
}
const corpus = JSON.parse(readFileSync(new URL('INDEX.json', CORPUS), 'utf8')) as CorpusEntry[];
const read = (file: string) => readFileSync(new URL(file, CORPUS), 'utf8');

/** The `ValidationError` that opening `text` throws. */
function refusal(text: string, accept?: DesignKind[]): ValidationError {
  try {
    openDesignFile(text, { accept });
  } catch (e) {
    if (e instanceof ValidationError) return e;
    throw e;
  }
  throw new Error('expected the file to be refused');
}

function trainedProject(): string {
  const b = new GraphBuilder();
  b.layer('Dense', { units: 3 }, b.input([4]));
  return serializeProjectFile(createProject(b.build(), 'net', { weights: { file: 'net.weights.bin' } }));
}

describe('identifyFile and openDesignFile over real model files', () => {
  it('knows the corpus', () => expect(corpus.length).toBeGreaterThanOrEqual(15));

  it.each(corpus.map((entry) => [entry.file, entry] as const))('%s', (file, entry) => {
    const text = read(file);
    const identified = identifyFile(text);
    expect(identified.kind).toBe(entry.format ?? 'layers-model');
    if (entry.format === 'graph-model') {
      expect(refusal(text).message).toMatch(/^This file is a TensorFlow\.js graph model .*not a Layers model/);
      return;
    }
    if (Object.keys(entry.layer_classes ?? {}).includes('GRU')) {
      expect(() => openDesignFile(identified)).toThrow(UnsupportedLayersError);
      return;
    }
    const design = openDesignFile(identified, { accept: ['layers-model'] });
    // What the file's own weightsManifest lists is what the imported design holds.
    expect(design.manifestParams).toBe(entry.weightsManifest_param_sum);
    expect(summarize(design.graph).totals.params).toBe(entry.weightsManifest_param_sum);
  });
});

describe('identifyFile', () => {
  it('tells a project, and names the trained weights it keeps beside itself', () => {
    expect(identifyFile(trainedProject())).toMatchObject({ kind: 'project', companions: ['net.weights.bin'] });
  });

  it("names a model's weight shards", () => {
    const model = {
      modelTopology: { class_name: 'Sequential' },
      weightsManifest: [{ paths: ['a.bin', 'b.bin'], weights: [] }],
    };
    expect(identifyFile(JSON.stringify(model))).toMatchObject({ kind: 'layers-model', companions: ['a.bin', 'b.bin'] });
  });

  it.each([
    ['a bare Keras topology', { class_name: 'Sequential', config: [] }, 'layers-model'],
    ['a model_config', { model_config: { class_name: 'Model' } }, 'layers-model'],
    ['a tfjs graph model', { format: 'graph-model', modelTopology: { node: [] } }, 'graph-model'],
    ['a GraphDef topology', { modelTopology: { node: [{ name: 'x', op: 'Placeholder' }] } }, 'graph-model'],
    ['a weights manifest', [{ paths: ['group1-shard1of1.bin'], weights: [] }], 'weights-manifest'],
    ['a model.json without its topology', { weightsManifest: [{ paths: ['w.bin'], weights: [] }] }, 'weights-manifest'],
    ['other JSON', { hello: 1 }, 'unknown'],
    ['a list', [1, 2, 3], 'unknown'],
  ])('tells %s', (_what, json, kind) => {
    expect(identifyFile(JSON.stringify(json)).kind).toBe(kind);
  });

  it('strips a UTF-8 byte-order mark, and refuses text that is not JSON', () => {
    expect(identifyFile(`\uFEFF${trainedProject()}`).kind).toBe('project');
    expect(() => identifyFile('\u0089PNG')).toThrow(/^not valid JSON: /);
  });
});

describe('openDesignFile', () => {
  it('opens a project as saved, with or without a byte-order mark', () => {
    const text = trainedProject();
    const design = openDesignFile(`\uFEFF${text}`, { accept: ['project'] });
    expect(design.project.name).toBe('net');
    expect(design).toEqual(openDesignFile(text));
  });

  it("refuses weights without a network in the importer's words, whichever way they come", () => {
    const words = /a weights-only file: no model in it\. .*import the model\.json that Keras or TensorFlow\.js saved/;
    expect(refusal(JSON.stringify([{ paths: ['w.bin'], weights: [] }])).message).toMatch(
      new RegExp(`^${words.source}`),
    );
    expect(refusal(JSON.stringify({ modelTopology: null, weightsManifest: [] })).path).toEqual(['modelTopology']);
  });

  it('refuses a design handed to the other door, naming the right one', () => {
    const model = read(corpus.find((e) => e.weightsManifest_param_sum === 61706)!.file);
    expect(refusal(trainedProject(), ['layers-model']).message).toBe(
      'This is a NetCanvas project, not a TensorFlow.js / Keras model: ' +
        'open it as a project (Open, or any netcanvas command that takes a design)',
    );
    expect(refusal(model, ['project']).message).toBe(
      'This is a TensorFlow.js / Keras model, not a NetCanvas project: ' +
        'import it (Import Model JSON, or netcanvas import)',
    );
  });

  it('refuses other JSON in the words of the reader the caller wanted', () => {
    const other = JSON.stringify({ hello: 1 });
    expect(refusal(other).message).toBe(
      'At format: expected "netcanvas-project", got undefined; this is not a NetCanvas project',
    );
    expect(refusal(other, ['layers-model'])).toMatchObject({ path: ['class_name'] });
  });
});
