/**
 * Live loss and accuracy curves (chart.js): training per batch, training and
 * validation per epoch, against epochs. New points are appended and the
 * charts redrawn at most once a second, without animation, so a fast run
 * never floods the editor's thread.
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
import type { BatchPoint } from '../run/run-state';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip, Decimation);

type Point = { x: number; y: number };

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

function MetricChart({
  metric,
  batches,
  epochs,
  testId,
}: {
  metric: Metric;
  batches: readonly BatchPoint[];
  epochs: readonly EpochEvent[];
  testId: string;
}) {
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
          line('train (batch)', 'rgb(37 99 235 / 35%)', { borderWidth: 1 }),
          line('train (epoch)', 'rgb(37 99 235)', { pointRadius: 3 }),
          line('validation (epoch)', 'rgb(234 88 12)', { pointRadius: 3 }),
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
          legend: { labels: { boxWidth: 12 } },
        },
      },
    });
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, [metric]);

  // Batch points are appended, not rebuilt: a long run has tens of thousands of them.
  const seen = useRef(0);
  const lastDraw = useRef(0);
  const latest = useRef({ batches, epochs });
  latest.current = { batches, epochs };
  useEffect(() => {
    if (!chart.current || frame.current !== null) return;
    // A redraw costs the editor's thread several milliseconds; once a second keeps the curves live.
    const wait = Math.max(0, lastDraw.current + CHART_REDRAW_MS - performance.now());
    frame.current = window.setTimeout(() => {
      frame.current = null;
      lastDraw.current = performance.now();
      const c = chart.current;
      if (!c) return;
      const { batches: points, epochs: rows } = latest.current;
      const [perBatch, perEpoch, validation] = c.data.datasets;
      if (points.length < seen.current) {
        perBatch.data = [];
        seen.current = 0;
      }
      for (let i = seen.current; i < points.length; i++)
        perBatch.data.push({ x: points[i].epochs, y: points[i][metric] });
      seen.current = points.length;
      const data = curves(metric, [], rows);
      perEpoch.data = data.epoch;
      validation.data = data.validation;
      c.update('none');
    }, wait);
  });

  useEffect(
    () => () => {
      if (frame.current !== null) clearTimeout(frame.current);
    },
    [],
  );

  return (
    <div className="nc-chart" data-testid={testId}>
      <canvas ref={canvas} />
    </div>
  );
}

export function RunCharts({ batches, epochs }: { batches: readonly BatchPoint[]; epochs: readonly EpochEvent[] }) {
  return (
    <div className="nc-charts">
      <MetricChart metric="loss" batches={batches} epochs={epochs} testId="chart-loss" />
      <MetricChart metric="accuracy" batches={batches} epochs={epochs} testId="chart-accuracy" />
    </div>
  );
}
