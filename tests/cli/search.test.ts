/**
 * `netcanvas search` as a user runs it: the real command, real tfjs (wasm),
 * the toy ring. Three short trials keep it quick; what is checked is that the
 * table, the report and the best rate agree and the second round narrows.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareTrials, narrowedRange, type Trial } from '../../core/train/lr-search';
import { netcanvas } from './run-netcanvas';

const dir = mkdtempSync(join(tmpdir(), 'netcanvas-search-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('netcanvas search', () => {
  it('runs a broad round and a narrower one, prints a row per trial and names the best rate', async () => {
    const reportPath = join(dir, 'lr.json');
    const run = await netcanvas([
      'search',
      'mlp',
      '--dataset',
      'toy:ring',
      '--trials',
      '3',
      '--epochs',
      '2',
      '--seed',
      '2',
      '--report',
      reportPath,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as {
      trials: Trial[];
      best: Trial;
      ranges: { round: number; range: { low: number; high: number } }[];
      settings: { epochs: number };
    };
    expect(report.settings.epochs).toBe(2);
    expect(report.trials.map((t) => t.round)).toEqual([1, 1, 2]);
    expect(report.best).toEqual([...report.trials].sort(compareTrials)[0]);
    expect(report.ranges[0].range).toEqual({ low: 0.0001, high: 0.3 });
    const firstBest = [...report.trials.slice(0, 2)].sort(compareTrials)[0];
    expect(report.ranges[1].range).toEqual(narrowedRange(firstBest.learningRate));
    const narrow = report.trials[2].learningRate;
    expect(narrow).toBeGreaterThanOrEqual(report.ranges[1].range.low);
    expect(narrow).toBeLessThanOrEqual(report.ranges[1].range.high);
    // One table row per trial, as the report has it.
    for (const trial of report.trials)
      expect(run.stdout).toMatch(new RegExp(`^${trial.index + 1} +${trial.round} +${trial.learningRate} +`, 'm'));
    expect(run.stdout).toContain(
      `train with it: netcanvas train mlp --dataset toy:ring --lr ${report.best.learningRate}`,
    );
  }, 300_000);

  it('refuses --lr, which it chooses itself, and a range upside down', async () => {
    const withLr = await netcanvas(['search', 'mlp', '--dataset', 'toy:ring', '--lr', '0.1']);
    expect(withLr.stderr).toBe('netcanvas: search chooses the learning rate itself; leave out --lr\n');
    expect(withLr.code).toBe(2);
    const upsideDown = await netcanvas(['search', 'mlp', '--dataset', 'toy:ring', '--range', '0.1,0.001']);
    expect(upsideDown.stderr).toBe('netcanvas: --range expects LOW ≤ HIGH, got "0.1,0.001"\n');
    expect(upsideDown.code).toBe(2);
  });
});
