import { getForm } from '@scalewise/laws';
import { diminishingReturnsSpec, familyComparisonSpec, sampleCurve, type ReportSection } from '@scalewise/report';
import type { StudyBaselines } from './baselines.js';
import type { FamiliesStudy } from './families.js';
import { placements } from './results.js';
import { ci, fmt } from './report-text.js';

/** The family-comparison section: the answer, fits with their warnings, the runs with intervals, two figures. */
export function familiesSection(s: FamiliesStudy, baselines: StudyBaselines, quick: boolean): ReportSection {
  const all = s.families.flatMap((f) => f.runs);
  // Bits per byte = nats/token ÷ ln 2 × tokens/byte: the same split for every run, so one ratio converts fits.
  const toBpb = all.length > 0 ? all[0]!.val_bpb / all[0]!.val_loss_nats : 1 / Math.LN2;
  const xs = all.map((r) => r.params_non_embedding);
  const [min, max] = [Math.min(...xs) / 1.2, Math.max(...xs) * 1.2];
  const fitText = s.analysis.families.map((f) => {
    const family = s.families.find((x) => x.name === f.name)!;
    const forms = f.forms.fits.map(
      (fit) =>
        `${fit.form}: ${Object.entries(fit.params)
          .map(([k, v]) => `${k} = ${fmt(v)} ${ci(fit.ci[k])}`)
          .join(', ')}; AICc ` +
        `${fit.aicc === null ? 'undefined (n ≤ k + 1)' : fmt(fit.aicc)}` +
        `${fit.warnings.length > 0 ? `. **Warnings:** ${fit.warnings.join('; ')}` : ''}`,
    );
    return [
      `**${f.name}** (${family.runs.length} runs, lr ${family.lr} chosen from ` +
        `${family.lr_sweep.map((l) => `${l.lr}: ${fmt(l.val_loss_nats)} ${ci(l.val_loss_ci, 4)}`).join(', ')}` +
        ` nats/token at the smallest size${family.lr_warning ? `; **warning:** ${family.lr_warning}` : ''}):`,
      ...forms.map((t) => `- ${t}`),
      `- AICc choice: ${f.forms.preferred ?? 'cannot tell'} (${f.forms.reason})` +
        `${f.forms.warnings.length > 0 ? `; ${f.forms.warnings.join('; ')}` : ''}`,
    ].join('\n');
  });
  const g = s.analysis.grouped;
  const text = [
    `The original study's open question: is MobileLLM's steep exponent a property of ` +
      `small models or of the deep-and-thin family? Here ${s.families.length} families ` +
      `(${s.families.map((f) => f.name).join(', ')}) are trained on Brown (byte ` +
      `tokenizer) at the same non-embedding sizes, the same tokens per non-embedding ` +
      `parameter` +
      `${quick ? ' (10 with --quick, 20 by default: the same for every run of a study)' : ' (20)'}` +
      `, the same data order and the same schedule family (cosine to 10%, warmup by ` +
      `rule). At a fixed tokens-per-parameter ratio the fit is L(N, D = kN): the ` +
      `exponent mixes the N and D effects, as in every study at fixed k.`,
    `Rule: ${s.rule}. Every run is validated on the whole Brown validation split (` +
      `${all[0]?.val_tokens ?? 'n/a'} target tokens in ` +
      `${all[0]?.val_documents ?? 'n/a'} documents, the EOS after each document ` +
      `included, as in training), with a 95% document-bootstrap interval.`,
    `**Answer.**`,
    ...s.answers.map((a) => `- ${a}`),
    ...placements({ families: s, baselines }).map((p) => `- ${p.sentence}`),
    `Exponents are the power form's (L = a·N^b, α = −b) with profile intervals; ` +
      `differences come from a studentised bootstrap over runs (seed replicates ` +
      `included, ` +
      `${s.seed_sd_nats === null ? 'per-family noise' : `pooled run-to-run noise; seed spread ${fmt(s.seed_sd_nats, 3)} nats/token`}` +
      `).`,
    ...s.analysis.comparisons.flatMap((c) => c.warnings.map((w) => `- ${c.families.join(' vs ')}: ${w}`)),
    ...fitText,
    g
      ? `**Joint fit** ${g.formula} (shared E): E = ${fmt(g.E)} ${ci(g.ci.E)}; ` +
        `${g.groups.map((x) => `${x.name}: α = ${fmt(x.alpha)} ${ci(g.ci[`alpha[${x.name}]`])}`).join('; ')}` +
        `.${g.warnings.length > 0 ? ` **Warnings:** ${g.warnings.join('; ')}` : ''}`
      : '',
    ...s.analysis.warnings.map((w) => `- ${w}`),
    `**Timing.** Estimated before training: ${fmt(s.estimate.seconds / 60, 3)} min ` +
      `for ${s.estimate.runs} runs and ${s.estimate.total_flops.toExponential(2)} FLOP ` +
      `at ${fmt(s.estimate.throughput_flops_per_s / 1e9, 3)} GFLOP/s (` +
      `${s.estimate.measured_on}). Measured: ${fmt(s.wall_s, 4)} s on ${s.machine.cpus}` +
      ` CPUs${s.machine.runs_on ? ` (runs on ${s.machine.runs_on}, ${s.machine.parallel_runs} at a time)` : ''}, load average ` +
      `${s.machine.loadavg_before.map((l) => l.toFixed(2)).join(' ')} before and ` +
      `${s.machine.loadavg_after.map((l) => l.toFixed(2)).join(' ')} after (1, 5, 15 ` +
      `min; other work on the machine slows it).`,
  ]
    .filter(Boolean)
    .join('\n\n');
  const fits = s.analysis.families.flatMap((f) =>
    f.forms.fits.map((fit) => ({
      family: f.name,
      name: fit.form,
      dashed: fit.form !== 'power',
      curve: sampleCurve((x) => getForm(fit.form).predict(fit.values, [x]) * toBpb, min, max, 40).filter(
        (p) => p.y > 0 && Number.isFinite(p.y),
      ),
    })),
  );
  // The power law's 95% prediction band per family, from the laws analysis (nats/token), shown in bits/byte. A
  // families stage cached by an earlier build of the same laws version has no band: the figure then has none.
  const bands = s.analysis.families.map((f) => ({
    family: f.name,
    points: (f.band ?? []).map((p) => ({ x: p.N, lower: p.lower * toBpb, upper: p.upper * toBpb })),
  }));
  const alphaBars = s.analysis.families.flatMap((f) => {
    const power = f.forms.fits.find((x) => x.form === 'power');
    return power?.ci.b ? [{ label: f.name, value: -power.params.b!, lower: -power.ci.b[1], upper: -power.ci.b[0] }] : [];
  });
  return {
    title: '2. Architecture families at controlled compute',
    text,
    tables: [
      {
        title: 'Runs (validation on the whole split, 95% document-bootstrap intervals)',
        columns: [
          'family',
          'id',
          'kind',
          'seed',
          'lr',
          'params_non_embedding',
          'params_total',
          'tokens',
          'tokens_per_param',
          'steps',
          'batch_size',
          'val_loss_nats',
          'val_loss_ci',
          'val_bpb',
          'val_bpb_ci',
          'val_tokens',
          'wall_s',
        ],
        units: {
          params_non_embedding: 'params',
          params_total: 'params',
          tokens: 'tokens',
          val_loss_nats: 'nats/token',
          val_loss_ci: 'nats/token',
          val_bpb: 'bits/byte',
          val_bpb_ci: 'bits/byte',
          val_tokens: 'tokens',
          wall_s: 's',
        },
        rows: all.map((r) => ({ ...r, val_loss_ci: ci(r.val_loss_ci, 4), val_bpb_ci: ci(r.val_bpb_ci, 4) })),
      },
      {
        title: 'Exponent differences (power form, bootstrap over runs)',
        columns: ['a', 'b', 'alpha_a', 'alpha_b', 'difference', 'ci', 'p'],
        rows: s.analysis.comparisons.map((c) => ({
          a: c.families[0],
          b: c.families[1],
          alpha_a: c.alpha[0],
          alpha_b: c.alpha[1],
          difference: c.difference,
          ci: ci(c.ci),
          p: c.pValue,
        })),
      },
      {
        title: 'Baselines on the same validation split',
        columns: ['model', 'bpb'],
        units: { bpb: 'bits/byte' },
        rows: [
          { model: 'unigram (add-one)', bpb: baselines.unigram_bpb },
          ...(['2', '3', '4', '5'] as const).map((k) => ({ model: `${k}-gram (interpolated Kneser-Ney)`, bpb: baselines.ngram_bpb[k] })),
        ],
      },
    ],
    figures: [
      {
        name: 'family-comparison',
        caption:
          'Validation bits/byte against non-embedding parameters, per family: runs with ' +
          'their 95% document-bootstrap intervals (bars), the power fit (solid) with its 95% ' +
          'prediction band (shaded), the saturating fit (dashed), and the n-gram baselines (grey dotted).',
        spec: familyComparisonSpec({
          title: 'Families: loss vs parameters',
          subtitle: 'L(N, D = kN) at fixed tokens per parameter',
          points: all.map((r) => ({
            family: r.family,
            x: r.params_non_embedding,
            y: r.val_bpb,
            lower: r.val_bpb_ci[0],
            upper: r.val_bpb_ci[1],
          })),
          fits,
          bands,
          baselines: [
            { name: 'unigram', y: baselines.unigram_bpb },
            ...(['2', '3', '4', '5'] as const).map((k) => ({ name: `${k}-gram KN`, y: baselines.ngram_bpb[k] })),
          ],
          xTitle: 'parameters (non-embedding)',
          yTitle: 'validation bits/byte',
        }),
      },
      ...(alphaBars.length > 0
        ? [
            {
              name: 'family-exponents',
              caption: 'Power-form exponent α (loss ∝ N^−α) per family with its 95% profile interval.',
              spec: diminishingReturnsSpec({
                title: 'Scaling exponent per family',
                bars: alphaBars,
                yTitle: 'α (power form)',
                xTitle: 'family',
              }),
            },
          ]
        : []),
    ],
  };
}
