/**
 * `netcanvas train`: trains a template or a design file on a dataset in Node,
 * with the same engine the app's Train button drives (`core/train`), and
 * optionally writes the trained model (TensorFlow.js files) and a JSON report.
 *
 * Everything that can be wrong with the command line is found before any
 * data is loaded or any training starts: a bad number, an unknown dataset id
 * or optimizer, a report path into a missing folder. A design that does not
 * fit the data (input shape, class count) is refused with the fix, by the
 * same check as the Train view's Start button (`core/train/design-check.ts`).
 */
import { availableParallelism, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import type * as tfjs from '@tensorflow/tfjs';
import { DatasetError, describeDataset, limitDataset, splitValidation, type Dataset } from '../../core/data/dataset';
import { DATASET_ID_FORMS, parseDatasetId, type DatasetSource } from '../../core/data/dataset-id';
import { ValidationError } from '../../core/errors';
import type { Graph } from '../../core/graph/graph';
import { inputNodeIds, outputNodeIds } from '../../core/graph/graph';
import { inferShapes, trainingBlockers } from '../../core/graph/infer';
import { dataKindOfSource, DEFAULTED_FIELDS, defaultSettingsFor, TRAINING_DEFAULTS } from '../../core/train/defaults';
import { ioCountProblem, mismatchSentence, settingsMismatches, type DataShape } from '../../core/train/design-check';
import { fitDesignToData, previewLines, type FitProposal, type ImageSizeChoice } from '../../core/train/fit-design';
import { MAX_WASM_THREADS, THREADS_PAY_FROM_MACS, wasmThreadsFor } from '../../core/train/wasm-threads';
import { summarize } from '../../core/graph/summary';
import { BACKEND_NAMES, BACKEND_ORDER, type BackendName } from '../../core/train/setting-fields';
import { parseTrainingSettings, type Schedule, type TrainingSettings } from '../../core/train/settings';
import type { EpochEvent, TrainingResult } from '../../core/train/session';
import type { Template } from '../../templates/template';
import { CliError, EXIT, UsageError, type CliIo, type Command } from '../command';
import { loadDataset } from '../datasets-node';
import { buildTemplate, findTemplate, isFile, loadDesign } from '../load-design';
import {
  checkModelFolderOrFail,
  requireParentFolder,
  tfjsModelFiles,
  writeFileOrFail,
  writeModelFolderOrFail,
} from '../model-files-node';
import { parseInputShape, positiveInt } from '../options';
import {
  augmentHelp,
  flagForPath,
  parseAugment,
  settingFlagHelp,
  settingFlagOptions,
  settingsFromFlags,
} from '../setting-flags';
import { clock, epochLine, percent, progressBar, progressLine, rate } from './train-progress';

/** Exit code after Ctrl-C, as shells report a process ended by SIGINT (128 + 2). */
export const EXIT_INTERRUPTED = 130;

/** How the run line shows a schedule: nothing for a constant rate. */
const scheduleText = (schedule: Schedule): string =>
  schedule.kind === 'cosine'
    ? ` (cosine down to ${schedule.to})`
    : schedule.kind === 'step'
      ? ` (× ${schedule.factor} every ${schedule.every} epochs)`
      : '';

/** Parses `--schedule`: `none`, `cosine` or `cosine=X` (down to X), `step=EVERY,FACTOR`. */
export function parseSchedule(text: string): Schedule {
  const [kind, argument] = text.trim().split('=');
  const numbers = (argument ?? '').split(',').map(Number);
  if (kind === 'none' && argument === undefined) return { kind: 'none' };
  if (kind === 'cosine' && (argument === undefined || (numbers.length === 1 && numbers[0] >= 0)))
    return { kind: 'cosine', to: argument === undefined ? 0 : numbers[0] };
  if (
    kind === 'step' &&
    numbers.length === 2 &&
    Number.isInteger(numbers[0]) &&
    numbers[0] >= 1 &&
    numbers[1] > 0 &&
    numbers[1] <= 1
  )
    return { kind: 'step', every: numbers[0], factor: numbers[1] };
  throw new UsageError(
    `--schedule expects none, cosine, cosine=X (X ≥ 0) or step=EVERY,FACTOR (a whole number ≥ 1, a factor in (0, 1]), got "${text}"`,
  );
}

export function positiveNumber(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new UsageError(`--${name} expects a number > 0, got "${text}"`);
  return value;
}

function oneOf<T extends string>(name: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text))
    throw new UsageError(`--${name} expects one of ${allowed.join(', ')}, got "${text}"`);
  return text as T;
}

