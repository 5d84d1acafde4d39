/**
 * A seeded generator of hostile project files: real projects from the
 * templates, each broken in one way an attacker or a careless hand-edit
 * would break it (numbers out of every range, names tfjs refuses, prototype
 * keys, deep nesting, cycles, truncation, garbage). Every case is one that
 * `validate` and `export` must refuse with exit 1, one readable message and
 * no stack trace; the tests in hostile-projects.test.ts run them.
 */
import { mulberry32 } from '../../core/data/random';
import { createProject, serializeProjectFile, type ProjectFile } from '../../core/formats/project-file';
import type { GraphNode } from '../../core/graph/graph';
import type { ParamSpecs } from '../../core/layers/layer-spec';
import { getLayerSpec } from '../../core/layers/registry';
import { templates } from '../../templates/index';

/** One hostile file: its text and what was done to it (for the test's name). */
export interface HostileCase {
  name: string;
  text: string;
  /** Commands that must refuse it; an empty design, say, is valid to `validate` but cannot be exported. */
  refusedBy: readonly ('validate' | 'export')[];
}

type Random = () => number;
type Json = Record<string, unknown>;

const BASES = ['linear', 'mlp', 'lenet5', 'cifar-cnn', 'resnet20'] as const;

/** Arrays nested `depth` deep around `inner`, as text (JSON.stringify itself would overflow on the deepest). */
const nestedText = (depth: number, inner = '1'): string => '['.repeat(depth) + inner + ']'.repeat(depth);

/** A placeholder string swapped for raw JSON text after serializing (for values JSON.stringify cannot write). */
const RAW = '\u0000raw:';

const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)];

/** The nodes of `project` that have parameters of `kinds`. */
function nodesWith(project: ProjectFile, kinds: readonly string[]): GraphNode[] {
  return project.graph.nodes.filter((n) =>
    Object.values(getLayerSpec(n.type).params as ParamSpecs).some((p) => kinds.includes(p.kind)),
  );
}

function paramOf(node: GraphNode, kinds: readonly string[], random: Random): string {
  const names = Object.entries(getLayerSpec(node.type).params as ParamSpecs)
    .filter(([, p]) => kinds.includes(p.kind))
    .map(([name]) => name);
  return pick(random, names);
}

/** Values no parameter of any kind accepts: not numbers, not finite, nested thousands deep. */
const NEVER_A_NUMBER = (random: Random): unknown[] => [
  '32',
  true,
  {},
  `${RAW}1e999`,
  `${RAW}-1e999`,
  `${RAW}${nestedText(100 + Math.floor(random() * 20_000))}`,
];

/** Values out of range or over NetCanvas's limits, by parameter kind. */
const OUT_OF_RANGE: Record<string, unknown[]> = {
  int: [1e308, 1e9, 65_537, 2.5, null, [3]],
  intPair: [1e308, [1e308, 1e308], [65_537, 3], [0, 1], [2.5, 2.5], [3], null],
  intList: [1e308, [2 ** 25, 1, 1], [1.5], [], [0, 0, 0], null],
  float: [1e308, 1e9, -1e7, [0.5], null],
};

/** Breaks a number parameter: out of range, over NetCanvas's limits, not a number, not finite, nested. */
function badNumber(project: ProjectFile, random: Random): string {
  const kinds = Object.keys(OUT_OF_RANGE);
  const node = pick(random, nodesWith(project, kinds));
  const name = paramOf(node, kinds, random);
  const spec = getLayerSpec(node.type).params[name];
  // null is allowed where the spec says so (ReLU's cap): every value here must be refused.
  const candidates = [...OUT_OF_RANGE[spec.kind], ...NEVER_A_NUMBER(random)].filter(
    (v) => !(v === null && spec.kind === 'float' && spec.nullable),
  );
  const value = pick(random, candidates);
  node.params[name] = value;
  const shown =
    typeof value === 'string' && value.startsWith(RAW)
      ? value.slice(RAW.length, RAW.length + 12)
      : JSON.stringify(value);
  return `${node.type} ${name} = ${shown}`;
}

