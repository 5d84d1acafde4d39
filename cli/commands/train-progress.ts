/**
 * What `netcanvas train` prints while it runs: a progress bar redrawn in
 * place on a terminal, plain lines in a log or pipe, one line per epoch and
 * the test result. Pure formatting (text in, text out) so tests can check it
 * without a terminal.
 */
import type { BatchEvent, EpochEvent } from '../../core/train/session';

/** `0.97843` → `97.84%`. */
export const percent = (fraction: number): string => `${(fraction * 100).toFixed(2)}%`;

/** Seconds as `m:ss` (or `h:mm:ss`); `--:--` while unknown. */
export function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/** Samples per second, rounded to what a reader compares (`1840`, `12.5`). */
export const rate = (samplesPerSecond: number): string =>
  samplesPerSecond >= 100 ? samplesPerSecond.toFixed(0) : samplesPerSecond.toPrecision(3);

/** The numbers every progress line shows after the epoch counter. */
function batchFigures(event: BatchEvent, epochs: number): string {
  return [
    `epoch ${event.epoch + 1}/${epochs}`,
    `batch ${event.batch + 1}/${event.batchesPerEpoch}`,
    `loss ${event.loss.toFixed(4)}`,
    `acc ${percent(event.accuracy)}`,
    `${rate(event.samplesPerSecond)} samples/s`,
    `ETA ${clock(event.etaSeconds)}`,
  ].join('  ');
}

/**
 * The terminal progress bar for the current batch, fitted to `columns`
 * (the bar shrinks first, then disappears, so the figures stay readable).
 *
 * @example
 * progressBar(event, 5, 100)
 * // "[██████░░░░░░░░░░]  37%  epoch 1/5  batch 623/1688  loss 0.2311  acc 93.75%  2210 samples/s  ETA 1:52"
 */
export function progressBar(event: BatchEvent, epochs: number, columns: number): string {
  const done = (event.batch + 1) / event.batchesPerEpoch;
  const figures = `${String(Math.floor(done * 100)).padStart(3)}%  ${batchFigures(event, epochs)}`;
  const room = columns - figures.length - 4;
  if (room < 10) return figures.slice(0, Math.max(0, columns - 1));
  const width = Math.min(30, room);
  const filled = Math.round(done * width);
  return `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]  ${figures}`;
}

/** The same figures as a plain line, for logs and pipes where a redrawn bar would be noise. */
export const progressLine = (event: BatchEvent, epochs: number): string => `  ${batchFigures(event, epochs)}`;

/** The line printed after each epoch. */
export function epochLine(event: EpochEvent, epochs: number): string {
  const parts = [
    `epoch ${event.epoch + 1}/${epochs}`,
    `loss ${event.loss.toFixed(4)}`,
    `accuracy ${percent(event.accuracy)}`,
  ];
  if (event.valLoss !== undefined && event.valAccuracy !== undefined)
    parts.push(`val_loss ${event.valLoss.toFixed(4)}`, `val_accuracy ${percent(event.valAccuracy)}`);
  parts.push(`${event.seconds.toFixed(1)} s`, `${rate(event.samplesPerSecond)} samples/s`);
  return parts.join('  ');
}
