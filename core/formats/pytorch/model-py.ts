/**
 * `model.py`: a design as PyTorch source a person would have written. Each
 * layer's module and expression come from its spec's `pytorch` mapping; this
 * module decides only how the code is organised:
 *
 * - Layer names become attribute names (`self.conv1`), so `state_dict` keys
 *   read like the design (`layer1.0.conv1.weight`).
 * - A group the design repeats (a ResNet block, a VGG stage) becomes one
 *   class, instantiated once per occurrence; numbers that differ between the
 *   occurrences (channels, strides) become the class's constructor arguments.
 *   A group made only of a chain of such blocks named `<group>.0`, `<group>.1`, …
 *   becomes an `nn.Sequential` of them, and layers named `<name>.0`, `<name>.1`
 *   in a chain become an `nn.Sequential` too, as torchvision writes them.
 * - Every line of `forward` carries the output shape as PyTorch holds it,
 *   `# (N, 64, 56, 56)`.
 * - A design ending in softmax gets `logits()` too: the output before the
 *   softmax, for a numerically stable loss.
 */
import type { ActivationName, Shape } from '../../layers/layer-spec';
import {
  ACTIVATION_EXPORT,
  TORCH_HELPERS,
  torchShape,
  type PyValue,
  type TorchHelperName,
  type TorchLayer,
  type TorchModule,
} from '../../layers/nchw-export';
import type { GraphGroup } from '../../graph/graph';
import { mapEveryLayer, type NchwDesign, type NchwNode } from '../nchw-graph';
import { NameSet, pyClassName, pyIdentifier, pyValue } from './python';

/** A layer's PyTorch form with its expression written once over placeholders, to compare occurrences. */
interface MappedLayer {
  n: NchwNode;
  torch: TorchLayer;
  /** `forward` over placeholder inputs and module, so two layers compute alike when their templates are equal. */
  template: string;
}

const PLACEHOLDER_MODULE = '\u0000m';
const placeholderInput = (i: number) => `\u0000${i}\u0001`;

/** Fills a template's placeholders. */
function fill(template: string, inputs: readonly string[], module: string): string {
  return template
    .replace(/\u0000(\d+)\u0001/g, (_, i: string) => inputs[Number(i)])
    .split(PLACEHOLDER_MODULE)
    .join(module);
}

/** An attribute of a module: one layer's module, or an `nn.Sequential` of a chain of them. */
interface ModuleAttr {
  name: string;
  /** One module, or several for a sequential chain. */
  modules: TorchModule[];
  /** The node ids, in the same order (for state_dict paths). */
  ids: string[];
  /** For an occurrence of a class: the occurrence; for an nn.Sequential of them: all of them. */
  instances?: Instance[];
}

/** One line of `forward`. */
interface Step {
  inputs: string[];
  /** The value (node id) the line computes. */
  output: string;
  /** The attribute it calls, if any. */
  attr?: string;
  template: string;
  activation?: ActivationName;
  /** Output shape as NetCanvas holds it. */
  shape: Shape;
  /** The layer name, shown for lines that call no attribute. */
  label: string;
  helpers: readonly TorchHelperName[];
}

/** A module's body before it is written: attributes, forward steps and its input/output values. */
interface Scope {
  attrs: ModuleAttr[];
  steps: Step[];
}

/** A group that occurs more than once, written as a class. */
interface ClassDef {
  name: string;
  /** The first occurrence's body, written with `params` in place of numbers that vary. */
  scope: Scope;
  instances: Instance[];
  /** Constructor parameters and, per slot of `slotsOf(scope)`, the parameter it is (or undefined for a literal). */
  params: string[];
  slotParam: (string | undefined)[];
  /** Shape text per step, with varying dimensions named. */
  stepShapes: string[];
  /** The shape comment of the input, e.g. `(N, C, H, W)`. */
  inputText: string;
}

/** One occurrence of a repeated group. */
interface Instance {
  group: GraphGroup;
  nodeIds: string[];
  input: string;
  output: string;
  /** The layer names' common prefix, e.g. `layer1.0.`. */
  prefix: string;
  scope: Scope;
  cls?: ClassDef;
}

/** What the generator produces besides the source: where each weight lives in `state_dict`. */
export interface ModulePy {
  source: string;
  className: string;
  /** Node id → module path in `state_dict` (`layer1.0.conv1`). */
  modulePaths: Map<string, string>;
  /** True when `forward` ends in softmax (and `logits()` exists). */
  endsInSoftmax: boolean;
}

