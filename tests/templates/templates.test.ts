import { describe, expect, it } from 'vitest';
import type { Graph } from '../../core/graph/graph';
import { summarize } from '../../core/graph/summary';
import {
  InvalidTemplateOptionsError,
  getTemplate,
  templates,
  UnknownTemplateError,
  type Template,
} from '../../templates/index';
import { buildMlp } from '../../templates/mlp';

/**
 * Trainable weights at each template's default input and class count. The
 * torchvision rows are `num_params` from torchvision's model docs; linear, mlp
 * and cifar-cnn are worked out by hand in the comments; LeNet-5 is the total
 * of the TensorSpace/tfjs LeNet model files; the CIFAR ResNets are option B
 * (see templates/resnet-cifar.ts): the paper's 0.27M/0.46M/0.66M/0.85M/1.7M.
 */
const TRAINABLE: Record<string, number> = {
  linear: 784 * 10 + 10,
  mlp: 784 * 128 + 128 + 128 * 10 + 10,
  lenet5: 61_706,
  // convs 896 + 9,248 + 18,496 + 36,928 + 73,856 + 147,584; fc1 4·4·128·128 + 128; predictions 1,290
  'cifar-cnn': 550_570,
  // One tower of the 2012 paper's network: conv 34,944 + 614,656 + 885,120 + 1,327,488 + 884,992,
  // dense 37,752,832 + 16,781,312 + 4,097,000 (the paper's two-GPU split gives 60,965,224).
  alexnet2012: 62_378_344,
  alexnet: 61_100_840,
  vgg11: 132_863_336,
  vgg11_bn: 132_868_840,
  vgg13: 133_047_848,
  vgg13_bn: 133_053_736,
  vgg16: 138_357_544,
  vgg16_bn: 138_365_992,
  vgg19: 143_667_240,
  vgg19_bn: 143_678_248,
  resnet18: 11_689_512,
  resnet34: 21_797_672,
  resnet50: 25_557_032,
  resnet101: 44_549_160,
  resnet152: 60_192_808,
  googlenet: 6_624_904,
  mobilenet_v2: 3_504_872,
  resnet20: 272_474,
  resnet32: 466_906,
  resnet44: 661_338,
  resnet56: 855_770,
  resnet110: 1_730_714,
  // Per level, two 3×3 convs (+ bias): down 2,480 + 13,888 + 55,424 + 221,440, bottom 885,248,
  // up (2×2 up-conv + two convs) 573,824 + 143,552 + 35,936 + 9,008, 1×1 classifier 34.
  unet: 1_940_834,
};

/** Batch-norm statistics (running mean and variance) where a source publishes them: torchvision's buffers. */
const NON_TRAINABLE: Record<string, number> = { resnet50: 53_120, googlenet: 14_560, mobilenet_v2: 34_112 };

/** torchvision's published GFLOPS (multiply-accumulates, in billions), to the digits it publishes. */
const PUBLISHED_GMACS: Record<string, string> = {
  alexnet: '0.71',
  vgg11: '7.61',
  vgg11_bn: '7.61',
  vgg13: '11.31',
  vgg13_bn: '11.31',
  vgg16: '15.47',
  vgg16_bn: '15.47',
  vgg19: '19.63',
  vgg19_bn: '19.63',
  resnet18: '1.81',
  resnet34: '3.66',
  resnet50: '4.09',
  resnet101: '7.80',
  resnet152: '11.51',
  googlenet: '1.50',
  mobilenet_v2: '0.30',
};

/** MACs counted to the unit where a source gives them that precisely (per-layer sums of torchvision's AlexNet). */
const EXACT_MACS: Record<string, number> = { alexnet: 714_188_480 };

/**
 * A small input (and 10 classes) at which each template must still build
 * without diagnostics, and at which the tfjs model is compiled. Big enough
 * for every pooling stage: AlexNet needs at least 63×63, VGG 32×32.
 */
