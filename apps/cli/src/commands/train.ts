import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { EXIT_INTERRUPTED, EXIT_OK, UsageError, intFlag, parseFlags, printJson, printable, type Command } from '../kit.js';
import { createProgress } from '../progress.js';
import { threadsFlag } from './flag-checks.js';
import { interruptOnSigint } from './train-signal.js';

const HELP = `scalewise train (--config FILE | --preset NAME) [options]

Train one model on a corpus (byte tokenizer by default) with AdamW, a warmup + cosine schedule,
periodic validation (loss in nats/token and bits per byte), checkpoints and exact resume.
Writes OUT/metrics.jsonl, OUT/checkpoints/step-*/ and OUT/result.json.

Options:
  --config FILE     training config JSON (fields: model, data {corpus, tokenizer, seq}, tokens | steps,
                    batchSize, gradAccum, optimizer {lr, beta1, beta2, eps, weightDecay, clip, ...},
                    schedule {kind: cosine | wsd | constant, warmup, floor}, eval {every, batches},
                    checkpoint {every, keep}, seed, engine)
  --preset NAME     model preset (e.g. mobilellm-125m) with default training settings; needs --tokens
  --corpus C        corpus: brown (default) or a path to text / JSON Lines files
  --tokens N        training tokens (overrides the config's tokens/steps)
  --engine E        native (ONNX Runtime) | reference (TypeScript). Default: the config's engine, else the
                    fastest that loads here (native; reference when ONNX Runtime cannot load)
  --seed S          seed of initialisation and data order (whole number >= 0)
  --threads N       intra-op threads of the engine (1 to 1024). Default: the config's threads, else
                    the thread count measured fastest on this machine (native: more threads only where
                    MatMul is >= 25% faster; 1 on 2 SMT vCPUs). Not saved: a resume may use others
  --out DIR         output folder (default: scalewise-out/train-<model>); missing parent folders are
                    created; a file, a dangling symbolic link or a folder holding another run is refused
  --resume          continue from the newest checkpoint in --out (a damaged newest checkpoint is skipped
                    with a warning, falling back to the previous one; checkpoints carry SHA-256 checksums)
  --force           start afresh in an --out folder holding another run (replaces its checkpoints, metrics, result)
  --json            print the result as one JSON object

A model whose estimated training memory exceeds the free memory is refused up front (exit 2).
Ctrl-C finishes the current step, writes a checkpoint and exits with code 130; run again with --resume to continue.

Examples:
  scalewise train --config tiny.json --out runs/tiny
  scalewise train --config tiny.json --out runs/tiny --resume --json
  scalewise train --preset mobilellm-125m --tokens 200000 --engine native
`;

async function readConfig(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--config: cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--config: ${path} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UsageError(`--config: ${path} must hold a JSON object`);
  return json as Record<string, unknown>;
}

const command: Command = {
  summary: 'Train one model on a corpus, with checkpoints and resume',
  help: HELP,
  run: async (argv, io) => {
    const { values, positionals } = parseFlags(argv, {
      config: { type: 'string' },
      preset: { type: 'string' },
      corpus: { type: 'string' },
      tokens: { type: 'string' },
      engine: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'boolean' },
      force: { type: 'boolean' },
      threads: { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'; see 'scalewise train --help'`);
    if ((values.config === undefined) === (values.preset === undefined))
      throw new UsageError('give exactly one of --config FILE and --preset NAME');
    if (values.resume && values.force) throw new UsageError('give at most one of --resume and --force');
    const tokens = intFlag('tokens', values.tokens, { min: 1 });
    const seed = intFlag('seed', values.seed, { min: 0 });
    const threads = threadsFlag(values.threads);
    const { checkOutputFolder, safeSlug } = await import('@scalewise/data');
    if (values.out !== undefined) checkOutputFolder(resolve(io.cwd, values.out), '--out');
    let config: Record<string, unknown>;
    let cwd = io.cwd;
    if (values.config !== undefined) {
      const path = resolve(io.cwd, values.config);
      config = await readConfig(path);
      cwd = dirname(path);
    } else {
      if (tokens === undefined) throw new UsageError('--preset needs --tokens N (training tokens)');
      config = { model: values.preset };
    }
    if (tokens !== undefined) {
      delete config.steps;
      config.tokens = tokens;
    }
    if (values.corpus !== undefined)
      config.data = {
        ...(config.data as object | undefined),
        corpus: values.corpus.startsWith('.') || values.corpus.includes('/') ? resolve(io.cwd, values.corpus) : values.corpus,
      };
    if (values.engine !== undefined) config.engine = values.engine;
    const { train, resolveTrainingConfig, fastestEngine } = await import('@scalewise/train');
    if (config.engine === undefined) config.engine = await fastestEngine();
    if (seed !== undefined) config.seed = seed;
    const resolved = resolveTrainingConfig(config, { cwd, where: values.config ?? 'training config' });
    // A model name comes from a file: as a path component it is reduced to a safe slug.
    const outDir = resolve(io.cwd, values.out ?? `scalewise-out/train-${safeSlug(resolved.model.name)}`);
    checkOutputFolder(outDir, '--out');
    const sigint = interruptOnSigint(io);
    try {
      const result = await train({
        config: resolved,
        outDir,
        resume: values.resume ?? false,
        force: values.force ?? false,
        ...(threads !== undefined ? { threads } : {}),
        onProgress: createProgress(io),
        onWarning: (message) => io.stderr(`${printable(message)}\n`),
        signal: sigint.signal,
      });
      const code = result.interrupted ? EXIT_INTERRUPTED : EXIT_OK;
      if (values.json) {
        printJson(io, { out: outDir, ...result });
        return code;
      }
      const lines = [
        `${result.interrupted ? 'interrupted' : 'trained'} ${result.model}: ${result.steps} steps, ${result.tokens} tokens, ` +
          `${result.params_total} params (${result.params_non_embedding} non-embedding)`,
        `final train loss ${result.final_train_loss.toFixed(4)} nats/token; validation ${result.val_loss.toFixed(4)} nats/token = ` +
          `${result.val_bpb.toFixed(4)} bits/byte`,
        `${result.wall_s.toFixed(1)} s, ${Math.round(result.tokens_per_s)} tokens/s, MFU ${(100 * result.mfu).toFixed(1)}% of ` +
          `${result.peak_gflops.toFixed(2)} GFLOP/s (peak of the ${result.peak_source}; ${result.engine} engine)`,
        result.interrupted ? `checkpoint ${result.checkpoint}; continue with --resume` : `results in ${outDir}`,
      ];
      io.stdout(`${lines.join('\n')}\n`);
      return code;
    } finally {
      sigint.dispose();
    }
  },
};

export default command;
