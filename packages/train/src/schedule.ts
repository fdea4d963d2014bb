import type { ScheduleConfig } from './config.js';

/**
 * Learning rate at optimizer step `step` (0-based) of `steps`, for peak rate `peak`:
 * - warmup (all kinds): peak · (step + 1) / warmup for step < warmup;
 * - cosine: floor·peak + (1 − floor)·peak · ½(1 + cos(π·p)), p = (step − warmup) / (steps − warmup − 1) ∈ [0, 1];
 * - wsd: peak until the last ⌈decayFraction·steps⌉ steps, then linear to floor·peak at the last step;
 * - constant: peak.
 */
export function learningRate(schedule: ScheduleConfig & { warmup: number }, peak: number, step: number, steps: number): number {
  const warmup = schedule.warmup;
  if (step < warmup) return (peak * (step + 1)) / warmup;
  switch (schedule.kind) {
    case 'constant':
      return peak;
    case 'cosine': {
      const span = steps - warmup - 1;
      const p = span > 0 ? Math.min(1, (step - warmup) / span) : 1;
      return peak * (schedule.floor + (1 - schedule.floor) * 0.5 * (1 + Math.cos(Math.PI * p)));
    }
    case 'wsd': {
      const decaySteps = Math.max(1, Math.ceil(schedule.decayFraction * steps));
      const start = Math.max(warmup, steps - decaySteps);
      if (step < start) return peak;
      const span = steps - 1 - start;
      const p = span > 0 ? (step - start) / span : 1;
      return peak * (1 - (1 - schedule.floor) * p);
    }
  }
}
