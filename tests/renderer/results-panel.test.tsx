// @vitest-environment jsdom
/**
 * The Train view's results: a mistake's caption reads "true 9 · predicted 4"
 * with nothing struck through, and each prediction shows its most probable
 * classes as bars, the true class marked.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Dataset } from '../../core/data/dataset';
import { DIGIT_CLASS_NAMES } from '../../core/data/idx';
import { ResultsPanel } from '../../renderer/training/view/ResultsPanel';
import { render, type Mounted } from './render';

let mounted: Mounted | undefined;
afterEach(() => mounted?.unmount());

const split = { images: new Uint8Array(2 * 4), labels: new Int32Array([9, 3]), count: 2 };
const digits: Dataset = {
  name: 'digits',
  inputShape: [2, 2, 1],
  classNames: [...DIGIT_CLASS_NAMES],
  train: split,
  test: split,
};
const probabilities = (top: Record<number, number>) => Array.from({ length: 10 }, (_, i) => top[i] ?? 0);

describe('ResultsPanel predictions', () => {
  it('captions a mistake "true 9 · predicted 4" without striking anything, and shows probability bars', () => {
    mounted = render(
      <ResultsPanel
        evaluation={{
          loss: 0.5,
          accuracy: 0.5,
          confusion: Array.from({ length: 10 }, () => Array(10).fill(0)),
          perClassAccuracy: Array(10).fill(null),
          predictions: [
            { index: 0, label: 9, predicted: 4, probabilities: probabilities({ 4: 0.6, 9: 0.3, 7: 0.1 }) },
            { index: 1, label: 3, predicted: 3, probabilities: probabilities({ 3: 0.9, 8: 0.1 }) },
          ],
          count: 2,
        }}
        status="completed"
        dataset={digits}
        filters={null}
        featureMaps={null}
        layers={[]}
        onFeatureMaps={() => undefined}
      />,
    );
    const [wrong] = mounted.allByTestId('prediction-wrong');
    expect(wrong.querySelector('figcaption')?.textContent).toBe('true 9 · predicted 4');
    expect(wrong.querySelector('s')).toBeNull();
    const bars = [...wrong.querySelectorAll('[data-testid=probability-bars] li')];
    expect(bars.map((li) => li.textContent)).toEqual(['4', '9', '7']);
    expect(bars.map((li) => (li as HTMLElement).querySelector<HTMLElement>('.nc-prob-bar')!.style.width)).toEqual([
      '60%',
      '30%',
      '10%',
    ]);
    expect(bars.map((li) => li.className)).toEqual(['', 'nc-prob-true', '']);
    const [right] = mounted.allByTestId('prediction-right');
    expect(right.querySelector('figcaption')?.textContent).toBe('3');
  });
});
