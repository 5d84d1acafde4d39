// `npm start`: builds the renderer and the Electron shell, then opens the
// desktop window. Electron fetches its binary on first launch; where that
// cannot happen (no network), say so in one line and serve the same build as
// a web page instead, so `npm start` always ends with NetCanvas on screen.
import { spawn, spawnSync } from 'node:child_process';

const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

/** The Electron executable, fetched on first use; null when it is missing and cannot be fetched. */
function electronBinary() {
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    encoding: 'utf8',
    timeout: 180_000,
    cwd: process.cwd(),
  });
  // The first launch prints a download line before the path; the path is the last line.
  return probe.status === 0 && probe.stdout.trim() ? probe.stdout.trim().split('\n').pop() : null;
}

run('npx', ['vite', 'build', '--logLevel', 'warn']);
run(process.execPath, ['scripts/build-electron.mjs']);
const binary = electronBinary();
if (!binary) {
  console.error(
    'NetCanvas: the Electron binary is not installed and could not be downloaded (no network?); serving the web app instead, as `npm run web` does: open the URL below.',
  );
  run('npx', ['vite', 'preview', '--host', '127.0.0.1']);
  process.exit(0);
}
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