const INDENT = '    ';

/** The values each ordered slot of a scope holds: every constructor argument of every module. */
function slotsOf(scope: Scope): { attr: string; arg: string; value: PyValue }[] {
  const slots: { attr: string; arg: string; value: PyValue }[] = [];
  for (const attr of scope.attrs)
    for (const m of attr.modules)
      for (const [arg, value] of [...m.args, ...(m.kwargs ?? [])]) slots.push({ attr: attr.name, arg, value });
  return slots;
}

function moduleCode(m: TorchModule, slot: () => string | undefined): string {
  const args = m.args.map(([, v]) => slot() ?? pyValue(v));
  const kwargs = (m.kwargs ?? []).map(([k, v]) => `${k}=${slot() ?? pyValue(v)}`);
  return `${m.ctor}(${[...args, ...kwargs].join(', ')})`;
}

function attrCode(attr: ModuleAttr, slot: () => string | undefined): string {
  if (attr.modules.length === 1) return moduleCode(attr.modules[0], slot);
  return `nn.Sequential(${attr.modules.map((m) => moduleCode(m, slot)).join(', ')})`;
}

const isChainable = (l: MappedLayer) =>
  l.torch.module !== undefined &&
  (l.torch.activation ?? 'linear') === 'linear' &&
  l.template === `${PLACEHOLDER_MODULE}(${placeholderInput(0)})` &&
  l.n.inputs.length === 1;

/**
 * The body of a module holding `ids` (topological order), naming layers by
 * `relative(name)`. `units` are occurrences of classes placed in this scope;
 * `stacks` are sequential containers of them.
 */
function buildScope(
  ids: readonly string[],
  layers: Map<string, MappedLayer>,
  relative: (name: string) => string,
  consumers: Map<string, string[]>,
  placed: { units: Instance[]; stacks: { name: string; instances: Instance[] }[] },
  names: NameSet,
): Scope {
  const attrs: ModuleAttr[] = [];
  const steps: Step[] = [];
  const inUnit = new Map<string, Instance>();
  for (const u of placed.units) for (const id of u.nodeIds) inUnit.set(id, u);
  const stackOf = new Map<Instance, { name: string; instances: Instance[] }>();
  for (const s of placed.stacks) for (const u of s.instances) stackOf.set(u, s);

  // Layers named `<name>.0`, `<name>.1`, … chained one into the next become one nn.Sequential.
  const chains = new Map<string, string[]>();
  const byBase = new Map<string, { index: number; id: string }[]>();
  for (const id of ids) {
    if (inUnit.has(id)) continue;
    const layer = layers.get(id);
    const match = layer && /^(.+)\.(\d+)$/.exec(relative(layer.n.node.name));
    if (!layer || !match || !isChainable(layer)) continue;
    const list = byBase.get(match[1]) ?? [];
    list.push({ index: Number(match[2]), id });
    byBase.set(match[1], list);
  }
  for (const [base, list] of byBase) {
    list.sort((a, b) => a.index - b.index);
    const chained =
      list.length >= 2 &&
      list.every((item, k) => item.index === k) &&
      list.every(
        (item, k) =>
          k === 0 ||
          (layers.get(item.id)?.n.inputs[0] === list[k - 1].id && (consumers.get(list[k - 1].id) ?? []).length === 1),
      );
    if (chained)
      chains.set(
        base,
        list.map((item) => item.id),
      );
  }
  const chainOf = new Map<string, string>();
  for (const [base, chainIds] of chains) for (const id of chainIds) chainOf.set(id, base);

  for (const id of ids) {
    const unit = inUnit.get(id);
    if (unit) {
      // A unit is one step, placed where its output is computed (after everything it reads).
      if (id !== unit.output) continue;
      const stack = stackOf.get(unit);
      if (stack) {
        if (unit !== stack.instances[stack.instances.length - 1]) continue;
        const first = stack.instances[0];
        const attr = names.claim(pyIdentifier(stack.name));
        attrs.push({ name: attr, modules: [], ids: [], instances: stack.instances });
        steps.push(unitStep(first.input, unit.output, attr, layers, stack.name));
        continue;
      }
      const attr = names.claim(pyIdentifier(relative(unit.prefix.replace(/[._]$/, '')) || unit.group.label));
      attrs.push({ name: attr, modules: [], ids: [], instances: [unit] });
      steps.push(unitStep(unit.input, unit.output, attr, layers, unit.group.label));
      continue;
    }
    const layer = layers.get(id);
    if (!layer) continue;
    const base = chainOf.get(id);
    if (base) {
      const chainIds = chains.get(base) as string[];
      if (id !== chainIds[chainIds.length - 1]) continue;
      const attr = names.claim(pyIdentifier(base));
      attrs.push({
        name: attr,
        modules: chainIds.map((c) => layers.get(c)?.torch.module as TorchModule),
        ids: chainIds,
      });
      steps.push({
        inputs: [(layers.get(chainIds[0]) as MappedLayer).n.inputs[0]],
        output: id,
        attr,
        template: `${PLACEHOLDER_MODULE}(${placeholderInput(0)})`,
        shape: layer.n.io.output,
        label: base,
        helpers: [],
      });
      continue;
    }
    let attr: string | undefined;
    if (layer.torch.module) {
      attr = names.claim(pyIdentifier(relative(layer.n.node.name)));
      attrs.push({ name: attr, modules: [layer.torch.module], ids: [id] });
    }
    steps.push({
      inputs: layer.n.inputs,
      output: id,
      ...(attr ? { attr } : {}),
      template: layer.template,
      ...(layer.torch.activation && layer.torch.activation !== 'linear' ? { activation: layer.torch.activation } : {}),
      shape: layer.n.io.output,
      label: relative(layer.n.node.name),
      helpers: layer.torch.helpers ?? [],
    });
  }
  return { attrs, steps };
}

