/**
 * The learning-rate search, the lecture's way: a few short runs at rates
 * drawn log-uniformly over a range, then a narrower round around the best
 * (core/train/lr-search.ts), run one after another in the training worker and
 * plotted as validation accuracy against the rate on a log axis. Each trial
 * is a point with its figures in a tooltip; the best is ringed and one click
 * makes it the learning-rate setting.
 */
import { useState } from 'react';
import { DEFAULT_RATE_RANGE, type RateRange, type Trial } from '../../../core/train/lr-search';
import { isSearching, searchFraction, searchProgressText, type SearchState } from '../run/search-state';
import { percent } from '../run/run-state';
import { NumberField } from './NumberField';

/** What the panel asks the controller to run. */
export interface SearchRequest {
  trials: number;
  epochsPerTrial: number;
  range: RateRange;
}

interface LrSearchPanelProps {
  search: SearchState;
  /** Why a search cannot start now (no data, a blocked design, a run under way), or null. */
  blocked: string | null;
  /** The current learning-rate setting, marked on the plot. */
  learningRate: number;
  /** The run's epochs, from which a trial's length is drawn until the user sets one. */
  runEpochs: number;
  onStart(request: SearchRequest): void;
  onCancel(): void;
  /** Makes `learningRate` the setting. */
  onApply(learningRate: number): void;
}

/** Trials when the user has not said: four broad, two around the best (as `netcanvas search`). */
const DEFAULT_TRIALS = 6;
const MAX_TRIALS = 50;

/**
 * Epochs per trial when the user has not said: a third of the run the best
 * rate is meant for (10 of the ring's 30). Shorter trials favour high rates
 * that a full run then regrets, and rank the rest on noise: on the ring,
 * 5-epoch trials picked rates whose 30-epoch runs reached 91.5 % and 91.9 %
 * (seeds 1 and 4 of `netcanvas search`), 10-epoch trials 97.9 % and 97.1 %.
 */
export function defaultTrialEpochs(runEpochs: number): number {
  return Math.max(1, Math.round(runEpochs / 3));
}

export function LrSearchPanel({
  search,
  blocked,
  learningRate,
  runEpochs,
  onStart,
  onCancel,
  onApply,
}: LrSearchPanelProps) {
  const [trials, setTrials] = useState(DEFAULT_TRIALS);
  // null: follow the run's epochs (a third of them); a number once the user types one.
  const [chosenEpochs, setEpochs] = useState<number | null>(null);
  const epochs = chosenEpochs ?? defaultTrialEpochs(runEpochs);
  const [low, setLow] = useState(DEFAULT_RATE_RANGE.low);
  const [high, setHigh] = useState(DEFAULT_RATE_RANGE.high);
  const searching = isSearching(search.phase);
  const rangeProblem = low > high ? 'The lowest rate must not exceed the highest.' : null;
  const whole = (min: number, max: number) => (n: number) =>
    Number.isInteger(n) && n >= min && n <= max ? null : `A whole number from ${min} to ${max}`;
  const rate = (n: number) => (n > 0 && n <= 10 ? null : 'A rate above 0, at most 10');
  const best = search.best;

  return (
    <section className="nc-train-section" aria-label="Learning-rate search" data-testid="lr-search">
      <h3>Learning-rate search</h3>
      <p className="nc-muted nc-lr-explain">
        Short runs at rates drawn evenly on a log scale, then around the best; each from the same initial weights,
        ranked by validation accuracy. Each trial trains a third of the run’s epochs: shorter ones favour rates too high
        for the full run.
      </p>
      <div className="nc-lr-fields">
        <NumberField
          label="Trials"
          value={trials}
          check={whole(2, MAX_TRIALS)}
          onChange={(v) => v !== null && setTrials(v)}
          disabled={searching}
          testId="lr-search-trials"
        />
        <NumberField
          label="Epochs per trial"
          value={epochs}
          check={whole(1, 1000)}
          onChange={(v) => v !== null && setEpochs(v)}
          disabled={searching}
          testId="lr-search-epochs"
        />
        <NumberField
          label="Lowest rate"
          value={low}
          check={rate}
          onChange={(v) => v !== null && setLow(v)}
          disabled={searching}
          testId="lr-search-low"
        />
        <NumberField
          label="Highest rate"
          value={high}
          check={rate}
          onChange={(v) => v !== null && setHigh(v)}
          disabled={searching}
          testId="lr-search-high"
        />
      </div>
      <div className="nc-lr-actions">
        {searching ? (
          <button onClick={onCancel} disabled={search.phase === 'stopping'} data-testid="lr-search-cancel">
            Cancel search
          </button>
        ) : (
          <button
            onClick={() => onStart({ trials, epochsPerTrial: epochs, range: { low, high } })}
            disabled={blocked !== null || rangeProblem !== null}
            title={blocked ?? rangeProblem ?? `Run ${trials} short trainings of ${epochs} epochs`}
            data-testid="lr-search-start"
          >
            Search
          </button>
        )}
        {best && !searching && (
          <button
            className="nc-primary"
            onClick={() => onApply(best.learningRate)}
            disabled={best.learningRate === learningRate}
            title={`Set the learning rate to ${best.learningRate} (validation accuracy ${percent(best.valAccuracy)})`}
            data-testid="lr-search-apply"
          >
            Use {best.learningRate}
          </button>
        )}
      </div>
      {rangeProblem && <p className="nc-train-error">{rangeProblem}</p>}
      {search.phase !== 'idle' && (
        <>
          <progress
            className="nc-train-progress"
            value={searchFraction(search)}
            max={1}
            data-testid="lr-search-progress"
          />
          <p className="nc-mono" data-testid="lr-search-progress-text">
            {searchProgressText(search)}
          </p>
        </>
      )}
      {search.fault && (
        <p className="nc-train-error" role="alert" data-testid="lr-search-fault">
          {search.fault.message}
        </p>
      )}
      {search.phase !== 'idle' && <RatePlot search={search} learningRate={learningRate} />}
    </section>
  );
}

