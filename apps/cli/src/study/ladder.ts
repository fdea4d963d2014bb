import path from 'node:path';
import { existsSync } from 'node:fs';
import { fitLaw, fitSmallPredictLarge, informationCriteria, leaveOneOut, type FitResult } from '@scalewise/laws';
import { readMetrics, runSweep, type SweepRow } from '@scalewise/train';
import type { ProgressEvent } from '../progress.js';
import type { StudyPlan } from './plan.js';

export interface LadderRun extends SweepRow {
  /** Training-loss curve (step, tokens, loss in nats/token), thinned for plotting. */
  curve: { step: number; tokens: number; loss: number }[];
  outDir: string;
}

export interface FormComparison {
  form: 'power' | 'saturating';
  params: Record<string, number>;
  ci: Record<string, [number, number]>;
  r2: number | null;
  aic: number;
  bic: number;
  /** Mean absolute relative error of leave-one-out predictions. */
  looError: number | null;
  /** Absolute relative error predicting the largest model from the others. */
  largestError: number | null;
  method: string;
  warnings: string[];
  values: number[];
}

export interface LadderStudy {
  runs: LadderRun[];
  fits: FormComparison[];
  /** Form with the lowest AIC (ties: fewer parameters). */
  preferred: string | null;
  warnings: string[];
}

function thinCurve(rows: ReturnType<typeof readMetrics>, points = 60): LadderRun['curve'] {
  const train = rows.filter((r) => r.kind === 'train') as { step: number; tokens: number; loss: number }[];
  const every = Math.max(1, Math.ceil(train.length / points));
  return train.filter((_, i) => i % every === 0 || i === train.length - 1).map((r) => ({ step: r.step, tokens: r.tokens, loss: r.loss }));
}

function compareForm(form: 'power' | 'saturating', x: number[], y: number[]): FormComparison {
  const options = { form, level: 0.95 } as const;
  const fit: FitResult = fitLaw({ x, y }, options);
  const { aic, bic } = informationCriteria(fit);
  const warnings = [...fit.warnings];
  let looError: number | null = null;
  let largestError: number | null = null;
  try {
    looError = leaveOneOut({ x, y }, options).meanAbsRelError;
  } catch (error) {
    warnings.push(`leave-one-out failed: ${(error as Error).message}`);
  }
  try {
    largestError = fitSmallPredictLarge({ x, y }, options, 1).absRelErrors[0] ?? null;
  } catch (error) {
    warnings.push(`fit-small/predict-large failed: ${(error as Error).message}`);
  }
  return { form, params: fit.params, ci: fit.ci, r2: fit.r2, aic, bic, looError, largestError, method: fit.method, warnings, values: Array.from(fit.values) };
}

/**
 * Stage 2: train the ladder on Brown (byte tokenizer) through a resumable sweep, then fit L(N) with the
 * power and saturating forms (N = non-embedding parameters, L = validation loss in nats/token) and compare them.
 */
export async function runLadderStudy(plan: StudyPlan, outDir: string, onProgress: (event: ProgressEvent) => void, signal?: AbortSignal): Promise<LadderStudy> {
  const sweepDir = path.join(outDir, 'ladder');
  const outcome = await runSweep(plan.sweep, { outDir: sweepDir, onProgress, ...(signal ? { signal } : {}) });
  if (outcome.interrupted) throw new Error(`training was interrupted after ${outcome.ran} run(s); re-run the same command to resume`);
  const runs: LadderRun[] = outcome.rows.map((row) => {
    const runDir = path.join(sweepDir, 'runs', row.id);
    const metricsFile = path.join(runDir, 'metrics.jsonl');
    return { ...row, outDir: runDir, curve: existsSync(metricsFile) ? thinCurve(readMetrics(metricsFile)) : [] };
  });
  const sorted = [...runs].sort((a, b) => a.params_non_embedding - b.params_non_embedding);
  const x = sorted.map((r) => r.params_non_embedding);
  const y = sorted.map((r) => r.val_loss);
  const warnings: string[] = [];
  const fits: FormComparison[] = [];
  for (const form of ['power', 'saturating'] as const) {
    try {
      fits.push(compareForm(form, x, y));
    } catch (error) {
      warnings.push(`${form} fit failed: ${(error as Error).message}`);
    }
  }
  const preferred = [...fits].sort((a, b) => a.aic - b.aic || a.values.length - b.values.length)[0]?.form ?? null;
  return { runs, fits, preferred, warnings };
}
