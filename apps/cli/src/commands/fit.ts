import { resolve } from 'node:path';
import {
  bootstrapFit,
  chooseByAicc,
  defaultResamples,
  dropTopRows,
  getForm,
  lossUnitRefit,
  parseYUnit,
  strategyOf,
  tokensFromFlops,
  unitLabel,
  X_UNITS,
  fitLaw,
  profileIntervals,
  type AiccChoice,
  type FitOptions,
  type FitResult,
  type Form,
  type Observations,
  type XUnit,
  type YUnit,
} from '@scalewise/laws';
import { EXIT_OK, UsageError, parseFlags, printJson, type CliIO, type Command } from '../kit.js';
import { createProgress } from '../progress.js';
import { readColumns } from './fit-input.js';
import { HELP } from './fit-help.js';
import { checkColumnFlags, checkFinite, fmt, integerFlag, MAX_RESAMPLES, unboundedWarnings } from './fit-checks.js';
import { checkFormulaOnlyFlags, FORMULA_HELP, runFormulaFit } from './fit-formula.js';

/** Fit each form of `--compare` (and the main one) to the same rows and apply the AICc rule. */
function compareByAicc(main: FitResult, forms: Form[], obs: Observations, labels: FitOptions['labels']): AiccChoice {
  const fits = [{ name: main.form, fit: main }];
  for (const form of forms) fits.push({ name: form.name, fit: fitLaw(obs, { form, labels, intervals: false }) });
  return chooseByAicc(fits);
}

function fitProgress(io: CliIO, rows: number): FitOptions['onProgress'] {
  // Small tables fit in well under a second: progress is only worth printing for large ones.
  if (rows < 100_000) return undefined;
  const progress = createProgress(io);
  return (done, total) => progress({ stage: 'fit', done, total, unit: 'steps' });
}