/** Parses `--threads`: `auto`, or a whole number of wasm threads from 1 to tfjs's pool limit. */
export function parseThreads(text: string): number | 'auto' {
  if (text === 'auto') return 'auto';
  const threads = Number(text);
  if (Number.isInteger(threads) && threads >= 1 && threads <= MAX_WASM_THREADS) return threads;
  throw new UsageError(`--threads expects auto or a whole number from 1 to ${MAX_WASM_THREADS}, got "${text}"`);
}

/** The backends `--backend` takes, those that run in Node first (webgpu and webgl are accepted and fall back, saying why). */
const CLI_BACKENDS: readonly BackendName[] = [
  ...BACKEND_ORDER.node,
  ...BACKEND_NAMES.filter((name) => !BACKEND_ORDER.node.includes(name)),
];

/**
 * Activates the backend asked for, else the best that can train here, and
 * says why the one asked for was passed over, as the terminal shows it after
 * the name: ` (webgpu is not available here: this runtime has no WebGPU …)`;
 * empty when it was not. Wasm starts with a pool of `threads` threads
 * (`../wasm-threads-node`); `onSingleThread` hears why when it cannot.
 */
async function chooseBackend(
  requested?: BackendName,
  threads = 1,
  onSingleThread?: (reason: string) => void,
): Promise<{ backend: BackendName; fellBack: string }> {
  const { selectBackend } = await import('../../core/train/backends');
  const { withNodeWasmThreads } = await import('../wasm-threads-node');
  let reason = '';
  const select = () =>
    selectBackend(requested, {
      wasmThreads: threads,
      onRejected: (name, why) => {
        if (name === requested) reason = why;
      },
    });
  const backend = await withNodeWasmThreads(threads, select, onSingleThread);
  return {
    backend,
    fellBack: requested && requested !== backend ? ` (${requested} is not available here: ${reason})` : '',
  };
}

/**
 * The cores nobody else is using now (at least 1), from the machine's CPU
 * counters over `sampleMs`. A woken pool thread on a busy core waits for a
 * time slice at every op: on this project's 2-core machine at load 10–13 the
 * CIFAR-10 CNN trained at 26–27 samples/s on two threads against 31–53 on one,
 * so auto counts only the cores that are free.
 */
async function idleCores(sampleMs = 200): Promise<number> {
  const totals = () =>
    cpus().reduce(
      (sum, cpu) => {
        const t = cpu.times;
        return { idle: sum.idle + t.idle, all: sum.all + t.idle + t.user + t.nice + t.sys + t.irq };
      },
      { idle: 0, all: 0 },
    );
  const before = totals();
  await new Promise((resolve) => setTimeout(resolve, sampleMs));
  const after = totals();
  const busy = after.all > before.all ? 1 - (after.idle - before.idle) / (after.all - before.all) : 0;
  return Math.max(1, Math.round(availableParallelism() * (1 - busy)));
}

/**
 * {@link chooseBackend} with the wasm threads `--threads` asks for (`auto`:
 * `wasmThreadsFor` the design's multiply-adds per step on the idle cores), and the words the
 * terminal shows after the backend's name: nothing for one thread, the count
 * (with auto's reason) for more, then why a backend asked for was passed over.
 */
