import {
  benchReport,
  formatBenchReport,
  measureBandwidth,
  randomPresetFolder,
  resolveModelFiles,
  runBench,
  runBenchIsolated,
  type BenchSpec,
} from '@scalewise/eval';
import { getPreset } from '@scalewise/models';
import { EXIT_OK, UsageError, parseFlags, printJson, printable, type Command, intFlag } from '../kit.js';
import { threadsFlag } from './flag-checks.js';
import { refuseCheckpointFolder } from './onnx-folder.js';
import { createProgress } from '../progress.js';
import { resolve } from 'node:path';

const HELP = `scalewise bench — throughput (tokens/s) and peak memory of a model

Usage:
  scalewise bench --model DIR|FILE.onnx [--protocol llama-bench|original] [options]
  scalewise bench --preset mobilellm-125m --random [options]

Protocols:
  llama-bench (default)  pp (one pass over a prompt) and tg (one token per step with a KV cache) on random ids,
                         one untimed warm-up, then repetitions; mean ± sample sd of tokens/s
  original               the original study's: batch 1, greedy decoding of 50 tokens from a short prompt WITHOUT
                         a KV cache (every step recomputes the whole prefix, as generate(use_cache=False)), one
                         untimed warm-up, then repetitions; tokens/s = 50 / seconds, mean ± sample sd. Comparable
                         with the original table's tokens/s (which came from a T4 GPU in fp16)

Options:
  --model PATH        model folder (config.json + onnx/model.onnx) or a .onnx file
  --preset NAME       a built-in shape (mobilellm-125m, mobilellm-350m, ...); needs --random
  --random            export the preset with seeded random weights (cached under .cache/scalewise/models)
  --seed N            weight seed for --random (default 0)
  --protocol P        llama-bench (default) or original (see above); recorded as 'protocol' in the JSON
  --new-tokens N      original protocol: greedy tokens per repetition (default 50)
  --pp N              prompt tokens of the pp test (default 512; 0 skips; at most the model's positions)
  --tg N              generated tokens of the tg test, one step each with a KV cache (default 128; 0 skips;
                      at most the model's positions)
  -r, --reps N        timed repetitions after one untimed warm-up (default 5, at most 1000)
  --threads N         onnxruntime intra-op threads (default: one per core; 1-1024; wasm: kernel threads, default min(2, CPUs))
  --dtype fp32|int8   precision of a --random export (int8: 8-bit weights in blocks of 128 with one scale
                      each, onnxruntime MatMulNBits; default fp32)
  --backend ort|transformers|wasm   runtime (default ort = onnxruntime-node; wasm = WebAssembly SIMD decode
                      kernels for fp32 and int8 llama exports with full attention, built for tg; pp in chunks of 32 tokens)
  --spin              let idle onnxruntime threads spin (its default; fastest on a dedicated machine;
                      off by default here because on a shared CPU spinning threads starve each other)
  --no-isolate        run in this process (peak RSS then includes earlier work)
  --no-bandwidth      skip the memory-bandwidth measurement
  --json              print one JSON object: protocol, pp, tg, original, peak_rss_bytes, model_bytes, params, threads,
                      backend, dtype, ...

Reports mean ± sample sd of per-repetition tokens/s, ms/token, KV-cache bytes at the tested depth,
peak RSS, and the memory-bandwidth bound on tg (bandwidth ÷ model bytes).

Examples:
  scalewise bench --preset mobilellm-125m --random --threads 2
  scalewise bench --preset mobilellm-350m --random --dtype int8 --json
  scalewise bench --model runs/tiny/model --pp 128 --tg 32 -r 3 --json
  scalewise bench --model onnx/mobilellm-125m --protocol original --json
`;

/** Largest --pp/--tg without a config to bound them (a typo guard: a 1e9-token prompt only exhausts memory). */
const MAX_TOKENS = 65_536;
/** The original protocol: 50 greedy tokens from a short prompt. */
const ORIGINAL_NEW_TOKENS = 50;
const ORIGINAL_PROMPT_TOKENS = 8;
/** Largest --reps: a benchmark that runs for days is a typo, not a measurement. */
const MAX_REPS = 1000;

