import path from 'node:path';
import { formatCsv } from '@scalewise/core';
import { placeAgainstBaseline } from '@scalewise/laws';
import { writeFileAtomic, writeJsonAtomic } from '@scalewise/core/node';
import type { StudyBaselines } from './baselines.js';
import type { FamiliesStudy } from './families.js';
import type { StudyResults } from './report-input.js';

function csv(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]!).filter((k) => rows.every((r) => typeof r[k] !== 'object' || r[k] === null));
  // Text cells that a spreadsheet would run as formulas are neutralised (issue #20).
  return formatCsv(rows, columns);
}

export interface BaselinePlacement {
  family: string;
  id: string;
  params_non_embedding: number;
  val_bpb: number;
  val_bpb_ci: [number, number];
  ngram5_bpb: number;
  /** val_bpb − 5-gram bits/byte (negative: the model beats the 5-gram). */
  vs_5gram_bpb: number;
  sentence: string;
}

/** Where each family's largest model sits against the 5-gram baseline (bits/byte, with the model's interval). */
export function placements(r: { families: FamiliesStudy; baselines: StudyBaselines }): BaselinePlacement[] {
  const five = r.baselines.ngram_bpb['5'];
  return r.families.families.map((f) => {
    const largest = f.runs.filter((x) => x.params_non_embedding === Math.max(...f.runs.map((y) => y.params_non_embedding)));
    const run = largest.find((x) => x.kind === 'main') ?? largest[0]!;
    const [lo, hi] = run.val_bpb_ci;
    const { difference, verdict } = placeAgainstBaseline(run.val_bpb, run.val_bpb_ci, five);
    return {
      family: f.name,
      id: run.id,
      params_non_embedding: run.params_non_embedding,
      val_bpb: run.val_bpb,
      val_bpb_ci: run.val_bpb_ci,
      ngram5_bpb: five,
      vs_5gram_bpb: difference,
      sentence:
        `${f.name} largest (${run.params_non_embedding} non-embedding params): ` +
        `${run.val_bpb.toFixed(3)} bits/byte [${lo.toFixed(3)}, ${hi.toFixed(3)}] ` +
        `${verdict} the Kneser-Ney 5-gram (${five.toFixed(3)} bits/byte; unigram ` +
        `${r.baselines.unigram_bpb.toFixed(3)})`,
    };
  });
}

/** `results/families.json`: the contract of issue #13 (fields are added, never renamed), plus extras. */
export function familiesJson(r: StudyResults): Record<string, unknown> {
  const s = r.families;
  const fitOf = (
    fits: {
      form: string;
      params: Record<string, number>;
      ci: Record<string, [number, number]>;
      aicc: number | null;
      aic: number;
      r2: number | null;
      warnings: string[];
    }[],
    form: string,
  ) => {
    const f = fits.find((x) => x.form === form);
    return f ? { params: f.params, ci: f.ci, aicc: f.aicc, aic: f.aic, r2: f.r2, warnings: f.warnings } : null;
  };
  return {
    families: s.families.map((f) => {
      const forms = s.analysis.families.find((a) => a.name === f.name)?.forms;
      return {
        name: f.name,
        lr: f.lr,
        runs: f.runs.map(({ out_dir: _dir, ...run }) => run),
        fits: { power: forms ? fitOf(forms.fits, 'power') : null, saturating: forms ? fitOf(forms.fits, 'saturating') : null },
        preferred: forms?.preferred ?? null,
        preferred_reason: forms?.reason ?? null,
        fit_warnings: forms?.warnings ?? [],
        lr_sweep: f.lr_sweep,
        lr_edge: f.lr_edge,
      };
    }),
    comparisons: s.analysis.comparisons.map((c, i) => ({
      a: c.families[0],
      b: c.families[1],
      exponent_diff: c.difference,
      ci: c.ci,
      p: c.pValue,
      alpha_a: c.alpha[0],
      alpha_b: c.alpha[1],
      se: c.se,
      level: c.level,
      method: c.method,
      noise: s.analysis.comparisonNoise,
      warnings: c.warnings,
      sentence: s.answers[i],
    })),
    grouped: s.analysis.grouped
      ? {
          formula: s.analysis.grouped.formula,
          E: s.analysis.grouped.E,
          groups: s.analysis.grouped.groups,
          ci: s.analysis.grouped.ci,
          warnings: s.analysis.grouped.warnings,
        }
      : null,
    baselines: r.baselines,
    placement: placements(r),
    seed_sd_nats: s.seed_sd_nats,
    wall_s: s.wall_s,
    study_wall_s: r.studyWallS,
    estimate: s.estimate,
    machine: s.machine,
    rule: s.rule,
    warnings: [...s.analysis.warnings, ...s.families.flatMap((f) => (f.lr_warning ? [f.lr_warning] : []))],
    units: { val_loss_nats: 'nats/token', val_bpb: 'bits/byte', params: 'non-embedding parameters', wall_s: 's' },
  };
}

/** Machine-readable results beside the report: one JSON per stage and CSV tables (atomic writes). */
export async function writeStudyResults(dir: string, r: StudyResults): Promise<string[]> {
  const files: [string, string | object][] = [
    [
      'original.json',
      {
        rows: r.original.rows,
        table: r.original.table,
        provenance: r.original.provenance,
        fit_note: r.original.fit_note,
        measurements: r.original.measurements,
        analysis: r.original.analysis && {
          ...r.original.analysis,
          fit: {
            ...r.original.analysis.fit,
            residuals: Array.from(r.original.analysis.fit.residuals),
            values: Array.from(r.original.analysis.fit.values),
          },
        },
      },
    ],
    ['original.csv', csv(r.original.rows)],
    ['families.json', familiesJson(r)],
    [
      'families.csv',
      csv(
        r.families.families.flatMap((f) =>
          f.runs.map(({ out_dir: _dir, val_loss_ci, val_bpb_ci, ...run }) => ({
            ...run,
            val_loss_lo: val_loss_ci[0],
            val_loss_hi: val_loss_ci[1],
            val_bpb_lo: val_bpb_ci[0],
            val_bpb_hi: val_bpb_ci[1],
          })),
        ),
      ),
    ],
    ['throughput.json', r.throughput],
    ['throughput.csv', csv(r.throughput as unknown as Record<string, unknown>[])],
    ['plan.json', r.plan],
    ...(r.isoflop ? [['isoflop.json', r.isoflop] as [string, object]] : []),
  ];
  const written: string[] = [];
  for (const [name, content] of files) {
    const file = path.join(dir, name);
    if (typeof content === 'string') await writeFileAtomic(file, content);
    else await writeJsonAtomic(file, content);
    written.push(file);
  }
  return written;
}