export async function chooseBackendFor(
  plan: TrainPlan,
  graph: Graph,
  io: CliIo,
): Promise<{ backend: BackendName; fellBack: string; threadText: string; threads: number | null }> {
  const macsPerStep = summarize(graph).totals.macs * plan.settings.batchSize;
  const threads =
    plan.threads === 'auto'
      ? wasmThreadsFor(macsPerStep / plan.settings.batchSize, plan.settings.batchSize, await idleCores())
      : plan.threads;
  const { backend, fellBack } = await chooseBackend(plan.backend, threads, (reason) =>
    io.err(`netcanvas: wasm runs on one thread: ${reason}\n`),
  );
  const { wasmThreadCount } = await import('../../core/train/backends');
  const threadCount = await wasmThreadCount();
  // One thread is the plain case and goes unsaid; more are named with why auto chose them.
  const threadText =
    threadCount !== null && threadCount > 1
      ? `, ${threadCount} threads` +
        (plan.threads === 'auto' ? ` (auto: ${(macsPerStep / 1e6).toFixed(0)} M multiply-adds a step)` : '')
      : '';
  return { backend, fellBack, threadText, threads: threadCount };
}

/** Everything the flags say, checked, before any file is read. */
export interface TrainPlan {
  target: string;
  datasetId: string;
  settings: TrainingSettings;
  /** The seed the run uses: the given one, or one drawn now and printed so the run can be repeated. */
  seed: number;
  seedGiven: boolean;
  input?: number[];
  classes?: number;
  limit?: number;
  backend?: BackendName;
  /** `--threads`: wasm threads, or `auto` (every core for designs big enough that threads pay; see `wasmThreadsFor`). */
  threads: number | 'auto';
  /** How to fit the design to the data (`--fit`); templates are fitted with `auto` when it is absent. */
  fit?: FitFlag;
  outDir?: string;
  reportFile?: string;
}

export function planFromFlags(positionals: string[], values: Record<string, string | boolean | undefined>): TrainPlan {
  if (positionals.length !== 1) throw new UsageError('train expects one template id, project file or model.json');
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const datasetId = text('dataset');
  if (datasetId === undefined) throw new UsageError(`train needs --dataset: one of ${DATASET_ID_FORMS.join(', ')}`);
  let source: DatasetSource;
  try {
    source = parseDatasetId(datasetId);
  } catch (e) {
    if (e instanceof DatasetError) throw new UsageError(`--dataset ${e.message}`);
    throw e;
  }
  const given = <T>(name: string, parse: (value: string) => T): T | undefined => {
    const value = text(name);
    return value === undefined ? undefined : parse(value);
  };
  const flagged = settingsFromFlags(values);
  const seedGiven = flagged.seed !== undefined;
  const seed = flagged.seed ?? Math.floor(Math.random() * 0x100000000);
  const augmentation = given('augment', parseAugment);
  const schedule = given('schedule', parseSchedule);
  // What the flags leave out comes from the defaults for this kind of data (core/train/defaults.ts), as in the app.
  const kind = dataKindOfSource(source);
  const raw = {
    ...defaultSettingsFor(kind),
    ...flagged,
    ...(schedule ? { schedule } : {}),
    ...(augmentation ? { augmentation } : {}),
    seed,
  };
  let settings: TrainingSettings;
  try {
    settings = parseTrainingSettings(raw, [], kind);
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    // "At augmentation.crop: Too big…" → "--augment crop: Too big…"
    throw new UsageError(`${flagForPath(e.path)}: ${e.detail}`);
  }
  return {
    target: positionals[0],
    datasetId,
    settings,
    seed,
    seedGiven,
    input: given('input', parseInputShape),
    classes: given('classes', (v) => positiveInt('classes', v)),
    limit: given('limit', (v) => positiveInt('limit', v)),
    backend: given('backend', (v) => oneOf<BackendName>('backend', v, CLI_BACKENDS)),
    threads: given('threads', parseThreads) ?? 'auto',
    fit: given('fit', (v) => oneOf<FitFlag>('fit', v, FIT_FLAGS)),
    outDir: text('out'),
    reportFile: text('report'),
  };
}

const dims = (shape: readonly number[]) => shape.join('×');
const flag = (shape: readonly number[]) => shape.join(',');

/**
 * The design's one input shape, from shape inference. Refuses an empty
 * design, a design with errors or layers tfjs cannot train (listing every
 * one), or one without exactly one input and one output.
 */
