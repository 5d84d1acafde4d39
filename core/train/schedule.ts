/** Learning-rate schedules: the rate for each epoch from the base rate. */
import type { Schedule } from './settings';

/**
 * The learning rate for `epoch` (0-based) of a run of `epochs` epochs.
 * `step` multiplies by `factor` every `every` epochs; `cosine` follows
 * `to + (base − to)·(1 + cos(π·epoch/epochs))/2`, from the base rate at epoch 0
 * towards `to` at the end (PyTorch's `CosineAnnealingLR` with `T_max = epochs`).
 *
 * @example
 * learningRateAt(0.1, { kind: 'step', every: 2, factor: 0.5 }, 3, 10) // 0.05
 */
export function learningRateAt(base: number, schedule: Schedule, epoch: number, epochs: number): number {
  switch (schedule.kind) {
    case 'none':
      return base;
    case 'step':
      return base * schedule.factor ** Math.floor(epoch / schedule.every);
    case 'cosine':
      return schedule.to + ((base - schedule.to) * (1 + Math.cos((Math.PI * epoch) / epochs))) / 2;
  }
}
