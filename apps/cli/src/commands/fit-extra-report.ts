// Printing the issue #19 forms' fits: one JSON object in the shape of the other forms (form, params, ci, ci_method,
// objective, warnings, units, n_points, file, ...) or a table with units and intervals.
import type { DownstreamFit, FitResult } from '@scalewise/laws';
import { EXIT_OK, printJson, type CliIO } from '../kit.js';
import { fmt, unboundedWarnings } from './fit-checks.js';

export interface SingleStepReport {
  fit: FitResult & { fixed: Record<string, number> };
  ci: Record<string, [number, number]>;
  ciMethod: string;
  bootstrap: { resamples: number; successful: number; failed: number; seed: number } | null;
  warnings: string[];
}

const levelLabel = (level: number): string => `${Math.round(level * 100)}% CI`;
const ciText = (c: [number, number] | null | undefined): string => (c ? `[${fmt(c[0])}, ${fmt(c[1])}]` : '—');

function paramLines(params: Record<string, number>, ci: Record<string, [number, number]>, fixed: Record<string, number>): string[] {
  return [
    ...Object.entries(params).map(([name, v]) => `${name.padEnd(9)} ${fmt(v).padStart(12)}   ${ciText(ci[name])}`),
    ...Object.entries(fixed).map(([name, v]) => `${name.padEnd(9)} ${fmt(v).padStart(12)}   held fixed`),
  ];
}

/** data-constrained and loss-to-loss: one fitted form, bootstrap or Wald intervals. */
export function printSingleStep(
  io: CliIO,
  file: string,
  json: boolean | undefined,
  r: SingleStepReport,
  units: Record<string, unknown>,
  names: Record<string, string>,
  unitsText: string,
): number {
  const { fit } = r;
  const level = levelLabel(fit.ci_level);
  const warnings = [...r.warnings, ...fit.warnings];
  warnings.push(...unboundedWarnings(r.ci, level, warnings));
  if (json) {
    printJson(io, {
      form: fit.form,
      n_points: fit.n_points,
      params: { ...fit.params, ...fit.fixed },
      objective: fit.objective,
      r2: fit.r2,
      ci: r.ci,
      ci_level: fit.ci_level,
      method: fit.method,
      warnings,
      objective_name: fit.objectiveName,
      ci_method: r.ciMethod,
      se: fit.se ?? null,
      units,
      bootstrap: r.bootstrap,
      fixed: fit.fixed,
      columns: names,
      file,
    });
    return EXIT_OK;
  }
  const lines = [
    `${fit.form}: fitted to ${fit.n_points} points of ${file}`,
    `columns: ${Object.entries(names)
      .map(([flag, col]) => `--${flag} ${col}`)
      .join(', ')}; ${unitsText}`,
    '',
    `${'param'.padEnd(9)} ${'value'.padStart(12)}   ${level} (${r.ciMethod})`,
    ...paramLines(fit.params, r.ci, fit.fixed),
    '',
    `objective: ${fmt(fit.objective)} (${fit.objectiveName})`,
    `R²: ${fit.r2 === null ? 'n/a' : fit.r2.toFixed(5)} (log space)`,
    `method: ${fit.method}`,
    ...warnings.map((w) => `warning: ${w}`),
  ];
  io.stdout(`${lines.join('\n')}\n`);
  return EXIT_OK;
}

/** downstream: both steps, the combined predictions with intervals propagated through both. */
export function printDownstream(
  io: CliIO,
  file: string,
  json: boolean | undefined,
  fit: DownstreamFit,
  names: Record<string, string>,
): number {
  const level = levelLabel(fit.level);
  const warnings = [...fit.warnings, ...unboundedWarnings(fit.ci, level, fit.warnings)];
  const step = (s: FitResult) => ({
    params: s.params,
    objective: s.objective,
    objective_name: s.objectiveName,
    r2: s.r2,
    method: s.method,
  });
  if (json) {
    printJson(io, {
      form: 'downstream',
      n_points: fit.taskLoss.n_points,
      params: fit.params,
      objective: null,
      r2: null,
      ci: fit.ci,
      ci_level: fit.level,
      method: 'two steps: chinchilla fit of task loss, then least-squares sigmoid of accuracy on task loss',
      warnings,
      objective_name: 'two objectives: see steps.task_loss and steps.accuracy',
      ci_method: fit.ciMethod,
      se: null,
      units: { task_loss: 'loss_nats', accuracy: 'accuracy', x: { N: 'params_total', D: 'tokens' } },
      bootstrap: fit.bootstrap,
      steps: { task_loss: step(fit.taskLoss), accuracy: step(fit.accuracy) },
      predictions: fit.predictions,
      columns: names,
      file,
    });
    return EXIT_OK;
  }
  const lines = [
    `downstream: task loss = E + A/N^alpha + B/D^beta, accuracy = a / (1 + exp(−k·(L − L0))) + b; ${fit.taskLoss.n_points} runs of ${file}`,
    `columns: N ${names.n} [params], D ${names.d} [tokens], task loss ${names['task-loss']} [nats], accuracy ${names.acc} [fraction]`,
    '',
    `${'param'.padEnd(9)} ${'value'.padStart(12)}   ${level} (${fit.ciMethod})`,
    ...paramLines(fit.params, fit.ci, {}),
    '',
    `task loss objective: ${fmt(fit.taskLoss.objective)} (${fit.taskLoss.objectiveName})`,
    `accuracy objective: ${fmt(fit.accuracy.objective)} (${fit.accuracy.objectiveName}); R² ${fit.accuracy.r2?.toFixed(4) ?? 'n/a'}`,
    ...fit.predictions.map(
      (p) =>
        `predicted at N = ${fmt(p.N)}, D = ${fmt(p.D)}: task loss ${fmt(p.task_loss)} nats ${ciText(p.task_loss_ci)}, ` +
        `accuracy ${fmt(p.accuracy)} ${ciText(p.accuracy_ci)} (${level} of the fitted curve)`,
    ),
    ...warnings.map((w) => `warning: ${w}`),
  ];
  io.stdout(`${lines.join('\n')}\n`);
  return EXIT_OK;
}