function designInput(graph: Graph, label: string): number[] {
  if (graph.nodes.length === 0) throw new CliError(`${label} has no layers; there is nothing to train`);
  const report = inferShapes(graph);
  // Errors, and layers TensorFlow.js runs but cannot train (a dilated Conv2D has no gradient there).
  const blockers = trainingBlockers(report.diagnostics);
  if (blockers.length) {
    const problems = `${blockers.length} problem${blockers.length === 1 ? '' : 's'}`;
    throw new CliError(
      `${label} has ${problems} that stop training; fix ${blockers.length === 1 ? 'it' : 'them'} first:\n` +
        blockers.map((d) => `  - ${d.message}`).join('\n'),
    );
  }
  const inputIds = new Set(inputNodeIds(graph));
  const inputs = graph.nodes.filter((n) => inputIds.has(n.id));
  const problem = ioCountProblem(inputs.length, outputNodeIds(graph).length);
  if (problem) throw new CliError(`${label}: ${problem}`);
  return (report.shapes.get(inputs[0].id) ?? []).slice(1) as number[];
}

/** What the design-vs-data check needs to know of a dataset, named as the user gave it. */
const dataShape = (data: Dataset): DataShape => ({
  inputShape: data.inputShape,
  classCount: data.classNames.length,
  name: data.name,
});

/** A template or a file, before the dataset says what input and class count a template should be built with. */
export type DesignSource = { kind: 'template'; template: Template } | { kind: 'file'; graph: Graph; label: string };

export async function resolveDesign(plan: TrainPlan, cwd: string): Promise<DesignSource> {
  const template = (await isFile(resolve(cwd, plan.target))) ? undefined : findTemplate(plan.target);
  if (template) return { kind: 'template', template };
  const design = await loadDesign(plan.target, { input: plan.input, classes: plan.classes }, cwd);
  return { kind: 'file', graph: design.graph, label: design.label };
}

/** `--fit`: `auto` takes the solver's recommendation, `pad` and `resize` choose how images of another size are met. */
const FIT_FLAGS = ['auto', 'pad', 'resize'] as const;
type FitFlag = (typeof FIT_FLAGS)[number];
const FIT_CHOICE: Record<Exclude<FitFlag, 'auto'>, ImageSizeChoice> = { pad: 'pad-images', resize: 'resize-input' };

/** The proposal `--fit` asks for; `resize`/`pad` fall back to the only proposal when the data leave no choice. */
function chooseProposal(proposals: FitProposal[], flag: FitFlag): FitProposal {
  if (flag === 'auto') return proposals[0];
  const wanted = FIT_CHOICE[flag];
  const chosen = proposals.find((p) => p.choice === wanted);
  if (chosen) return chosen;
  if (proposals.every((p) => p.choice === null)) return proposals[0];
  throw new CliError(
    `--fit ${flag}: not possible for this design and data; ` +
      `possible: ${proposals.map((p) => `--fit ${p.choice === 'pad-images' ? 'pad' : 'resize'} (${p.label})`).join(', ')}`,
  );
}

/** The proposal as lines for the terminal: what it does, each edit, and the shapes that change. */
function proposalLines(proposal: FitProposal): string[] {
  const { before, after } = proposal.params;
  const weights =
    before === after
      ? `${after.toLocaleString('en-US')} weights kept`
      : `${before.toLocaleString('en-US')} → ${after.toLocaleString('en-US')} weights`;
  return [
    `${proposal.label} (${weights}):`,
    ...proposal.edits.map((edit) => `  - ${edit}`),
    ...previewLines(proposal).map((line) => `    ${line}`),
  ];
}

/**
 * The graph to train. A template is built for the dataset's class count and
 * then fitted to its samples by core's solver (`--fit`, default `auto`: LeNet-5
 * keeps its 32×32 input and pads MNIST's 28×28 digits, as LeCun did); with
 * `--input` it is built at that shape instead. A file's design is trained as
 * it is when it fits; otherwise the solver's proposals are shown and `--fit`
 * applies one.
 */
