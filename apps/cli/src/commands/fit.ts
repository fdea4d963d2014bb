import { resolve } from 'node:path';
import {
  LawsError,
  bootstrapFit,
  getForm,
  parseYUnit,
  unitLabel,
  X_UNITS,
  convertY,
  fitLaw,
  fitPowerOls,
  profileIntervals,
  type FitOptions,
  type FitResult,
  type Observations,
  type XUnit,
  type YUnit,
} from '@scalewise/laws';
import { EXIT_OK, UsageError, numberFlag, parseFlags, printJson, type Command } from '../kit.js';
import { createProgress } from '../progress.js';
import { column, dropTop, readTable } from './fit-input.js';

const HELP = `scalewise fit FILE --form FORM [options]

Fit a scaling law to a results table (CSV with a header row, or JSON rows) and report parameters with
confidence intervals.

Forms: power (y = a·x^b, OLS in log-log), saturating (E + A·x^-alpha), kaplan-n, kaplan-d, kaplan-c,
kaplan-nd (N, D), chinchilla (E + A/N^alpha + B/D^beta; N, D), bnsl (broken power law, bnsl-K for K breaks).

Options:
  --form FORM       law to fit (required)
  --x COL           column of x for one-variable forms (default: x)
  --y COL           column of the measured quantity (default: y)
  --n COL           column of parameters N (joint forms)
  --d COL           column of tokens D (joint forms)
  --flops COL       column of training FLOPs C; derives D = C / (6N) when --d is not given
  --unit-y UNIT     loss_nats | perplexity | bits_per_byte | accuracy (default: loss_nats for N-D forms)
  --unit-x UNIT     params_total | params_non_embedding | tokens | flops (labels only)
  --bootstrap K     nonparametric bootstrap with K resamples (percentile CIs); default 0 for power
                    and one-variable forms (t / Wald intervals), 200 for chinchilla and kaplan-nd
  --seed S          seed of the bootstrap (default 0)
  --profile         also compute profile-likelihood intervals of every parameter (F calibration; robust
                    likelihood-ratio calibration for the Huber objective of chinchilla); they become "ci"
                    when no bootstrap runs, and are printed as "ci_profile" in --json (an unbounded end
                    prints as null, with a warning)
  --drop-top K      drop the K rows with the highest y first (Besiroglu et al. use 5)
  --json            print one JSON object: {form, n_points, params, objective, r2, ci, ci_level, method, warnings, ...}

Examples:
  scalewise fit ../shared/data/mobilellm/results.csv --form power --x num_params --y perplexity --unit-y perplexity
  scalewise fit ../shared/data/chinchilla/svg_extracted_data.csv --form chinchilla --n "Model Size" \\
      --flops "Training FLOP" --y loss --drop-top 5 --bootstrap 200 --json
`;

function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? v.toExponential(4) : v.toPrecision(5);
}

function checkFinite(fit: FitResult): void {
  for (const [name, v] of Object.entries(fit.params)) {
    if (!Number.isFinite(v)) throw new LawsError(`fit produced a non-finite value for ${name}; refusing to print it`);
  }
  if (!Number.isFinite(fit.objective)) throw new LawsError('fit produced a non-finite objective');
}

