import { describe, expect, it } from 'vitest';
import { BUILT_IN_DATASETS } from '../../../core/data/catalogue';
import { applyFix } from '../../../core/graph/fixes';
import { findNode, type Graph } from '../../../core/graph/graph';
import { hasErrors, inferShapes } from '../../../core/graph/infer';
import { summarize } from '../../../core/graph/summary';
import { checkDesignAgainstData, type DataShape } from '../../../core/train/design-check';
import { fitDesignToData, previewLines, type FitProposal } from '../../../core/train/fit-design';
import { GraphBuilder } from '../../../core/graph/builder';
import { templates } from '../../../templates/index';
import { buildLenet5 } from '../../../templates/lenet5';
import { buildLinear } from '../../../templates/linear';
import { buildMlp } from '../../../templates/mlp';

const ring = { inputShape: [2], classCount: 2, name: 'toy:ring' };
const mnist = { inputShape: [28, 28, 1], classCount: 10, name: 'mnist' };

const errorsOf = (graph: Graph) => inferShapes(graph).diagnostics.filter((d) => d.severity === 'error');
const outputShape = (graph: Graph) => {
  const report = inferShapes(graph);
  return report.shapes.get(report.order.at(-1)!);
};

function proposals(graph: Graph, data: DataShape): FitProposal[] {
  const fit = fitDesignToData(graph, data);
  if (fit.status !== 'proposals') throw new Error(`expected proposals, got ${JSON.stringify(fit)}`);
  return fit.proposals;
}

