/**
 * Every real model file in ../shared/fixtures/keras-models imports with the
 * parameter total its README lists (the sum over its own weightsManifest),
 * or is refused with the message the README asks for.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors';
import { importLayersModel, UnsupportedLayersError } from '../../../core/formats/keras-import';
import { summarize } from '../../../core/graph/summary';

const dir = fileURLToPath(new URL('../../../../shared/fixtures/keras-models/', import.meta.url));
const readJson = (file: string): unknown => JSON.parse(readFileSync(dir + file, 'utf8'));

/** The README's table: file → parameter total (null where the README has `None`). */
const readmeRows = readFileSync(dir + 'README.md', 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('| ') && line.includes('.json'))
  .map((line) => {
    const cells = line.split('|').map((c) => c.trim());
    const params = cells[cells.length - 2];
    return { file: cells[1], params: params === 'None' ? null : Number(params) };
  });

/** Files the README says must be refused, and how. */
const refused: Record<string, (error: unknown) => void> = {
  graphModel: (error) => {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/graph model/);
    expect((error as Error).message).toMatch(/not a Layers model/);
  },
  embeddingGru: (error) => {
    expect(error).toBeInstanceOf(UnsupportedLayersError);
    expect((error as UnsupportedLayersError).classes).toEqual(['Embedding', 'GRU']);
    expect((error as Error).message).toMatch(/not support: Embedding, GRU\./);
  },
};
const refusalOf = (file: string) =>
  file.startsWith('NEGATIVE_graph-model')
    ? refused.graphModel
    : file.includes('_embedding_gru_')
      ? refused.embeddingGru
      : undefined;

/** Names of the layers a file lists as its model's outputs, in order (top-level functional models only). */
function outputLayerNames(json: unknown): string[] | undefined {
  const topology = (json as { modelTopology: Record<string, unknown> }).modelTopology;
  const model = (topology.model_config ?? topology) as { config: { output_layers?: [string, number, number][] } };
  return model.config.output_layers?.map(([name]) => name);
}

describe('real model.json files', () => {
  it('the README lists every file in the folder', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'INDEX.json');
    expect(readmeRows.map((r) => r.file).sort()).toEqual(files.sort());
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  const importable = readmeRows.filter((r) => !refusalOf(r.file));
  it.each(importable)('$file imports with $params parameters', ({ file, params }) => {
    const json = readJson(file);
    const { graph, warnings } = importLayersModel(json);
    expect(warnings).toEqual([]);
    const summary = summarize(graph);
    expect(summary.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(summary.totals.params).toBe(params);

    // Layer names are kept, outputs keep the file's order, and the layout puts consumers below producers.
    const names = new Map(graph.nodes.map((n) => [n.id, n.name]));
    const outputs = outputLayerNames(json);
    if (outputs) expect(graph.outputs?.map((id) => names.get(id))).toEqual(outputs);
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    for (const e of graph.edges) expect(byId.get(e.target)!.position.y).toBeGreaterThan(byId.get(e.source)!.position.y);
  });

  const refusedRows = readmeRows.filter((r) => refusalOf(r.file));
  it.each(refusedRows)('$file is refused with a message that says why', ({ file }) => {
    let error: unknown;
    try {
      importLayersModel(readJson(file));
    } catch (e) {
      error = e;
    }
    refusalOf(file)!(error);
  });

  it('keeps the trainable / non-trainable split Keras reports for the batch-norm nets', () => {
    const resnet = summarize(
      importLayersModel(readJson(readmeRows.find((r) => r.file.includes('resnet50'))!.file)).graph,
    );
    expect([resnet.totals.trainableParams, resnet.totals.nonTrainableParams]).toEqual([25_583_592, 53_120]);
  });

  it('inlines nested models as groups named after them, nested groups inside their parent', () => {
    const tm = importLayersModel(readJson(readmeRows.find((r) => r.file.includes('teachablemachine'))!.file)).graph;
    const byLabel = new Map(tm.groups.map((g) => [g.label, g]));
    expect([...byLabel.keys()]).toEqual(['sequential_8', 'model3', 'sequential_10']);
    expect(byLabel.get('model3')!.parent).toBe(byLabel.get('sequential_8')!.id);
    expect(tm.nodes.find((n) => n.name === 'Conv1')!.group).toBe(byLabel.get('model3')!.id);
    // The outer model's only input is the nested MobileNet's InputLayer.
    expect(tm.nodes.filter((n) => n.type === 'InputLayer').map((n) => n.name)).toEqual(['input_1']);

    const k3 = importLayersModel(
      readJson(readmeRows.find((r) => r.file.includes('keras3.8.0_mobilenetv2'))!.file),
    ).graph;
    // Keras 3 gives the outer and the nested InputLayer the same name; the nested one is the outer tensor, not a second input.
    expect(k3.nodes.filter((n) => n.type === 'InputLayer').map((n) => n.name)).toEqual(['input_layer']);
    expect(k3.groups.map((g) => g.label)).toEqual(['mobilenetv2_1.00_224']);
  });
});
