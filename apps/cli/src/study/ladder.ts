import path from 'node:path';
import { existsSync } from 'node:fs';
import { compareForms, type FormComparison as LawsFormComparison } from '@scalewise/laws';
import { readMetrics, runSweep, type SweepRow } from '@scalewise/train';
import type { ProgressEvent } from '../progress.js';
import type { StudyPlan } from './plan.js';

export interface LadderRun extends SweepRow {
  /** Training-loss curve (step, tokens, loss in nats/token), thinned for plotting. */
  curve: { step: number; tokens: number; loss: number }[];
  outDir: string;
}

/** A form's fit, criteria (AIC, BIC, AICc), leave-one-out and largest-model errors (`@scalewise/laws` compareForms). */
export interface FormComparison extends LawsFormComparison {
  form: 'power' | 'saturating';
}

export interface LadderStudy {
  runs: LadderRun[];
  fits: FormComparison[];
  /** Form preferred by the AICc rule; null when it cannot tell (an AICc undefined, or the best gap under 2). */
  preferred: string | null;
  /** Why `preferred` is what it is (absent from stages cached before the AICc rule). */
  preferredReason?: string;
  warnings: string[];
}

function thinCurve(rows: ReturnType<typeof readMetrics>, points = 60): LadderRun['curve'] {
  const train = rows.filter((r) => r.kind === 'train') as { step: number; tokens: number; loss: number }[];
  const every = Math.max(1, Math.ceil(train.length / points));
  return train.filter((_, i) => i % every === 0 || i === train.length - 1).map((r) => ({ step: r.step, tokens: r.tokens, loss: r.loss }));
}

/**
 * Stage 2: train the ladder on Brown (byte tokenizer) through a resumable sweep, then fit L(N) with the
 * power and saturating forms (N = non-embedding parameters, L = validation loss in nats/token) and compare them
 * (information criteria, leave-one-out, largest-model extrapolation; a preferred form only by the AICc rule).
 */
export async function runLadderStudy(
  plan: StudyPlan,
  outDir: string,
  onProgress: (event: ProgressEvent) => void,
  signal?: AbortSignal,
): Promise<LadderStudy> {
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
  const comparison = compareForms({ x, y }, ['power', 'saturating'], { level: 0.95 });
  const fits = comparison.fits as FormComparison[];
  return { runs, fits, preferred: comparison.preferred, preferredReason: comparison.reason, warnings: comparison.warnings };
}
