/**
 * The text forms of a model summary: a table like Keras's `model.summary()`
 * with cost columns, and the JSON document `netcanvas summary --json` prints.
 * Pure functions of core's `ModelSummary`, so tests can check them without
 * spawning the command.
 */
import type { Diagnostic } from '../core/errors';
import { BYTES_PER_VALUE, type LayerSummary, type ModelSummary, type SummaryTotals } from '../core/graph/summary';
import { estimateTrainingMemory } from '../core/train/memory';
import type { OptimizerName } from '../core/train/optimizers';
import type { Shape } from '../core/layers/layer-spec';

/** `[null, 28, 28, 6]` → `(None, 28, 28, 6)`, as Keras prints shapes. */
export function kerasShape(shape: Shape | null): string {
  if (!shape) return '?';
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

/** `61706` → `61,706`. */
export const formatCount = (n: number): string => n.toLocaleString('en-US');

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Bytes in binary units with three significant digits: `18.4 KiB`, `1.10 GiB`. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${value} B`;
  return `${value >= 100 ? value.toFixed(0) : value.toPrecision(3)} ${BYTE_UNITS[unit]}`;
}

/** A MAC count in short form: `416.5 K`, `1.814 G` (three decimals for G, as torchvision quotes GFLOPS). */
export function formatMacs(macs: number): string {
  if (macs >= 1e9) return `${(macs / 1e9).toFixed(3)} G`;
  if (macs >= 1e6) return `${(macs / 1e6).toFixed(2)} M`;
  if (macs >= 1e3) return `${(macs / 1e3).toFixed(1)} K`;
  return String(macs);
}

/** One diagnostic per line: severity, code, message, then the offered fix and the other repairs, one a line. */
export function formatDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const head = `  ${d.severity.padEnd(7)} ${d.message} [${d.code}]`;
      const fixes = d.fix
        ? [`          fix: ${d.fix.label}`, ...(d.alternatives ?? []).map((f) => `           or: ${f.label}`)]
        : [];
      return [head, ...fixes].join('\n');
    })
    .join('\n');
}

/** `2 errors, 1 warning`. */
export function countProblems(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/** How training memory is estimated at the foot of the table. */
export interface TableOptions {
  batchSize: number;
  optimizer: OptimizerName;
}

/**
 * The summary table: one row per layer in topological order with output
 * shape, trainable and non-trainable parameters, MACs and activation memory
 * per sample; then totals, estimated training memory and the diagnostics.
 */
export function formatSummaryTable(title: string, summary: ModelSummary, options: TableOptions): string {
  const header = ['Layer (type)', 'Output shape', 'Trainable', 'Non-trainable', 'MACs', 'Memory'];
  const rows = summary.layers.map((l) => [
    `${l.name} (${l.type})`,
    kerasShape(l.outputShape),
    formatCount(l.trainableParams),
    formatCount(l.nonTrainableParams),
    formatCount(l.macs),
    formatBytes(l.activationBytes),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  // Text columns align left, numbers right, as in Keras.
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  const rule = (ch: string) => ch.repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1));

  const { totals } = summary;
  const memory = estimateTrainingMemory(summary, options.batchSize, options.optimizer);
  const out = [
    `Model: ${title}`,
    rule('_'),
    line(header),
    rule('='),
    ...rows.map(line),
    rule('='),
    `Total params: ${formatCount(totals.params)} (${formatBytes(totals.params * BYTES_PER_VALUE)})`,
    `Trainable params: ${formatCount(totals.trainableParams)}`,
    `Non-trainable params: ${formatCount(totals.nonTrainableParams)}`,
    `MACs per sample: ${formatCount(totals.macs)} (${formatMacs(totals.macs)})`,
    `Activation memory per sample: ${formatBytes(totals.activationBytes)}`,
    `Estimated training memory (batch ${options.batchSize}, ${options.optimizer}): ${formatBytes(memory.total)}, a lower bound:`,
    `  weights ${formatBytes(memory.weights)} + gradients ${formatBytes(memory.gradients)}` +
      ` + optimizer state ${formatBytes(memory.optimizerState)} + activations ${formatBytes(memory.activations)}`,
    rule('_'),
  ];
  if (summary.diagnostics.length) {
    out.push(`Problems: ${countProblems(summary.diagnostics)}`, formatDiagnostics(summary.diagnostics));
    if (summary.layers.some((l) => l.outputShape === null))
      out.push('Totals leave out the layers whose output shape could not be inferred.');
  }
  return `${out.join('\n')}\n`;
}

/** The document `netcanvas summary --json` prints: per-layer rows, totals, diagnostics. */
export interface SummaryJson {
  /** The summary's rows without the node ids and activation bytes (a design's internals, not Keras's summary). */
  layers: Pick<LayerSummary, 'name' | 'type' | 'outputShape' | 'trainableParams' | 'nonTrainableParams' | 'macs'>[];
  totals: Omit<SummaryTotals, 'activationBytes'>;
  diagnostics: Diagnostic[];
}

/** The `--json` form of a summary, with exactly the documented fields. */
export function summaryJson(summary: ModelSummary): SummaryJson {
  return {
    layers: summary.layers.map((l) => ({
      name: l.name,
      type: l.type,
      outputShape: l.outputShape,
      trainableParams: l.trainableParams,
      nonTrainableParams: l.nonTrainableParams,
      macs: l.macs,
    })),
    totals: {
      params: summary.totals.params,
      trainableParams: summary.totals.trainableParams,
      nonTrainableParams: summary.totals.nonTrainableParams,
      macs: summary.totals.macs,
    },
    diagnostics: summary.diagnostics,
  };
}
