/**
 * Live loss and accuracy curves (chart.js): the current run's training per
 * batch, training and validation per epoch, against epochs, and over them
 * the runs the user ticked in the run list, each in its own colour (training
 * solid, validation dashed). New points are appended and the charts redrawn
 * at most once a second, without animation, so a fast run never floods the
 * editor's thread. The legend is HTML beside the canvases, so it can be read.
 */
import {
  CategoryScale,
  Chart,
  Decimation,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartDataset,
} from 'chart.js';
import { useEffect, useRef } from 'react';
import type { EpochEvent } from '../../../core/train/session';
import type { EpochRow } from '../../../core/train/run-record';
import type { BatchPoint } from '../run/run-state';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip, Decimation);

type Point = { x: number; y: number };

/** A kept run drawn over the current one. */
export interface ChartOverlay {
  id: string;
  /** What the legend calls it, e.g. `run-1 · toy:ring`. */
  label: string;
  colour: string;
  history: readonly EpochRow[];
}

const CURRENT_COLOURS = { batch: 'rgb(37 99 235 / 35%)', epoch: 'rgb(37 99 235)', validation: 'rgb(234 88 12)' };

/** The charts redraw at most this often. */
const CHART_REDRAW_MS = 1000;
type Metric = 'loss' | 'accuracy';

/** The three curves of one chart from the run's histories (pure, for tests). */
export function curves(
  metric: Metric,
  batches: readonly BatchPoint[],
  epochs: readonly EpochEvent[],
): { batch: Point[]; epoch: Point[]; validation: Point[] } {
  const valKey = metric === 'loss' ? 'valLoss' : 'valAccuracy';
  return {
    batch: batches.map((b) => ({ x: b.epochs, y: b[metric] })),
    epoch: epochs.map((e) => ({ x: e.epoch + 1, y: e[metric] })),
    validation: epochs.filter((e) => e[valKey] !== undefined).map((e) => ({ x: e.epoch + 1, y: e[valKey] as number })),
  };
}

/** A kept run's two curves of one chart, from its history (epochs count from 1 there). */
export function overlayCurves(metric: Metric, history: readonly EpochRow[]): { epoch: Point[]; validation: Point[] } {
  const valKey = metric === 'loss' ? 'valLoss' : 'valAccuracy';
  return {
    epoch: history.map((row) => ({ x: row.epoch, y: row[metric] })),
    validation: history
      .filter((row) => row[valKey] !== null)
      .map((row) => ({ x: row.epoch, y: row[valKey] as number })),
  };
}

