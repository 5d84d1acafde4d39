/**
 * The model summary as text a user can paste into a report: CSV for a
 * spreadsheet, Markdown for notes. Both list the same columns as the summary
 * panel, plus a totals row.
 */
import { shapeText } from '../../core/graph/infer';
import type { LayerSummary, ModelSummary } from '../../core/graph/summary';

// One formatter for all counts: `toLocaleString` builds a new one per call, which costs
// milliseconds per hundred calls in Chromium and showed up when opening ResNet-152.
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

/** `1234567` → `1,234,567`. */
export const formatCount = (n: number): string => COUNT_FORMAT.format(n);

/** Bytes in the largest unit that keeps the number readable: `1.5 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[unit]}`;
}

/** A count with a metric suffix for quick reading: `15.47 G`. */
export function formatCompact(n: number): string {
  const steps: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of steps) if (n >= size) return `${(n / size).toFixed(n / size >= 100 ? 0 : 2)} ${suffix}`;
  return String(n);
}

const COLUMNS = [
  'Layer',
  'Type',
  'Output shape',
  'Trainable params',
  'Non-trainable params',
  'MACs',
  'Activation bytes',
] as const;

const shapeCell = (row: LayerSummary): string => (row.outputShape ? shapeText(row.outputShape) : '?');

function rows(summary: ModelSummary): string[][] {
  return summary.layers.map((l) => [
    l.name,
    l.type,
    shapeCell(l),
    String(l.trainableParams),
    String(l.nonTrainableParams),
    String(l.macs),
    String(l.activationBytes),
  ]);
}

const csvCell = (cell: string): string => (/[",\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);

/** The summary as CSV (RFC 4180 quoting), one row per layer and a final `Total` row; numbers unformatted. */
export function summaryToCsv(summary: ModelSummary): string {
  const { totals } = summary;
  const lines = [
    COLUMNS.join(','),
    ...rows(summary).map((r) => r.map(csvCell).join(',')),
    ['Total', '', '', totals.trainableParams, totals.nonTrainableParams, totals.macs, totals.activationBytes].join(','),
  ];
  return `${lines.join('\n')}\n`;
}

const mdCell = (cell: string): string => cell.replace(/\|/g, '\\|');

/** The summary as a Markdown table with thousands separators, and a totals line under it. */
export function summaryToMarkdown(summary: ModelSummary, title = 'Model summary'): string {
  const { totals } = summary;
  const body = summary.layers.map((l) => [
    l.name,
    l.type,
    shapeCell(l),
    formatCount(l.trainableParams),
    formatCount(l.nonTrainableParams),
    formatCount(l.macs),
    formatBytes(l.activationBytes),
  ]);
  const table = [
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map((_, i) => (i >= 3 ? ' ---: ' : ' --- ')).join('|')}|`,
    ...body.map((r) => `| ${r.map(mdCell).join(' | ')} |`),
    `| **Total** | | | **${formatCount(totals.trainableParams)}** | **${formatCount(totals.nonTrainableParams)}** | **${formatCount(totals.macs)}** | **${formatBytes(totals.activationBytes)}** |`,
  ];
  return [
    `# ${title}`,
    '',
    ...table,
    '',
    `Total parameters: ${formatCount(totals.params)} (${formatCount(totals.trainableParams)} trainable, ${formatCount(totals.nonTrainableParams)} non-trainable).`,
    `Multiply-accumulates per sample: ${formatCount(totals.macs)}.`,
    '',
  ].join('\n');
}
