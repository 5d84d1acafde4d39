/** `netcanvas templates`: the template ids with their one-line descriptions. */
import { templates } from '../../templates/index';
import type { Command } from '../command';
import { EXIT } from '../command';

export const templatesCommand: Command = {
  name: 'templates',
  usage: '',
  summary: 'List the network templates (ids and one-line descriptions)',
  details: 'Any id listed here can be given to `netcanvas summary`.',
  options: {},
  run(_args, io) {
    const width = Math.max(...templates.map((t) => t.id.length));
    io.out(`${templates.map((t) => `${t.id.padEnd(width)}  ${t.description}`).join('\n')}\n`);
    return EXIT.ok;
  },
};