function unitStep(input: string, output: string, attr: string, layers: Map<string, MappedLayer>, label: string): Step {
  return {
    inputs: [input],
    output,
    attr,
    template: `${PLACEHOLDER_MODULE}(${placeholderInput(0)})`,
    shape: (layers.get(output) as MappedLayer).n.io.output,
    label,
    helpers: [],
  };
}

/** The structure of a scope, without the numbers its modules are built with: equal for occurrences of one class. */
function signature(scope: Scope, input: string, ids: readonly string[]): string {
  const local = new Map(ids.map((id, k) => [id, k]));
  return JSON.stringify([
    scope.attrs.map((a) => [
      a.name,
      a.modules.map((m) => [m.ctor, m.args.map(([k]) => k), (m.kwargs ?? []).map(([k]) => k)]),
    ]),
    scope.steps.map((s) => [
      s.attr ?? null,
      s.template,
      s.activation ?? null,
      s.inputs.map((i) => (i === input ? 'in' : (local.get(i) ?? `?${i}`))),
      s.shape.length,
    ]),
  ]);
}

const torchShapeDims = (shape: Shape): (number | null)[] => [...torchShape(shape)];

/** `(N, 64, 56, 56)`. */
const shapeComment = (shape: Shape): string =>
  `(${torchShapeDims(shape)
    .map((d, i) => (i === 0 ? 'N' : (d ?? '?')))
    .join(', ')})`;

/** Where a group's layer names share a prefix up to a `.` or `_` (`layer1.0.`), that prefix; else ''. */
function commonPrefix(names: readonly string[]): string {
  if (names.length === 0) return '';
  let prefix = names[0];
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const cut = Math.max(prefix.lastIndexOf('.'), prefix.lastIndexOf('_'));
  prefix = cut < 0 ? '' : prefix.slice(0, cut + 1);
  return names.some((n) => n.length <= prefix.length) ? '' : prefix;
}

/** The class name of a group: the `(BasicBlock)` of its label, else the label without its number (`block1` → `Block`). */
function groupClassName(label: string): string {
  const marked = /\(([A-Za-z_][A-Za-z0-9_]*)\)\s*$/.exec(label);
  if (marked) return marked[1];
  return pyClassName(label.replace(/[\d._\-\s]+$/, '') || label, 'Block');
}