const SMALL_INPUT: Record<string, number[]> = {
  linear: [28, 28, 1],
  mlp: [784],
  lenet5: [28, 28, 1],
  'cifar-cnn': [28, 28, 1],
  alexnet: [64, 64, 3],
  alexnet2012: [67, 67, 3],
  unet: [32, 32, 1],
  resnet20: [32, 32, 3],
  resnet32: [32, 32, 3],
  resnet44: [32, 32, 3],
  resnet56: [32, 32, 3],
  resnet110: [28, 28, 1],
};
const smallInput = (id: string) => SMALL_INPUT[id] ?? (id.startsWith('vgg') ? [32, 32, 3] : [64, 64, 3]);

/** A classifier ends in `[null, classes]`, a segmentation network in a class map the size of its input. */
const outputShape = (template: Template, input: readonly number[], classes: number) =>
  template.output === 'map' ? [null, input[0], input[1], classes] : [null, classes];

const blockGroups = (graph: Graph) => graph.groups.filter((g) => / \((BasicBlock|Bottleneck)\)$/.test(g.label));

describe('every template at its defaults', () => {
  it('has a unique id and an entry in the table of published counts', () => {
    expect(new Set(templates.map((t) => t.id)).size).toBe(templates.length);
    expect(templates.map((t) => t.id).sort()).toEqual(Object.keys(TRAINABLE).sort());
  });

  it.each(templates.map((t) => [t.id, t] as const))(
    '%s builds, infers with no diagnostics, and has the published count',
    (id, template) => {
      const graph = template.build();
      const summary = summarize(graph);
      expect(summary.diagnostics).toEqual([]);
      expect(summary.totals.trainableParams).toBe(TRAINABLE[id]);
      const [input] = summary.layers;
      expect(input.outputShape).toEqual([null, ...template.defaultInput]);
      expect(summary.layers.at(-1)?.outputShape).toEqual(
        outputShape(template, template.defaultInput, template.defaultClasses),
      );
      if (NON_TRAINABLE[id] !== undefined) expect(summary.totals.nonTrainableParams).toBe(NON_TRAINABLE[id]);
      if (PUBLISHED_GMACS[id]) expect((summary.totals.macs / 1e9).toFixed(2)).toBe(PUBLISHED_GMACS[id]);
      if (EXACT_MACS[id]) expect(summary.totals.macs).toBe(EXACT_MACS[id]);
    },
  );

  it('counts BatchNorm moving statistics as non-trainable, 2 per channel (as Keras does)', () => {
    // Keras's own ResNet50 reports 53,120 non-trainable parameters; VGG-16 has none without BN.
    expect(summarize(getTemplate('resnet50').build()).totals.nonTrainableParams).toBe(53_120);
    expect(summarize(getTemplate('vgg16').build()).totals.nonTrainableParams).toBe(0);
    expect(summarize(getTemplate('vgg16_bn').build()).totals.nonTrainableParams).toBe(138_365_992 - 138_357_544);
  });
});

describe('residual blocks', () => {
  it.each([
    ['resnet18', 'BasicBlock', 8, 3],
    ['resnet34', 'BasicBlock', 16, 3],
    ['resnet50', 'Bottleneck', 16, 4],
    ['resnet152', 'Bottleneck', 50, 4],
    ['resnet20', 'BasicBlock', 9, 2],
    ['resnet110', 'BasicBlock', 54, 2],
  ] as const)(
    '%s has its %s blocks as groups, each holding one Add and the layers it sums',
    (id, kind, count, projections) => {
      const graph = getTemplate(id).build();
      const blocks = blockGroups(graph);
      expect(blocks).toHaveLength(count);
      expect(blocks.every((g) => g.label.endsWith(`(${kind})`))).toBe(true);
      // Blocks sit inside their stage group (layer1 ... layerN).
      const stageIds = new Set(graph.groups.filter((g) => /^layer\d$/.test(g.label)).map((g) => g.id));
      expect(blocks.every((g) => g.parent !== undefined && stageIds.has(g.parent))).toBe(true);
      for (const block of blocks) {
        const members = graph.nodes.filter((n) => n.group === block.id);
        const adds = members.filter((n) => n.type === 'Add');
        expect(adds).toHaveLength(1);
        // Both summands come from inside the block, or from the block's input (the identity shortcut).
        const sources = graph.edges.filter((e) => e.target === adds[0].id).map((e) => e.source);
        expect(sources).toHaveLength(2);
      }
      // A projection shortcut (1×1 conv + BN) only where a block changes size or channels.
      const shortcutConvs = graph.nodes.filter((n) => n.type === 'Conv2D' && n.name.endsWith('.downsample.0'));
      expect(shortcutConvs).toHaveLength(projections);
    },
  );

  it('feeds the Add from the block input when no projection is needed (identity shortcut)', () => {
    const graph = getTemplate('resnet18').build();
    const add = graph.nodes.find((n) => n.name === 'layer1.0.add')!;
    const maxpool = graph.nodes.find((n) => n.name === 'maxpool')!;
    const sources = graph.edges.filter((e) => e.target === add.id).map((e) => e.source);
    expect(sources).toContain(maxpool.id);
  });
});

