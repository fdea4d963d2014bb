/**
 * `scalewise isoflop FILE --n COL --d COL|--flops COL --y COL`: Chinchilla approaches 2 and 3 on the same rows
 * (and approach 1 from training curves with --run/--tokens), side by side. The statistics are @scalewise/laws'
 * `isoflopAnalysis` and `approach1FromCurves`; this file parses flags and prints.
 */
import { resolve } from 'node:path';
import { approach1FromCurves, isoflopAnalysis, parseYUnit, type Approach2Result, type IsoflopAnalysis } from '@scalewise/laws';
import { EXIT_OK, UsageError, numberFlag, parseFlags, printJson, type Command, intFlag } from '../kit.js';
import { fmt, MAX_RESAMPLES } from './fit-checks.js';
import { readColumns } from './fit-input.js';
import { readTextColumn } from './isoflop-input.js';

const HELP = `scalewise isoflop FILE --n COL (--d COL | --flops COL) [--y COL] [options]

Compute-optimal scaling from an IsoFLOP sweep, three ways side by side, each with the exponent a of
N_opt ∝ C^a and its 95% interval:
  approach 2  a parabola of loss in ln N per compute budget; its vertex is that budget's N_opt; then a
              power law N_opt = k·C^a through the vertices (t interval from the log-log regression)
  approach 3  the joint fit L(N, D) = E + A/N^alpha + B/D^beta (fit --form chinchilla) on the same rows;
              a = beta/(alpha+beta), with a percentile bootstrap interval
  approach 1  (with --run and --tokens) from training curves: at each budget, the run whose curve reaches
              the lowest loss at D = C/(6N)

Rows are grouped into budgets by compute C (FLOPs): the --flops column, or C = 6·N·D from --d. Values
within --budget-tolerance of each other (relative) are one budget.

Options:
  --n COL               column of model sizes N (parameters)
  --d COL               column of training tokens D (C = 6ND)
  --flops COL           column of training FLOPs C (D = C / 6N); give --d or --flops, not both
  --y COL               column of the loss (default: y), in --unit-y (default loss_nats)
  --budget-tolerance R  relative tolerance for grouping compute into budgets (default 1e-3)
  --drop-top K          drop the K rows with the highest loss first (Besiroglu et al. drop 5 of Chinchilla's)
  --bootstrap K         resamples for approach 3's intervals, an integer in [0, 100000] (default 200)
  --seed S              seed of the bootstrap (default 0)
  --run COL             training curves: the column naming each row's run; every row is a checkpoint
  --tokens COL          with --run: tokens seen at the checkpoint. Approach 1 uses the curves; approaches
                        2 and 3 use each run's last checkpoint (C = 6·N·tokens)
  --budgets LIST        with --run: the budgets (FLOPs, comma-separated) of approach 1 (default: 10
                        log-spaced over the compute reached by at least two curves)
  --json                print one JSON object

Warnings name each budget whose best run is at the edge of the sizes, whose parabola is not convex
(left out) or whose vertex lies outside its sampled sizes (kept: an extrapolation).

Examples:
  scalewise isoflop sweep.csv --n params --d tokens --y loss
  scalewise isoflop chinchilla.csv --n "Model Size" --flops "Training FLOP" --y loss --budget-tolerance 0.05 --drop-top 5
  scalewise isoflop curves.csv --n params --run run --tokens tokens --y val_loss --json
`;

interface Curves {
  run: string[];
  N: Float64Array;
  D: Float64Array;
  loss: Float64Array;
}

/** Each run's last checkpoint (most tokens): the run's final (N, D, loss). */
function lastCheckpoints(c: Curves): { N: number[]; D: number[]; loss: number[] } {
  const last = new Map<string, number>();
  c.run.forEach((r, i) => {
    const j = last.get(r);
    if (j === undefined || c.D[i]! > c.D[j]!) last.set(r, i);
  });
  const rows = [...last.values()];
  return { N: rows.map((i) => c.N[i]!), D: rows.map((i) => c.D[i]!), loss: rows.map((i) => c.loss[i]!) };
}

function budgetsFlag(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(',').map((s) => Number(s.trim()));
  const bad = text.split(',').findIndex((s, i) => s.trim() === '' || !(values[i]! > 0 && Number.isFinite(values[i]!)));
  if (bad >= 0) throw new UsageError(`--budgets expects positive FLOP values separated by commas, found '${text.split(',')[bad]}'`);
  return values;
}

