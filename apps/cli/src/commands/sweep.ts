import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { EXIT_INTERRUPTED, EXIT_OK, UsageError, intFlag, parseFlags, printJson, type Command } from '../kit.js';
import { createProgress } from '../progress.js';
import { interruptOnSigint } from './train-signal.js';

const HELP = `scalewise sweep --spec FILE [--out DIR] [--parallel N] [--json]

Train a list of models × token budgets, one after another or N at a time. Each run is an independent job in
OUT/runs/<id>/; finished runs are skipped when the sweep is run again (an interrupted run resumes
from its checkpoint). Every finished run appends one row to OUT/results.jsonl:
{id, model, params_total, params_non_embedding, tokens, flops, final_train_loss, val_loss, val_bpb, wall_s, ...}
(losses in nats/token, val_bpb in bits/byte, flops = accounted training FLOPs; flops_6nd = 6·N·D).

Spec (JSON):
  { "training": { "data": {"corpus": "brown", "seq": 64}, "batchSize": 16, "optimizer": {"lr": 0.003} },
    "models": ["path/to/config.json", { "name": "m1", "dim": 64, ... }]   or   {"ladder": {"targets": [2e5, 5e5, 1e6]}},
    "budgets": [ {"tokensPerParam": 20}, {"flops": 1e12}, {"tokens": 100000} ] }
IsoFLOP budgets give each model D = C / (6N) tokens (N = total params).
A model × budget listed twice runs once. Run ids (folder names) start with the model name reduced to
letters, digits, '.', '_' and '-' (the original name stays in the config and the row). Rows that
other specs appended to the same results.jsonl stay there but are not reported with this spec's.

Options:
  --spec FILE   sweep spec JSON (required)
  --out DIR     output folder (default: scalewise-out/sweep-<spec name as a safe slug>); missing parent
                folders are created; a file or a dangling symbolic link is refused (exit 2)
  --parallel N  train N runs at once, each on a worker thread with ⌊cores / N⌋ engine threads (at least 1);
                rows stay in the spec's order (default 1: one after another, the engine's own threads)
  --json        print {jobs, ran, skipped, interrupted, results, rows} as one JSON object
  --queue URL   run on workers through a Redis queue (see 'scalewise worker --help'); adds {queue, enqueued,
                failed, runs, overhead_ms} to --json; exit 1 unless every run finished

Ctrl-C finishes the current step, checkpoints and exits with code 130; run again to continue.

Examples:
  scalewise sweep --spec ladder.json --out runs/ladder
  scalewise sweep --spec ladder.json --out runs/ladder --json
`;

const command: Command = {
  summary: 'Train a list of models x token budgets, skipping finished runs',
  help: HELP,
  run: async (argv, io) => {
    const { values, positionals } = parseFlags(argv, {
      spec: { type: 'string' },
      out: { type: 'string' },
      queue: { type: 'string' },
      parallel: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'; see 'scalewise sweep --help'`);
    if (values.spec === undefined) throw new UsageError('--spec FILE is required');
    const parallel = intFlag('parallel', values.parallel, { min: 1, max: 256 }, 1);
    if (parallel > 1 && values.queue !== undefined)
      throw new UsageError('--parallel trains on this machine; with --queue each worker sets its own (scalewise worker --concurrency N)');
    const path = resolve(io.cwd, values.spec);
    let spec: unknown;
    try {
      spec = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new UsageError(`--spec: cannot read JSON from ${path}: ${(error as Error).message}`, { cause: error });
    }
    const name =
      typeof spec === 'object' && spec !== null && typeof (spec as { name?: unknown }).name === 'string'
        ? (spec as { name: string }).name
        : 'sweep';
    const { checkOutputFolder, safeSlug } = await import('@scalewise/data');
    // The spec's name comes from a file: as a path component it is reduced to a safe slug.
    const outDir = resolve(io.cwd, values.out ?? `scalewise-out/sweep-${safeSlug(name, 'sweep')}`);
    checkOutputFolder(outDir, '--out');
    const { expandSweep, runSweep } = await import('@scalewise/train');
    // Every run's config is validated before the first run writes anything.
    expandSweep(spec, { outDir, cwd: dirname(path) });
    if (values.queue !== undefined)
      return (await import('./sweep-queue.js')).sweepOnQueue(
        { spec, specPath: path, outDir, url: values.queue, json: Boolean(values.json) },
        io,
      );
    const { createRunPool } = await import('@scalewise/train');
    // Each run's share of the cores: the pool's default engine threads.
    const pool = parallel > 1 ? await createRunPool({ size: parallel }) : undefined;
    const sigint = interruptOnSigint(io);
    try {
      const outcome = await runSweep(spec, {
        outDir,
        cwd: dirname(path),
        onProgress: createProgress(io),
        signal: sigint.signal,
        ...(pool ? { pool } : {}),
      });
      const code = outcome.interrupted ? EXIT_INTERRUPTED : EXIT_OK;
      if (values.json) {
        printJson(io, {
          jobs: outcome.jobs,
          ran: outcome.ran,
          skipped: outcome.skipped,
          interrupted: outcome.interrupted,
          results: outcome.resultsPath,
          rows: outcome.rows,
        });
        return code;
      }
      const lines = [
        `${outcome.jobs} runs: ${outcome.ran} trained now, ${outcome.skipped} already done` +
          (outcome.interrupted ? ', interrupted (run again to continue)' : ''),
      ];
      for (const r of outcome.rows) {
        lines.push(
          `  ${r.model.padEnd(24)} N=${r.params_total} D=${r.tokens} tokens  val ${r.val_loss.toFixed(4)} nats/token = ` +
            `${r.val_bpb.toFixed(4)} bits/byte  ${r.wall_s.toFixed(1)} s`,
        );
      }
      lines.push(`results: ${outcome.resultsPath}`);
      io.stdout(`${lines.join('\n')}\n`);
      return code;
    } finally {
      sigint.dispose();
      await pool?.close();
    }
  },
};

export default command;