describe('every template at a small input and 10 classes', () => {
  it.each(templates.map((t) => [t.id, t] as const))('%s builds and infers with no diagnostics', (id, template) => {
    const input = smallInput(id);
    const summary = summarize(template.build({ input, classes: 10 }));
    expect(summary.diagnostics).toEqual([]);
    expect(summary.layers[0].outputShape).toEqual([null, ...input]);
    expect(summary.layers.at(-1)?.outputShape).toEqual(outputShape(template, input, 10));
  });

  it('keeps the ResNets’ trainable counts except for the classifier (global pooling makes them size-independent)', () => {
    const at224 = summarize(getTemplate('resnet18').build()).totals.trainableParams;
    const at64 = summarize(getTemplate('resnet18').build({ input: [64, 64, 3], classes: 10 })).totals.trainableParams;
    expect(at224 - at64).toBe(512 * (1000 - 10) + (1000 - 10));
  });
});

// Compile parity for every template (compileGraph against the summary) lives in
// tests/core/compile/templates-parity.test.ts.

describe('template lookup and options', () => {
  it('finds a template by id', () => {
    expect(getTemplate('resnet50').title).toBe('ResNet-50');
  });

  it('refuses an unknown id with a message that lists the known ones', () => {
    expect(() => getTemplate('resnet51')).toThrow(UnknownTemplateError);
    expect(() => getTemplate('resnet51')).toThrow(
      /Unknown template "resnet51"\. Known templates: linear, mlp, lenet5, .*resnet110, unet$/,
    );
  });

  it.each([
    ['resnet18', { input: [784] }, /resnet18.*height × width × channels.*\[784\]/],
    ['vgg16', { classes: 0 }, /vgg16.*classes must be a whole number ≥ 1, got 0/],
    ['lenet5', { input: [32, 32.5, 1] }, /whole numbers ≥ 1, got \[32, 32\.5, 1\]/],
  ] as const)('%s refuses %j', (id, options, message) => {
    expect(() => getTemplate(id).build(options)).toThrow(InvalidTemplateOptionsError);
    expect(() => getTemplate(id).build(options)).toThrow(message);
  });

  it('sizes the MLP’s hidden layer from hiddenUnits', () => {
    const summary = summarize(buildMlp({ hiddenUnits: 32 }));
    expect(summary.layers.find((l) => l.name === 'hidden')?.outputShape).toEqual([null, 32]);
    expect(summary.totals.trainableParams).toBe(784 * 32 + 32 + 32 * 10 + 10);
    expect(() => buildMlp({ hiddenUnits: 0 })).toThrow(/hiddenUnits must be a whole number ≥ 1, got 0/);
  });

  it('lets linear and mlp take a flat vector without a Flatten', () => {
    const graph = getTemplate('linear').build({ input: [784], classes: 3 });
    expect(graph.nodes.map((n) => n.type)).toEqual(['InputLayer', 'Dense']);
  });
});
