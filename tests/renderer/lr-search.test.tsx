// @vitest-environment jsdom
/**
 * The learning-rate search in the Train view, with the worker's side played
 * by the test: Search sends the trials' settings to the worker, each trial it
 * reports becomes a point on the log-axis plot with its figures in a tooltip,
 * the best is ringed and one click makes it the learning-rate setting; Cancel
 * stops the worker's search. (The real worker runs it in tests/e2e/training.)
 */
import { act } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Trial } from '../../core/train/lr-search';
import { getTemplate } from '../../templates/index';
import { EditorProvider } from '../../renderer/state/EditorContext';
import { EditorStore } from '../../renderer/state/editor-store';
import { readTrainingConfig } from '../../renderer/state/project-training';
import {
  FREQUENT_UPDATE_MS,
  TrainingController,
  type WorkerPort,
} from '../../renderer/training/run/training-controller';
import {
  NO_SEARCH,
  reduceSearch,
  searchFraction,
  searchProgressText,
  startingSearch,
} from '../../renderer/training/run/search-state';
import { defaultTrialEpochs, logExtent } from '../../renderer/training/view/LrSearchPanel';
import { TrainView } from '../../renderer/training/view/TrainView';
import { webBridge } from '../../renderer/web-bridge';
import type { FromWorker, ToWorker } from '../../renderer/training/worker/worker-protocol';
import { render, typeInto, type Mounted } from './render';

let mounted: Mounted | undefined;
afterEach(() => mounted?.unmount());

/** A worker that records what it is sent; the test answers for it. */
function fakeWorker() {
  const sent: ToWorker[] = [];
  const port: WorkerPort = {
    postMessage: (message) => sent.push(message),
    onmessage: null,
    onerror: null,
    terminate: () => undefined,
  };
  const reply = async (message: FromWorker) =>
    act(async () => port.onmessage?.({ data: message } as MessageEvent<FromWorker>));
  return { port, sent, reply };
}

const trial = (index: number, learningRate: number, valAccuracy: number, round: 1 | 2 = 1): Trial => ({
  index,
  round,
  learningRate,
  valAccuracy,
  valLoss: 1 - valAccuracy,
  diverged: false,
  seconds: 1,
});

const click = async (element: HTMLElement | null) => {
  if (!element) throw new Error('no such element');
  await act(async () => element.click());
};

