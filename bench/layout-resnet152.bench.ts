/**
 * The canvas's layout work on the biggest template, ResNet-152 (520 layers,
 * 569 lines, 54 groups), in Node with the same core functions the app runs.
 *
 * Prints:
 * - the layered layout (ELK, `computeLayout`) of ResNet-152 as opened (every
 *   group open) and with every group closed, against ResNet-18 in the same run
 *   (the ratio says how the cost grows with the design). Goal: under 200 ms.
 *   In the app this runs in a Web Worker (renderer/canvas/worker/), so it
 *   never blocks the window whatever it takes; the figure is how long the user
 *   waits for a fresh layout (Layout, Direction, Expand all, opening a template);
 * - opening or closing one group in place (`expandInPlace` / `collapseInPlace`,
 *   which run on the main thread when a group's ▸ / ▾ is clicked), over every
 *   group of ResNet-152, against one full layout (how much cheaper moving the
 *   rest aside is than laying out again).
 *
 * Run: `npm run bench layout` or `npx tsx bench/layout-resnet152.bench.ts`.
 * A benchmark, not a test: it prints figures and does not fail on time.
 */
import os from 'node:os';
import { collapseInPlace, expandInPlace } from '../core/graph/geometry';
import type { Graph } from '../core/graph/graph';
import { computeLayout, layoutGraph } from '../core/graph/layout';
import { getTemplate } from '../templates/index';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x: number): string => `${x.toFixed(1)} ms`;

/**
 * Wall and CPU time of `runs` layouts of `graph`, after one untimed warm-up
 * (ELK's first call compiles). CPU time is reported too because on a shared
 * machine the wall time mostly measures the other processes.
 */
async function layoutTime(graph: Graph, runs: number): Promise<{ wall: number[]; cpu: number[] }> {
  await computeLayout(graph);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const used = process.cpuUsage();
    const start = performance.now();
    await computeLayout(graph);
    wall.push(performance.now() - start);
    const spent = process.cpuUsage(used);
    cpu.push((spent.user + spent.system) / 1000);
  }
  return { wall, cpu };
}

const figures = (t: { wall: number[]; cpu: number[] }): string =>
  `median ${ms(median(t.wall))} wall, ${ms(median(t.cpu))} CPU; min ${ms(Math.min(...t.wall))} wall`;

async function main(): Promise<void> {
  const resnet18 = getTemplate('resnet18').build();
  const resnet152 = getTemplate('resnet152').build();
  const closed152: Graph = { ...resnet152, groups: resnet152.groups.map((g) => ({ ...g, collapsed: true })) };

  const small = await layoutTime(resnet18, 7);
  const open = await layoutTime(resnet152, 5);
  const closed = await layoutTime(closed152, 5);

  // One group at a time, as a user clicks: close it in the laid-out design, then open it again.
  const laidOut = await layoutGraph(resnet152);
  const collapseTimes: number[] = [];
  const expandTimes: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    for (const group of laidOut.groups) {
      const start = performance.now();
      const shut = collapseInPlace(laidOut, group.id, laidOut.direction);
      const closedAt = performance.now();
      const reopened = expandInPlace(shut, group.id, laidOut.direction);
      const openedAt = performance.now();
      // The first pass warms the JIT up.
      if (pass > 0) {
        collapseTimes.push(closedAt - start);
        expandTimes.push(openedAt - closedAt);
      }
      if (reopened.nodes.length !== laidOut.nodes.length) throw new Error('a round trip lost layers');
    }
  }

  const layout = median(open.cpu);
  console.log('layout-resnet152 (Node, the core functions the app runs; in the app ELK runs in a Web Worker)');
  console.log(`  ELK layout, ResNet-18 (${resnet18.nodes.length} layers):         ${figures(small)}`);
  console.log(
    `  ELK layout, ResNet-152 all groups open:   ${figures(open)}  (goal < 200 ms; CPU ${(layout / median(small.cpu)).toFixed(1)}× ResNet-18)`,
  );
  console.log(`  ELK layout, ResNet-152 all groups closed: ${figures(closed)}`);
  console.log(
    `  close one group in place (${collapseTimes.length} clicks):    median ${ms(median(collapseTimes))}, max ${ms(Math.max(...collapseTimes))}  (${(layout / median(collapseTimes)).toFixed(0)}× cheaper than the layout's CPU time)`,
  );
  console.log(
    `  open one group in place (${expandTimes.length} clicks):     median ${ms(median(expandTimes))}, max ${ms(Math.max(...expandTimes))}  (${(layout / median(expandTimes)).toFixed(0)}× cheaper than the layout's CPU time)`,
  );
  console.log(`  machine load average (1 min):             ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores`);
}

await main();
