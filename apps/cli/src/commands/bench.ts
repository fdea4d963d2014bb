import { benchReport, formatBenchReport, measureBandwidth, randomPresetFolder, runBench, runBenchIsolated, type BenchSpec } from '@scalewise/eval';
import { EXIT_OK, UsageError, numberFlag, parseFlags, printJson, type Command } from '../kit.js';
import { createProgress } from '../progress.js';
import { resolve } from 'node:path';

const HELP = `scalewise bench — throughput (tokens/s) and peak memory of a model, llama-bench protocol

Usage:
  scalewise bench --model DIR|FILE.onnx [options]
  scalewise bench --preset mobilellm-125m --random [options]

Options:
  --model PATH        model folder (config.json + onnx/model.onnx) or a .onnx file
  --preset NAME       a built-in shape (mobilellm-125m, mobilellm-350m, ...); needs --random
  --random            export the preset with seeded random weights (cached under .cache/scalewise/models)
  --seed N            weight seed for --random (default 0)
  --pp N              prompt tokens of the pp test (default 512; 0 skips)
  --tg N              generated tokens of the tg test, one step each with a KV cache (default 128; 0 skips)
  -r, --reps N        timed repetitions after one untimed warm-up (default 5)
  --threads N         onnxruntime intra-op threads (default: one per core)
  --dtype fp32|int8   precision of a --random export (int8: per-channel int8 weights, onnxruntime
                      DynamicQuantizeMatMul; default fp32)
  --backend ort|transformers   runtime (default ort = onnxruntime-node)
  --spin              let idle onnxruntime threads spin (its default; fastest on a dedicated machine;
                      off by default here because on a shared CPU spinning threads starve each other)
  --no-isolate        run in this process (peak RSS then includes earlier work)
  --no-bandwidth      skip the memory-bandwidth measurement
  --json              print one JSON object: pp, tg, peak_rss_bytes, model_bytes, params, threads, backend, dtype, ...

Reports mean ± sample sd of per-repetition tokens/s, ms/token, KV-cache bytes at the tested depth,
peak RSS, and the memory-bandwidth bound on tg (bandwidth ÷ model bytes).

Examples:
  scalewise bench --preset mobilellm-125m --random --threads 2
  scalewise bench --preset mobilellm-350m --random --dtype int8 --json
  scalewise bench --model runs/tiny/model --pp 128 --tg 32 -r 3 --json
`;

const command: Command = {
  summary: 'Measure throughput (pp/tg tokens/s) and peak memory of a model',
  help: HELP,
  run: async (argv, io) => {
    const { values, positionals } = parseFlags(argv, {
      model: { type: 'string' }, preset: { type: 'string' }, random: { type: 'boolean' }, seed: { type: 'string' },
      pp: { type: 'string' }, tg: { type: 'string' }, reps: { type: 'string', short: 'r' }, threads: { type: 'string' },
      dtype: { type: 'string' }, backend: { type: 'string' }, spin: { type: 'boolean' }, 'no-isolate': { type: 'boolean' }, 'no-bandwidth': { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'; see 'scalewise bench --help'`);
    if (!values.model === !values.preset) throw new UsageError('give exactly one of --model PATH or --preset NAME --random');
    if (values.preset && !values.random) throw new UsageError('--preset needs --random (no pretrained weights are downloaded)');
    const dtype = values.dtype ?? 'fp32';
    if (dtype !== 'fp32' && dtype !== 'int8') throw new UsageError(`--dtype must be fp32 or int8, found '${dtype}'`);
    if (values.model && values.dtype) throw new UsageError('--dtype applies to --preset --random exports; a --model folder is measured in the precision it was exported in');
    const backend = values.backend ?? 'ort';
    if (backend !== 'ort' && backend !== 'transformers') throw new UsageError(`--backend must be ort or transformers, found '${backend}'`);
    const threads = numberFlag('threads', values.threads);
    const progress = createProgress(io);
    let model = values.model ? resolve(io.cwd, values.model) : '';
    if (values.preset) {
      progress({ stage: 'export', done: 0, total: 1, detail: values.preset });
      const { dir } = await randomPresetFolder(values.preset, { seed: numberFlag('seed', values.seed, 0), dtype });
      progress({ stage: 'export', done: 1, total: 1, detail: dir });
      model = dir;
    }
    const spec: Omit<BenchSpec, 'onProgress'> = {
      model, backend, spinning: values.spin === true, pp: numberFlag('pp', values.pp, 512), tg: numberFlag('tg', values.tg, 128), reps: numberFlag('reps', values.reps, 5),
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
