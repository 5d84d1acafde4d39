/**
 * The project file: what is written reads back identically, and a bad file is
 * refused whole with the JSON path of the first bad field, as the user will
 * see it in the app and in `netcanvas validate`.
 */
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../core/errors';
import {
  createProject,
  parseProjectFile,
  PROJECT_FORMAT,
  PROJECT_VERSION,
  projectFromJson,
  serializeProjectFile,
} from '../../../core/formats/project-file';
import { GraphBuilder } from '../../../core/graph/builder';

/** A small residual design with a group, so the round trip covers merges, groups and explicit outputs. */
function residualProject() {
  const b = new GraphBuilder();
  let x = b.input([16, 16, 3], 'image');
  x = b.layer('Conv2D', { filters: 8, kernelSize: [3, 3], padding: 'same' }, x, 'stem');
  const y = b.group('block1 (BasicBlock)', () => {
    const r = b.layer('Conv2D', { filters: 8, kernelSize: [3, 3], padding: 'same' }, x, 'conv_a');
    const n = b.layer('BatchNormalization', {}, r, 'bn_a');
    return b.layer('Add', {}, [n, x], 'add');
  });
  const out = b.layer('Dense', { units: 10 }, b.layer('GlobalAveragePooling2D', {}, y, 'gap'), 'logits');
  b.setOutputs([out]);
  return createProject(b.build(), 'residual', { optimizer: 'adam', learningRate: 0.001, batchSize: 32 });
}

/** A decoded document that each case breaks on purpose, so it is typed loosely enough to take wrong values. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LooseDocument = Record<string, any>;

/** The serialised project as a plain JSON value to break in one place. */
const rawDocument = (): LooseDocument => JSON.parse(serializeProjectFile(residualProject()));

/** The error `parseProjectFile` throws for `text`, failing the test if it does not throw one. */
function refusal(text: string): ValidationError {
  try {
    parseProjectFile(text);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return e as ValidationError;
  }
  throw new Error('the file was accepted');
}