/** A name tfjs, Keras or Python would refuse. */
function badName(project: ProjectFile, random: Random): string {
  const node = pick(random, project.graph.nodes);
  const name = pick(random, [
    '',
    'conv 1',
    'block1/conv',
    '_hidden',
    'späť',
    '层',
    'tab\there',
    'new\nline',
    '\u0000',
    '1st',
    'a..b',
    'trailing.',
    'x'.repeat(200),
    'x'.repeat(100_000),
    '"quoted"',
  ]);
  node.name = name;
  return `name ${JSON.stringify(name.slice(0, 12))}`;
}

/** A parameter key that is not a parameter, prototype keys included. */
function badParamKey(project: ProjectFile, random: Random): string {
  const node = pick(random, project.graph.nodes);
  const key = pick(random, ['constructor', 'toString', 'hasOwnProperty', 'valueOf', '__proto__', 'foo', '']);
  node.params = { [`${RAW}"${key}"`]: 1, ...node.params };
  return `${node.type} params key "${key}"`;
}

/** A type no spec declares, prototype names included. */
function badType(project: ProjectFile, random: Random): string {
  const node = pick(random, project.graph.nodes);
  const type = pick(random, ['Conv3D', '', 'constructor', '__proto__', 'toString', 'conv2d', `${RAW}42`]);
  node.type = type;
  return `type ${type.replace(RAW, '')}`;
}

/** Wiring that cannot work: a cycle, a missing input, an edge to nowhere, a bad slot. */
function badWiring(project: ProjectFile, random: Random): string {
  const { nodes, edges } = project.graph;
  const kind = pick(random, ['cycle', 'self-loop', 'drop-edge', 'ghost', 'slot', 'duplicate-slot', 'duplicate-id']);
  const edge = pick(random, edges);
  switch (kind) {
    case 'cycle': {
      // The last layer feeds the first one after the input, in place of what fed it.
      const [, first] = nodes;
      const rest = edges.filter((e) => e.target !== first.id);
      project.graph.edges = [
        ...rest,
        { id: 'back', source: nodes[nodes.length - 1].id, target: first.id, targetInput: 0 },
      ];
      break;
    }
    case 'self-loop':
      edge.source = edge.target;
      break;
    case 'drop-edge':
      project.graph.edges = edges.filter((e) => e !== edge);
      break;
    case 'ghost':
      edge.source = 'nowhere';
      break;
    case 'slot':
      edge.targetInput = pick(random, [-1, 2.5, 1e308, 7]) as number;
      break;
    case 'duplicate-slot':
      edges.push({ ...edge, id: 'twin' });
      break;
    case 'duplicate-id':
      nodes[nodes.length - 1].id = nodes[0].id;
      break;
  }
  return `wiring ${kind}`;
}

/** Numbers that pass each parameter's own range but make a tensor or the weights too large. */
function tooLarge(project: ProjectFile, random: Random): string {
  const input = project.graph.nodes.find((n) => n.type === 'InputLayer') as GraphNode;
  const flat = (input.params.shape as number[]).length === 1;
  const kind = pick(random, ['input', 'weights']);
  if (kind === 'input') input.params.shape = flat ? [2 ** 24] : [65_536, 65_536, 3];
  else {
    // Each value within its parameter's limit; together over 2³¹ weights.
    input.params.shape = flat ? [2 ** 24] : [4096, 4096, 3];
    for (const n of project.graph.nodes) {
      if (n.type === 'Dense') n.params.units = 65_536;
      if (n.type === 'Conv2D') Object.assign(n.params, { filters: 65_536, kernelSize: [200, 200], padding: 'same' });
    }
  }
  return `too large: ${kind}`;
}

/** Declared outputs that leave layers out of the exported model. */
function droppedLayers(project: ProjectFile): string {
  const { nodes } = project.graph;
  project.graph.outputs = [nodes[Math.max(1, Math.floor(nodes.length / 2))].id];
  return 'outputs drop layers';
}

