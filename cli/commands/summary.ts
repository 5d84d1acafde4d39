/** `netcanvas summary`: the per-layer table (or JSON) of a template or a project file. */
import { summarize } from '../../core/graph/summary';
import { OPTIMIZERS, type OptimizerName } from '../../core/train/optimizers';
import { hasErrors } from '../../core/graph/infer';
import { EXIT, UsageError, type Command } from '../command';
import { loadDesign } from '../load-design';
import { positiveInt, templateOptions } from '../options';
import { formatSummaryTable, summaryJson } from '../summary-table';

export const summaryCommand: Command = {
  name: 'summary',
  usage: '<template-id | file.netcanvas.json | model.json> [--input H,W,C] [--classes N] [--json]',
  summary: 'Print layer output shapes, parameters, MACs and memory',
  details: [
    'Options:',
    '  --input H,W,C      input shape for a template (a flat length for linear and mlp)',
    '  --classes N        number of classes for a template',
    '  --json             print { layers, totals, diagnostics } as JSON instead of the table',
    '  --batch N          batch size for the training-memory estimate (default 32)',
    `  --optimizer NAME   optimizer for the training-memory estimate: ${OPTIMIZERS.join(', ')} (default adam)`,
    '',
    'Exits 1 when the design has errors (the summary is still printed), 0 otherwise.',
    '',
    'Examples:',
    '  netcanvas summary resnet18',
    '  netcanvas summary vgg16 --input 32,32,3 --classes 10',
    '  netcanvas summary my-net.netcanvas.json --json',
  ].join('\n'),
  options: {
    input: { type: 'string' },
    classes: { type: 'string' },
    json: { type: 'boolean' },
    batch: { type: 'string' },
    optimizer: { type: 'string' },
  },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new UsageError('summary expects one template id or project file');
    const options = templateOptions(values);
    const batchSize = typeof values.batch === 'string' ? positiveInt('batch', values.batch) : 32;
    const optimizer = (values.optimizer ?? 'adam') as OptimizerName;
    if (!OPTIMIZERS.includes(optimizer))
      throw new UsageError(`--optimizer expects one of ${OPTIMIZERS.join(', ')}, got "${String(values.optimizer)}"`);

    const design = await loadDesign(positionals[0], options, io.cwd);
    for (const warning of design.warnings) io.err(`warning: ${warning}\n`);
    const summary = summarize(design.graph);
    io.out(
      values.json
        ? `${JSON.stringify(summaryJson(summary), null, 2)}\n`
        : formatSummaryTable(design.label, summary, { batchSize, optimizer }),
    );
    return hasErrors(summary.diagnostics) ? EXIT.failed : EXIT.ok;
  },
};