const command: Command = {
  summary: 'Fit a scaling law to a results table (CSV or JSON) with confidence intervals',
  help: HELP + FORMULA_HELP,
  run: async (argv, io) => {
    const { values: f, positionals } = parseFlags(argv, {
      form: { type: 'string' },
      x: { type: 'string' },
      y: { type: 'string' },
      n: { type: 'string' },
      d: { type: 'string' },
      flops: { type: 'string' },
      'unit-y': { type: 'string' },
      'unit-x': { type: 'string' },
      bootstrap: { type: 'string' },
      seed: { type: 'string' },
      'drop-top': { type: 'string' },
      profile: { type: 'boolean' },
      compare: { type: 'string' },
      formula: { type: 'string' },
      var: { type: 'string', multiple: true },
      bound: { type: 'string', multiple: true },
      start: { type: 'string', multiple: true },
      loss: { type: 'string' },
      delta: { type: 'string' },
      space: { type: 'string' },
    });
    if (positionals.length !== 1)
      throw new UsageError(`expected exactly one FILE, found ${positionals.length}; see 'scalewise fit --help'`);
    checkFormulaOnlyFlags(f);
    if (f.formula !== undefined) {
      const [K, seed] = [integerFlag('bootstrap', f.bootstrap, 0, MAX_RESAMPLES), integerFlag('seed', f.seed, 0, 2 ** 32 - 1)];
      return runFormulaFit(positionals[0]!, f, K, seed, io);
    }
    if (!f.form) throw new UsageError('--form is required (power, saturating, kaplan-n, kaplan-d, kaplan-c, kaplan-nd, chinchilla, bnsl)');
    const form = getForm(f.form);
    checkColumnFlags(form, f);
    const joint = form.inputs.includes('N');
    const others = (f.compare ?? '')
      .split(',')
      .filter((s) => s.trim() !== '')
      .map((name) => getForm(name.trim()));
    for (const other of others) {
      if (other.inputs.includes('N') !== joint)
        throw new UsageError(
          `--compare: form '${other.name}' takes ${joint ? 'one variable' : 'N and D'}, form '${form.name}' does not: ` +
            'compare forms of the same inputs',
        );
    }
    if (f['unit-x'] !== undefined && !(X_UNITS as readonly string[]).includes(f['unit-x'])) {
      throw new UsageError(`--unit-x expects one of ${X_UNITS.join(', ')}, found '${f['unit-x']}'`);
    }
    const yCol = f.y ?? 'y';
    const unitY: YUnit = f['unit-y']
      ? parseYUnit(f['unit-y'])
      : joint
        ? 'loss_nats'
        : yCol.toLowerCase().includes('perplexity')
          ? 'perplexity'
          : 'loss_nats';
    const unitX = (f['unit-x'] ?? 'params_total') as XUnit;
    const K = integerFlag('bootstrap', f.bootstrap, defaultResamples(form), MAX_RESAMPLES);
    const seed = integerFlag('seed', f.seed, 0, 2 ** 32 - 1);
    const drop = integerFlag('drop-top', f['drop-top'], 0, Infinity);
    const file = positionals[0]!;
    const needed = joint ? [yCol, f.n!, (f.d ?? f.flops)!] : [yCol, f.x ?? 'x'];
    const readProgress = createProgress(io);
    const cols = await readColumns(resolve(io.cwd, file), file, needed, true, (done, total) =>
      readProgress({ stage: 'read', done: Math.round(done), total: Math.round(total), unit: 'MB' }),
    );
    const y = cols[yCol]!;
    let obs: Observations = { y };
    const labels: Record<string, string> = { y: yCol };
    if (joint) {
      obs.N = cols[f.n!]!;
      labels.N = f.n!;
      obs.D = f.d ? cols[f.d]! : tokensFromFlops(cols[f.flops!]!, obs.N);
      labels.D = f.d ?? `${f.flops} / (6·${f.n})`;
    } else {
      obs.x = cols[f.x ?? 'x']!;
      labels.x = f.x ?? 'x';
    }
    if (drop >= y.length)
      throw new UsageError(`--drop-top expects an integer in [0, ${y.length - 1}] (${file} has ${y.length} data rows), found ${drop}`);
    const warnings: string[] = [];
    if (drop > 0) {
      obs = dropTopRows(obs, drop);
      warnings.push(`dropped the ${drop} rows with the highest ${yCol}`);
    }
    const options: FitOptions = { form, labels, onProgress: fitProgress(io, obs.y.length) };
    let fit: FitResult;
    let comparison: AiccChoice | null = null;
    try {
      fit = fitLaw(obs, options);
      if (others.length > 0) comparison = compareByAicc(fit, others, obs, labels);
    } catch (error) {
      // Prefix laws' own input errors with the file so the user knows where to look.
      if ((error as Error).name === 'LawsInputError') throw new UsageError(`${file}: ${(error as Error).message}`, { cause: error });
      throw error;
    }
    delete options.onProgress;
    checkFinite(fit, file);
    let ci = fit.ci;
    let ciMethod = fit.ciMethod;
    let bootInfo: Record<string, number> | undefined;
    if (K > 0) {
      const progress = createProgress(io);
      const boot = bootstrapFit(obs, fit, options, {
        resamples: K,
        seed,
        onProgress: (done, total) => progress({ stage: 'bootstrap', done, total, unit: 'refits' }),
      });
      ci = boot.ci;
      ciMethod = `bootstrap ${boot.method} (${boot.successful} resamples, seed ${seed})`;
      bootInfo = { resamples: K, successful: boot.successful, failed: boot.failed, seed };
      if (boot.failed > 0) warnings.push(`${boot.failed} of ${K} bootstrap resamples could not be refitted`);
    }
    let ciProfile: Record<string, [number, number]> | null = null;
    let profileMethod: string | null = null;
    if (f.profile) {
      const prof = profileIntervals(obs, options, undefined, fit);
      ciProfile = prof.ci;
      profileMethod = prof.method;
      warnings.push(...prof.warnings);
      if (K === 0) {
        ci = ciProfile;
        ciMethod = profileMethod;
      }
    }
    if (Object.keys(ci).length === 0) warnings.push('no confidence intervals: pass --bootstrap K or --profile');
    const level = `${Math.round(fit.ci_level * 100)}% CI`;
    warnings.push(...unboundedWarnings(ci, level, [...warnings, ...fit.warnings]));
    if (comparison) warnings.push(`AICc comparison: ${comparison.reason}`);
    const allWarnings = [...warnings, ...fit.warnings];
    // A perplexity-space exponent is not a loss-space one: report the loss-space refit beside it.
    const lossSpace = lossUnitRefit(fit, obs, unitY) ?? undefined;
    if (f.json) {
      printJson(io, {
        form: fit.form,
        n_points: fit.n_points,
        params: fit.params,
        objective: fit.objective,
        r2: fit.r2,
        ci,
        ci_level: fit.ci_level,
        method: fit.method,
        warnings: allWarnings,
        objective_name: fit.objectiveName,
        ci_method: ciMethod,
        se: fit.se ?? null,
        units: { y: unitY, x: joint ? { N: 'params_total', D: 'tokens' } : unitX },
        bootstrap: bootInfo ?? null,
        ci_profile: ciProfile,
        ci_profile_method: profileMethod,
        ...(lossSpace ? { loss_space: lossSpace } : {}),
        ...(comparison ? { comparison: { rows: comparison.rows, preferred: comparison.preferred, reason: comparison.reason } } : {}),
        file,
      });
      return EXIT_OK;
    }
    const lines = [
      `${form.formula}   fitted to ${fit.n_points} points of ${file}`,
      `y: ${yCol} [${unitLabel(unitY)}]; ` +
        (joint ? `N: ${labels.N} [params], D: ${labels.D} [tokens]` : `x: ${labels.x} [${unitLabel(unitX)}]`),
      '',
      `${'param'.padEnd(8)} ${'value'.padStart(12)}   ${level} (${ciMethod})`,
      ...Object.entries(fit.params).map(([name, v]) => {
        const c = ci[name];
        return `${name.padEnd(8)} ${fmt(v).padStart(12)}   ${c ? `[${fmt(c[0])}, ${fmt(c[1])}]` : '—'}`;
      }),
      '',
      `objective: ${fmt(fit.objective)} (${fit.objectiveName})`,
      `R²: ${fit.r2 === null ? 'n/a' : fit.r2.toFixed(5)}${strategyOf(form).r2InLogSpace(fit) ? ' (log space)' : ''}`,
      `method: ${fit.method}`,
      ...(ciProfile && K > 0
        ? [
            `profile ${level} (${profileMethod}): ${Object.entries(ciProfile)
              .map(([name, c]) => `${name} [${fmt(c[0])}, ${fmt(c[1])}]`)
              .join(', ')}`,
          ]
        : []),
      ...(comparison
        ? comparison.rows.map(
            (r) =>
              `AICc ${r.name}: ` +
              (r.aicc === null ? 'undefined (n ≤ k + 1)' : `${fmt(r.aicc)} (Δ ${r.delta === null ? 'n/a' : fmt(r.delta)})`),
          )
        : []),
      ...(lossSpace
        ? [`loss-space exponent (ln PPL = loss, nats): b = ${fmt(lossSpace.b)} [${fmt(lossSpace.ci_b[0])}, ${fmt(lossSpace.ci_b[1])}]`]
        : []),
      ...allWarnings.map((w) => `warning: ${w}`),
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return EXIT_OK;
  },
};

export default command;
