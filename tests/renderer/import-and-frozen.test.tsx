// @vitest-environment jsdom
/**
 * The app's side of the import fixes: a model.json without a fixed input
 * size asks for one (prefilled with the model's usual size) and imports at
 * it; frozen layers show on their boxes and can be unfrozen in the inspector.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NetCanvasBridge, OpenedFile } from '../../electron/contract';
import { inferShapes } from '../../core/graph/infer';
import { summarize } from '../../core/graph/summary';
import { FlowCache, toFlow, type LayerFlowNode } from '../../renderer/canvas/flow-model';
import { InputSizeDialog, readInputSize } from '../../renderer/chrome/InputSizeDialog';
import { Inspector } from '../../renderer/inspector/Inspector';
import { EditorProvider } from '../../renderer/state/EditorContext';
import { EditorStore } from '../../renderer/state/editor-store';
import { importModelFile } from '../../renderer/state/file-commands';
import { webBridge } from '../../renderer/web-bridge';
import { inAct, render, typeInto, type Mounted } from './render';

// jsdom gives import.meta.url an http: scheme, so the folder comes from this file's own directory.
const FIXTURES = join(import.meta.dirname, '../fixtures/keras/');
const opened = (file: string): OpenedFile => ({ name: file, text: readFileSync(FIXTURES + file, 'utf8') });
const bridge: NetCanvasBridge = webBridge;

let mounted: Mounted | undefined;
afterEach(() => mounted?.unmount());

describe('importing a model whose input size is open', () => {
  it('holds the file and asks, with the usual size, leaving the design as it was', () => {
    const store = new EditorStore();
    const before = store.getState().graph;
    importModelFile(store, opened('keras2.13.1_unsized-input.json'));
    const { pendingImport, graph, notice } = store.getState();
    expect(graph).toBe(before);
    expect(notice).toBeNull();
    expect(pendingImport).toMatchObject({ declared: [null, null, 3], suggested: [224, 224, 3] });
    expect(pendingImport?.file.name).toBe('keras2.13.1_unsized-input.json');
  });

  it('the dialog is prefilled, refuses a size the file contradicts, and imports at the size given', () => {
    const store = new EditorStore();
    importModelFile(store, opened('keras2.13.1_unsized-input.json'));
    const pending = store.getState().pendingImport!;
    const onImport = vi.fn((size: number[]) => importModelFile(store, pending.file, size));
    mounted = render(<InputSizeDialog pending={pending} onImport={onImport} onCancel={() => {}} />);
    const field = mounted.byTestId('input-size') as HTMLInputElement;
    expect(field.value).toBe('224×224×3');
    typeInto(field, '160×160×1');
    inAct(() => mounted!.byTestId('input-size-import')!.click());
    expect(mounted.byTestId('input-size-error')?.textContent).toMatch(/fixes size 3 at 3 \(\?×\?×3\)/);
    expect(onImport).not.toHaveBeenCalled();
    typeInto(field, '160, 160, 3');
    inAct(() => mounted!.byTestId('input-size-import')!.click());
    expect(onImport).toHaveBeenCalledWith([160, 160, 3]);
    const { graph, pendingImport, notice } = store.getState();
    expect(pendingImport).toBeNull();
    const report = inferShapes(graph);
    expect(report.diagnostics).toEqual([]);
    expect(report.shapes.get(graph.nodes[1].id)).toEqual([null, 80, 80, 32]);
    expect(notice?.text).toMatch(/^Imported keras2\.13\.1_unsized-input\.json: 11 layers\.$/);
  });

  it.each([
    ['224', [null, null, 3], /has 3 dimensions \(\?×\?×3\); give 3 sizes/],
    ['a×b×3', [null, null, 3], /whole numbers ≥ 1/],
    ['0×5×3', [null, null, 3], /whole numbers ≥ 1/],
    ['96×128×3', [96, null, 3], [96, 128, 3]],
  ])('reads "%s" for an input declared %j', (text, declared, expected) => {
    const read = readInputSize(text, declared);
    if (expected instanceof RegExp) expect(read).toMatch(expected);
    else expect(read).toEqual(expected);
  });
});

describe('frozen layers in the editor', () => {
  it('an imported frozen base shows on its boxes, and the inspector unfreezes a layer', () => {
    const store = new EditorStore();
    importModelFile(store, opened('keras2.13.1_frozen-base.json'));
    const { graph } = store.getState();
    const report = inferShapes(graph);
    const flow = toFlow(
      {
        graph,
        report,
        summary: summarize(graph, report),
        selectedNodes: new Set(),
        selectedEdges: new Set(),
        measured: new Map(),
      },
      new FlowCache(),
    );
    const frozenBoxes = flow.nodes
      .filter((n): n is LayerFlowNode => n.type === 'layer' && (n as LayerFlowNode).data.frozen)
      .map((n) => n.data.name);
    expect(frozenBoxes).toHaveLength(8);
    expect(frozenBoxes).toContain('Conv1');
    expect(store.getState().notice?.text).toMatch(/8 layers frozen \(trainable: false\): kept frozen/);

    const conv = graph.nodes.find((n) => n.name === 'Conv1')!;
    store.select([conv.id]);
    mounted = render(
      <EditorProvider store={store} bridge={bridge}>
        <Inspector />
      </EditorProvider>,
    );
    const box = mounted.byTestId('layer-frozen') as HTMLInputElement;
    expect(box.checked).toBe(true);
    expect(mounted.byTestId('inspector-params')?.textContent).toBe('864 (864 non-trainable)');
    inAct(() => box.click());
    expect(store.getState().graph.nodes.find((n) => n.id === conv.id)).not.toHaveProperty('trainable');
    expect(mounted.byTestId('inspector-params')?.textContent).toBe('864');
    inAct(() => store.undo());
    expect(store.getState().graph.nodes.find((n) => n.id === conv.id)?.trainable).toBe(false);
  });
});