const WIDTH = 380;
const HEIGHT = 210;
const MARGIN = { left: 40, right: 10, top: 10, bottom: 34 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;

/** The decades the x axis spans: every rate tried and the range asked for, widened to whole powers of ten. */
export function logExtent(rates: readonly number[], range: RateRange | null): [number, number] {
  const all = [...rates, ...(range ? [range.low, range.high] : [])].filter((r) => r > 0);
  if (all.length === 0) return [-4, 0];
  const lo = Math.floor(Math.log10(Math.min(...all)));
  // `+ 0` turns ceil's −0 (for rates between 0.1 and 1) into 0.
  const hi = Math.ceil(Math.log10(Math.max(...all))) + 0;
  return [lo, Math.max(hi, lo + 1)];
}

/** `0.001`, `1`, `10`: a power of ten as a user types a rate. */
const decadeLabel = (exponent: number) => String(Number((10 ** exponent).toPrecision(1)));

function trialTitle(trial: Trial): string {
  const what = trial.diverged
    ? 'diverged (the loss blew up)'
    : `validation accuracy ${percent(trial.valAccuracy)}, loss ${trial.valLoss.toFixed(4)}`;
  return `Trial ${trial.index + 1} (round ${trial.round}): learning rate ${trial.learningRate}, ${what}`;
}

/** Validation accuracy against learning rate on a log axis; diverged trials sit on the floor as crosses. */
function RatePlot({ search, learningRate }: { search: SearchState; learningRate: number }) {
  const [lo, hi] = logExtent(
    search.trials.map((t) => t.learningRate),
    search.range,
  );
  const x = (rate: number) => MARGIN.left + ((Math.log10(rate) - lo) / (hi - lo)) * PLOT_W;
  const y = (accuracy: number) => MARGIN.top + (1 - accuracy) * PLOT_H;
  const decades = Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
  const current = learningRate > 0 && Math.log10(learningRate) >= lo && Math.log10(learningRate) <= hi;
  return (
    <svg
      className="nc-lr-plot"
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      width={WIDTH}
      height={HEIGHT}
      role="img"
      aria-label="Validation accuracy against learning rate (log scale)"
      data-testid="lr-search-plot"
    >
      {[0, 0.25, 0.5, 0.75, 1].map((a) => (
        <g key={a} className="nc-lr-grid">
          <line x1={MARGIN.left} x2={WIDTH - MARGIN.right} y1={y(a)} y2={y(a)} />
          <text x={MARGIN.left - 4} y={y(a) + 4} textAnchor="end">
            {a * 100}%
          </text>
        </g>
      ))}
      {decades.map((d) => (
        <g key={d} className="nc-lr-grid">
          <line x1={x(10 ** d)} x2={x(10 ** d)} y1={MARGIN.top} y2={MARGIN.top + PLOT_H} />
          <text x={x(10 ** d)} y={HEIGHT - MARGIN.bottom + 14} textAnchor="middle">
            {decadeLabel(d)}
          </text>
        </g>
      ))}
      <text className="nc-lr-axis" x={MARGIN.left + PLOT_W / 2} y={HEIGHT - 4} textAnchor="middle">
        learning rate (log scale) · validation accuracy
      </text>
      {current && (
        <line
          className="nc-lr-current"
          x1={x(learningRate)}
          x2={x(learningRate)}
          y1={MARGIN.top}
          y2={MARGIN.top + PLOT_H}
          data-testid="lr-search-current"
        >
          <title>{`The learning-rate setting: ${learningRate}`}</title>
        </line>
      )}
      {search.trials.map((trial) => {
        const isBest = search.best?.index === trial.index;
        const cx = x(trial.learningRate);
        if (trial.diverged || !Number.isFinite(trial.valAccuracy)) {
          const cy = y(0);
          return (
            <path
              key={trial.index}
              className="nc-lr-point nc-lr-diverged"
              d={`M${cx - 4},${cy - 4}L${cx + 4},${cy + 4}M${cx - 4},${cy + 4}L${cx + 4},${cy - 4}`}
              data-testid="lr-search-point"
              data-rate={trial.learningRate}
            >
              <title>{trialTitle(trial)}</title>
            </path>
          );
        }
        return (
          <circle
            key={trial.index}
            className={`nc-lr-point nc-lr-round${trial.round}${isBest ? ' nc-lr-best' : ''}`}
            cx={cx}
            cy={y(trial.valAccuracy)}
            r={isBest ? 6 : 4}
            data-testid="lr-search-point"
            data-rate={trial.learningRate}
            data-best={isBest ? 'true' : undefined}
          >
            <title>{`${trialTitle(trial)}${isBest ? ' — the best' : ''}`}</title>
          </circle>
        );
      })}
    </svg>
  );
}