const command: Command = {
  summary: 'Measure throughput (pp/tg tokens/s) and peak memory of a model',
  help: HELP,
  run: async (argv, io) => {
    const { values, positionals } = parseFlags(argv, {
      model: { type: 'string' },
      preset: { type: 'string' },
      random: { type: 'boolean' },
      seed: { type: 'string' },
      pp: { type: 'string' },
      tg: { type: 'string' },
      reps: { type: 'string', short: 'r' },
      threads: { type: 'string' },
      dtype: { type: 'string' },
      backend: { type: 'string' },
      spin: { type: 'boolean' },
      'no-isolate': { type: 'boolean' },
      'no-bandwidth': { type: 'boolean' },
      protocol: { type: 'string' },
      'new-tokens': { type: 'string' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'; see 'scalewise bench --help'`);
    if (!values.model === !values.preset) throw new UsageError('give exactly one of --model PATH or --preset NAME --random');
    if (values.preset && !values.random) throw new UsageError('--preset needs --random (no pretrained weights are downloaded)');
    const protocol = values.protocol ?? 'llama-bench';
    if (protocol !== 'llama-bench' && protocol !== 'original')
      throw new UsageError(`--protocol must be llama-bench or original, found '${protocol}'`);
    if (protocol === 'original' && (values.pp !== undefined || values.tg !== undefined))
      throw new UsageError(`--${values.pp !== undefined ? 'pp' : 'tg'} applies to --protocol llama-bench; original generates --new-tokens`);
    if (protocol === 'llama-bench' && values['new-tokens'] !== undefined)
      throw new UsageError('--new-tokens applies to --protocol original; llama-bench takes --pp and --tg');
    const newTokens = intFlag('new-tokens', values['new-tokens'], { min: 1, max: MAX_TOKENS }, ORIGINAL_NEW_TOKENS);
    const dtype = values.dtype ?? 'fp32';
    if (dtype !== 'fp32' && dtype !== 'int8') throw new UsageError(`--dtype must be fp32 or int8, found '${dtype}'`);
    if (values.model && (values.random || values.seed !== undefined))
      throw new UsageError(
        `--${values.random ? 'random' : 'seed'} applies to --preset exports; a --model folder is measured with the weights it has`,
      );
    if (values.model && values.dtype)
      throw new UsageError(
        '--dtype applies to --preset --random exports; a --model folder is measured in the precision it was exported in',
      );
    const backend = values.backend ?? 'ort';
    if (backend !== 'ort' && backend !== 'transformers' && backend !== 'wasm')
      throw new UsageError(`--backend must be ort, transformers or wasm, found '${backend}'`);
    const threads = threadsFlag(values.threads);
    const seed = intFlag('seed', values.seed, { min: 0, max: 2 ** 32 - 1 }, 0);
    const pp = protocol === 'original' ? 0 : intFlag('pp', values.pp, { min: 0, max: Number.MAX_SAFE_INTEGER }, 512);
    const tg = protocol === 'original' ? 0 : intFlag('tg', values.tg, { min: 0, max: Number.MAX_SAFE_INTEGER }, 128);
    const reps = intFlag('reps', values.reps, { min: 1, max: MAX_REPS }, 5);
    if (protocol === 'llama-bench' && pp === 0 && tg === 0)
      throw new UsageError('--pp 0 and --tg 0 leave nothing to measure; give one of them a positive number of tokens');
    // The model's positions bound both tests (pp reads pp tokens, tg grows its cache to tg tokens): checked before
    // loading anything, instead of an onnxruntime Gather error or a process running out of memory.
    let maxPositions: number | undefined;
    let source = '';
    if (values.preset) {
      maxPositions = getPreset(values.preset).maxPositions;
      source = `preset ${values.preset}`;
    } else {
      refuseCheckpointFolder('--model', resolve(io.cwd, values.model as string));
      const files = resolveModelFiles(resolve(io.cwd, values.model as string));
      const positions = files.config?.max_position_embeddings;
      if (typeof positions === 'number' && Number.isInteger(positions) && positions > 0) maxPositions = positions;
      source = files.folder ? `${files.folder}/config.json` : files.onnxPath;
    }
    // Under the original protocol the longest input is the prompt plus the generated tokens but the last.
    const longest = ORIGINAL_PROMPT_TOKENS + newTokens - 1;
    if (protocol === 'original' && maxPositions !== undefined && longest > maxPositions)
      throw new UsageError(
        `--new-tokens ${newTokens} after an ${ORIGINAL_PROMPT_TOKENS}-token prompt needs ${longest} positions; the model has ` +
          `${maxPositions} (max_position_embeddings of ${source})`,
      );
    for (const [flag, n] of [
      ['pp', pp],
      ['tg', tg],
    ] as const) {
      if (maxPositions !== undefined && n > maxPositions) {
        throw new UsageError(`--${flag} ${n} exceeds the model's ${maxPositions} positions (max_position_embeddings of ${source})`);
      }
      if (n > MAX_TOKENS)
        throw new UsageError(
          `--${flag} ${n} is above ${MAX_TOKENS.toLocaleString('en-US')} tokens, and ${source} does not say how many ` +
            `positions the model has`,
        );
    }
    const progress = createProgress(io);
    let model = values.model ? resolve(io.cwd, values.model) : '';
    if (values.preset) {
      progress({ stage: 'export', done: 0, total: 1, detail: values.preset });
      const { dir } = await randomPresetFolder(values.preset, { seed, dtype });
      progress({ stage: 'export', done: 1, total: 1, detail: printable(dir) });
      model = dir;
    }
    const spec: Omit<BenchSpec, 'onProgress'> = {
      model,
      backend,
      spinning: values.spin === true,
      pp,
      tg,
      reps,
      protocol,
      ...(protocol === 'original' ? { newTokens, promptTokens: ORIGINAL_PROMPT_TOKENS } : {}),
      ...(threads !== undefined ? { threads } : {}),
    };
    const onProgress = (test: string, done: number, total: number) => progress({ stage: test, done, total, unit: 'reps' });
    const result = values['no-isolate'] ? await runBench({ ...spec, onProgress }) : await runBenchIsolated(spec, onProgress);
    const bandwidth = values['no-bandwidth'] ? null : await measureBandwidth(threads !== undefined ? { threads } : {});
    const report = benchReport(result, { bandwidth, preset: values.preset ?? null });
    if (values.json) printJson(io, report);
    else io.stdout(formatBenchReport(report));
    return EXIT_OK;
  },
};

export default command;
