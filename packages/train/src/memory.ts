import { freemem, totalmem } from 'node:os';
import { trainingMemory } from '@scalewise/models';
import type { TrainingConfig } from './config.js';
import { TrainInputError } from './errors.js';

function gib(bytes: number): string {
  return `${(bytes / 2 ** 30).toPrecision(3)} GiB`;
}

/**
 * Refuse a run whose estimated training memory (weights, gradients, AdamW moments and saved activations, from
 * `@scalewise/models` trainingMemory; framework overhead excluded, so a lower bound) exceeds the free memory,
 * instead of letting the process grow until the machine swaps or kills it (issue #20).
 */
export function checkTrainingMemory(
  config: TrainingConfig,
  available: { free: number; total: number } = { free: freemem(), total: totalmem() },
): number {
  const need = trainingMemory(config.model, config.data.seq, config.batchSize).total;
  if (need > available.free) {
    throw new TrainInputError(
      `model '${config.model.name}' needs at least ${gib(need)} to train (batch ${config.batchSize} × seq ${config.data.seq}: ` +
        `weights, gradients, AdamW moments and activations), but only ${gib(available.free)} of ${gib(available.total)} memory is ` +
        `free; choose a smaller model, batchSize or data.seq`,
    );
  }
  return need;
}

/**
 * Refuse `runs` trainings at once (a sweep on a run pool) when the largest `runs` of them together need more than the
 * free memory: each alone may fit while they side by side do not. Returns that sum.
 */
export function checkConcurrentTrainingMemory(
  configs: readonly TrainingConfig[],
  runs: number,
  available: { free: number; total: number } = { free: freemem(), total: totalmem() },
): number {
  const needs = configs.map((c) => checkTrainingMemory(c, available)).sort((a, b) => b - a);
  const together = needs.slice(0, runs).reduce((a, b) => a + b, 0);
  if (runs > 1 && together > available.free) {
    throw new TrainInputError(
      `${Math.min(runs, needs.length)} runs at once need at least ${gib(together)} together (the largest of this sweep), but ` +
        `only ${gib(available.free)} of ${gib(available.total)} memory is free; train fewer at once`,
    );
  }
  return together;
}
