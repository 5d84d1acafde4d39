import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../core/graph/builder';
import { runRateTrial } from '../../../core/train/rate-trial';
import { parseTrainingSettings } from '../../../core/train/settings';
import { xorData } from './toy-data';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function mlp() {
  const b = new GraphBuilder();
  let x = b.input([2]);
  x = b.layer('Dense', { units: 16, activation: 'relu' }, x);
  b.layer('Dense', { units: 2, activation: 'softmax' }, x);
  return b.build();
}

const data = xorData(400, 100);
const settings = parseTrainingSettings({ optimizer: 'adam', learningRate: 0.001, epochs: 8, batchSize: 32, seed: 3 });

describe('runRateTrial', () => {
  it('scores a trial by its last validation figures, the same for the same rate, better at a useful rate', async () => {
    const tensorsBefore = tf.memory().numTensors;
    const slow = await runRateTrial(tf, mlp(), data, settings, 0.0001);
    const useful = await runRateTrial(tf, mlp(), data, settings, 0.03);
    const again = await runRateTrial(tf, mlp(), data, settings, 0.03);
    expect(useful).toMatchObject({ diverged: false, cancelled: false });
    // Same seed, same rate: the same initial weights and batches, so the same figures.
    expect(again.valAccuracy).toBe(useful.valAccuracy);
    expect(again.valLoss).toBe(useful.valLoss);
    expect(useful.valAccuracy).toBeGreaterThan(0.85);
    expect(useful.valAccuracy).toBeGreaterThan(slow.valAccuracy);
    // Every model and tensor of the trials is released.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('reports a rate whose loss blows up as diverged, and a stopped trial as cancelled', async () => {
    const sgd = parseTrainingSettings({ ...settings, optimizer: 'sgd', weightDecay: { l2: 1 } });
    const blown = await runRateTrial(tf, mlp(), data, sgd, 1000);
    expect(blown).toMatchObject({ diverged: true, cancelled: false });
    expect(blown.valAccuracy).toBeNaN();
    const stop = new AbortController();
    stop.abort();
    const stopped = await runRateTrial(tf, mlp(), data, settings, 0.01, { signal: stop.signal });
    expect(stopped.cancelled).toBe(true);
  });
});