describe('fitDesignToData', () => {
  it('turns the Linear template (drawn for 28×28 digits) into a ring classifier in one step, Flatten removed', () => {
    const [proposal, ...others] = proposals(buildLinear(), ring);
    expect(others).toEqual([]);
    expect(errorsOf(proposal.graph)).toEqual([]);
    expect(proposal.graph.nodes.map((n) => n.type)).toEqual(['InputLayer', 'Dense']);
    expect(outputShape(proposal.graph)).toEqual([null, 2]);
    // The same design the template builds for the ring, weight for weight: 2·2 + 2.
    expect(proposal.params).toEqual({ before: 7850, after: 6 });
    expect(proposal.edits).toEqual([
      'Input "input": 28×28×1 → 2, the shape of one sample.',
      'Flatten "flatten": remove it: its input is already flat.',
      'Dense "scores": 10 → 2 units, one per class.',
    ]);
    expect(previewLines(proposal)).toEqual([
      'input (InputLayer)  28×28×1 → 2',
      'flatten (Flatten)  784 → (removed)',
      'scores (Dense)  10 → 2',
    ]);
  });

  it('offers LeCun’s padding for LeNet-5 on MNIST first, keeping its 61,706 weights, and resizing as the alternative', () => {
    const [pad, resize] = proposals(buildLenet5(), mnist);
    expect(pad.choice).toBe('pad-images');
    expect(pad.label).toBe('Pad the images to 32×32');
    expect(pad.params).toEqual({ before: 61_706, after: 61_706 });
    expect(errorsOf(pad.graph)).toEqual([]);
    const padding = pad.graph.nodes.find((n) => n.type === 'ZeroPadding2D');
    expect(padding?.params).toEqual({ padding: [2, 2, 2, 2] });
    expect(previewLines(pad).slice(0, 2)).toEqual([
      'input (InputLayer)  32×32×1 → 28×28×1',
      'pad1 (ZeroPadding2D)  (new) → 32×32×1',
    ]);

    expect(resize.choice).toBe('resize-input');
    expect(resize.params).toEqual({ before: 61_706, after: 44_426 });
    expect(previewLines(resize)).toContain('flatten (Flatten)  400 → 256');
  });

  it('recommends resizing the Input when padding would mostly add zeros (ResNet-18 on CIFAR-10)', () => {
    const resnet = templates.find((t) => t.id === 'resnet18')!.build();
    const [first, second] = proposals(resnet, { inputShape: [32, 32, 3], classCount: 10, name: 'cifar10' });
    expect(first.choice).toBe('resize-input');
    expect(second.choice).toBe('pad-images');
  });

  it('adds a Flatten when image data meet a design built for points', () => {
    const [proposal] = proposals(buildMlp({ input: [2], classes: 2 }), mnist);
    const inFlowOrder = inferShapes(proposal.graph).order.map((id) => findNode(proposal.graph, id)!.type);
    expect(inFlowOrder).toEqual(['InputLayer', 'Flatten', 'Dense', 'Dense']);
    expect(proposal.edits).toContain('Dense "hidden": insert a Flatten before it.');
    expect(outputShape(proposal.graph)).toEqual([null, 10]);
  });

  it('resizes the Dense before a softmax activation layer and ends a design without units with a Dense', () => {
    const b = new GraphBuilder();
    let x = b.input([2], 'input');
    x = b.layer('Dense', { units: 8, activation: 'relu' }, x, 'hidden');
    x = b.layer('Dense', { units: 5 }, x, 'logits');
    b.layer('Activation', { activation: 'softmax' }, x, 'probabilities');
    const [proposal] = proposals(b.build(), ring);
    expect(findNode(proposal.graph, proposal.graph.nodes.find((n) => n.name === 'logits')!.id)?.params.units).toBe(2);
    expect(outputShape(proposal.graph)).toEqual([null, 2]);

    const c = new GraphBuilder();
    const y = c.input([8, 8, 3], 'input');
    c.layer('GlobalAveragePooling2D', {}, c.layer('Conv2D', { filters: 4, kernelSize: [3, 3] }, y, 'conv'), 'gap');
    const [added] = proposals(c.build(), { inputShape: [8, 8, 3], classCount: 3 });
    expect(added.edits).toEqual(['Dense "dense1" added after GlobalAveragePooling2D "gap": 3 units with softmax.']);
    expect(outputShape(added.graph)).toEqual([null, 3]);
  });

  it('says a design fits when it does, and why it cannot when its convolutions meet 2-D points', () => {
    expect(fitDesignToData(buildLenet5({ input: [28, 28, 1] }), mnist)).toEqual({ status: 'fits' });
    const fit = fitDesignToData(buildLenet5(), ring);
    expect(fit).toMatchObject({ status: 'impossible' });
    expect(fit.status === 'impossible' && fit.reason).toMatch(
      /^This design cannot take toy:ring's 2 samples: Conv2D "c1": expects a 4-D input/,
    );
  });

  it('applying its one-click fix removes a Flatten whose input is already flat, reconnecting the chain', () => {
    const b = new GraphBuilder();
    b.layer(
      'Dense',
      { units: 2, activation: 'softmax' },
      b.layer('Flatten', {}, b.input([2], 'input'), 'flatten'),
      'out',
    );
    const graph = b.build();
    const diagnostic = inferShapes(graph).diagnostics[0];
    const fixed = applyFix(graph, diagnostic.fix!);
    expect(fixed.nodes.map((n) => n.name)).toEqual(['input', 'out']);
    expect(hasErrors(inferShapes(fixed).diagnostics)).toBe(false);
  });

  // The issue's promise: no sequence of offered fixes ends in an error without a fix.
  const cases = templates.flatMap((template) => BUILT_IN_DATASETS.map((data) => [template.id, data.id] as const));
  it.each(cases)(
    '%s on %s: the recommended design validates with 0 errors, or the solver says why not',
    (id, dataId) => {
      const template = templates.find((t) => t.id === id)!;
      const data = BUILT_IN_DATASETS.find((d) => d.id === dataId)!;
      const fit = fitDesignToData(template.build(), {
        inputShape: data.sampleShape,
        classCount: data.classCount,
        name: data.id,
      });
      const convolutional = summarize(template.build()).layers.some((l) => l.type === 'Conv2D');
      if (convolutional && data.sampleShape.length === 1) {
        // Convolutions need images: 2-D points cannot be made into one, and the reason says which layer refuses.
        expect(fit).toMatchObject({ status: 'impossible', reason: expect.stringMatching(/expects a 4-D input/) });
        return;
      }
      // A template already drawn for this data (linear and mlp on MNIST, the CIFAR nets on CIFAR-10) needs no edit.
      const designs =
        fit.status === 'fits'
          ? [template.build()]
          : fit.status === 'proposals'
            ? fit.proposals.map((p) => p.graph)
            : [];
      expect(designs.length).toBeGreaterThan(0);
      for (const graph of designs) {
        expect(errorsOf(graph)).toEqual([]);
        const report = inferShapes(graph);
        const input = graph.nodes.find((n) => n.type === 'InputLayer')!;
        expect(report.shapes.get(input.id)?.slice(1)).toEqual(data.sampleShape);
        expect(outputShape(graph)).toEqual([null, data.classCount]);
        // What the Train view's Start button asks: nothing blocks the fitted design on this data.
        expect(
          checkDesignAgainstData(graph, report, { inputShape: data.sampleShape, classCount: data.classCount }).blocked,
        ).toBeNull();
        // Fitting again finds nothing left to do.
        expect(fitDesignToData(graph, { inputShape: data.sampleShape, classCount: data.classCount })).toEqual({
          status: 'fits',
        });
      }
    },
  );
});
