/**
 * The runs kept with the project: one row per run (design, data, test
 * accuracy and loss, how long it took), a box to overlay it on the charts,
 * and a delete button; with two runs in view, what differed between them
 * (core's compareRuns).
 */
import { compareRuns, type RunRecord } from '../../../core/train/run-record';
import { duration, percent } from '../run/run-state';

/**
 * Overlay colours, none of them the current run's blue and orange. A run
 * keeps its colour (by its number) however the ticks change.
 */
const OVERLAY_COLOURS = [
  'rgb(22 163 74)',
  'rgb(147 51 234)',
  'rgb(219 39 119)',
  'rgb(13 148 136)',
  'rgb(161 98 7)',
  'rgb(71 85 105)',
  'rgb(220 38 38)',
  'rgb(101 163 13)',
];

/** The colour run `id` is overlaid in. */
export function runColour(id: string): string {
  const n = Number(/(\d+)$/.exec(id)?.[1] ?? 0);
  return OVERLAY_COLOURS[(n + OVERLAY_COLOURS.length - 1) % OVERLAY_COLOURS.length];
}

/** `Untitled · 3 layers · 642 weights`: enough to tell two designs apart in a row. */
export function designLine(run: RunRecord): string {
  const d = run.design;
  return `${d.title ?? 'Untitled'} · ${d.layers} layers · ${d.trainableParams.toLocaleString('en-US')} weights`;
}

/** The label a run goes by in the legend and the comparison: `run-2 (mlp, toy:ring)`. */
export function runLabel(run: RunRecord): string {
  return `${run.id} · ${run.design.title ?? `${run.design.layers} layers`} · ${run.dataset.id}`;
}

/**
 * The two runs the comparison shows: the two ticked, or the one ticked and
 * the run just finished.
 */
export function comparedPair(
  runs: readonly RunRecord[],
  overlaid: readonly string[],
  current: string | null,
): [RunRecord, RunRecord] | null {
  const byId = new Map(runs.map((r) => [r.id, r]));
  const ids = overlaid.filter((id) => byId.has(id));
  if (ids.length === 1 && current && current !== ids[0] && byId.has(current)) ids.push(current);
  if (ids.length !== 2) return null;
  // Older first, so "added" reads as what the later run has more.
  const pair = ids.map((id) => byId.get(id)!).sort((a, b) => runs.indexOf(a) - runs.indexOf(b));
  return [pair[0], pair[1]];
}

const STATUS_NOTE: Record<RunRecord['status'], string> = {
  completed: '',
  cancelled: ' (stopped early)',
  diverged: ' (diverged)',
};

const startedText = (iso: string) => {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
};

export function RunsPanel({
  runs,
  overlaid,
  current,
  onToggle,
  onDelete,
}: {
  runs: readonly RunRecord[];
  overlaid: readonly string[];
  /** The run the charts show as the current one, once it is kept. */
  current: string | null;
  onToggle(run: RunRecord): void;
  onDelete(run: RunRecord): void;
}) {
  const pair = comparedPair(runs, overlaid, current);
  const differences = pair ? compareRuns(pair[0], pair[1]) : [];
  return (
    <section className="nc-train-section" aria-label="Runs" data-testid="runs">
      <h3>Runs</h3>
      {runs.length === 0 ? (
        <p className="nc-muted">No runs yet. Each run is kept here with the project: tick runs to compare them.</p>
      ) : (
        <table className="nc-runs">
          <thead>
            <tr>
              <th scope="col">Overlay</th>
              <th scope="col">Run</th>
              <th scope="col">Design</th>
              <th scope="col">Data</th>
              <th scope="col">Test accuracy</th>
              <th scope="col">Test loss</th>
              <th scope="col">Time</th>
              <th scope="col">Started</th>
              <th scope="col">
                <span className="nc-sr-only">Delete</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => {
              const ticked = overlaid.includes(run.id);
              return (
                <tr key={run.id} data-testid="run-row" data-run={run.id} className={ticked ? 'nc-run-ticked' : ''}>
                  <td>
                    <input
                      type="checkbox"
                      checked={ticked}
                      onChange={() => onToggle(run)}
                      aria-label={`Overlay ${run.id} on the charts`}
                      data-testid="run-overlay"
                    />
                    <span
                      className="nc-run-swatch"
                      style={{ background: ticked ? runColour(run.id) : 'transparent' }}
                      aria-hidden
                    />
                  </td>
                  <th scope="row">
                    {run.id}
                    {STATUS_NOTE[run.status]}
                    {run.id === current ? ' · this run' : ''}
                  </th>
                  <td>{designLine(run)}</td>
                  <td>{run.dataset.id}</td>
                  <td className="nc-num" data-testid="run-accuracy">
                    {run.test ? percent(run.test.accuracy) : '—'}
                  </td>
                  <td className="nc-num" data-testid="run-loss">
                    {run.test ? run.test.loss.toFixed(3) : '—'}
                  </td>
                  <td className="nc-num">{duration(run.seconds)}</td>
                  <td>
                    <time dateTime={run.startedAt}>{startedText(run.startedAt)}</time>
                  </td>
                  <td>
                    <button
                      onClick={() => onDelete(run)}
                      aria-label={`Delete ${run.id}`}
                      title={`Delete ${run.id}`}
                      data-testid="run-delete"
                    >
                      ✕
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {pair && (
        <div className="nc-run-compare" role="region" aria-label="What differed" data-testid="run-compare">
          <h4>
            What differed: {pair[0].id} → {pair[1].id}
          </h4>
          {differences.length === 0 ? (
            <p>Nothing: the same data, settings, seed and design.</p>
          ) : (
            <table className="nc-runs">
              <thead>
                <tr>
                  <th scope="col" />
                  <th scope="col">{pair[0].id}</th>
                  <th scope="col">{pair[1].id}</th>
                </tr>
              </thead>
              <tbody>
                {differences.map((d) => (
                  <tr key={d.what} data-testid="run-difference">
                    <th scope="row">{d.what}</th>
                    <td>{d.a}</td>
                    <td>{d.b}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
      {runs.length > 1 && !pair && <p className="nc-muted">Tick two runs, or one after a run, to see what differed.</p>}
    </section>
  );
}
