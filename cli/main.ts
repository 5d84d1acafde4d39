/**
 * The `netcanvas` command line: finds the subcommand in the table, parses its
 * options, runs it, and turns every failure the user can act on into one line
 * on stderr with a meaningful exit code.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CliError, EXIT, UsageError, type CliIo, type Command } from './command';
import { commands } from './commands/index';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

function generalHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'netcanvas: design convolutional networks, check their shapes and cost.',
    '',
    'Usage: netcanvas <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help      show help (also: netcanvas <command> --help)',
    '  -v, --version   show the version',
    '',
    'Exit codes: 0 success, 1 the design has errors or a file was refused, 2 wrong command line.',
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return [
    `Usage: netcanvas ${command.name} ${command.usage}`.trimEnd(),
    '',
    command.summary + '.',
    '',
    command.details,
    '',
  ].join('\n');
}

function findCommand(name: string): Command {
  const command = commands.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"; run \`netcanvas --help\` for the list`);
  return command;
}

function parseCommandLine(command: Command, argv: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    // parseArgs reports unknown options and missing option values as TypeErrors with a readable message.
    if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS'))
      throw new UsageError(`${e.message.split('\n')[0]} (see \`netcanvas ${command.name} --help\`)`);
    throw e;
  }
}

/**
 * Runs the command line `argv` (without `node` and the script) and returns
 * the exit code. Never throws for user mistakes: they are reported on `io.err`.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const [first, ...rest] = argv;
    if (first === undefined) {
      io.err(generalHelp());
      return EXIT.usage;
    }
    if (first === '--help' || first === '-h') {
      io.out(generalHelp());
      return EXIT.ok;
    }
    if (first === 'help') {
      io.out(rest.length ? commandHelp(findCommand(rest[0])) : generalHelp());
      return EXIT.ok;
    }
    if (first === '--version' || first === '-v') {
      io.out(`${version()}\n`);
      return EXIT.ok;
    }
    const command = findCommand(first);
    const { values, positionals } = parseCommandLine(command, rest);
    if (values.help) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    return await command.run({ values, positionals }, io);
  } catch (e) {
    if (e instanceof CliError) {
      io.err(`netcanvas: ${e.message}\n`);
      return e.exitCode;
    }
    // Anything else is a bug in NetCanvas, not a user mistake: keep the
    // trace available for the bug report without burying the message.
    const error = e instanceof Error ? e : new Error(String(e));
    io.err(
      process.env.NETCANVAS_DEBUG
        ? `${error.stack ?? error.message}\n`
        : `netcanvas: internal error: ${error.message} (set NETCANVAS_DEBUG=1 for the stack trace)\n`,
    );
    return EXIT.internal;
  }
}

/** Runs `main` on this process's arguments and streams, and sets the exit code. */
export async function runFromProcess(): Promise<void> {
  // `netcanvas summary resnet152 | head` closes the pipe early; that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  const io: CliIo = {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  };
  process.exitCode = await main(process.argv.slice(2), io);
}
