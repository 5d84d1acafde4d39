/**
 * The README shows real `netcanvas` output and lists real commands; these
 * checks keep it true when the table format, a template or a script changes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { commands } from '../../cli/commands/index';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const scripts = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

async function output(argv: string[]): Promise<string> {
  let out = '';
  await main(argv, { out: (t) => void (out += t), err: () => undefined, cwd: process.cwd() });
  return out;
}

describe('README', () => {
  it('shows exactly what `netcanvas summary lenet5` prints', async () => {
    expect(readme).toContain(`$ npx netcanvas summary lenet5\n${await output(['summary', 'lenet5'])}\`\`\``);
  });

  it('uses only netcanvas commands that exist', () => {
    const used = [...readme.matchAll(/npx netcanvas ([a-z][a-z-]*)/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(5);
    for (const name of used) expect(commands.map((c) => c.name)).toContain(name);
  });

  it('uses only npm scripts that package.json defines', () => {
    const used = [
      ...[...readme.matchAll(/npm run ([a-z:]+)/g)].map((m) => m[1]),
      ...[...readme.matchAll(/npm (start|test)\b/g)].map((m) => m[1]),
    ];
    expect(used).toEqual(expect.arrayContaining(['start', 'test', 'web', 'lint']));
    for (const name of used) expect(scripts, `npm script "${name}"`).toHaveProperty(name);
  });
});
