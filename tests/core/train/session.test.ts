import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileGraph } from '../../../core/compile/compile';
import { GraphBuilder } from '../../../core/graph/builder';
import { OPTIMIZERS } from '../../../core/train/optimizers';
import { evaluate } from '../../../core/train/evaluate';
import { TrainingDivergedError, TrainingError, train } from '../../../core/train/session';
import { compileOptionsFor, parseTrainingSettings, type TrainingSettingsInput } from '../../../core/train/settings';
import { barImages, xorData, xorSplit } from './toy-data';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function mlp(settings: TrainingSettingsInput, hidden = 16, softmax = true): tf.LayersModel {
  const b = new GraphBuilder();
  let x = b.input([2]);
  x = b.layer('Dense', { units: hidden, activation: 'relu' }, x);
  x = b.layer('Dense', { units: hidden, activation: 'relu' }, x);
  b.layer('Dense', { units: 2, activation: softmax ? 'softmax' : 'linear' }, x);
  return compileGraph(b.build(), tf, compileOptionsFor(parseTrainingSettings(settings)));
}

function smallCnn(settings: TrainingSettingsInput): tf.LayersModel {
  const b = new GraphBuilder();
  let x = b.input([8, 8, 1]);
  x = b.layer('Conv2D', { filters: 4, kernelSize: [3, 3], activation: 'relu', padding: 'same' }, x);
  x = b.layer('BatchNormalization', {}, x);
  x = b.layer('MaxPooling2D', {}, x);
  x = b.layer('Dropout', { rate: 0.2 }, x);
  x = b.layer('Flatten', {}, x);
  b.layer('Dense', { units: 2, activation: 'softmax' }, x);
  return compileGraph(b.build(), tf, compileOptionsFor(parseTrainingSettings(settings)));
}

