/**
 * `npm run bench [filter]`: runs every `bench/*.bench.ts` (or those whose name
 * contains `filter`), each in its own Node process so one benchmark's tfjs
 * backend and memory do not colour the next. Benchmarks print figures; they
 * do not pass or fail on time.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchFolder = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(benchFolder)
  .filter((name) => name.endsWith('.bench.ts') && name.includes(filter))
  .sort();

if (files.length === 0) {
  console.error(`No bench/*.bench.ts file matches "${filter}".`);
  process.exit(1);
}

let failed = 0;
for (const name of files) {
  console.log(`\n=== ${name} ===`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(benchFolder, name)], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.error(`${name} exited with ${run.status ?? run.signal}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
