// @vitest-environment jsdom
/**
 * The Train view's results: a mistake's caption reads "true 9 · predicted 4"
 * with nothing struck through, and each prediction shows its most probable
 * classes as bars, the true class marked; the output layer's "feature map"
 * is its class probabilities, as bars with the class names.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Dataset } from '../../core/data/dataset';
import type { EvaluationResult } from '../../core/train/evaluate';
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

/** A finished run's evaluation on the two test digits, with these predictions. */
const evaluation = (predictions: EvaluationResult['predictions']): EvaluationResult => ({
  loss: 0.5,
  accuracy: 0.5,
  confusion: Array.from({ length: 10 }, () => Array(10).fill(0)),
  perClassAccuracy: Array(10).fill(null),
  predictions,
  count: 2,
});

describe('ResultsPanel predictions', () => {
  it('captions a mistake "true 9 · predicted 4" without striking anything, and shows probability bars', () => {
    mounted = render(
      <ResultsPanel
        evaluation={evaluation([
          { index: 0, label: 9, predicted: 4, probabilities: probabilities({ 4: 0.6, 9: 0.3, 7: 0.1 }) },
          { index: 1, label: 3, predicted: 3, probabilities: probabilities({ 3: 0.9, 8: 0.1 }) },
        ])}
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

  it("shows the output layer's outputs as every class's probability, not as a strip of grey cells", () => {
    const panel = (layer: string) =>
      render(
        <ResultsPanel
          evaluation={evaluation([])}
          status="completed"
          dataset={digits}
          filters={null}
          featureMaps={{
            layer,
            sample: 0,
            height: 1,
            width: 1,
            channels: 10,
            values: new Float32Array(probabilities({ 9: 0.7, 4: 0.2, 7: 0.1 })),
            requestId: 1,
          }}
          layers={['f6', 'output']}
          outputLayer="output"
          onFeatureMaps={() => undefined}
        />,
      );
    mounted = panel('output');
    const bars = [...mounted.byTestId('feature-maps')!.querySelectorAll('[data-testid=probability-bars] li')];
    expect(bars).toHaveLength(10);
    expect(bars.slice(0, 3).map((li) => li.getAttribute('title'))).toEqual(['9: 70.0%', '4: 20.0%', '7: 10.0%']);
    // Test image 0 is a 9: its bar is the one marked true.
    expect(bars[0].className).toBe('nc-prob-true');
    mounted.unmount();

    // A hidden layer with as many units stays a strip: its units are not classes.
    mounted = panel('f6');
    expect(mounted.byTestId('feature-maps')!.querySelector('[data-testid=probability-bars]')).toBeNull();
    expect(mounted.byTestId('feature-maps')!.querySelector('canvas.nc-strip')).not.toBeNull();
  });
});