function MetricChart({
  metric,
  batches,
  epochs,
  overlays,
  testId,
}: {
  metric: Metric;
  batches: readonly BatchPoint[];
  epochs: readonly EpochEvent[];
  overlays: readonly ChartOverlay[];
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  // Batch points are appended, not rebuilt: a long run has tens of thousands of them. They are
  // appended from the run's own array only: another array is another run, whose curve starts afresh.
  // The points live here, not in the chart's dataset: once chart.js thins a long line (decimation),
  // `dataset.data` reads its thinned copy, and points pushed there were lost at the next redraw.
  const seen = useRef<{ from: readonly BatchPoint[] | null; line: Point[] }>({ from: null, line: [] });
  const lastDraw = useRef(0);
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'line', Point[]> | null>(null);
  const frame = useRef<number | null>(null);

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return; // no canvas (jsdom): the numbers are still in the progress line
    const line = (
      label: string,
      colour: string,
      extra: Partial<ChartDataset<'line', Point[]>>,
    ): ChartDataset<'line', Point[]> => ({
      label,
      data: [],
      borderColor: colour,
      backgroundColor: colour,
      borderWidth: 1.5,
      pointRadius: 0,
      ...extra,
    });
    chart.current = new Chart<'line', Point[]>(context, {
      type: 'line',
      data: {
        datasets: [
          line('train (batch)', CURRENT_COLOURS.batch, { borderWidth: 1 }),
          line('train (epoch)', CURRENT_COLOURS.epoch, { pointRadius: 3 }),
          line('validation (epoch)', CURRENT_COLOURS.validation, { pointRadius: 3 }),
        ],
      },
      options: {
        animation: false,
        devicePixelRatio: 1,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { type: 'linear', title: { display: true, text: 'epoch' }, min: 0 },
          y: { title: { display: true, text: metric }, ...(metric === 'accuracy' ? { min: 0, max: 1 } : { min: 0 }) },
        },
        plugins: {
          decimation: { enabled: true, algorithm: 'lttb', samples: 1000 },
          legend: { display: false },
        },
      },
    });
    // A new chart holds no points yet (React's strict mode builds it twice).
    seen.current = { from: null, line: [] };
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, [metric]);

  const latest = useRef({ batches, epochs, overlays });
  latest.current = { batches, epochs, overlays };
  useEffect(() => {
    if (!chart.current) return;
    // Another batch array is another run: its empty charts replace the last run's curves at once, not up to a
    // second later (a fast run is epochs in by then, drawn over the previous run's full curves).
    const startsRun = batches !== seen.current.from;
    if (frame.current !== null) {
      if (!startsRun) return;
      clearTimeout(frame.current);
    }
    // A redraw costs the editor's thread several milliseconds; once a second keeps the curves live.
    const wait = startsRun ? 0 : Math.max(0, lastDraw.current + CHART_REDRAW_MS - performance.now());
    frame.current = window.setTimeout(() => {
      frame.current = null;
      lastDraw.current = performance.now();
      const c = chart.current;
      if (!c) return;
      const { batches: points, epochs: rows, overlays: kept } = latest.current;
      const [perBatch, perEpoch, validation] = c.data.datasets;
      if (points !== seen.current.from || points.length < seen.current.line.length)
        seen.current = { from: points, line: [] };
      const batchLine = seen.current.line;
      for (let i = batchLine.length; i < points.length; i++)
        batchLine.push({ x: points[i].epochs, y: points[i][metric] });
      perBatch.data = batchLine;
      const data = curves(metric, [], rows);
      perEpoch.data = data.epoch;
      validation.data = data.validation;
      const overlaid = kept.flatMap((run): ChartDataset<'line', Point[]>[] => {
        const lines = overlayCurves(metric, run.history);
        const style = { borderColor: run.colour, backgroundColor: run.colour, borderWidth: 1.5, pointRadius: 2 };
        return [
          { label: `${run.id} train`, data: lines.epoch, ...style },
          { label: `${run.id} validation`, data: lines.validation, ...style, borderDash: [5, 4] },
        ];
      });
      c.data.datasets = [perBatch, perEpoch, validation, ...overlaid];
      c.update('none');
      // What is drawn, line by line, for tests and tools that cannot read a canvas.
      box.current?.setAttribute(
        'data-drawn',
        JSON.stringify(
          c.data.datasets.map((d) => ({
            label: d.label,
            points: d.data.length,
            first: d.data[0]?.x ?? null,
            last: d.data.at(-1)?.x ?? null,
          })),
        ),
      );
    }, wait);
  });

  useEffect(
    () => () => {
      if (frame.current !== null) clearTimeout(frame.current);
      // Left set, it would stop every later redraw after a remount (React's strict mode mounts twice).
      frame.current = null;
    },
    [],
  );

  return (
    <div className="nc-chart" data-testid={testId} ref={box}>
      <canvas ref={canvas} role="img" aria-label={`${metric} per epoch`} />
    </div>
  );
}

function LegendItem({ colour, dashed = false, children }: { colour: string; dashed?: boolean; children: string }) {
  return (
    <li data-testid="chart-legend-item">
      <span className={`nc-legend-line${dashed ? ' nc-legend-dashed' : ''}`} style={{ borderColor: colour }} />
      {children}
    </li>
  );
}

export function RunCharts({
  batches,
  epochs,
  overlays = [],
}: {
  batches: readonly BatchPoint[];
  epochs: readonly EpochEvent[];
  /** Kept runs to draw over the current one. */
  overlays?: readonly ChartOverlay[];
}) {
  return (
    <div>
      <div className="nc-charts">
        <MetricChart metric="loss" batches={batches} epochs={epochs} overlays={overlays} testId="chart-loss" />
        <MetricChart metric="accuracy" batches={batches} epochs={epochs} overlays={overlays} testId="chart-accuracy" />
      </div>
      <ul className="nc-chart-legend" aria-label="Chart legend" data-testid="chart-legend">
        <LegendItem colour={CURRENT_COLOURS.batch}>this run: train (batch)</LegendItem>
        <LegendItem colour={CURRENT_COLOURS.epoch}>train (epoch)</LegendItem>
        <LegendItem colour={CURRENT_COLOURS.validation}>validation (epoch)</LegendItem>
        {overlays.flatMap((run) => [
          <LegendItem key={`${run.id}-train`} colour={run.colour}>{`${run.label}: train`}</LegendItem>,
          <LegendItem key={`${run.id}-validation`} colour={run.colour} dashed>
            {`${run.label}: validation`}
          </LegendItem>,
        ])}
      </ul>
    </div>
  );
}