/** The file's frame broken: wrong format or version, graph missing, non-finite positions, deep training settings. */
function badFrame(project: ProjectFile, random: Random): string {
  const doc = project as unknown as Json;
  const kind = pick(random, ['format', 'version', 'newer', 'graph', 'nodes', 'position', 'training', 'group']);
  switch (kind) {
    case 'format':
      doc.format = pick(random, ['netcanvas', null, 1, `${RAW}"\\ud800"`]);
      break;
    case 'version':
      doc.version = pick(random, [0, -1, 1.5, '1', null, 1e308]);
      break;
    case 'newer':
      doc.version = 99;
      break;
    case 'graph':
      doc.graph = pick(random, [null, [], 'graph', 42]);
      break;
    case 'nodes':
      (doc.graph as Json).nodes = pick(random, [null, {}, 'nodes', [null], [42]]);
      break;
    case 'position':
      project.graph.nodes[0].position = { x: `${RAW}1e999` as unknown as number, y: 0 };
      break;
    case 'training':
      doc.training = { optimizer: `${RAW}${nestedText(5_000, '"adam"')}` };
      break;
    case 'group':
      project.graph.nodes[0].group = 'missing';
      break;
  }
  return `frame ${kind}`;
}

/** Text that is not a project at all: truncated, garbage, another JSON value. */
function badText(text: string, random: Random): { name: string; text: string } {
  const kind = pick(random, ['truncated', 'garbage', 'bom-garbage', 'array', 'number', 'null', 'string', 'empty']);
  switch (kind) {
    case 'truncated':
      return { name: 'truncated', text: text.slice(0, 1 + Math.floor(random() * (text.length - 2))) };
    case 'garbage':
      return {
        name: 'garbage',
        text: Array.from({ length: 200 }, () => String.fromCharCode(Math.floor(random() * 0xd7ff))).join(''),
      };
    case 'bom-garbage':
      return { name: 'BOM + garbage', text: `\uFEFF}${text}` };
    case 'array':
      return { name: 'a JSON array', text: nestedText(10) };
    case 'number':
      return { name: 'a JSON number', text: '1e999' };
    case 'null':
      return { name: 'JSON null', text: 'null' };
    case 'string':
      return { name: 'a JSON string', text: '"netcanvas-project"' };
    default:
      return { name: 'empty file', text: '' };
  }
}

/** Writes a project with the raw placeholders replaced by their JSON text. */
function serialize(project: ProjectFile): string {
  return serializeProjectFile(project).replace(/"\\u0000raw:((?:[^"\\]|\\.)*)"/g, (_, raw: string) =>
    JSON.parse(`"${raw}"`),
  );
}

/**
 * `count` hostile cases from `seed`: the same seed gives the same files, so a
 * failure names a case that can be rerun.
 *
 * @example
 * hostileProjects(1, 300).length // 300
 */
export function hostileProjects(seed: number, count: number): HostileCase[] {
  const random = mulberry32(seed);
  const bases = BASES.map((id) => {
    const template = templates.find((t) => t.id === id);
    if (!template) throw new Error(`no template ${id}`);
    return serializeProjectFile(createProject(template.build({}), template.title));
  });
  const both = ['validate', 'export'] as const;
  const mutations: ((p: ProjectFile, r: Random) => string)[] = [
    badNumber,
    badNumber,
    badName,
    badParamKey,
    badType,
    badWiring,
    tooLarge,
    droppedLayers,
    badFrame,
  ];
  const cases: HostileCase[] = [];
  for (let i = 0; i < count; i++) {
    const baseIndex = Math.floor(random() * bases.length);
    const project = JSON.parse(bases[baseIndex]) as ProjectFile;
    const roll = random();
    let name: string;
    let text: string;
    let refusedBy: readonly ('validate' | 'export')[] = both;
    if (roll < 0.1) {
      ({ name, text } = badText(bases[baseIndex], random));
    } else if (roll < 0.13) {
      project.graph = { nodes: [], edges: [], groups: [] };
      name = 'empty design';
      text = serialize(project);
      refusedBy = ['export'];
    } else {
      name = pick(random, mutations)(project, random);
      text = serialize(project);
    }
    cases.push({ name: `#${i} ${BASES[baseIndex]}: ${name}`, text, refusedBy });
  }
  return cases;
}