export function designForData(
  source: DesignSource,
  plan: TrainPlan,
  data: Dataset,
): { graph: Graph; label: string; fitted: string[] } {
  const samples = data.inputShape;
  const classCount = data.classNames.length;
  const target = dataShape(data);
  if (source.kind === 'template') {
    const { template } = source;
    if (plan.input && dims(plan.input) !== dims(samples))
      throw new CliError(
        `--input ${flag(plan.input)} does not match ${data.name}, whose samples are ${dims(samples)}; ` +
          `pass --input ${flag(samples)} or leave --input out`,
      );
    if (plan.classes !== undefined && plan.classes !== classCount)
      throw new CliError(
        `--classes ${plan.classes} does not match ${data.name}, which has ${classCount} classes; ` +
          `pass --classes ${classCount} or leave --classes out`,
      );
    const label = `${template.title} (template ${template.id})`;
    let graph: Graph;
    try {
      graph = buildTemplate(template, { ...(plan.input ? { input: plan.input } : {}), classes: classCount });
    } catch (e) {
      if (e instanceof UsageError)
        throw new CliError(`template ${template.id} cannot take ${data.name}'s ${dims(samples)} samples: ${e.message}`);
      throw e;
    }
    const fit = fitDesignToData(graph, target);
    if (fit.status === 'impossible') throw new CliError(`template ${template.id}: ${fit.reason}`);
    if (fit.status === 'fits') return { graph, label, fitted: [] };
    const proposal = chooseProposal(fit.proposals, plan.fit ?? 'auto');
    return { graph: proposal.graph, label, fitted: proposalLines(proposal) };
  }
  const { graph, label } = source;
  designInput(graph, label);
  const fit = fitDesignToData(graph, target);
  if (fit.status === 'impossible') throw new CliError(`${label}: ${fit.reason}`);
  if (fit.status === 'fits') return { graph, label, fitted: [] };
  if (plan.fit) {
    const proposal = chooseProposal(fit.proposals, plan.fit);
    return { graph: proposal.graph, label, fitted: proposalLines(proposal) };
  }
  const options = fit.proposals
    .map((p, i) => {
      const flagText = p.choice === null ? '--fit auto' : `--fit ${p.choice === 'pad-images' ? 'pad' : 'resize'}`;
      return [`${flagText}${i === 0 ? ' (recommended)' : ''}: ${proposalLines(p)[0]}`, ...proposalLines(p).slice(1)];
    })
    .flat();
  throw new CliError(
    `${label} does not fit ${data.name} (${dims(samples)} samples, ${classCount} classes); train it fitted with:\n` +
      options.map((line) => `  ${line}`).join('\n'),
  );
}

/** The input shape a `folder:` dataset resizes its images to: the design's, or the template's default. */
function folderImageShape(source: DesignSource, plan: TrainPlan): [number, number, number] {
  const shape =
    source.kind === 'template'
      ? (plan.input ?? [...source.template.defaultInput])
      : designInput(source.graph, source.label);
  if (shape.length !== 3)
    throw new CliError(
      `an image folder needs a design with an image input (height, width, channels); this one takes ${dims(shape)}` +
        (source.kind === 'template' ? '; pass --input H,W,C' : ''),
    );
  return shape as [number, number, number];
}

export async function loadData(plan: TrainPlan, source: DesignSource): Promise<Dataset> {
  const kind = parseDatasetId(plan.datasetId).kind;
  try {
    let data = await loadDataset(plan.datasetId, {
      seed: plan.seed,
      ...(kind === 'folder' ? { imageShape: folderImageShape(source, plan) } : {}),
    });
    if (plan.limit !== undefined) data = limitDataset(data, plan.limit);
    if (!data.validation && plan.settings.validationSplit > 0)
      data = splitValidation(data, plan.settings.validationSplit, plan.seed);
    return data;
  } catch (e) {
    if (e instanceof ValidationError) throw new CliError(e.message);
    throw e;
  }
}

/**
 * The `--report` JSON: what the issue fixes (`backend`, `history`, `test`, `samplesPerSecond`) plus the run's
 * context; `threads` is the wasm pool's size (null on other backends).
 */
function reportJson(
  backend: BackendName,
  threads: number | null,
  design: string,
  data: Dataset,
  result: TrainingResult,
  test: { loss: number; accuracy: number; count: number },
  seconds: number,
) {
  return {
    backend,
    threads,
    design,
    dataset: data.name,
    seed: result.seed,
    settings: result.settings,
    trainCount: result.trainCount,
    validationCount: result.validationCount,
    history: result.history.map((e: EpochEvent) => ({
      epoch: e.epoch + 1,
      loss: e.loss,
      accuracy: e.accuracy,
      valLoss: e.valLoss ?? null,
      valAccuracy: e.valAccuracy ?? null,
      seconds: e.seconds,
    })),
    test,
    samplesPerSecond: result.samplesPerSecond,
    seconds,
    normalization: result.normalization,
    health: result.health ?? null,
  };
}