describe('project file round trip', () => {
  it('reads back exactly what it wrote, training settings included', () => {
    const project = residualProject();
    const text = serializeProjectFile(project);
    const read = parseProjectFile(text);
    expect(read).toEqual(project);
    expect(serializeProjectFile(read)).toBe(text);
    expect(read.graph.groups).toEqual([{ id: 'g1', label: 'block1 (BasicBlock)' }]);
    expect(read.training).toEqual({ optimizer: 'adam', learningRate: 0.001, batchSize: 32 });
  });

  it('reads a file saved with a UTF-8 byte-order mark, as some Windows editors write', () => {
    const project = residualProject();
    expect(parseProjectFile(`\uFEFF${serializeProjectFile(project)}`)).toEqual(project);
  });

  it('writes two-space JSON with format, version and a final newline', () => {
    const text = serializeProjectFile(residualProject());
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toMatch(/^\{\n {2}"format": "netcanvas-project",\n {2}"version": 1,/);
    expect(PROJECT_FORMAT).toBe('netcanvas-project');
    expect(PROJECT_VERSION).toBe(1);
  });

  it('keeps the layout direction and the routes of laid-out connections, and reads files without them', async () => {
    const { layoutGraph } = await import('../../../core/graph/layout');
    const project = residualProject();
    const laidOut = createProject(await layoutGraph({ ...project.graph, direction: 'LR' }), 'residual');
    const read = parseProjectFile(serializeProjectFile(laidOut));
    expect(read.graph.direction).toBe('LR');
    const routed = read.graph.edges.filter((e) => e.route);
    expect(routed.length).toBe(project.graph.edges.length);
    expect(read).toEqual(laidOut);
    // A file from before these fields opens as top to bottom with the canvas routing its lines.
    expect(parseProjectFile(serializeProjectFile(project)).graph.direction).toBeUndefined();
  });

  it('fills in groups when a hand-written file leaves them out', () => {
    const doc = rawDocument();
    delete doc.graph.groups;
    doc.graph.nodes.forEach((n: Record<string, unknown>) => delete n.group);
    expect(projectFromJson(doc).graph.groups).toEqual([]);
  });
});

describe('project file refusals', () => {
  it('refuses text that is not JSON, at the root', () => {
    const error = refusal('{"format": "netcanvas-project", ');
    expect(error.path).toEqual([]);
    expect(error.message).toMatch(/^not valid JSON: /);
  });

  it('refuses JSON that is not an object', () => {
    expect(refusal('[1, 2, 3]').message).toBe('expected a NetCanvas project (a JSON object)');
  });

  type Breakage = [what: string, breakIt: (doc: LooseDocument) => void, message: string];
  it.each<Breakage>([
    [
      'another format',
      (d) => (d.format = 'keras-model'),
      'At format: expected "netcanvas-project", got "keras-model"; this is not a NetCanvas project',
    ],
    [
      'a missing format',
      (d) => delete d.format,
      'At format: expected "netcanvas-project", got undefined; this is not a NetCanvas project',
    ],
    [
      'a newer version',
      (d) => (d.version = PROJECT_VERSION + 1),
      `At version: this file is version ${PROJECT_VERSION + 1}, written by a newer NetCanvas; this one reads up to version ${PROJECT_VERSION}`,
    ],
    ['a version that is not a number', (d) => (d.version = '1'), 'At version: expected a whole number ≥ 1, got "1"'],
    ['a missing graph', (d) => delete d.graph, 'At graph: '],
    ['missing edges', (d) => delete d.graph.edges, 'At graph.edges: '],
    ['a node without a name', (d) => delete d.graph.nodes[2].name, 'At graph.nodes.2.name: '],
    ['a position that is not a number', (d) => (d.graph.nodes[3].position.x = 'left'), 'At graph.nodes.3.position.x: '],
    ['a direction the canvas does not know', (d) => (d.graph.direction = 'BT'), 'At graph.direction: '],
    [
      'a route point that is not a number',
      (d) => (d.graph.edges[1].route = [{ x: 1, y: null }]),
      'At graph.edges.1.route.0.y: ',
    ],
    [
      'an unknown layer type',
      (d) => (d.graph.nodes[1].type = 'Conv3D'),
      'At graph.nodes.1.type: unknown layer type "Conv3D"',
    ],
    [
      'a parameter out of range',
      (d) => (d.graph.nodes[1].params.filters = 0),
      'At graph.nodes.1.params.filters: must be a whole number ≥ 1, got 0',
    ],
    [
      'a parameter of the wrong kind',
      (d) => (d.graph.nodes[2].params.kernelSize = 3),
      'At graph.nodes.2.params.kernelSize: must be two whole numbers ≥ 1, got 3',
    ],
    [
      'an enum value the layer does not know',
      (d) => (d.graph.nodes[1].params.padding = 'full'),
      'At graph.nodes.1.params.padding: must be one of "valid", "same", got "full"',
    ],
    [
      'a parameter the layer does not have',
      (d) => (d.graph.nodes[6].params.neurons = 10),
      'At graph.nodes.6.params.neurons: Dense has no parameter "neurons"',
    ],
    [
      'an edge from a missing node',
      (d) => (d.graph.edges[0].source = 'n99'),
      'At graph.edges.0.source: no node with id "n99"',
    ],
    [
      'an edge to a missing node',
      (d) => (d.graph.edges[1].target = 'ghost'),
      'At graph.edges.1.target: no node with id "ghost"',
    ],
    [
      'a duplicate node id',
      (d) => (d.graph.nodes[4].id = d.graph.nodes[1].id),
      'At graph.nodes.4.id: duplicate node id "n2"',
    ],
    [
      'a duplicate edge id',
      (d) => (d.graph.edges[2].id = d.graph.edges[0].id),
      'At graph.edges.2.id: duplicate edge id "e1"',
    ],
    [
      'two edges into one input',
      (d) => (d.graph.edges[4].targetInput = 0),
      'At graph.edges.4.targetInput: input 0 of "n5" is already connected',
    ],
    ['a negative input slot', (d) => (d.graph.edges[0].targetInput = -1), 'At graph.edges.0.targetInput: '],
    [
      'a node in a missing group',
      (d) => (d.graph.nodes[2].group = 'g7'),
      'At graph.nodes.2.group: no group with id "g7"',
    ],
    ['an output that is not a node', (d) => (d.graph.outputs = ['n404']), 'At graph.outputs.0: no node with id "n404"'],
  ])('refuses %s', (_what, breakIt, message) => {
    const doc = rawDocument();
    breakIt(doc);
    const error = refusal(JSON.stringify(doc));
    expect(error.message.startsWith(message), `"${error.message}" should start with "${message}"`).toBe(true);
    // The path is data too, so the app can point at the field.
    expect(`At ${error.path.join('.')}: `).toBe(message.slice(0, message.indexOf(': ') + 2));
  });
});

describe('hostile project files', () => {
  it.each([
    ['constructor', 'At graph.nodes.1.params.constructor: Conv2D has no parameter "constructor"'],
    ['toString', 'At graph.nodes.1.params.toString: Conv2D has no parameter "toString"'],
    ['hasOwnProperty', 'At graph.nodes.1.params.hasOwnProperty: Conv2D has no parameter "hasOwnProperty"'],
  ])('refuses the prototype key %s as a parameter, as it refuses any unknown one', (key, message) => {
    const d = rawDocument();
    d.graph.nodes[1].params[key] = 1;
    expect(refusal(JSON.stringify(d)).message).toBe(message);
  });

  it('refuses a "__proto__" key, which a schema copy would turn into a prototype', () => {
    const text = serializeProjectFile(residualProject()).replace(
      '"filters": 8,',
      '"__proto__": { "filters": 1 }, "filters": 8,',
    );
    expect(refusal(text).message).toBe('At graph.nodes.1.params.__proto__: a key named "__proto__" is not allowed');
  });

  it('refuses a number nested 100,000 lists deep without overflowing the stack, naming the field', () => {
    const text = serializeProjectFile(residualProject()).replace(
      '"filters": 8,',
      `"filters": ${'['.repeat(100_000)}8${']'.repeat(100_000)},`,
    );
    expect(refusal(text).message).toBe(
      'At graph.nodes.1.params.filters.0: nested more than 64 levels deep; a NetCanvas or Keras file is never this deep',
    );
  });

  it('refuses numbers over NetCanvas limits, naming the limit', () => {
    const d = rawDocument();
    d.graph.nodes[1].params.filters = 1e308;
    expect(refusal(JSON.stringify(d)).message).toBe(
      "At graph.nodes.1.params.filters: must be at most 65,536 (NetCanvas's limit for whole-number parameters), got 1e+308",
    );
  });

  it('refuses a design over 100,000 layers before checking any of them', () => {
    const d = rawDocument();
    d.graph.nodes = Array.from({ length: 100_001 }, () => 0);
    expect(refusal(JSON.stringify(d)).message).toBe(
      'At graph.nodes: 100,001 entries; a design holds at most 100,000 layers',
    );
  });

  it('keeps messages one short line whatever the file puts in an id or a type', () => {
    const d = rawDocument();
    d.graph.nodes[1].type = `Conv\n${'x'.repeat(10_000)}`;
    const message = refusal(JSON.stringify(d)).message;
    expect(message).toMatch(/^At graph\.nodes\.1\.type: unknown layer type "Conv\\nx+…$/);
    expect(message.length).toBeLessThan(120);
  });

  it('opens a design whose layer name is empty or invalid: that is a diagnostic with a fix, not a broken file', () => {
    const d = rawDocument();
    d.graph.nodes[1].name = '';
    d.graph.nodes[2].name = 'conv 2';
    const project = parseProjectFile(JSON.stringify(d));
    expect(project.graph.nodes.slice(1, 3).map((n) => n.name)).toEqual(['', 'conv 2']);
  });
});