const command: Command = {
  summary: 'Compute-optimal scaling from an IsoFLOP sweep: approaches 2 and 3 (and 1 from curves) side by side',
  help: HELP,
  run: async (argv, io) => {
    const { values: f, positionals } = parseFlags(argv, {
      n: { type: 'string' },
      d: { type: 'string' },
      flops: { type: 'string' },
      y: { type: 'string' },
      'unit-y': { type: 'string' },
      'budget-tolerance': { type: 'string' },
      'drop-top': { type: 'string' },
      bootstrap: { type: 'string' },
      seed: { type: 'string' },
      run: { type: 'string' },
      tokens: { type: 'string' },
      budgets: { type: 'string' },
    });
    if (positionals.length !== 1)
      throw new UsageError(`expected exactly one FILE, found ${positionals.length}; see 'scalewise isoflop --help'`);
    if (!f.n) throw new UsageError('--n COL is required (the column of model sizes)');
    const curvesMode = f.run !== undefined || f.tokens !== undefined;
    if (curvesMode && (f.run === undefined || f.tokens === undefined))
      throw new UsageError('--run and --tokens go together (training curves)');
    if (curvesMode && (f.d !== undefined || f.flops !== undefined))
      throw new UsageError('--d/--flops do not apply with --run: the budget of a run is 6·N·tokens at its last checkpoint');
    if (!curvesMode && (f.d === undefined) === (f.flops === undefined))
      throw new UsageError('give one of --d COL (tokens) and --flops COL');
    if (!curvesMode && f.budgets !== undefined) throw new UsageError('--budgets applies only with --run (approach 1)');
    const tolerance = numberFlag('budget-tolerance', f['budget-tolerance'], 1e-3);
    if (!(tolerance >= 0 && tolerance < 1))
      throw new UsageError(`--budget-tolerance expects a number in [0, 1), found '${f['budget-tolerance']}'`);
    const resamples = intFlag('bootstrap', f.bootstrap, { min: 0, max: MAX_RESAMPLES }, 200);
    const dropTop = intFlag('drop-top', f['drop-top'], { min: 0 }, 0);
    const seed = intFlag('seed', f.seed, { min: 0, max: 2 ** 32 - 1 }, 0);
    const unitY = f['unit-y'] ? parseYUnit(f['unit-y']) : 'loss_nats';
    const approach1Budgets = budgetsFlag(f.budgets);
    const file = positionals[0]!;
    const path = resolve(io.cwd, file);
    const yCol = f.y ?? 'y';
    const second = curvesMode ? f.tokens! : (f.d ?? f.flops)!;
    const cols = await readColumns(path, file, [f.n, second, yCol], true);
    const [N, second_, loss] = [cols[f.n]!, cols[second]!, cols[yCol]!];
    let table: { N: ArrayLike<number>; D?: ArrayLike<number>; C?: ArrayLike<number>; loss: ArrayLike<number> };
    let a1: ReturnType<typeof approach1FromCurves> | null = null;
    const warnings: string[] = [];
    if (curvesMode) {
      const curves: Curves = { run: await readTextColumn(path, file, f.run!), N, D: second_, loss };
      try {
        a1 = approach1FromCurves(curves, approach1Budgets);
      } catch (error) {
        if ((error as Error).name !== 'LawsInputError') throw error;
        if (/^row \d+/.test((error as Error).message)) throw new UsageError(`${file}: ${(error as Error).message}`, { cause: error });
        warnings.push(`approach 1 not possible: ${(error as Error).message}`);
      }
      table = lastCheckpoints(curves);
    } else table = f.d !== undefined ? { N, D: second_, loss } : { N, C: second_, loss };
    if (dropTop >= table.N.length)
      throw new UsageError(
        `--drop-top expects an integer in [0, ${table.N.length - 1}] (${file} has ${table.N.length} runs), found ${dropTop}`,
      );
    const res = isoflopAnalysis(table, { tolerance, resamples, seed, dropTop });
    warnings.push(...res.warnings);
    if (!a1 && !res.approach2 && !res.approach3)
      throw new UsageError(`${file}: no approach can run on these rows: ${warnings.filter((w) => /not possible/.test(w)).join('; ')}`);
    const columns = {
      n: f.n,
      y: yCol,
      ...(f.d ? { d: f.d } : {}),
      ...(f.flops ? { flops: f.flops } : {}),
      ...(f.run ? { run: f.run, tokens: f.tokens } : {}),
    };
    if (f.json) {
      printJson(io, toJson(file, columns, unitY, tolerance, dropTop, seed, res, a1, warnings, table.N.length));
      return EXIT_OK;
    }
    io.stdout(text(file, res, a1, warnings, table.N.length, unitY, curvesMode));
    return EXIT_OK;
  },
};

const approachJson = (r: Approach2Result) => ({
  a: r.a,
  a_ci: r.ciA,
  k: r.k,
  k_ci: r.ciK ?? null,
  slices: r.slices.map((s) => ({
    flops: s.C,
    N_opt: s.N_opt,
    points: s.points,
    ...(s.N_min ? { N_min: s.N_min, N_max: s.N_max, outside: s.outside } : {}),
  })),
});

