/**
 * The templates issue #13 adds, checked against their sources beyond the
 * counts in templates.test.ts: AlexNet as the lecture's slide lays it out,
 * GoogLeNet's Inception modules (Table 1 of the paper), MobileNetV2's
 * inverted residual blocks (Table 2) and the small U-Net's shape.
 */
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../core/graph/graph';
import { inferShapes } from '../../core/graph/infer';
import { summarize } from '../../core/graph/summary';
import { getTemplate, InvalidTemplateOptionsError } from '../../templates/index';

const shapeOf = (graph: Graph, name: string) => {
  const node = graph.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`no layer "${name}"`);
  return inferShapes(graph).shapes.get(node.id)?.slice(1);
};

describe('alexnet2012: the paper’s network as the lecture presents it', () => {
  it('has the slide’s shape after every layer', () => {
    const summary = summarize(getTemplate('alexnet2012').build());
    expect(summary.diagnostics).toEqual([]);
    const rows = summary.layers.filter((l) => !/flatten|dropout/.test(l.name));
    expect(rows.map((l) => [l.name, l.outputShape?.slice(1).join('×')])).toEqual([
      ['input', '227×227×3'],
      ['conv1', '55×55×96'],
      ['pool1', '27×27×96'],
      ['conv2', '27×27×256'],
      ['pool2', '13×13×256'],
      ['conv3', '13×13×384'],
      ['conv4', '13×13×384'],
      ['conv5', '13×13×256'],
      ['pool3', '6×6×256'],
      ['fc6', '4096'],
      ['fc7', '4096'],
      ['fc8', '1000'],
    ]);
    // The slide's parameter count for CONV1: (11·11·3)·96 weights, plus 96 biases.
    expect(summary.layers.find((l) => l.name === 'conv1')?.trainableParams).toBe(11 * 11 * 3 * 96 + 96);
    expect(summary.layers.find((l) => l.name === 'conv1')?.macs).toBe(55 * 55 * 96 * 11 * 11 * 3);
  });

  it('says in its card that it is one tower, with its paper', () => {
    const t = getTemplate('alexnet2012');
    expect(t.description).toMatch(/one tower/);
    expect(t.source).toMatch(/Krizhevsky, Sutskever & Hinton, .*NeurIPS 2012/);
  });
});

describe('googlenet', () => {
  const graph = getTemplate('googlenet').build();

  it('has the nine Inception modules of Table 1 as groups, each joining four branches', () => {
    const modules = graph.groups.filter((g) => g.label.endsWith(' (Inception)'));
    expect(modules.map((g) => g.label.split(' ')[0])).toEqual([
      'inception3a',
      'inception3b',
      'inception4a',
      'inception4b',
      'inception4c',
      'inception4d',
      'inception4e',
      'inception5a',
      'inception5b',
    ]);
    for (const module of modules) {
      const members = graph.nodes.filter((n) => n.group === module.id);
      const concats = members.filter((n) => n.type === 'Concatenate');
      expect(concats).toHaveLength(1);
      expect(graph.edges.filter((e) => e.target === concats[0].id)).toHaveLength(4);
      // Six convolutions: 1×1; 1×1 → 3×3; 1×1 → 3×3 (torchvision's "5×5"); pool → 1×1.
      expect(members.filter((n) => n.type === 'Conv2D')).toHaveLength(6);
    }
  });

  it.each([
    ['inception3a.concat', [28, 28, 256]],
    ['inception3b.concat', [28, 28, 480]],
    ['inception4a.concat', [14, 14, 512]],
    ['inception4d.concat', [14, 14, 528]],
    ['inception4e.concat', [14, 14, 832]],
    ['inception5b.concat', [7, 7, 1024]],
    ['maxpool1', [56, 56, 64]],
    ['maxpool4', [7, 7, 832]],
  ])('%s is %j at 224×224, as in Table 1', (name, shape) => {
    expect(shapeOf(graph, name)).toEqual(shape);
  });
});

describe('mobilenet_v2', () => {
  const graph = getTemplate('mobilenet_v2').build();

  it('has the 17 inverted residual blocks of Table 2, with a residual Add where stride 1 keeps the width', () => {
    const blocks = graph.groups.filter((g) => g.label.endsWith(' (InvertedResidual)'));
    expect(blocks).toHaveLength(17);
    // Blocks repeat 1, 2, 3, 4, 3, 3, 1 times; all but the first of each repeat add their input back.
    expect(graph.nodes.filter((n) => n.type === 'Add')).toHaveLength(0 + 1 + 2 + 3 + 2 + 2 + 0);
    expect(graph.nodes.filter((n) => n.type === 'DepthwiseConv2D')).toHaveLength(17);
    expect(shapeOf(graph, 'features.18.2')).toEqual([7, 7, 1280]);
    expect(shapeOf(graph, 'features.17.conv.3')).toEqual([7, 7, 320]);
  });

  it('uses ReLU6 and no bias, as torchvision does', () => {
    const relus = graph.nodes.filter((n) => n.type === 'ReLU');
    expect(relus.length).toBeGreaterThan(30);
    expect(relus.every((n) => n.params.maxValue === 6)).toBe(true);
    const convs = graph.nodes.filter((n) => n.type === 'Conv2D' || n.type === 'DepthwiseConv2D');
    expect(convs.every((n) => n.params.useBias === false)).toBe(true);
  });
});

describe('unet (small)', () => {
  it('gives a class map the size of its input, built from Conv2DTranspose and Concatenate', () => {
    const graph = getTemplate('unet').build({ input: [64, 96, 3], classes: 5 });
    const summary = summarize(graph);
    expect(summary.diagnostics).toEqual([]);
    expect(summary.layers.at(-1)?.outputShape).toEqual([null, 64, 96, 5]);
    expect(graph.nodes.filter((n) => n.type === 'Conv2DTranspose')).toHaveLength(4);
    const concats = graph.nodes.filter((n) => n.type === 'Concatenate');
    expect(concats).toHaveLength(4);
    // Each skip joins the encoder's map with the up-convolution's of the same size.
    expect(shapeOf(graph, 'up4.concat')).toEqual([8, 12, 256]);
    expect(shapeOf(graph, 'up1.concat')).toEqual([64, 96, 32]);
    expect(shapeOf(graph, 'bottom.conv2')).toEqual([4, 6, 256]);
    expect(graph.groups.map((g) => g.label)).toEqual([
      'down1',
      'down2',
      'down3',
      'down4',
      'bottom',
      'up4',
      'up3',
      'up2',
      'up1',
    ]);
  });

  it('refuses a size four poolings cannot halve', () => {
    expect(() => getTemplate('unet').build({ input: [100, 100, 1] })).toThrow(InvalidTemplateOptionsError);
    expect(() => getTemplate('unet').build({ input: [100, 100, 1] })).toThrow(/unet.*multiples of 16 .*got 100×100/);
  });
});
