/**
 * How fast the canvas can refresh shapes and the summary of a big design:
 * ResNet-152 (520 layers at 224×224×3). Times, as medians over several runs,
 * building the template, a full `inferShapes` + `summarize`, and the refresh
 * after a one-parameter edit (the classifier's units), which is what every
 * keystroke in the inspector costs. Run with `npm run bench summary`.
 */
import { pathToFileURL } from 'node:url';
import { setParams } from '../core/graph/graph';
import { inferShapes } from '../core/graph/infer';
import { summarize } from '../core/graph/summary';
import { resnet152 } from '../templates/resnet';

const RUNS = 25;
const WARM_UP_RUNS = 3;

/** Median wall time of `work` in milliseconds, after a few untimed warm-up calls. */
function medianMs(work: (run: number) => unknown): number {
  for (let i = 0; i < WARM_UP_RUNS; i++) work(i);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    work(i);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)];
}

/** Prints the figures. */
export async function run(): Promise<void> {
  const graph = resnet152.build();
  const fc = graph.nodes.find((n) => n.name === 'fc');
  if (!fc) throw new Error('resnet152 has no layer named "fc"');
  const check = summarize(graph);
  if (check.diagnostics.length) throw new Error(`resnet152 has diagnostics: ${check.diagnostics[0].message}`);

  const build = medianMs(() => resnet152.build());
  const infer = medianMs(() => inferShapes(graph));
  const full = medianMs(() => summarize(graph, inferShapes(graph)));
  // A different value each run, as when a user types into the inspector.
  const edit = medianMs((i) => {
    const edited = setParams(graph, fc.id, { units: 10 + (i % 90) });
    return summarize(edited, inferShapes(edited));
  });

  const ms = (x: number) => `${x.toFixed(2).padStart(8)} ms`;
  console.log(
    `ResNet-152 at 224×224×3: ${graph.nodes.length} layers, ${graph.edges.length} edges, ${check.totals.trainableParams.toLocaleString('en-US')} trainable weights`,
  );
  console.log(`median of ${RUNS} runs (after ${WARM_UP_RUNS} warm-up):`);
  console.log(`  build the template              ${ms(build)}`);
  console.log(`  inferShapes                     ${ms(infer)}`);
  console.log(`  inferShapes + summarize         ${ms(full)}`);
  console.log(`  edit one parameter + both       ${ms(edit)}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
