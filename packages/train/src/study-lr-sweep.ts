/**
 * Whether the family study's LR sweep brackets its optimum. When the best swept LR is the largest (or smallest)
 * value, the optimum at the swept (smallest) size may lie beyond it: the study says so, and a runner allowed
 * `lrExtensions` sweeps on past that end one value at a time, at the grid's own spacing, until a value on each side
 * loses to the best. Extending is a sensitivity check, not a cure: the optimum moves with size (FamilyStudyOptions.lrExtensions).
 */
import { TrainInputError } from './errors.js';
import { sweepRunId, type FamilyStudyPlan, type PlannedRun } from './study-plan.js';

export interface LrSweepPoint {
  lr: number;
  /** Validation loss (any unit; lower is better). Not finite (a diverged run) counts as worst. */
  loss: number;
}

export interface LrSweepVerdict {
  /** The swept LR with the lowest loss (the first of equal ones). */
  best: number;
  /** Which end of the swept values the best is at, or null when values on both sides lose to it. */
  edge: 'high' | 'low' | null;
  /** The LR to sweep next beyond that edge, or null: bracketed, or no extensions left. */
  next: number | null;
  /** Set when the sweep ends at an edge: what the study must say about its LR. */
  warning: string | null;
}

/** Two significant figures: 0.01 · (0.01 / 0.003) = 0.0333… is swept as 0.033. */
const round2 = (x: number) => Number(x.toPrecision(2));

/**
 * Where the best LR of a sweep lies, and the next value to try when it is at an edge: the edge value times the ratio
 * of the last step (log-spaced like the grid), rounded to 2 significant figures. `extensionsLeft` 0 gives no next.
 */
export function lrSweepVerdict(points: readonly LrSweepPoint[], extensionsLeft: number, family = 'the family'): LrSweepVerdict {
  if (points.length < 2) throw new TrainInputError(`LR sweep of ${family}: expected at least 2 points, found ${points.length}`);
  const sorted = [...points].sort((a, b) => a.lr - b.lr);
  sorted.forEach((p, i) => {
    if (!(Number.isFinite(p.lr) && p.lr > 0))
      throw new TrainInputError(`LR sweep of ${family}: lr must be a positive number, found ${p.lr}`);
    if (i > 0 && p.lr === sorted[i - 1]!.lr) throw new TrainInputError(`LR sweep of ${family}: lr ${p.lr} appears twice`);
  });
  const score = (p: LrSweepPoint) => (Number.isFinite(p.loss) ? p.loss : Number.POSITIVE_INFINITY);
  const bestIndex = sorted.reduce((b, p, i) => (score(p) < score(sorted[b]!) ? i : b), 0);
  const best = sorted[bestIndex]!.lr;
  const last = sorted.length - 1;
  const edge = bestIndex === last ? 'high' : bestIndex === 0 ? 'low' : null;
  if (edge === null) return { best, edge, next: null, warning: null };
  const [outer, inner] = edge === 'high' ? [sorted[last]!.lr, sorted[last - 1]!.lr] : [sorted[0]!.lr, sorted[1]!.lr];
  const exact = outer * (outer / inner);
  const rounded = round2(exact);
  // Rounding must not land back on (or behind) the edge value.
  const next = (edge === 'high' ? rounded > outer : rounded < outer) ? rounded : exact;
  if (extensionsLeft > 0) return { best, edge, next, warning: null };
  return {
    best,
    edge,
    next: null,
    warning:
      `${family}: the best LR, ${best}, is the ${edge === 'high' ? 'largest' : 'smallest'} value swept ` +
      `(${sorted.map((p) => p.lr).join(', ')}): the optimum at the swept size may lie beyond it, and every size of ` +
      `this family trains at this LR`,
  };
}

/** A sweep run of `family` at `lr`: its planned smallest-size sweep run with the LR (and id) replaced. */
export function lrSweepRun(plan: FamilyStudyPlan, family: string, lr: number): PlannedRun {
  const template = plan.runs.find((r) => r.family === family && r.kind === 'lr-sweep');
  if (!template) throw new TrainInputError(`LR sweep: the plan has no sweep run of ${family}`);
  return { ...template, id: sweepRunId(family, template.sizeIndex, lr), lr };
}