describe('the learning-rate search in the Train view', () => {
  it('runs the trials in the worker, plots each on a log axis, and applies the best in one click', async () => {
    const worker = fakeWorker();
    const controller = new TrainingController(
      () => worker.port,
      'http://localhost/',
      () => ({}),
    );
    const store = new EditorStore(getTemplate('mlp').build({ input: [2], classes: 2 }));
    mounted = render(
      <EditorProvider store={store} bridge={webBridge}>
        <TrainView controller={controller} onClose={() => undefined} />
      </EditorProvider>,
    );
    expect((mounted.byTestId('lr-search-start') as HTMLButtonElement).disabled).toBe(true);
    await click(mounted.byTestId('dataset-toy-ring'));
    // A trial is a third of the run by default: 10 of the ring's 30 epochs; the user can say otherwise.
    expect((mounted.byTestId('lr-search-epochs') as HTMLInputElement).value).toBe('10');
    typeInto(mounted.byTestId('lr-search-epochs'), '4');
    await click(mounted.byTestId('lr-search-start'));

    // The worker gets the run's settings with the trial's epochs, and the search's count and range.
    expect(worker.sent).toHaveLength(1);
    const request = worker.sent[0];
    if (request.type !== 'search') throw new Error(`expected a search, got ${request.type}`);
    expect([request.trials, request.settings.epochs, request.range]).toEqual([6, 4, { low: 0.0001, high: 0.3 }]);
    // The points' defaults otherwise (the ring was chosen), and the seeded validation share of 1,800 samples.
    expect([request.settings.optimizer, request.settings.schedule.kind, request.settings.seed]).toEqual([
      'adam',
      'cosine',
      1,
    ]);
    expect([request.dataset.train.count, request.dataset.validation?.count]).toEqual([1800, 200]);
    // A run cannot start while the search has the worker.
    expect(mounted.byTestId('train-start')).toBeNull();

    await worker.reply({ type: 'backend', backend: 'wasm', requested: 'webgl', passedOver: [] });
    await worker.reply({ type: 'search-progress', trial: 0, learningRate: 0.00031, epoch: 1, epochs: 4 });
    // Progress reaches the view at most four times a second.
    await act(() => new Promise((resolve) => setTimeout(resolve, FREQUENT_UPDATE_MS + 50)));
    expect(mounted.byTestId('lr-search-progress-text')?.textContent).toBe('Trial 1/6 · lr 0.00031 · epoch 2/4');
    expect(Number(mounted.byTestId('lr-search-progress')?.getAttribute('value'))).toBeCloseTo(0.5 / 6, 5);
    const trials = [
      trial(0, 0.00031, 0.55),
      trial(1, 0.0042, 0.88),
      trial(2, 0.021, 0.955),
      trial(3, 0.19, 0.9),
      trial(4, 0.012, 0.93, 2),
      { ...trial(5, 2.5, NaN, 2), valLoss: NaN, diverged: true },
    ];
    for (const t of trials) await worker.reply({ type: 'search-trial', trial: t });
    await worker.reply({ type: 'search-done', status: 'completed', best: trials[2], ranges: [] });

    const points = mounted.allByTestId('lr-search-point');
    expect(points).toHaveLength(6);
    expect(points.map((p) => p.getAttribute('data-rate'))).toEqual([
      '0.00031',
      '0.0042',
      '0.021',
      '0.19',
      '0.012',
      '2.5',
    ]);
    // A log axis: 0.0042 and 0.021 are as far apart as 0.021 and 0.105 would be, so x grows with log(rate).
    const xs = points.slice(0, 5).map((p) => Number(p.getAttribute('cx')));
    const logs = [0.00031, 0.0042, 0.021, 0.19, 0.012].map(Math.log10);
    const slope = (xs[1] - xs[0]) / (logs[1] - logs[0]);
    for (let i = 2; i < 5; i++) expect(xs[i] - xs[0]).toBeCloseTo(slope * (logs[i] - logs[0]), 6);
    const best = points.filter((p) => p.getAttribute('data-best') === 'true');
    expect(best.map((p) => p.getAttribute('data-rate'))).toEqual(['0.021']);
    expect(best[0].querySelector('title')?.textContent).toBe(
      'Trial 3 (round 1): learning rate 0.021, validation accuracy 95.5%, loss 0.0450 — the best',
    );
    expect(points[5].querySelector('title')?.textContent).toContain('diverged');
    expect(mounted.byTestId('lr-search-progress-text')?.textContent).toBe('Done: 6 of 6 trials.');

    const apply = mounted.byTestId('lr-search-apply');
    expect(apply?.textContent).toBe('Use 0.021');
    await click(apply);
    expect(readTrainingConfig(store.getState().training).config.settings.learningRate).toBe(0.021);
    expect((mounted.byTestId('train-lr') as HTMLInputElement).value).toBe('0.021');
    expect((mounted.byTestId('lr-search-apply') as HTMLButtonElement).disabled).toBe(true);
    expect(mounted.byTestId('train-start')).not.toBeNull();
  });

  it('cancels a search: the worker is told to stop and the trials so far stay on the plot', async () => {
    const worker = fakeWorker();
    const controller = new TrainingController(
      () => worker.port,
      'http://localhost/',
      () => ({}),
    );
    mounted = render(
      <EditorProvider store={new EditorStore(getTemplate('mlp').build({ input: [2], classes: 2 }))} bridge={webBridge}>
        <TrainView controller={controller} onClose={() => undefined} />
      </EditorProvider>,
    );
    await click(mounted.byTestId('dataset-toy-ring'));
    await click(mounted.byTestId('lr-search-start'));
    await worker.reply({ type: 'search-trial', trial: trial(0, 0.001, 0.8) });
    await click(mounted.byTestId('lr-search-cancel'));
    expect(worker.sent.map((m) => m.type)).toEqual(['search', 'stop']);
    expect(mounted.byTestId('lr-search-progress-text')?.textContent).toMatch(/cancelling…$/);
    await worker.reply({ type: 'search-done', status: 'cancelled', best: trial(0, 0.001, 0.8), ranges: [] });
    expect(mounted.byTestId('lr-search-progress-text')?.textContent).toBe('Cancelled after 1 of 6 trials.');
    expect(mounted.allByTestId('lr-search-point')).toHaveLength(1);
    expect(mounted.byTestId('lr-search-start')).not.toBeNull();
  });
});

describe('the search state', () => {
  it('counts progress by trials and epochs, keeps the best by validation accuracy, and fails on an error', () => {
    let state = startingSearch(3, 5, { low: 0.001, high: 0.1 });
    expect(searchFraction(state)).toBe(0);
    state = reduceSearch(state, { type: 'search-progress', trial: 0, learningRate: 0.002, epoch: 4, epochs: 5 });
    expect(searchFraction(state)).toBeCloseTo(1 / 3, 10);
    state = reduceSearch(state, { type: 'search-trial', trial: trial(0, 0.002, 0.7) });
    state = reduceSearch(state, { type: 'search-trial', trial: trial(1, 0.02, 0.9) });
    expect(state.best?.learningRate).toBe(0.02);
    expect(searchProgressText(state)).toBe('Trial 3/3');
    // A run's messages leave the search alone.
    expect(reduceSearch(state, { type: 'paused' })).toBe(state);
    state = reduceSearch(state, { type: 'error', kind: 'other', message: 'boom' });
    expect([state.phase, state.fault?.message, searchProgressText(state)]).toEqual([
      'failed',
      'boom',
      'The search stopped on an error.',
    ]);
    expect(searchProgressText(NO_SEARCH)).toBe('');
  });

  it('trains each trial a third of the run, at least one epoch', () => {
    expect([30, 5, 1, 2].map(defaultTrialEpochs)).toEqual([10, 2, 1, 1]);
  });

  it('spans whole decades on the plot, the range asked for and every rate tried', () => {
    expect(logExtent([], { low: 0.0001, high: 0.3 })).toEqual([-4, 0]);
    expect(logExtent([0.5, 2.5], { low: 0.001, high: 0.1 })).toEqual([-3, 1]);
    expect(logExtent([0.01], null)).toEqual([-2, -1]);
  });
});
