/**
 * What `netcanvas train` prints and how it reads `--augment`, checked without
 * a terminal or a training run: the progress bar fits the terminal width, the
 * clock and epoch lines read as a user expects, and augmentation lists map
 * onto the training settings.
 */
import { describe, expect, it } from 'vitest';
import { parseAugment } from '../../cli/setting-flags';
import { clock, epochLine, progressBar, progressLine } from '../../cli/commands/train-progress';
import { UsageError } from '../../cli/command';
import type { BatchEvent } from '../../core/train/session';

const event: BatchEvent = {
  epoch: 0,
  batch: 421,
  batchesPerEpoch: 1688,
  loss: 0.23114,
  accuracy: 0.9375,
  learningRate: 0.001,
  samplesSeen: 13_504,
  samplesPerSecond: 2210.4,
  etaSeconds: 112.4,
};

describe('progress output', () => {
  it('draws the bar with the batch figures and fits it to the terminal width', () => {
    const wide = progressBar(event, 5, 140);
    expect(wide).toMatch(
      /^\[█+░+\] {3}25% {2}epoch 1\/5 {2}batch 422\/1688 {2}loss 0\.2311 {2}acc 93\.75% {2}2210 samples\/s {2}ETA 1:52$/,
    );
    expect(wide.length).toBeLessThanOrEqual(140);
    // A narrow terminal loses the bar first, then the tail of the figures, never wrapping.
    const narrow = progressBar(event, 5, 60);
    expect(narrow.length).toBeLessThan(60);
    expect(narrow).toMatch(/^ 25% {2}epoch 1\/5/);
  });

  it('fills the bar in proportion to the epoch done', () => {
    const full = progressBar({ ...event, batch: 1687 }, 5, 140);
    expect(full).toMatch(/^\[█{30}\] {2}100%/);
    const first = progressBar({ ...event, batch: 0 }, 5, 140);
    expect(first).toMatch(/^\[░{30}\] {4}0%/);
  });

  it('writes plain lines for logs and one line per epoch with validation figures', () => {
    expect(progressLine(event, 5)).toBe(
      '  epoch 1/5  batch 422/1688  loss 0.2311  acc 93.75%  2210 samples/s  ETA 1:52',
    );
    expect(
      epochLine(
        {
          epoch: 2,
          loss: 0.1,
          accuracy: 0.97,
          valLoss: 0.08,
          valAccuracy: 0.975,
          learningRate: 0.001,
          seconds: 12.34,
          samplesPerSecond: 4400,
          etaSeconds: 20,
        },
        5,
      ),
    ).toBe('epoch 3/5  loss 0.1000  accuracy 97.00%  val_loss 0.0800  val_accuracy 97.50%  12.3 s  4400 samples/s');
    expect(
      epochLine(
        { epoch: 0, loss: 0.5, accuracy: 0.8, learningRate: 0.01, seconds: 1, samplesPerSecond: 55.55, etaSeconds: 0 },
        1,
      ),
    ).toBe('epoch 1/1  loss 0.5000  accuracy 80.00%  1.0 s  55.5 samples/s');
  });

  it.each([
    [0, '0:00'],
    [59.6, '1:00'],
    [3725, '1:02:05'],
    [NaN, '--:--'],
    [Infinity, '--:--'],
  ])('clock(%d) is %s', (seconds, text) => {
    expect(clock(seconds)).toBe(text);
  });
});

describe('--augment', () => {
  it('reads names with or without strengths, in camelCase, kebab-case or short form', () => {
    expect(parseAugment('flip, crop=4 ,rotation=15,flip-vertical,brightness=0.2')).toEqual({
      flipHorizontal: 0.5,
      crop: 4,
      rotation: 15,
      flipVertical: 0.5,
      brightness: 0.2,
    });
    expect(parseAugment('zoom,shift')).toEqual({ scale: 0.1, translate: 0.1 });
  });

  it.each([
    ['wobble', /unknown augmentation "wobble"; expected flipHorizontal, /],
    ['crop=', /crop expects a number after "=", got ""/],
    ['rotation=lots', /rotation expects a number after "=", got "lots"/],
  ])('refuses %j as a wrong command line', (text, message) => {
    expect(() => parseAugment(text)).toThrow(UsageError);
    expect(() => parseAugment(text)).toThrow(message);
  });
});
