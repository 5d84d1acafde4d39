/**
 * What a `netcanvas` subcommand is. Each command lives in its own file under
 * `cli/commands/` and is listed once in `cli/commands/index.ts`; `main.ts`
 * parses its options from the declaration, so adding `train` or `export` is
 * one file plus one line.
 */
import type { ParseArgsConfig } from 'node:util';

/** Where a command writes. Tests pass their own to capture output. */
export interface CliIo {
  /** Normal output (tables, JSON, results). */
  out(text: string): void;
  /** Problems with the invocation or with a file. */
  err(text: string): void;
  /** The directory relative paths are read from. */
  cwd: string;
}

/** Option declarations in `node:util` `parseArgs` form. */
export type CommandOptions = NonNullable<ParseArgsConfig['options']>;

/** The parsed command line handed to {@link Command.run}. */
export interface CommandArgs {
  positionals: string[];
  values: Record<string, string | boolean | undefined>;
}

/** One subcommand. */
export interface Command {
  /** The word after `netcanvas`, e.g. `summary`. */
  name: string;
  /** Arguments after the name, as shown in help, e.g. `<file> [--json]`. */
  usage: string;
  /** One line for `netcanvas --help`. */
  summary: string;
  /** More lines for `netcanvas <name> --help`: option meanings, examples. */
  details: string;
  options: CommandOptions;
  /** Runs the command and returns the process exit code. */
  run(args: CommandArgs, io: CliIo): Promise<number> | number;
}

/** Exit codes, shared by every command so scripts can rely on them. */
export const EXIT = {
  ok: 0,
  /** The design has errors, or a file was refused. */
  failed: 1,
  /** The command line itself was wrong. */
  usage: 2,
  /** A bug in NetCanvas (EX_SOFTWARE in sysexits.h). */
  internal: 70,
} as const;

/**
 * A failure the user can act on, reported as one line without a stack trace:
 * a missing file, a file that is not a project, an unknown template.
 */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = EXIT.failed) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A wrong command line: unknown option, missing argument, bad number. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
    this.name = 'UsageError';
  }
}
