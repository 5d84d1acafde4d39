// @vitest-environment jsdom
/**
 * The Train view as a user meets it before a run: picking a dataset, reading
 * its split and classes, being told why Train is disabled and fixing the
 * design with one click, and typing settings that land in the project.
 */
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { getTemplate } from '../../templates/index';
import { EditorProvider } from '../../renderer/state/EditorContext';
import { EditorStore } from '../../renderer/state/editor-store';
import { webBridge } from '../../renderer/web-bridge';
import { readTrainingConfig } from '../../renderer/state/project-training';
import { TrainingController, type WorkerPort } from '../../renderer/training/run/training-controller';
import { TrainView } from '../../renderer/training/view/TrainView';
import { DATASET_CHOICES } from '../../renderer/state/project-training';
import { render, typeInto, type Mounted } from './render';

let mounted: Mounted | undefined;
afterEach(() => mounted?.unmount());

/** A controller that must not start a worker in these tests: nothing here presses Start on a valid design. */
function controller(): TrainingController {
  return new TrainingController(
    (): WorkerPort => {
      throw new Error('no worker in jsdom');
    },
    'http://localhost/',
    () => ({}),
  );
}

function mount(store: EditorStore, trainer = controller()) {
  mounted = render(
    <EditorProvider store={store} bridge={webBridge}>
      <TrainView controller={trainer} onClose={() => undefined} />
    </EditorProvider>,
  );
  return trainer;
}

const click = async (element: HTMLElement | null) => {
  if (!element) throw new Error('no such element');
  await act(async () => element.click());
};

