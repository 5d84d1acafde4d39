/**
 * `netcanvas search`: the lecture's learning-rate search from the command
 * line — N short runs at rates drawn log-uniformly, then a narrower round
 * around the best (core/train/lr-search.ts), each run from the same initial
 * weights so only the rate differs. Prints a table as the trials finish, the
 * best rate with the command that trains with it, and writes `--report`.
 *
 * Design, data and settings are read exactly as `netcanvas train` reads them
 * (the same flags, the same defaults per kind of data, the same fitting).
 */
import { resolve } from 'node:path';
import { DEFAULT_RATE_RANGE, type RateRange, type Trial, type TrialOutcome } from '../../core/train/lr-search';
import { CliError, EXIT, UsageError, type CliIo, type Command } from '../command';
import { requireParentFolder, writeFileOrFail } from '../model-files-node';
import { positiveInt } from '../options';
import { clock, percent } from './train-progress';
import {
  chooseBackendFor,
  designForData,
  EXIT_INTERRUPTED,
  loadData,
  planFromFlags,
  positiveNumber,
  resolveDesign,
  trainCommand,
} from './train';

/** Trials when `--trials` is not given: four broad, two narrow. */
const DEFAULT_TRIALS = 6;

/** Parses `--range LOW,HIGH`. */
function parseRange(text: string): RateRange {
  const parts = text.split(',');
  if (parts.length !== 2) throw new UsageError(`--range expects LOW,HIGH, e.g. 0.0001,0.3, got "${text}"`);
  const [low, high] = parts.map((part) => positiveNumber('range', part));
  if (high < low) throw new UsageError(`--range expects LOW ≤ HIGH, got "${text}"`);
  return { low, high };
}

const row = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(6) : c.padStart(10))).join('  ');

async function runSearch(
  positionals: string[],
  values: Record<string, string | boolean | undefined>,
  io: CliIo,
): Promise<number> {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  if (text('lr') !== undefined) throw new UsageError('search chooses the learning rate itself; leave out --lr');
  const plan = planFromFlags(positionals, values);
  const trials = text('trials') === undefined ? DEFAULT_TRIALS : positiveInt('trials', text('trials')!);
  const range = text('range') === undefined ? DEFAULT_RATE_RANGE : parseRange(text('range')!);
  const reportFile = plan.reportFile === undefined ? undefined : resolve(io.cwd, plan.reportFile);
  if (reportFile) await requireParentFolder(reportFile, plan.reportFile);

  const source = await resolveDesign(plan, io.cwd);
  const data = await loadData(plan, source);
  if (!data.validation)
    throw new CliError('a search ranks rates by validation accuracy; give --validation-split a fraction above 0');
  const { graph, label, fitted } = designForData(source, plan, data);

  const tf = await import('@tensorflow/tfjs');
  const { runRateTrial } = await import('../../core/train/rate-trial');
  const { searchLearningRate } = await import('../../core/train/lr-search');
  tf.env().set('PROD', true);
  const { backend, fellBack, threadText } = await chooseBackendFor(plan, graph, io);
  const { settings } = plan;
  io.out(`design: ${label}\n`);
  if (fitted.length) io.out(`fit to ${data.name}: ${fitted.join('\n')}\n`);
  io.out(`data: ${data.name}: ${data.train.count} train, ${data.validation.count} validation\n`);
  io.out(
    `search: ${trials} trials of ${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'}, ${settings.optimizer}, ` +
      `learning rates ${range.low}…${range.high} (log-uniform), then around the best; seed ${plan.seed}, backend ${backend}${threadText}${fellBack}\n\n`,
  );
  io.out(`${row(['trial', 'round', 'lr', 'val acc', 'val loss', 'time'])}\n`);

  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED);
    controller.abort();
    io.err('netcanvas: stopping after the current trial (Ctrl-C again to quit at once)\n');
  };
  process.on('SIGINT', onSigint);
  const started = performance.now();
  // A trial Ctrl-C stopped is scored as it stands; the search then stops before the next one.
  const runTrial = async (learningRate: number): Promise<TrialOutcome> => {
    const { cancelled: _cancelled, ...outcome } = await runRateTrial(tf, graph, data, settings, learningRate, {
      signal: controller.signal,
    });
    return outcome;
  };
  const show = (trial: Trial) =>
    io.out(
      `${row([
        String(trial.index + 1),
        String(trial.round),
        String(trial.learningRate),
        trial.diverged ? 'diverged' : percent(trial.valAccuracy),
        trial.diverged ? '—' : trial.valLoss.toFixed(4),
        clock(trial.seconds),
      ])}\n`,
    );
  let result;
  try {
    result = await searchLearningRate({
      trials,
      range,
      seed: plan.seed,
      runTrial,
      onTrial: show,
      signal: controller.signal,
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  const seconds = (performance.now() - started) / 1000;
  const { best } = result;
  io.out('\n');
  if (best) {
    io.out(
      `best: lr ${best.learningRate} (validation accuracy ${percent(best.valAccuracy)}), ${clock(seconds)} in all\n` +
        `train with it: netcanvas train ${plan.target} --dataset ${plan.datasetId} --lr ${best.learningRate}\n`,
    );
  } else io.out(`every trial diverged: try a lower range (--range ${range.low / 100},${range.low})\n`);
  if (reportFile) {
    const report = {
      design: label,
      dataset: data.name,
      backend,
      seed: plan.seed,
      settings,
      ranges: result.ranges,
      trials: result.trials,
      best,
      status: result.status,
      seconds,
    };
    // NaN is not JSON: a diverged trial's figures are written as null.
    await writeFileOrFail(reportFile, `${JSON.stringify(report, null, 2)}\n`, plan.reportFile);
    io.out(`report: ${plan.reportFile}\n`);
  }
  if (result.status === 'cancelled') {
    io.err(`netcanvas: search stopped by Ctrl-C after ${result.trials.length} of ${trials} trials\n`);
    return EXIT_INTERRUPTED;
  }
  return EXIT.ok;
}

// --lr stays declared so that giving it gets the reason, not "unknown option".
const { out: _out, ...trainOptions } = trainCommand.options;

export const searchCommand: Command = {
  name: 'search',
  usage: '<template-id | file> --dataset ID [--trials N] [--epochs E] [options]',
  summary: 'Search for a learning rate: short runs over a log range, then around the best',
  details: [
    'Options (and every option of netcanvas train except --lr and --out):',
    `  --trials N               short runs in all (default ${DEFAULT_TRIALS}): two thirds at rates drawn`,
    '                           log-uniformly over the range, the rest within half a decade of the best',
    `  --range LOW,HIGH         the first round's range (default ${DEFAULT_RATE_RANGE.low},${DEFAULT_RATE_RANGE.high})`,
    '  --epochs E               epochs per trial (default: the training default for the data)',
    '  --report FILE            write { trials, best, ranges, settings, ... } as JSON',
    '',
    'Every trial starts from the same initial weights (the seed), so only the rate differs; trials are',
    'ranked by validation accuracy. A trial whose loss blows up is reported as diverged.',
    '',
    'Examples:',
    '  netcanvas search mlp --dataset toy:ring --trials 6 --epochs 5',
    '  netcanvas search lenet5 --dataset mnist --limit 6000 --trials 9 --epochs 1 --report lr.json',
  ].join('\n'),
  options: { ...trainOptions, trials: { type: 'string' }, range: { type: 'string' } },
  async run({ positionals, values }, io) {
    if (positionals.length !== 1) throw new UsageError('search expects one template id, project file or model.json');
    return runSearch(positionals, values, io);
  },
};