/** Written beside model.json by `--out`: how to turn raw samples into the trained model's inputs. */
export const PREPROCESSING_FILE_NAME = 'preprocessing.json';

/**
 * The preprocessing a trained model expects, as data and as a formula a
 * reader can apply: `x · scale` (1/255 for pixels), then per channel (the last
 * axis) `(x − mean) / std`. Class names map output indices to labels.
 */
function preprocessingJson(data: Dataset, result: TrainingResult) {
  const { mode, scale, mean, std } = result.normalization;
  const scaled = scale === 1 ? 'x' : `x · ${Number(scale.toPrecision(6))}`;
  const formula =
    mode === 'center' || mode === 'standardize'
      ? `(${scaled} − mean) / std per channel`
      : scaled === 'x'
        ? 'raw values'
        : scaled;
  return { mode, scale, mean, std, formula, inputShape: data.inputShape, classNames: data.classNames };
}

/** Redraws the progress bar on a terminal at most this often; a pipe gets a plain line at most this often. */
const BAR_REDRAW_MS = 100;
const PLAIN_LINE_MS = 10_000;

async function runTraining(plan: TrainPlan, io: CliIo): Promise<number> {
  // Fail on unwritable outputs now, not after an hour of training; and write nothing until the model is done.
  const outDir = plan.outDir === undefined ? undefined : resolve(io.cwd, plan.outDir);
  if (outDir) await checkModelFolderOrFail(outDir, plan.outDir);
  const reportFile = plan.reportFile === undefined ? undefined : resolve(io.cwd, plan.reportFile);
  if (reportFile) await requireParentFolder(reportFile, plan.reportFile);

  const source = await resolveDesign(plan, io.cwd);
  const data = await loadData(plan, source);
  const { graph, label, fitted } = designForData(source, plan, data);
  const [settingsProblem] = settingsMismatches(plan.settings, dataShape(data));
  if (settingsProblem) throw new CliError(mismatchSentence(settingsProblem));

  // tfjs and the training engine load only now, so help and flag errors stay instant.
  const tf = await import('@tensorflow/tfjs');
  const { compileGraph } = await import('../../core/compile/compile');
  const { compileOptionsFor } = await import('../../core/train/settings');
  const { train, TrainingError } = await import('../../core/train/session');
  const { healthLayersOf, healthLine } = await import('../../core/train/layer-health');
  const { evaluate } = await import('../../core/train/evaluate');
  const { exportTfjsModel } = await import('../../core/formats/tfjs-export');

  // PROD silences tfjs's console advice (install tfjs-node, …), which would interleave with the progress output.
  tf.env().set('PROD', true);
  const { settings } = plan;
  const { backend, fellBack, threadText, threads: threadCount } = await chooseBackendFor(plan, graph, io);
  const model: tfjs.LayersModel = compileGraph(graph, tf, compileOptionsFor(settings));
  io.out(`design: ${label}, ${model.countParams().toLocaleString('en-US')} parameters\n`);
  if (fitted.length) io.out(`fit to ${data.name}: ${fitted.join('\n')}\n`);
  io.out(`data: ${describeDataset(data)}\n`);
  io.out(`backend: ${backend}${threadText}${fellBack}\n`);
  io.out(
    `training: ${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'}, ${settings.optimizer} lr ${settings.learningRate}${scheduleText(settings.schedule)}, ` +
      `batch ${settings.batchSize}, seed ${plan.seed}${plan.seedGiven ? '' : ` (repeat with --seed ${plan.seed})`}\n`,
  );

  const tty = Boolean(process.stderr.isTTY);
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(EXIT_INTERRUPTED); // a second Ctrl-C: quit at once
    controller.abort();
    io.err(`${tty ? '\n' : ''}netcanvas: stopping after the current batch (Ctrl-C again to quit at once)\n`);
  };
  process.on('SIGINT', onSigint);

  let barShown = false;
  const clearBar = () => {
    if (barShown) io.err('\r\x1b[2K');
    barShown = false;
  };
  const started = performance.now();
  // A pipe's first plain line comes after PLAIN_LINE_MS of training; a terminal's bar at the first batch.
  let lastDraw = tty ? 0 : started;
  let result: TrainingResult;
  try {
    result = await train(tf, model, data, settings, {
      signal: controller.signal,
      onBatchEnd: (event) => {
        const time = performance.now();
        const last = event.batch + 1 === event.batchesPerEpoch;
        if (tty) {
          if (time - lastDraw < BAR_REDRAW_MS && !last) return;
          io.err(`\r\x1b[2K${progressBar(event, settings.epochs, process.stderr.columns || 100)}`);
          barShown = true;
        } else {
          if (time - lastDraw < PLAIN_LINE_MS) return;
          io.err(`${progressLine(event, settings.epochs)}\n`);
        }
        lastDraw = time;
      },
      onEpochEnd: (event) => {
        clearBar();
        io.out(`${epochLine(event, settings.epochs)}\n`);
      },
      health: { layers: healthLayersOf(graph) },
    });
  } catch (e) {
    clearBar();
    model.dispose();
    if (e instanceof TrainingError) throw new CliError(e.message);
    throw e;
  } finally {
    process.off('SIGINT', onSigint);
  }
  clearBar();

  if (result.status === 'cancelled') {
    model.dispose();
    const epochs = result.history.length;
    io.err(
      `netcanvas: training stopped by Ctrl-C after ${epochs} of ${settings.epochs} epoch${settings.epochs === 1 ? '' : 's'}; ` +
        `nothing was written\n`,
    );
    return EXIT_INTERRUPTED;
  }

  const test = await evaluate(tf, model, data.test, {
    inputShape: data.inputShape,
    classCount: data.classNames.length,
    normalization: result.normalization,
  });
  const seconds = (performance.now() - started) / 1000;
  io.out(
    `test: loss ${test.loss.toFixed(4)}  accuracy ${percent(test.accuracy)} (${test.count} samples)  ` +
      `${clock(seconds)} in all, ${rate(result.samplesPerSecond)} samples/s training\n`,
  );
  // Each layer's health after the last epoch, with any problem seen on the way (core/train/layer-health.ts).
  for (const layer of result.health?.layers ?? []) io.out(`health: ${healthLine(layer)}\n`);

  if (outDir) {
    const exported = await exportTfjsModel(model, tf);
    // The model expects inputs prepared as in training; without these numbers its predictions are noise.
    const preprocessing = preprocessingJson(data, result);
    // One folder, written whole: model.json, its weights and the preprocessing always belong together.
    await writeModelFolderOrFail(
      outDir,
      [
        ...tfjsModelFiles(exported),
        { name: PREPROCESSING_FILE_NAME, data: `${JSON.stringify(preprocessing, null, 2)}\n` },
      ],
      plan.outDir,
    );
    io.out(
      `model: ${join(plan.outDir!, 'model.json')} + weights (tf.loadLayersModel reads them); ` +
        `feed it ${preprocessing.formula} (${PREPROCESSING_FILE_NAME})\n`,
    );
  }
  model.dispose();
  if (reportFile) {
    const report = reportJson(
      backend,
      threadCount,
      label,
      data,
      result,
      { loss: test.loss, accuracy: test.accuracy, count: test.count },
      seconds,
    );
    await writeFileOrFail(reportFile, `${JSON.stringify(report, null, 2)}\n`, plan.reportFile);
    io.out(`report: ${plan.reportFile}\n`);
  }
  return EXIT.ok;
}

