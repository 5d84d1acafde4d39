/**
 * Every `netcanvas` subcommand, in the order `--help` lists them. A new
 * command is one file in this folder plus one entry here.
 */
import type { Command } from '../command';
import { summaryCommand } from './summary';
import { templatesCommand } from './templates';
import { validateCommand } from './validate';

export const commands: readonly Command[] = [templatesCommand, summaryCommand, validateCommand];
