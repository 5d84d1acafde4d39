/**
 * How many threads the wasm backend should train a design with. Kept apart
 * from `./backends` (which loads tfjs) so the CLI can parse and explain
 * `--threads` before tfjs loads.
 */

/** The most threads tfjs-backend-wasm's pool runs (its build caps the pool at 8 workers). */
export const MAX_WASM_THREADS = 8;

/**
 * Forward multiply-adds a training step needs before a second wasm thread
 * pays. Every kernel call with a pool waits for its threads (some 50 µs on
 * this project's 2-core machine), so a step of a few hundred small ops only
 * gets slower: LeNet-5 at batch 32 (13 M multiply-adds a step) took 31 ms a
 * step on 2 threads against 12–18 ms on one in Node; the CIFAR-10 CNN (1.2 G)
 * took 229–250 ms against 319–360 ms. The threshold sits where the arithmetic
 * the threads share outweighs those waits.
 */
export const THREADS_PAY_FROM_MACS = 200e6;

/**
 * The wasm threads a design trains fastest with on `cores` cores: every core
 * (at most {@link MAX_WASM_THREADS}) when a step's forward pass takes at least
 * {@link THREADS_PAY_FROM_MACS} multiply-adds, else one.
 *
 * @example
 * wasmThreadsFor(summarize(graph).totals.macs, settings.batchSize, availableParallelism());
 */
export function wasmThreadsFor(macsPerSample: number, batchSize: number, cores: number): number {
  return macsPerSample * batchSize >= THREADS_PAY_FROM_MACS ? Math.max(1, Math.min(cores, MAX_WASM_THREADS)) : 1;
}