/** The flag of each setting whose default depends on the kind of data, for the reasons in `--help`. */
const DEFAULT_FLAGS: Record<(typeof DEFAULTED_FIELDS)[number], string> = {
  optimizer: '--optimizer',
  learningRate: '--lr',
  schedule: '--schedule',
  batchSize: '--batch-size',
  epochs: '--epochs',
  preprocessing: '--preprocess',
};

/** The defaults per kind of data with their reasons, from core/train/defaults.ts (the app shows the same sentences). */
function defaultsHelp(): string[] {
  const value = (v: unknown) =>
    typeof v === 'object' && v !== null ? Object.values(v as Record<string, unknown>).join(' to ') : String(v);
  return (['images', 'points'] as const).flatMap((kind) => [
    '',
    kind === 'images' ? 'Defaults for images (mnist, idx:, cifar10:, folder:):' : 'Defaults for points (toy: sets):',
    ...DEFAULTED_FIELDS.map((field) => {
      const entry = TRAINING_DEFAULTS[kind][field];
      return `  ${`${DEFAULT_FLAGS[field]} ${value(entry.value)}`.padEnd(24)} ${entry.why}`;
    }),
  ]);
}

export const trainCommand: Command = {
  name: 'train',
  usage: '<template-id | file> --dataset ID [options]',
  summary: 'Train a template or design on a dataset and report test accuracy',
  details: [
    'Datasets (--dataset):',
    '  mnist              the MNIST digits shipped with NetCanvas (60,000 + 10,000)',
    '  idx:<dir>          the four IDX files of Fashion-MNIST, KMNIST, ... in a folder',
    '  cifar10:<path>     CIFAR-10 binary: its folder or cifar-10-binary.tar.gz',
    '  folder:<dir>       one subfolder of PNG/JPEG images per class (optionally under train/ and test/)',
    '  toy:<name>         a 2-D set where a linear classifier fails: quadrants, ring, modes',
    '',
    'Training settings:',
    ...settingFlagHelp((kind) => parseTrainingSettings(defaultSettingsFor(kind), [], kind)),
    '  --schedule S             none, cosine (down to 0; cosine=X down to X) or step=EVERY,FACTOR',
    ...augmentHelp(),
    '',
    'Other options:',
    `  --backend NAME           ${CLI_BACKENDS.join(', ')} (default: the first of ${BACKEND_ORDER.node.join(', ')} that can train here)`,
    `  --threads N|auto         wasm threads (1 to ${MAX_WASM_THREADS}); auto: every idle core when a step takes at least`,
    `                           ${THREADS_PAY_FROM_MACS / 1e6} M multiply-adds (each op then waits for the threads, which only`,
    '                           pays on big steps: the CIFAR-10 CNN, not LeNet-5, and on free cores), else 1',
    '  --limit N                use at most N samples of each split (a quick check)',
    '  --fit auto|pad|resize    fit the design to the data: Input shape, Flatten, output units; for',
    '                           images of another size pad them (LeNet-5: 28→32) or resize the Input',
    '                           (templates: auto; a file that does not fit is refused with the choices)',
    "  --input H,W,C            build a template for this input (default: the dataset's)",
    "  --classes N              build a template for N classes (default: the dataset's)",
    '  --out DIR                write the trained model as DIR/model.json + DIR/model.weights.bin, and',
    '                           DIR/preprocessing.json: the scale, mean and std its inputs need (the folder',
    '                           is written whole and atomically, so it must hold nothing but a model)',
    '  --report FILE            write { backend, history, test, samplesPerSecond, ... } as JSON',
    '',
    ...defaultsHelp(),
    '',
    "A template is built for the dataset's class count and fitted to its samples. A progress bar shows on a",
    'terminal; each epoch prints a line, and the test accuracy comes last. Ctrl-C stops after the',
    'current batch without writing anything (exit 130).',
    '',
    'Examples:',
    '  netcanvas train lenet5 --dataset mnist --epochs 1',
    '  netcanvas train mlp --dataset toy:ring --report ring.json',
    '  netcanvas train my-net.netcanvas.json --dataset cifar10:~/cifar-10-binary.tar.gz --augment flip,crop=4 --out trained/',
  ].join('\n'),
  options: {
    dataset: { type: 'string' },
    ...settingFlagOptions(),
    augment: { type: 'string' },
    backend: { type: 'string' },
    threads: { type: 'string' },
    limit: { type: 'string' },
    fit: { type: 'string' },
    schedule: { type: 'string' },
    input: { type: 'string' },
    classes: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string', short: 'o' },
    report: { type: 'string' },
  },
  async run({ positionals, values }, io) {
    return runTraining(planFromFlags(positionals, values), io);
  },
};
