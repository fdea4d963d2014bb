import { resolve } from 'node:path';
import {
  FORMS,
  defaultResamples,
  dropTopRows,
  getForm,
  lossUnitRefit,
  resolveFitOptions,
  strategyOf,
  tokensFromFlops,
  unitLabel,
  X_UNITS,
  fitLaw,
  type FitOptions,
  type FitResult,
  type Observations,
  type XUnit,
} from '@scalewise/laws';
import { EXIT_OK, UsageError, parseFlags, printJson, type CliIO, type Command, intFlag } from '../kit.js';
import { createProgress } from '../progress.js';
import { readColumns } from './fit-input.js';
import { HELP } from './fit-help.js';
import { analysesJson, analysesLines, runAnalyses } from './fit-analyses.js';
import { checkColumnFlags, checkFinite, fmt, MAX_RESAMPLES, unboundedWarnings } from './fit-checks.js';
import { checkOptimal, choicesJson, choicesText, fitChoices, parseCompare, parsePredict, yUnitFor } from './fit-flags.js';
import { checkFormulaOnlyFlags, FORMULA_HELP, runFormulaFit } from './fit-formula.js';
import { checkExtraFormOnlyFlags, EXTRA_FORMS, runExtraFormFit } from './fit-extra-forms.js';

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
      predict: { type: 'string' },
      method: { type: 'string' },
      optimal: { type: 'string' },
      // issue #19 forms
      unique: { type: 'string' },
      'task-loss': { type: 'string' },
      acc: { type: 'string' },
      fix: { type: 'string' },
    });
    if (positionals.length !== 1)
      throw new UsageError(`expected exactly one FILE, found ${positionals.length}; see 'scalewise fit --help'`);
    checkFormulaOnlyFlags(f);
    if (f.form && EXTRA_FORMS.has(f.form)) return runExtraFormFit(positionals[0]!, f, io);
    checkExtraFormOnlyFlags(f);
    const seed = intFlag('seed', f.seed, { min: 0, max: 2 ** 32 - 1 }, 0);
    if (f.formula !== undefined)
      return runFormulaFit(positionals[0]!, f, intFlag('bootstrap', f.bootstrap, { min: 0, max: MAX_RESAMPLES }, 0), seed, io);
    if (!f.form) throw new UsageError(`--form is required (${Object.keys(FORMS).join(', ')}; or --formula)`);
    const form = getForm(f.form);
    checkColumnFlags(form, f);
    const joint = form.inputs.includes('N');
    const choices = fitChoices(form, f);
    const request = {
      K: intFlag('bootstrap', f.bootstrap, { min: 0, max: MAX_RESAMPLES }, defaultResamples(form)),
      seed,
      profile: f.profile === true,
      predict: f.predict === undefined ? undefined : parsePredict(f.predict, form),
      compare: parseCompare(f.compare, form, 'log'),
      optimal: checkOptimal(f.optimal, form),
    };
    if (f['unit-x'] !== undefined && !(X_UNITS as readonly string[]).includes(f['unit-x'])) {
      throw new UsageError(`--unit-x expects one of ${X_UNITS.join(', ')}, found '${f['unit-x']}'`);
    }
    const yCol = f.y ?? 'y';
    const yUnit = yUnitFor(f['unit-y'], yCol);
    const unitX = (f['unit-x'] ?? 'params_total') as XUnit;
    const drop = intFlag('drop-top', f['drop-top'], { min: 0 }, 0);
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
    const warnings: string[] = yUnit.warning ? [yUnit.warning] : [];
    if (drop > 0) {
      obs = dropTopRows(obs, drop);
      warnings.push(`dropped the ${drop} rows with the highest ${yCol}`);
    }
    const options: FitOptions = { form, labels, ...choices, onProgress: fitProgress(io, obs.y.length) };
    let fit: FitResult;
    try {
      fit = fitLaw(obs, options);
    } catch (error) {
      // Prefix laws' own input errors with the file so the user knows where to look.
      if ((error as Error).name === 'LawsInputError') throw new UsageError(`${file}: ${(error as Error).message}`, { cause: error });
      throw error;
    }
    delete options.onProgress;
    checkFinite(fit, file);
    const a = runAnalyses(io, obs, fit, options, request);
    warnings.push(...a.warnings);
    const { ci, ciMethod, ciProfile, profileMethod } = a;
    if (Object.keys(ci).length === 0) warnings.push('no confidence intervals: pass --bootstrap K or --profile');
    const level = `${Math.round(fit.ci_level * 100)}% CI`;
    warnings.push(...unboundedWarnings(ci, level, [...warnings, ...fit.warnings]));
    const allWarnings = [...warnings, ...fit.warnings];
    const resolved = resolveFitOptions(form, options);
    // A perplexity-space exponent is not a loss-space one: report the loss-space refit beside it.
    const lossSpace = lossUnitRefit(fit, obs, yUnit.unit) ?? undefined;
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
        units: { y: yUnit.unit, x: joint ? { N: 'params_total', D: 'tokens' } : unitX, y_from: yUnit.from },
        bootstrap: a.bootInfo,
        ci_profile: ciProfile,
        ci_profile_method: profileMethod,
        ...choicesJson(resolved),
        ...(lossSpace ? { loss_space: lossSpace } : {}),
        ...analysesJson(a),
        file,
      });
      return EXIT_OK;
    }
    const lines = [
      `${form.formula}   fitted to ${fit.n_points} points of ${file}`,
      `y: ${yCol} [${unitLabel(yUnit.unit)}]; ` +
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
      `method: ${fit.method} (${choicesText(resolved)})`,
      ...(ciProfile && request.K > 0
        ? [
            `profile ${level} (${profileMethod}): ${Object.entries(ciProfile)
              .map(([name, c]) => `${name} [${fmt(c[0])}, ${fmt(c[1])}]`)
              .join(', ')}`,
          ]
        : []),
      ...(lossSpace
        ? [`loss-space exponent (ln PPL = loss, nats): b = ${fmt(lossSpace.b)} [${fmt(lossSpace.ci_b[0])}, ${fmt(lossSpace.ci_b[1])}]`]
        : []),
      ...analysesLines(a, unitLabel(yUnit.unit)),
      ...allWarnings.map((w) => `warning: ${w}`),
    ];
    io.stdout(`${lines.join('\n')}\n`);
    return EXIT_OK;
  },
};

export default command;