describe('the Train view before a run', () => {
  it('offers every dataset by its test id and keeps Start disabled until one is loaded', () => {
    mount(new EditorStore(getTemplate('lenet5').build({ input: [28, 28, 1] })));
    for (const choice of DATASET_CHOICES)
      expect(mounted!.byTestId(`dataset-${choice.id}`)?.textContent).toBe(choice.label);
    const start = mounted!.byTestId('train-start') as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    expect(mounted!.byTestId('train-blocked')?.textContent).toContain('Choose a dataset.');
    expect([...(mounted!.byTestId('train-backend') as HTMLSelectElement).options].map((o) => o.value)).toEqual([
      '', // Best available: the first of the browser's order that can train
      'webgpu',
      'webgl',
      'wasm',
      'cpu',
    ]);
  });

  it('loads the ring, shows its split and classes, and fixes the design to fit it', async () => {
    const store = new EditorStore(getTemplate('mlp').build({ input: [2], classes: 10 }));
    mount(store);
    await click(mounted!.byTestId('dataset-toy-ring'));
    expect(mounted!.byTestId('dataset-facts')?.textContent).toContain('toy:ring: samples 2, 2 classes');
    expect(mounted!.byTestId('dataset-split')?.textContent).toBe('1,800 train · 200 validation · 1,000 test');
    expect(mounted!.container.querySelector('.nc-class-counts')?.textContent).toMatch(
      /off the ring1,000on the ring1,000/,
    );
    expect(mounted!.byTestId('train-blocked')?.textContent).toContain(
      "The network's output is 10 but the data has 2 classes.",
    );
    expect((mounted!.byTestId('train-start') as HTMLButtonElement).disabled).toBe(true);
    // The solver's proposal, with the shape it changes and the weights it leaves.
    const fix = mounted!.byTestId('train-fix');
    expect(fix?.textContent).toBe('Fit the design to the data');
    expect(mounted!.byTestId('train-fit-proposals')?.textContent).toMatch(/scores \(Dense\)10→2/);
    expect(mounted!.byTestId('train-fit-weights')?.textContent).toBe('1,674 weights → 642 weights');
    await click(fix);
    expect(mounted!.byTestId('train-blocked')).toBeNull();
    expect((mounted!.byTestId('train-start') as HTMLButtonElement).disabled).toBe(false);
    // The fix is a design edit: undo brings the mismatch back.
    await act(async () => store.undo());
    expect(mounted!.byTestId('train-blocked')?.textContent).toContain('but the data has 2 classes');
    // The choice is saved with the project.
    expect(readTrainingConfig(store.getState().training).config.data.dataset).toBe('toy-ring');
  });

  it('fits the linear classifier to the ring in one undoable click: Input, Flatten and output together', async () => {
    const store = new EditorStore(getTemplate('linear').build());
    mount(store);
    await click(mounted!.byTestId('dataset-toy-ring'));
    expect(mounted!.byTestId('train-blocked')?.textContent).toContain(
      "The network's input is 28×28×1 but the samples are 2.",
    );
    const preview = mounted!.byTestId('train-fit-proposals')?.textContent;
    expect(preview).toMatch(/input \(InputLayer\)28×28×1→2/);
    expect(preview).toMatch(/flatten \(Flatten\)784→removed/);
    expect(preview).toMatch(/scores \(Dense\)10→2/);
    expect(mounted!.byTestId('train-fit-weights')?.textContent).toBe('7,850 weights → 6 weights');
    expect(mounted!.byTestId('train-fix-alternative')).toBeNull();
    await click(mounted!.byTestId('train-fix'));
    expect(mounted!.byTestId('train-blocked')).toBeNull();
    expect((mounted!.byTestId('train-start') as HTMLButtonElement).disabled).toBe(false);
    expect(store.getState().graph.nodes.map((n) => n.type)).toEqual(['InputLayer', 'Dense']);
    // One undo step takes the whole proposal back.
    await act(async () => store.undo());
    expect(store.getState().graph.nodes.map((n) => n.type)).toEqual(['InputLayer', 'Flatten', 'Dense']);
  });

  it('says why a convolutional design cannot take 2-D points, and offers no fix', async () => {
    mount(new EditorStore(getTemplate('lenet5').build()));
    await click(mounted!.byTestId('dataset-toy-ring'));
    expect(mounted!.byTestId('train-fit-impossible')?.textContent).toMatch(
      /^This design cannot take toy:ring's 2 samples: .*Conv2D "c1"/,
    );
    expect(mounted!.byTestId('train-fix')).toBeNull();
    expect((mounted!.byTestId('train-start') as HTMLButtonElement).disabled).toBe(true);
  });

  it("offers a design error's own fix when the design is blocked by it", async () => {
    // The trap the issue found: Input set to 2 by hand leaves a Flatten with nothing to unroll.
    const graph = getTemplate('linear').build();
    const input = graph.nodes.find((n) => n.type === 'InputLayer')!;
    const store = new EditorStore({
      ...graph,
      nodes: graph.nodes.map((n) => (n === input ? { ...n, params: { ...n.params, shape: [2] } } : n)),
    });
    mount(store);
    await click(mounted!.byTestId('dataset-toy-ring'));
    expect(mounted!.byTestId('train-blocked')?.textContent).toMatch(/^The design has errors: Flatten "flatten"/);
    await click(mounted!.byTestId('train-design-fix'));
    // Then the output is the only mismatch left, and the solver fits it.
    await click(mounted!.byTestId('train-fix'));
    expect(mounted!.byTestId('train-blocked')).toBeNull();
  });

  it('opens with the toy set the project was saved with', async () => {
    const store = new EditorStore(getTemplate('mlp').build({ input: [2], classes: 2 }));
    store.setTraining({ settings: { epochs: 40 }, data: { dataset: 'toy-quadrants', limit: null } });
    await act(async () => {
      mount(store);
    });
    expect(mounted!.byTestId('dataset-toy-quadrants')?.getAttribute('aria-checked')).toBe('true');
    expect(mounted!.byTestId('dataset-facts')?.textContent).toContain('toy:quadrants');
    expect((mounted!.byTestId('train-epochs') as HTMLInputElement).value).toBe('40');
    expect((mounted!.byTestId('train-start') as HTMLButtonElement).disabled).toBe(false);
  });

  it('saves typed settings into the project and refuses values core would refuse', async () => {
    const store = new EditorStore(getTemplate('lenet5').build({ input: [28, 28, 1] }));
    mount(store);
    typeInto(mounted!.byTestId('train-epochs'), '3');
    typeInto(mounted!.byTestId('train-lr'), '0.01');
    typeInto(mounted!.byTestId('train-limit'), '2000');
    const saved = readTrainingConfig(store.getState().training).config;
    expect([saved.settings.epochs, saved.settings.learningRate, saved.data.limit]).toEqual([3, 0.01, 2000]);
    typeInto(mounted!.byTestId('train-batch'), '0');
    expect(mounted!.byTestId('train-batch')?.getAttribute('aria-invalid')).toBe('true');
    expect(mounted!.container.textContent).toContain('A whole number from 1 to 65536');
    expect(readTrainingConfig(store.getState().training).config.settings.batchSize).toBe(32);
    typeInto(mounted!.byTestId('train-lr'), '-1');
    expect(readTrainingConfig(store.getState().training).config.settings.learningRate).toBe(0.01);
  });

  it('estimates memory at the batch size and applies the batch that fits', async () => {
    const store = new EditorStore(getTemplate('resnet18').build());
    mount(store);
    typeInto(mounted!.byTestId('train-batch'), '128');
    expect(mounted!.byTestId('train-memory')?.textContent).toMatch(/at batch size 128.*a batch of (\d+) fits/);
    const suggested = Number(/a batch of (\d+) fits/.exec(mounted!.byTestId('train-memory')?.textContent ?? '')?.[1]);
    await click(mounted!.byTestId('train-memory-fix'));
    expect(readTrainingConfig(store.getState().training).config.settings.batchSize).toBe(suggested);
    expect(mounted!.byTestId('train-memory-fix')).toBeNull();
  });

  it('disables Train with the first error of an invalid design', () => {
    const graph = getTemplate('lenet5').build();
    const c1 = graph.nodes.find((n) => n.name === 'c1')!;
    const broken = {
      ...graph,
      nodes: graph.nodes.map((n) => (n === c1 ? { ...n, params: { ...n.params, kernelSize: [40, 40] } } : n)),
    };
    mount(new EditorStore(broken));
    expect(mounted!.byTestId('train-blocked')?.textContent).toMatch(/^The design has errors: Conv2D "c1": /);
    expect((mounted!.byTestId('train-start') as HTMLButtonElement).disabled).toBe(true);
  });
});
