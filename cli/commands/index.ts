/**
 * Every `netcanvas` subcommand, in the order `--help` lists them. A new
 * command is one file in this folder plus one entry here. Commands that need
 * heavy modules (tfjs for training) should import them inside `run`, so
 * `netcanvas --help` stays quick.
 */
import type { Command } from '../command';
import { exportCommand } from './export';
import { importCommand } from './import';
import { newCommand } from './new';
import { searchCommand } from './search';
import { summaryCommand } from './summary';
import { templatesCommand } from './templates';
import { trainCommand } from './train';
import { validateCommand } from './validate';

export const commands: readonly Command[] = [
  templatesCommand,
  summaryCommand,
  validateCommand,
  newCommand,
  trainCommand,
  searchCommand,
  exportCommand,
  importCommand,
];
