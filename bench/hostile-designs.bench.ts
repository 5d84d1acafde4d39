/**
 * Designs built to hurt: a 100,000-layer chain and a 10,000-layer cycle, as
 * `netcanvas validate` meets them. Times (medians) for reading the file
 * (parse + limits + schema) and for shape inference, each also as a ratio to
 * plain `JSON.parse` of the same text in the same run, the floor no reader
 * can go under. Before the iterative graph algorithms the cycle took 15 s
 * and 2 GB and then failed with "Invalid string length".
 * Run with `npm run bench hostile`.
 */
import { pathToFileURL } from 'node:url';
import { parseProjectFile, createProject, serializeProjectFile } from '../core/formats/project-file';
import type { Graph } from '../core/graph/graph';
import { inferShapes } from '../core/graph/infer';

const RUNS = 5;

function medianMs(work: () => unknown): number {
  work();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)];
}

/** An input and `length` ReLU layers; with `ring`, the last feeds back into the first through an Add. */
function design(length: number, ring: boolean): Graph {
  const position = { x: 0, y: 0 };
  const nodes: Graph['nodes'] = [{ id: 'n0', type: 'InputLayer', name: 'x', params: { shape: [4] }, position }];
  const edges: Graph['edges'] = [];
  if (ring) nodes.push({ id: 'merge', type: 'Add', name: 'merge', params: {}, position });
  let previous = ring ? 'merge' : 'n0';
  if (ring) edges.push({ id: 'in', source: 'n0', target: 'merge', targetInput: 0 });
  for (let i = 1; i <= length; i++) {
    nodes.push({ id: `n${i}`, type: 'ReLU', name: `r${i}`, params: {}, position });
    edges.push({ id: `e${i}`, source: previous, target: `n${i}`, targetInput: 0 });
    previous = `n${i}`;
  }
  if (ring) edges.push({ id: 'back', source: previous, target: 'merge', targetInput: 1 });
  return { nodes, edges, groups: [] };
}

/** Prints the figures. */
export async function run(): Promise<void> {
  const ms = (x: number) => `${x.toFixed(0).padStart(6)} ms`;
  for (const [label, graph] of [
    ['100,000-layer chain', design(99_999, false)],
    ['10,000-layer cycle ', design(10_000, true)],
  ] as const) {
    const text = serializeProjectFile(createProject(graph));
    const parse = medianMs(() => JSON.parse(text));
    const read = medianMs(() => parseProjectFile(text));
    const loaded = parseProjectFile(text).graph;
    const infer = medianMs(() => inferShapes(loaded));
    const diagnostics = inferShapes(loaded).diagnostics.length;
    console.log(
      `${label} (${(text.length / 1024 ** 2).toFixed(1)} MiB, ${diagnostics} diagnostic):` +
        `  JSON.parse ${ms(parse)}   read ${ms(read)} (${(read / parse).toFixed(1)}×)` +
        `   inferShapes ${ms(infer)} (${(infer / parse).toFixed(1)}×)`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await run();