const command: Command = {
  summary: 'Fit a scaling law to a results table (CSV or JSON) with confidence intervals',
  help: HELP,
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
    });
    if (positionals.length !== 1) throw new UsageError(`expected exactly one FILE, found ${positionals.length}; see 'scalewise fit --help'`);
    if (!f.form) throw new UsageError("--form is required (power, saturating, kaplan-n, kaplan-d, kaplan-c, kaplan-nd, chinchilla, bnsl)");
    const form = getForm(f.form);
    const file = positionals[0]!;
    const table = await readTable(resolve(io.cwd, file), file);
    const joint = form.inputs.includes('N');
    const yCol = f.y ?? 'y';
    const y = column(table, yCol, file, true);
    const obs: Observations = { y };
    const labels: Record<string, string> = { y: yCol };
    if (joint) {
      if (!f.n) throw new UsageError(`form '${form.name}' needs --n COL (parameters)`);
      if (!f.d && !f.flops) throw new UsageError(`form '${form.name}' needs --d COL (tokens) or --flops COL (D = C / 6N)`);
      const N = column(table, f.n, file, true);
      obs.N = N;
      labels.N = f.n;
      if (f.d) {
        obs.D = column(table, f.d, file, true);
        labels.D = f.d;
      } else {
        const C = column(table, f.flops!, file, true);
        obs.D = C.map((c, i) => c / (6 * N[i]!));
        labels.D = `${f.flops} / (6·${f.n})`;
      }
    } else {
      const xCol = f.x ?? 'x';
      obs.x = column(table, xCol, file, true);
      labels.x = xCol;
    }
    const drop = numberFlag('drop-top', f['drop-top'], 0);
    if (!Number.isInteger(drop) || drop < 0 || drop >= y.length) throw new UsageError(`--drop-top expects an integer in [0, ${y.length - 1}], found ${drop}`);
    const warnings: string[] = [];
    let kept = Array.from(y.keys());
    if (drop > 0) {
      kept = dropTop(y, drop);
      const pick = (a: ArrayLike<number> | undefined): Float64Array | undefined => (a === undefined ? undefined : Float64Array.from(kept, (i) => a[i]!));
      obs.x = pick(obs.x);
      obs.N = pick(obs.N);
      obs.D = pick(obs.D);
      obs.y = pick(obs.y)!;
      warnings.push(`dropped the ${drop} rows with the highest ${yCol}`);
    }
    const unitY: YUnit = f['unit-y'] ? parseYUnit(f['unit-y']) : joint ? 'loss_nats' : yCol.toLowerCase().includes('perplexity') ? 'perplexity' : 'loss_nats';
    if (f['unit-x'] !== undefined && !(X_UNITS as readonly string[]).includes(f['unit-x'])) {
      throw new UsageError(`--unit-x expects one of ${X_UNITS.join(', ')}, found '${f['unit-x']}'`);
    }
    const unitX = (f['unit-x'] ?? 'params_total') as XUnit;
    const options: FitOptions = { form, labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, `${v}`])) };
    let fit: FitResult;
    try {
      fit = fitLaw(obs, options);
    } catch (error) {
      // Prefix laws' own input errors with the file so the user knows where to look.
      if ((error as Error).name === 'LawsInputError') throw new UsageError(`${file}: ${(error as Error).message}`, { cause: error });
      throw error;
    }
    checkFinite(fit);
    const defaultK = form.name === 'chinchilla' || form.name === 'kaplan-nd' ? 200 : 0;
    const K = numberFlag('bootstrap', f.bootstrap, defaultK);
    if (!Number.isInteger(K) || K < 0) throw new UsageError(`--bootstrap expects a non-negative integer, found ${K}`);
    const seed = numberFlag('seed', f.seed, 0);
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
      ciMethod = `bootstrap percentile (${boot.successful} resamples, seed ${seed})`;
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
    const allWarnings = [...warnings, ...fit.warnings];
    // A perplexity-space exponent is not a loss-space one: report the loss-space refit beside it.
    let lossSpace: { b: number; ci_b: [number, number]; note: string } | undefined;
    if (form.name === 'power' && unitY === 'perplexity' && obs.x && fit.n_points >= 3) {
      const lf = fitPowerOls(obs.x, convertY(obs.y, 'perplexity', 'loss_nats'), fit.ci_level);
      lossSpace = { b: lf.params.b!, ci_b: lf.ci.b!, note: 'refit of ln(perplexity) = loss in nats; compare this exponent with loss-space laws (Kaplan alpha_N)' };
    }
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
        file,
      });
      return EXIT_OK;
    }
    const level = `${Math.round(fit.ci_level * 100)}% CI`;
    const lines = [
      `${form.formula}   fitted to ${fit.n_points} points of ${file}`,
      `y: ${yCol} [${unitLabel(unitY)}]; ${joint ? `N: ${labels.N} [params], D: ${labels.D} [tokens]` : `x: ${labels.x} [${unitLabel(unitX)}]`}`,
      '',
      `${'param'.padEnd(8)} ${'value'.padStart(12)}   ${level} (${ciMethod})`,
      ...Object.entries(fit.params).map(([name, v]) => {
        const c = ci[name];
        return `${name.padEnd(8)} ${fmt(v).padStart(12)}   ${c ? `[${fmt(c[0])}, ${fmt(c[1])}]` : '—'}`;
      }),
      '',
      `objective: ${fmt(fit.objective)} (${fit.objectiveName})`,
      `R²: ${fit.r2 === null ? 'n/a' : fit.r2.toFixed(5)}${fit.method.startsWith('ols') || form.name === 'chinchilla' ? ' (log space)' : ''}`,
      `method: ${fit.method}`,
      ...(ciProfile && K > 0
        ? [`profile ${level} (${profileMethod}): ${Object.entries(ciProfile).map(([name, c]) => `${name} [${fmt(c[0])}, ${fmt(c[1])}]`).join(', ')}`]
        : []),
      ...(lossSpace ? [`loss-space exponent (ln PPL = loss, nats): b = ${fmt(lossSpace.b)} [${fmt(lossSpace.ci_b[0])}, ${fmt(lossSpace.ci_b[1])}]`] : []),
      ...allWarnings.map((w) => `warning: ${w}`),
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return EXIT_OK;
  },
};

export default command;
