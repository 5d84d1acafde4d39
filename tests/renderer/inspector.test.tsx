// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import type { NetCanvasBridge } from '../../electron/contract';
import { addNode, connect, emptyGraph, type Graph } from '../../core/graph/graph';
import type { ParamSpecs } from '../../core/layers/layer-spec';
import { checkParamValue, paramLabel } from '../../core/layers/params';
import { layerSpecs } from '../../core/layers/registry';
import { Inspector } from '../../renderer/inspector/Inspector';
import { EditorProvider } from '../../renderer/state/EditorContext';
import { EditorStore } from '../../renderer/state/editor-store';
import { webBridge } from '../../renderer/web-bridge';
import { inAct, render, typeInto, type Mounted } from './render';

let mounted: Mounted | undefined;
afterEach(() => mounted?.unmount());

const bridge: NetCanvasBridge = webBridge;

/** A 32×32×1 input feeding one layer of `type`. */
function withLayer(type: string, params: Record<string, unknown> = {}): { graph: Graph; id: string } {
  const input = addNode(emptyGraph(), 'InputLayer', { params: { shape: [32, 32, 1] } });
  const layer = addNode(input.graph, type, { params });
  return { graph: connect(layer.graph, input.id, layer.id, 0), id: layer.id };
}

function mount(graph: Graph, selected: string): EditorStore {
  const store = new EditorStore(graph);
  store.select([selected]);
  mounted = render(
    <EditorProvider store={store} bridge={bridge}>
      <Inspector />
    </EditorProvider>,
  );
  return store;
}

describe('the inspector', () => {
  it.each(layerSpecs.map((s) => [s.type, s] as const))('shows one labelled field per parameter of %s', (type, spec) => {
    const { graph, id } = withLayer(type);
    mount(graph, id);
    const fields = mounted!.allByTestId('param-').filter((el) => !el.dataset.testid?.startsWith('param-error-'));
    const params = spec.params as ParamSpecs;
    expect(fields.map((f) => f.dataset.testid).sort()).toEqual(
      Object.keys(params)
        .map((p) => `param-${p}`)
        .sort(),
    );
    for (const [name, paramSpec] of Object.entries(params)) {
      const field = mounted!.byTestId(`param-${name}`) as HTMLInputElement | HTMLSelectElement;
      const label = mounted!.container.querySelector(`label[for="${field.id}"]`) ?? field.closest('label');
      expect(label?.textContent).toContain(paramLabel(name, paramSpec));
      if (paramSpec.kind === 'enum')
        expect([...(field as HTMLSelectElement).options].map((o) => o.value)).toEqual(paramSpec.options);
      if (paramSpec.kind === 'bool') expect((field as HTMLInputElement).type).toBe('checkbox');
    }
  });

  it('applies a valid value at once and shows the new output shape', () => {
    const { graph, id } = withLayer('Conv2D', { filters: 6, kernelSize: [5, 5] });
    const store = mount(graph, id);
    expect(mounted!.byTestId('inspector-output-shape')?.textContent).toBe('28×28×6');
    typeInto(mounted!.byTestId('param-kernelSize'), '3x3');
    expect(store.getState().graph.nodes[1].params.kernelSize).toEqual([3, 3]);
    expect(mounted!.byTestId('inspector-output-shape')?.textContent).toBe('30×30×6');
    expect(mounted!.byTestId('explain')?.textContent).toContain('(32 − 3 + 2·0) / 1 + 1 = 30');
  });

  it("explains a rejected value with core's message and leaves the design unchanged", () => {
    const { graph, id } = withLayer('Conv2D', { filters: 6 });
    const store = mount(graph, id);
    typeInto(mounted!.byTestId('param-filters'), '0');
    const error = mounted!.byTestId('param-error-filters');
    expect(error?.textContent).toContain(checkParamValue({ kind: 'int', min: 1, default: 32 }, 0));
    expect(mounted!.byTestId('param-filters')?.getAttribute('aria-invalid')).toBe('true');
    expect(store.getState().graph).toBe(graph);

    typeInto(mounted!.byTestId('param-filters'), 'six');
    expect(mounted!.byTestId('param-error-filters')?.textContent).toMatch(/must be a number, got "six"/);
    typeInto(mounted!.byTestId('param-kernelSize'), '3×3×3');
    expect(mounted!.byTestId('param-error-kernelSize')?.textContent).toMatch(/one or two whole numbers/);
    expect(store.getState().graph).toBe(graph);

    typeInto(mounted!.byTestId('param-filters'), '16');
    expect(mounted!.byTestId('param-error-filters')).toBeNull();
    expect(store.getState().graph.nodes[1].params.filters).toBe(16);
  });

  it('makes typing into one field a single undo step, and shows the undone value', () => {
    const { graph, id } = withLayer('Dense');
    const store = mount(graph, id);
    typeInto(mounted!.byTestId('param-units'), '1');
    typeInto(mounted!.byTestId('param-units'), '12');
    typeInto(mounted!.byTestId('param-units'), '128');
    expect(store.getState().past).toHaveLength(1);
    inAct(() => store.undo());
    expect((mounted!.byTestId('param-units') as HTMLInputElement).value).toBe('10');
  });

  it('opens with the workings: output size, the weight count worked out, and the receptive field', () => {
    const { graph, id } = withLayer('Conv2D', { filters: 6, kernelSize: [5, 5] });
    mount(graph, id);
    const workings = mounted!.container.querySelector('.nc-workings') as HTMLElement;
    // At the top of the inspector, before the description and the fields.
    expect(workings.parentElement?.firstElementChild).toBe(workings);
    expect(mounted!.byTestId('explain')?.textContent).toContain('(32 − 5 + 2·0) / 1 + 1 = 28');
    expect(mounted!.byTestId('explain-params')?.textContent).toContain('(5·5·1 + 1)·6 = 156');
    expect(mounted!.byTestId('receptive-field')?.textContent).toContain('5×5 pixels of the input');
  });

  it('offers every fix of a window that does not fit, each with the size it gives', () => {
    const { graph, id } = withLayer('Conv2D', { kernelSize: [3, 3], strides: [2, 2] });
    mount(graph, id);
    const labels = [mounted!.byTestId('fix'), ...mounted!.allByTestId('fix-alternative')].map((b) => b?.textContent);
    expect(labels).toEqual(['Pad to fit (padding "same") → 16×16', 'Stride 1 → 30×30', 'Kernel 4×4 → 15×15']);
  });

  it("lists the selected layer's problems with their fixes", () => {
    // Dense straight after a 4-D input: wrong rank, fixed by a Flatten.
    const { graph, id } = withLayer('Dense');
    const store = mount(graph, id);
    const problem = mounted!.byTestId('inspector-diagnostic');
    expect(problem?.textContent).toMatch(/expects a 2-D input/);
    const fixButton = problem?.querySelector<HTMLButtonElement>('[data-testid="fix"]');
    expect(fixButton?.textContent).toBe('Insert a Flatten before it');
    inAct(() => fixButton?.click());
    expect(store.getState().graph.nodes.map((n) => n.type)).toEqual(['InputLayer', 'Dense', 'Flatten']);
    expect(mounted!.byTestId('inspector-diagnostic')).toBeNull();
    expect(mounted!.byTestId('inspector-output-shape')?.textContent).toBe('10');
  });
});
