/** `netcanvas validate`: whether a project file (or a model.json) loads and its design has no errors. */
import { inferShapes, hasErrors } from '../../core/graph/infer';
import { EXIT, UsageError, type Command } from '../command';
import { readDesignFile } from '../load-design';
import { countProblems, formatDiagnostics } from '../summary-table';

export const validateCommand: Command = {
  name: 'validate',
  usage: '<file.netcanvas.json | model.json>',
  summary: 'Check a project file: exit 0 when valid, 1 with the problems otherwise',
  details: [
    'Also reads a TensorFlow.js / Keras model.json (imported the way `netcanvas import` does);',
    'a model the importer refuses (a graph model, unsupported layer classes) fails with its reason.',
    'A file that is missing, not JSON or not a valid project is refused with one line',
    'naming the first bad field (e.g. "At graph.nodes.3.params.units: ...").',
    'A file that loads is checked like the canvas checks it; warnings alone do not fail it.',
  ].join('\n'),
  options: {},
  async run({ positionals }, io) {
    if (positionals.length !== 1) throw new UsageError('validate expects one project file or model.json');
    const path = positionals[0];
    const design = await readDesignFile(path, io.cwd);
    for (const warning of design.warnings) io.err(`warning: ${warning}\n`);
    const { diagnostics } = inferShapes(design.graph);
    const layers = `${design.graph.nodes.length} layer${design.graph.nodes.length === 1 ? '' : 's'}`;
    if (!diagnostics.length) {
      io.out(`${path}: valid (${layers})\n`);
      return EXIT.ok;
    }
    const failed = hasErrors(diagnostics);
    io.out(
      `${path}: ${failed ? 'invalid' : 'valid'} (${layers}; ${countProblems(diagnostics)})\n${formatDiagnostics(diagnostics)}\n`,
    );
    return failed ? EXIT.failed : EXIT.ok;
  },
};