function toJson(
  file: string,
  columns: Record<string, string | undefined>,
  unitY: string,
  tolerance: number,
  dropTop: number,
  seed: number,
  res: IsoflopAnalysis,
  a1: ReturnType<typeof approach1FromCurves> | null,
  warnings: string[],
  rows: number,
): unknown {
  const vertex = new Map(res.approach2?.slices.map((s) => [s.C, s.N_opt]));
  const a3 = res.approach3;
  return {
    file,
    columns,
    rows,
    units: { N: 'params', D: 'tokens', flops: 'FLOP', y: unitY },
    budget_tolerance: tolerance,
    drop_top: dropTop,
    budgets: res.budgets.map((b) => ({
      flops: b.C,
      runs: b.runs,
      spread: b.spread,
      best_N: b.best_N,
      best_loss: b.best_loss,
      at_edge: b.at_edge,
      N_opt_approach2: vertex.get(b.C) ?? null,
      N_opt_approach3: b.N_opt_approach3 ?? null,
    })),
    approach1: a1 && { ...approachJson(a1), budgets: a1.budgets, curves: a1.curves },
    approach2: res.approach2 && approachJson(res.approach2),
    approach3: a3 && {
      a: a3.a,
      a_ci: a3.a_ci ?? null,
      k: a3.k,
      k_ci: a3.k_ci ?? null,
      params: a3.params,
      ci: a3.ci ?? null,
      objective: a3.objective,
      objective_name: a3.objectiveName,
      method: a3.method,
      bootstrap: { resamples: a3.resamples, seed },
    },
    warnings,
  };
}

const ci = (c: readonly [number, number] | undefined): string => (c ? `[${fmt(c[0])}, ${fmt(c[1])}]` : '(no interval)');
const e = (v: number | undefined): string => (v === undefined ? '—' : v.toExponential(2));

function text(
  file: string,
  res: IsoflopAnalysis,
  a1: ReturnType<typeof approach1FromCurves> | null,
  warnings: string[],
  rows: number,
  unitY: string,
  curvesMode: boolean,
): string {
  const vertex = new Map(res.approach2?.slices.map((s) => [s.C, s.N_opt]));
  const lines = [
    `IsoFLOP analysis of ${file}: ${rows} ${curvesMode ? 'runs (last checkpoints)' : 'rows'} in ${res.budgets.length} budgets; ` +
      `loss in ${unitY}`,
    '',
    `${'budget C (FLOP)'.padEnd(16)} ${'runs'.padStart(4)} ${'spread'.padStart(7)}  ${'best N (params)'.padEnd(16)}` +
      `${'N_opt approach 2'.padEnd(18)}N_opt approach 3`,
    ...res.budgets.map(
      (b) =>
        `${e(b.C).padEnd(16)} ${String(b.runs).padStart(4)} ${`${(100 * b.spread).toFixed(1)}%`.padStart(7)}  ` +
        `${`${e(b.best_N)}${b.at_edge ? ' (edge)' : ''}`.padEnd(16)}${e(vertex.get(b.C)).padEnd(18)}${e(b.N_opt_approach3)}`,
    ),
    '',
    'Exponent a of N_opt = k·C^a (N in params, C in FLOP), 95% intervals:',
  ];
  if (a1)
    lines.push(
      `  approach 1 (${a1.curves} training curves, ${a1.slices.length} budgets): a = ${fmt(a1.a)} ${ci(a1.ciA)}, k = ${fmt(a1.k)}`,
    );
  const a2 = res.approach2;
  lines.push(
    a2
      ? `  approach 2 (parabola per budget, ${a2.slices.length} budgets): a = ${fmt(a2.a)} ${ci(a2.ciA)}, k = ${fmt(a2.k)} ${ci(a2.ciK)}`
      : '  approach 2: not possible (see warnings)',
  );
  const a3 = res.approach3;
  if (a3) {
    lines.push(
      `  approach 3 (chinchilla fit, bootstrap ${a3.resamples}): a = ${fmt(a3.a)} ${ci(a3.a_ci)}, k = ${fmt(a3.k)} ${ci(a3.k_ci)}`,
      '',
      `approach 3 parameters (${a3.method}):`,
      ...Object.entries(a3.params).map(([name, v]) => `  ${name.padEnd(6)} ${fmt(v).padStart(11)}  ${a3.ci ? ci(a3.ci[name]) : ''}`),
    );
  } else lines.push('  approach 3: not possible (see warnings)');
  lines.push(...warnings.map((w) => `warning: ${w}`));
  return `${lines.join('\n')}\n`;
}

export default command;