/** Generalises the occurrences of one class: slots whose values differ become constructor parameters. */
function generalise(cls: Omit<ClassDef, 'params' | 'slotParam' | 'stepShapes' | 'inputText'>, design: NchwDesign) {
  const perInstance = cls.instances.map((u) => slotsOf(u.scope));
  const slots = perInstance[0];
  // Slots holding the same values in every occurrence are one parameter.
  const groups: { key: string; slots: number[] }[] = [];
  const slotGroup: (number | undefined)[] = slots.map((_, k) => {
    const values = perInstance.map((s) => JSON.stringify(s[k].value));
    if (values.every((v) => v === values[0])) return undefined;
    const key = values.join('\u0002');
    let index = groups.findIndex((g) => g.key === key);
    if (index < 0) index = groups.push({ key, slots: [] }) - 1;
    groups[index].slots.push(k);
    return index;
  });
  const taken = new NameSet(['self', 'x', 'nn', 'F', 'torch']);
  const params = groups.map((g) => {
    const args = new Set(g.slots.map((k) => slots[k].arg));
    // One number that is both a layer's input and output channels is the block's width.
    if (args.has('in_channels') && args.has('out_channels')) return taken.claim('channels');
    const first = slots[g.slots[0]];
    return taken.claim(taken.has(first.arg) ? `${first.attr}_${first.arg}` : first.arg);
  });
  const slotParam = slotGroup.map((g) => (g === undefined ? undefined : params[g]));
  const paramValues = groups.map((g) => g.key);
  const paramVectors = params.map((name, i) => ({
    name,
    values: paramValues[i].split('\u0002').map((v) => JSON.parse(v) as unknown),
  }));

  // Shape comments: a dimension equal in every occurrence is written as a number; one that follows a
  // parameter by its name; one that follows the block's input size as H or W (or H/2 when halved).
  const inputShapes = cls.instances.map((u) => torchShapeDims((design.byId.get(u.input) as NchwNode).io.output));
  const axisName = (rank: number, axis: number) =>
    rank === 4 ? (['N', 'C', 'H', 'W'][axis] as string) : axis === rank - 1 ? 'C' : `D${axis}`;
  const dimText = (values: (number | null)[], axis: number, rank: number): string => {
    if (values.every((v) => v === values[0])) return String(values[0] ?? '?');
    const param = paramVectors.find((p) => p.values.every((v, i) => v === values[i]));
    if (param) return param.name;
    const inputs = inputShapes.map((s) => (s.length === rank ? s[axis] : null));
    if (inputs.every((v, i) => v !== null && v === values[i])) return axisName(rank, axis);
    const ratio = inputs[0] !== null && values[0] ? (inputs[0] as number) / (values[0] as number) : NaN;
    if (
      Number.isInteger(ratio) &&
      inputs.every((v, i) => v !== null && values[i] !== null && v === (values[i] as number) * ratio)
    )
      return `${axisName(rank, axis)}/${ratio}`;
    const added = inputs[0] !== null && values[0] !== null ? (values[0] as number) - (inputs[0] as number) : NaN;
    if (inputs.every((v, i) => v !== null && values[i] !== null && (values[i] as number) - v === added))
      return `${axisName(rank, axis)}${added < 0 ? '-' : '+'}${Math.abs(added)}`;
    return '?';
  };
  const stepShapes = cls.scope.steps.map((_, k) => {
    const shapes = cls.instances.map((u) => torchShapeDims(u.scope.steps[k].shape));
    const rank = shapes[0].length;
    return `(${shapes[0]
      .map((_, axis) =>
        axis === 0
          ? 'N'
          : dimText(
              shapes.map((s) => s[axis]),
              axis,
              rank,
            ),
      )
      .join(', ')})`;
  });
  const inputRank = inputShapes[0].length;
  const inputText = `(${inputShapes[0]
    .map((_, axis) =>
      axis === 0
        ? 'N'
        : dimText(
            inputShapes.map((s) => s[axis]),
            axis,
            inputRank,
          ),
    )
    .join(', ')})`;
  return { params, slotParam, stepShapes, inputText };
}

