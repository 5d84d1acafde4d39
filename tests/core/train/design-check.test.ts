/**
 * The one design-vs-data check: the Train view, `netcanvas train` and the
 * training session all word a mismatch the same way, naming the data as each
 * shell knows it. (The Train view's own cases, fixes and undo, are in
 * tests/renderer/training-logic.test.ts.)
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../core/compile/compile';
import { GraphBuilder } from '../../../core/graph/builder';
import { inferShapes } from '../../../core/graph/infer';
import {
  checkDesignAgainstData,
  interfaceMismatches,
  mismatchSentence,
  settingsMismatches,
} from '../../../core/train/design-check';
import { train, TrainingError } from '../../../core/train/session';
import { parseTrainingSettings } from '../../../core/train/settings';
import { xorData } from './toy-data';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** A 2-feature network whose last layer is a Dense of `classes` units. */
function classifier(features: number, classes: number) {
  const b = new GraphBuilder();
  const hidden = b.layer('Dense', { units: 4, activation: 'relu' }, b.input([features]), 'hidden');
  b.layer('Dense', { units: classes, activation: 'softmax' }, hidden, 'scores');
  return b.build();
}

describe('the design-vs-data check', () => {
  it('names the data as the caller knows it', () => {
    const network = { inputCount: 1, outputCount: 1, inputShape: [32, 32, 3], outputShape: [10] };
    const named = interfaceMismatches(network, { inputShape: [28, 28, 1], classCount: 2, name: 'mnist' });
    expect(named.map(mismatchSentence)).toEqual([
      "The network's input is 32×32×3 but mnist's samples are 28×28×1; set the Input shape to 28×28×1.",
      "The network's output is 10 but mnist has 2 classes; end the network with a Dense layer of 2 units (softmax).",
    ]);
    const unnamed = interfaceMismatches(network, { inputShape: [28, 28, 1], classCount: 10 });
    expect(unnamed.map((m) => m.message)).toEqual(["The network's input is 32×32×3 but the samples are 28×28×1."]);
  });

  it('offers a fix where a layer parameter can make them agree, and words it as advice too', () => {
    const graph = classifier(2, 3);
    const readiness = checkDesignAgainstData(graph, inferShapes(graph), { inputShape: [2], classCount: 2 });
    expect(readiness.mismatches.map((m) => [m.fix?.label, m.advice])).toEqual([
      ['Set "scores" to 2 units', 'set "scores" to 2 units'],
    ]);
  });

  it('is the check the training session runs on the compiled model, word for word', async () => {
    const graph = classifier(3, 2);
    const data = xorData(10, 0);
    const [fromDesign] = checkDesignAgainstData(graph, inferShapes(graph), {
      inputShape: data.inputShape,
      classCount: data.classNames.length,
      name: 'the dataset',
    }).mismatches;
    const model = compileGraph(graph, tf);
    try {
      await expect(train(tf, model, data, { epochs: 1 })).rejects.toThrow(
        new TrainingError(mismatchSentence(fromDesign)),
      );
    } finally {
      model.dispose();
    }
  });

  it('refuses augmentation on data that is not images', () => {
    const settings = parseTrainingSettings({ augmentation: { flipHorizontal: 0.5 } });
    expect(settingsMismatches(settings, { inputShape: [28, 28, 1], classCount: 10 })).toEqual([]);
    expect(
      settingsMismatches(settings, { inputShape: [2], classCount: 2, name: 'toy:ring' }).map(mismatchSentence),
    ).toEqual([
      "Augmentation works on images (height × width × channels), but toy:ring's samples are 2; turn augmentation off.",
    ]);
  });
});