describe('train', () => {
  it('learns XOR with an MLP, reporting every batch and epoch with validation metrics', async () => {
    const settings = {
      optimizer: 'adam',
      learningRate: 0.02,
      epochs: 30,
      batchSize: 32,
      seed: 7,
      preprocessing: 'none',
    } as const;
    const model = mlp(settings);
    const batches: number[] = [];
    const epochs: number[] = [];
    const result = await train(tf, model, xorData(400, 200), settings, {
      onBatchEnd: (e) => {
        batches.push(e.batch);
        expect(e.samplesPerSecond).toBeGreaterThan(0);
        expect(e.etaSeconds).toBeGreaterThanOrEqual(0);
      },
      onEpochEnd: (e) => {
        epochs.push(e.epoch);
      },
    });
    expect(result.status).toBe('completed');
    expect(epochs).toEqual([...Array(30).keys()]);
    expect(batches.length).toBe(30 * 13); // 400 / 32 → 13 batches, the last one of 16
    const last = result.history.at(-1);
    expect(last?.accuracy).toBeGreaterThan(0.95);
    expect(last?.valAccuracy).toBeGreaterThan(0.93);
    expect(last?.valLoss).toBeLessThan(result.history[0].valLoss as number);
    expect(last?.etaSeconds).toBeCloseTo(0, 5);
    const test = await evaluate(tf, model, xorSplit(300, 99), {
      inputShape: [2],
      classCount: 2,
      normalization: result.normalization,
      samples: 5,
    });
    expect(test.accuracy).toBeGreaterThan(0.93);
    expect(test.confusion.flat().reduce((a, b) => a + b)).toBe(300);
    expect(test.perClassAccuracy.every((a) => a !== null && a > 0.85)).toBe(true);
    expect(test.predictions.map((p) => p.index)).toEqual([0, 1, 2, 3, 4]);
    for (const p of test.predictions) expect(p.probabilities.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
    model.dispose();
  });

  it('trains a small CNN (batch norm, dropout, augmentation) on raw bytes, repeatably under a seed and leak-free', async () => {
    const settings = {
      optimizer: 'momentum',
      learningRate: 0.05,
      epochs: 3,
      batchSize: 16,
      seed: 3,
      validationSplit: 0.2,
      preprocessing: 'standardize',
      augmentation: { flipVertical: 0.5, noise: 0.02 },
    } as const;
    const data = { inputShape: [8, 8, 1], classNames: ['left', 'right'], train: barImages(200, 5) };
    const runs = [];
    for (let i = 0; i < 2; i++) {
      const model = smallCnn(settings);
      const before = tf.memory().numTensors;
      runs.push(await train(tf, model, data, settings));
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    }
    expect(runs[0].trainCount).toBe(160);
    expect(runs[0].validationCount).toBe(40);
    expect(runs[0].history.map((h) => h.loss)).toEqual(runs[1].history.map((h) => h.loss));
    expect(runs[0].history.map((h) => h.valAccuracy)).toEqual(runs[1].history.map((h) => h.valAccuracy));
    expect(runs[0].history.at(-1)?.valAccuracy).toBeGreaterThan(0.9);
    // A different seed gives a different run (weights, shuffling, dropout and augmentation all follow it).
    const other = smallCnn({ ...settings, seed: 4 });
    const third = await train(tf, other, data, { ...settings, seed: 4 });
    expect(third.history.map((h) => h.loss)).not.toEqual(runs[0].history.map((h) => h.loss));
    other.dispose();
  });

  it('treats a final layer without softmax as logits', async () => {
    const settings = { learningRate: 0.02, epochs: 25, seed: 2, preprocessing: 'none', validationSplit: 0 } as const;
    const model = mlp(settings, 16, false);
    const result = await train(tf, model, xorData(400, 0), settings);
    expect(result.history.at(-1)?.accuracy).toBeGreaterThan(0.93);
    expect(result.history.at(-1)?.loss).toBeLessThan(0.3);
    model.dispose();
  });

  it('stops between batches when cancelled, releasing every tensor', async () => {
    const settings = { epochs: 50, batchSize: 8, seed: 1, preprocessing: 'none' } as const;
    const model = mlp(settings);
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let seen = 0;
    const result = await train(tf, model, xorData(200, 50), settings, {
      signal: controller.signal,
      onBatchEnd: (e) => {
        seen++;
        if (e.epoch === 1 && e.batch === 4) controller.abort();
      },
    });
    expect(result.status).toBe('cancelled');
    expect(seen).toBe(25 + 5);
    expect(result.history).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('stops on an abort from a timer while it runs', async () => {
    const settings = { epochs: 1000, batchSize: 4, seed: 1, preprocessing: 'none', validationSplit: 0 } as const;
    const model = mlp(settings);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const started = Date.now();
    const result = await train(tf, model, xorData(200, 0), settings, { signal: controller.signal });
    expect(result.status).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(5000);
    model.dispose();
  });

  it('stops with a clear message when the loss diverges, releasing every tensor', async () => {
    // Softmax saturates and the clipped cross-entropy stays finite however large the weights get, but the
    // weight-decay penalty does not: at this rate every step multiplies the kernels by 1 − 2·lr·l2 = −99.
    const settings = {
      optimizer: 'sgd',
      learningRate: 100,
      weightDecay: { l2: 0.5 },
      epochs: 20,
      seed: 4,
      preprocessing: 'none',
    } as const;
    const model = mlp(settings);
    const before = tf.memory().numTensors;
    const failure = await train(tf, model, xorData(200, 50), settings).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(TrainingDivergedError);
    expect((failure as Error).message).toMatch(/loss became (NaN|infinite)/);
    expect((failure as Error).message).toMatch(/lower the learning rate \(try 10\)/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it.each(OPTIMIZERS)('leaves no tensor behind after a completed run with %s', async (optimizer) => {
    const settings = {
      optimizer,
      learningRate: 0.01,
      epochs: 2,
      seed: 1,
      schedule: { kind: 'step', every: 1, factor: 0.5 },
      weightDecay: { l2: 1e-4 },
    } as const;
    const model = mlp(settings);
    const before = tf.memory().numTensors;
    const result = await train(tf, model, xorData(64, 16), settings);
    expect(result.history.map((h) => h.learningRate)).toEqual([0.01, 0.005]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('refuses a model and data that do not fit, saying what to change', async () => {
    const model = mlp({});
    await expect(
      train(
        tf,
        model,
        {
          ...xorData(10, 0),
          inputShape: [3],
          train: { images: new Float32Array(30), labels: new Int32Array(10), count: 10 },
        },
        {},
      ),
    ).rejects.toThrow(/input is 2 but the dataset's samples are 3/);
    await expect(train(tf, model, { ...xorData(10, 0), classNames: ['a', 'b', 'c'] }, {})).rejects.toThrow(
      /Dense layer of 3 units/,
    );
    await expect(train(tf, model, xorData(10, 0), { augmentation: { flipHorizontal: 0.5 } })).rejects.toThrow(
      TrainingError,
    );
    await expect(train(tf, model, xorData(10, 0), { validationSplit: 0.01 })).rejects.toThrow(
      /leaves 10 of 10 samples for training and 0/,
    );
    await expect(train(tf, model, xorData(10, 0), { batchSize: 0 })).rejects.toThrow(/At batchSize/);
    model.dispose();
  });
});