/** Writes `forward`'s lines, giving each value a variable and reusing names once a value is dead. */
function forwardLines(
  steps: readonly Step[],
  inputVars: ReadonlyMap<string, string>,
  outputs: readonly string[],
  comments: readonly string[],
  finalActivation: 'keep' | 'drop',
): { lines: string[]; returned: string[] } {
  const uses = new Map<string, number>();
  for (const s of steps) for (const i of s.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
  for (const o of outputs) uses.set(o, (uses.get(o) ?? 0) + 1);
  const vars = new Map(inputVars);
  const live = new Set(inputVars.values());
  const lines: string[] = [];
  const pool = ['x', 'y', 'z', 'u', 'v', 'w'];
  const fresh = () => pool.find((n) => !live.has(n)) ?? `t${[...live].length}`;
  steps.forEach((s, k) => {
    const inputs = s.inputs.map((i) => vars.get(i) as string);
    let expr = fill(s.template, inputs, s.attr ? `self.${s.attr}` : '');
    const last = k === steps.length - 1;
    if (s.activation && !(last && finalActivation === 'drop'))
      expr = ACTIVATION_EXPORT[s.activation as Exclude<ActivationName, 'linear'>].torch(expr, s.shape.length);
    for (const i of s.inputs) uses.set(i, (uses.get(i) as number) - 1);
    // A layer that computes nothing (a linear activation) passes its input's variable on.
    if (inputs.length === 1 && expr === inputs[0]) {
      vars.set(s.output, inputs[0]);
      uses.set(s.output, (uses.get(s.output) ?? 0) + (uses.get(s.inputs[0]) ?? 0));
      uses.set(s.inputs[0], uses.get(s.output) as number);
      return;
    }
    for (const i of s.inputs) if ((uses.get(i) as number) <= 0) live.delete(vars.get(i) as string);
    const reuse = s.inputs.find((i) => (uses.get(i) as number) <= 0);
    const name = reuse !== undefined ? (vars.get(reuse) as string) : fresh();
    live.add(name);
    vars.set(s.output, name);
    lines.push(`${name} = ${expr}  # ${comments[k]}`);
  });
  return { lines, returned: outputs.map((o) => vars.get(o) as string) };
}

/**
 * Generates `model.py`'s module classes for a checked design. `className`
 * names the top module. Throws `ExportError` listing every layer PyTorch
 * cannot express exactly.
 */
export function modulePy(design: NchwDesign, className: string, groups: readonly GraphGroup[]): ModulePy {
  const mapped = mapEveryLayer(design, 'PyTorch', (n) => n.spec.pytorch(n.io));
  const layers = new Map<string, MappedLayer>();
  for (const [id, torch] of mapped) {
    const n = design.byId.get(id) as NchwNode;
    layers.set(id, {
      n,
      torch,
      template: torch.forward(
        n.inputs.map((_, i) => placeholderInput(i)),
        PLACEHOLDER_MODULE,
      ),
    });
  }
  const consumers = new Map<string, string[]>();
  for (const n of design.nodes) for (const i of n.inputs) consumers.set(i, [...(consumers.get(i) ?? []), n.node.id]);
  const outputs = new Set(design.outputs);
  const order = design.nodes.map((n) => n.node.id);

  // Which nodes each group holds (its subgroups' too), in topological order.
  const groupById = new Map(groups.map((g) => [g.id, g]));
  const members = new Map<string, string[]>();
  const childGroups = new Map<string, string[]>();
  for (const g of groups) if (g.parent) childGroups.set(g.parent, [...(childGroups.get(g.parent) ?? []), g.id]);
  for (const id of order) {
    const seen = new Set<string>();
    for (let g = design.byId.get(id)?.node.group; g && groupById.has(g) && !seen.has(g); g = groupById.get(g)?.parent) {
      seen.add(g);
      members.set(g, [...(members.get(g) ?? []), id]);
    }
  }

  // A group can be a module when one tensor enters it and one leaves it.
  const boundary = (ids: readonly string[]): { input: string; output: string } | undefined => {
    const inside = new Set(ids);
    const entering = new Set<string>();
    const leaving: string[] = [];
    for (const id of ids) {
      const n = design.byId.get(id) as NchwNode;
      if (n.isInput) return undefined;
      for (const i of n.inputs) if (!inside.has(i)) entering.add(i);
      if (outputs.has(id) || (consumers.get(id) ?? []).some((c) => !inside.has(c))) leaving.push(id);
    }
    if (entering.size !== 1 || leaving.length !== 1) return undefined;
    return { input: [...entering][0], output: leaving[0] };
  };

  // Leaf groups that repeat with the same structure become classes.
  const candidates: Instance[] = [];
  for (const g of groups) {
    const ids = members.get(g.id) ?? [];
    if (childGroups.has(g.id) || ids.length < 2) continue;
    const ends = boundary(ids);
    if (!ends) continue;
    const prefix = commonPrefix(ids.map((id) => (design.byId.get(id) as NchwNode).node.name));
    const scope = buildScope(
      ids,
      layers,
      (name) => name.slice(prefix.length),
      consumers,
      { units: [], stacks: [] },
      new NameSet(),
    );
    candidates.push({ group: g, nodeIds: ids, ...ends, prefix, scope });
  }
  const bySignature = new Map<string, Instance[]>();
  for (const u of candidates) {
    const key = signature(u.scope, u.input, u.nodeIds);
    bySignature.set(key, [...(bySignature.get(key) ?? []), u]);
  }
  const classes: ClassDef[] = [];
  const classNames = new NameSet([className, 'Module']);
  const repeated = [...bySignature.values()].filter((list) => list.length >= 2);
  // The structure with most occurrences takes the plain name (BasicBlock); the others add what sets them apart.
  repeated.sort((a, b) => b.length - a.length);
  for (const instances of repeated) {
    const first = instances[0];
    let name = groupClassName(first.group.label);
    if (classNames.has(name)) {
      const plain = new Set(classes.filter((c) => c.name === name).flatMap((c) => c.scope.attrs.map((a) => a.name)));
      // Name it after the first extra part that holds weights (a downsample), not a padding.
      const extras = first.scope.attrs.filter((a) => !plain.has(a.name));
      const extra = extras.find((a) => a.ids.some((id) => design.byId.get(id)?.weights.length)) ?? extras[0];
      if (extra) name = `${name}${pyClassName(extra.name, '')}`;
    }
    const base = { name: classNames.claim(name), scope: first.scope, instances };
    const cls: ClassDef = { ...base, ...generalise(base, design) };
    for (const u of instances) u.cls = cls;
    classes.push(cls);
  }
  const units = candidates.filter((u) => u.cls);

  // A group holding nothing but a chain of class occurrences named `<group>.0`, `<group>.1`, … is an nn.Sequential.
  const stacks: { name: string; instances: Instance[] }[] = [];
  for (const g of groups) {
    const kids = childGroups.get(g.id) ?? [];
    const ids = members.get(g.id) ?? [];
    if (kids.length < 1 || ids.some((id) => design.byId.get(id)?.node.group === g.id)) continue;
    const kidUnits = kids.map((k) => units.find((u) => u.group.id === k));
    if (kidUnits.some((u) => !u)) continue;
    const chain = kidUnits as Instance[];
    const prefix = commonPrefix(ids.map((id) => (design.byId.get(id) as NchwNode).node.name)).replace(/[._]$/, '');
    const named = prefix !== '' && chain.every((u, k) => u.prefix === `${prefix}.${k}.`);
    const linked = chain.every((u, k) => k === 0 || u.input === chain[k - 1].output);
    if (named && linked) stacks.push({ name: prefix, instances: chain });
  }

  const rootNames = new NameSet();
  const root = buildScope(order, layers, (name) => name, consumers, { units, stacks }, rootNames);

  // Where each layer's module lives in state_dict.
  const modulePaths = new Map<string, string>();
  const scopePaths = (scope: Scope, prefix: string) => {
    for (const a of scope.attrs)
      a.ids.forEach((id, k) =>
        modulePaths.set(id, a.ids.length > 1 ? `${prefix}${a.name}.${k}` : `${prefix}${a.name}`),
      );
  };
  scopePaths(root, '');
  for (const a of root.attrs) {
    if (!a.instances) continue;
    const stacked = stacks.some((st) => st.instances === a.instances);
    a.instances.forEach((u, k) => scopePaths(u.scope, stacked ? `${a.name}.${k}.` : `${a.name}.`));
  }

  const helpers = new Set<TorchHelperName>();
  for (const l of layers.values()) for (const h of l.torch.helpers ?? []) helpers.add(h);
  const out: string[] = [];
  for (const h of helpers) out.push(TORCH_HELPERS[h], '', '');

  for (const cls of classes) out.push(...classSource(cls, design), '', '');

  // The top module.
  const inputNames = new NameSet(['self']);
  const inputVars = new Map(
    design.inputs.map((id) => [
      id,
      design.inputs.length === 1
        ? inputNames.claim('x')
        : inputNames.claim(pyIdentifier(design.byId.get(id)?.node.name ?? 'x')),
    ]),
  );
  const rootAttrCode = (a: ModuleAttr): string => {
    if (!a.instances) return attrCode(a, () => undefined);
    if (a.instances.length === 1 && !stacks.some((st) => st.instances === a.instances))
      return instanceCode(a.instances[0]);
    return `nn.Sequential(${a.instances.map(instanceCode).join(', ')})`;
  };
  const last = root.steps[root.steps.length - 1];
  const endsInSoftmax =
    design.outputs.length === 1 &&
    last !== undefined &&
    last.output === design.outputs[0] &&
    last.activation === 'softmax';
  const comments = root.steps.map((s) => (s.attr ? shapeComment(s.shape) : `${s.label}: ${shapeComment(s.shape)}`));
  const args = [...inputVars.values()].join(', ');
  const body = forwardLines(root.steps, inputVars, design.outputs, comments, endsInSoftmax ? 'drop' : 'keep');
  const returned = body.returned.length === 1 ? body.returned[0] : `(${body.returned.join(', ')})`;
  const inputShapes = design.inputs.map((id) => shapeComment((design.byId.get(id) as NchwNode).io.output)).join(', ');
  out.push(`class ${className}(nn.Module):`);
  out.push(`${INDENT}"""The design as a PyTorch module. Input ${inputShapes} (channels first).`);
  if (endsInSoftmax)
    out.push(
      '',
      `${INDENT}forward() returns the class probabilities, as the design does; logits() the scores before the`,
      `${INDENT}softmax, which a loss should take (F.cross_entropy applies log-softmax and NLL stably).`,
    );
  out.push(`${INDENT}"""`, '');
  out.push(`${INDENT}def __init__(self):`, `${INDENT}${INDENT}super().__init__()`);
  for (const a of root.attrs) out.push(`${INDENT}${INDENT}self.${a.name} = ${rootAttrCode(a)}`);
  out.push('');
  if (endsInSoftmax) {
    out.push(`${INDENT}def forward(self, ${args}):`);
    out.push(
      `${INDENT}${INDENT}return ${ACTIVATION_EXPORT.softmax.torch(`self.logits(${args})`, last.shape.length)}  # ${shapeComment(last.shape)}`,
    );
    out.push('');
    out.push(`${INDENT}def logits(self, ${args}):`);
  } else out.push(`${INDENT}def forward(self, ${args}):`);
  for (const line of body.lines) out.push(`${INDENT}${INDENT}${line}`);
  out.push(`${INDENT}${INDENT}return ${returned}`);

  return { source: out.join('\n'), className, modulePaths, endsInSoftmax };

  function instanceCode(u: Instance): string {
    const cls = u.cls as ClassDef;
    const slots = slotsOf(u.scope);
    const values = cls.params.map((p) => {
      const k = cls.slotParam.indexOf(p);
      return pyValue(slots[k].value);
    });
    return `${cls.name}(${values.join(', ')})`;
  }
}

/** The source of one class for a repeated group. */
function classSource(cls: ClassDef, design: NchwDesign): string[] {
  const out: string[] = [];
  const labels = cls.instances.map((u) => u.group.label.replace(/\s*\([^)]*\)\s*$/, ''));
  out.push(`class ${cls.name}(nn.Module):`);
  out.push(
    `${INDENT}"""One class for the design's repeated group: ${labels.join(', ')}. Input ${cls.inputText}."""`,
    '',
  );
  out.push(`${INDENT}def __init__(${['self', ...cls.params].join(', ')}):`, `${INDENT}${INDENT}super().__init__()`);
  let k = 0;
  const slot = () => cls.slotParam[k++];
  for (const a of cls.scope.attrs) out.push(`${INDENT}${INDENT}self.${a.name} = ${attrCode(a, slot)}`);
  out.push('');
  const first = cls.instances[0];
  const comments = cls.scope.steps.map((s, i) => (s.attr ? cls.stepShapes[i] : `${s.label}: ${cls.stepShapes[i]}`));
  const body = forwardLines(cls.scope.steps, new Map([[first.input, 'x']]), [first.output], comments, 'keep');
  out.push(`${INDENT}def forward(self, x):`);
  for (const line of body.lines) out.push(`${INDENT}${INDENT}${line}`);
  out.push(`${INDENT}${INDENT}return ${body.returned[0]}`);
  void design;
  return out;
}
