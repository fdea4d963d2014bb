import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { evaluateTask, lmEvalResults, loadTask } from '@scalewise/eval';
import { writeFileAtomic } from '@scalewise/core/node';
import { EXIT_OK, UsageError, parseFlags, printJson, printable, type Command } from '../kit.js';
import { checkOutputFile } from './flag-checks.js';
import { createProgress } from '../progress.js';
import { commonFlags, maxLengthFlag, open } from './eval-common.js';
import { runPpl } from './eval-ppl.js';

const HELP = `scalewise eval — evaluate a model (ONNX folder exported by scalewise, or any HF-style ONNX folder)

Usage:
  scalewise eval ppl --model DIR [--corpus brown|PATH] [--recipe lm-eval|hf-stride] [--split NAME] [--max-length 1024]
                     [--stride N] [--json]
  scalewise eval tasks --model DIR --tasks [FORMAT=]FILE... [--limit N] [--output FILE] [--json]

ppl options:
  --corpus brown|PATH   corpus (default brown); PATH: .jsonl (field 'text') or text files (e.g. wiki.test.raw)
  --recipe R            lm-eval (default): each document scored with rolling windows (lm-evaluation-harness
                        loglikelihood_rolling); token/word/byte perplexity, bits per byte, bootstrap stderr.
                        hf-stride: the Hugging Face guide "perplexity of fixed-length models" (the original
                        study's recipe): rows joined with "\\n\\n" (a text file's lines as the HF wikitext dataset
                        reads them, else documents), tokenised as one sequence (BOS first if the tokenizer adds
                        one), windows of max length starting every stride tokens, only new tokens scored;
                        reports exp(Σ nll / scored tokens) and each form of the guide's accounting
  --split NAME          train | validation | test | all (default: all for a file given with --corpus, test for
                        brown and folders; @scalewise/data split: Brown held-out genres, else hash 90/5/5)
  --max-length N        tokens per window (default 1024, or the model's positions if fewer; more than its
                        max_position_embeddings is refused)
  --stride N            window step, 1 to max length; lm-eval: default = max length (disjoint windows), less
                        → HF strided windows per document; hf-stride: default max length / 2
  --limit N             at most N documents (a positive integer; lm-eval only)

tasks options:
  --tasks SPEC...       FORMAT=FILE with FORMAT one of arc_easy, arc_challenge, piqa, hellaswag, winogrande,
                        boolq, openbookqa, social_iqa (rows as in the HF datasets), or a bare FILE in the
                        generic format: one JSON object per line {"context": "...", "choices": ["...", ...], "gold": 0}.
                        Files are JSONL or parquet.
  --limit N             first N questions of each task (a positive integer)
  --max-length N        longest input (default 2048, or the model's positions if fewer)
  --output FILE         also write the lm-eval shaped results JSON to FILE (its folder must exist; an existing
                        file is replaced only if it holds results this command wrote)

Common options:
  --model DIR|FILE      model folder (config.json, tokenizer.json, onnx/model.onnx) or .onnx file
  --tokenizer byte|DIR  tokenizer (default: the model folder's tokenizer.json)
  --backend ort|transformers|wasm   runtime (default ort = onnxruntime-node; wasm: fp32 / int8 llama exports,
                        windows in chunks of 32 tokens; onnxruntime is faster on long windows)
  --threads N           intra-op threads (1-1024)
  --batch-size N        windows per forward pass (default 1; results do not depend on it)
  --json                one JSON object on stdout

Examples:
  scalewise eval ppl --model runs/tiny/model --corpus brown --split test --max-length 256 --json
  scalewise eval ppl --model onnx/mobilellm-125m --corpus wiki.test.raw --recipe hf-stride --max-length 1024 --stride 512
  scalewise eval tasks --model runs/tiny/model --tasks arc_easy=ARC-Easy-test.jsonl mytask.jsonl
`;

const FLAGS = {
  model: { type: 'string' },
  tokenizer: { type: 'string' },
  backend: { type: 'string' },
  threads: { type: 'string' },
  'batch-size': { type: 'string' },
  corpus: { type: 'string' },
  split: { type: 'string' },
  'max-length': { type: 'string' },
  stride: { type: 'string' },
  recipe: { type: 'string' },
  limit: { type: 'string' },
  tasks: { type: 'string', multiple: true },
  output: { type: 'string' },
} as const;

/** An existing --output file is replaced only when it is lm-eval shaped results (what this command writes). */
function isResultsJson(text: string): boolean {
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    return typeof json === 'object' && json !== null && 'results' in json && 'n-samples' in json && 'config' in json;
  } catch {
    return false;
  }
}

/** Write --output atomically; if the write fails (disk full, permissions), remove the temp file it left. */
async function writeOutput(path: string, text: string): Promise<void> {
  try {
    await writeFileAtomic(path, text);
  } catch (error) {
    const prefix = `${basename(path)}.${process.pid}.`;
    for (const name of await readdir(dirname(path)).catch(() => [] as string[])) {
      if (name.startsWith(prefix) && name.endsWith('.tmp')) await rm(join(dirname(path), name), { force: true });
    }
    throw error;
  }
}

const command: Command = {
  summary: 'Evaluate a model: `eval ppl` (perplexity, bits per byte), `eval tasks` (zero-shot)',
  help: HELP,
  run: async (argv, io) => {
    const [sub, ...rest] = argv;
    if (sub !== 'ppl' && sub !== 'tasks')
      throw new UsageError(
        `expected a subcommand 'ppl' or 'tasks', found ${sub === undefined ? 'none' : `'${sub}'`}; see 'scalewise eval --help'`,
      );
    const { values, positionals } = parseFlags(rest, FLAGS);
    const progress = createProgress(io);
    if (sub === 'ppl') return runPpl(values, positionals, io, progress);
    const specs = [...(values.tasks ?? []), ...positionals];
    if (specs.length === 0) throw new UsageError('--tasks FILE... is required');
    for (const flag of ['corpus', 'split', 'stride', 'recipe'] as const)
      if (values[flag] !== undefined) throw new UsageError(`--${flag} applies to 'eval ppl', not 'eval tasks'`);
    const common = commonFlags(values, io);
    const maxLength = maxLengthFlag(values['max-length'], 2048, common.maxPositions);
    const { limit, batchSize } = common;
    const output = values.output !== undefined ? resolve(io.cwd, values.output) : undefined;
    if (output !== undefined) checkOutputFile('--output', output, isResultsJson);
    const tasks = await Promise.all(
      specs.map((s) => {
        if (s.trim() === '') throw new UsageError('--tasks: an empty task file name');
        const eq = s.indexOf('=');
        return loadTask(eq > 0 ? `${s.slice(0, eq)}=${resolve(io.cwd, s.slice(eq + 1))}` : resolve(io.cwd, s), limit);
      }),
    );
    const { lm, tokenizer } = await open(common);
    const results = [];
    try {
      for (const task of tasks) {
        results.push(
          await evaluateTask(lm, { encode: (t) => tokenizer.encode(t) }, task, {
            maxLength,
            batchSize,
            onProgress: (done, total) => progress({ stage: printable(task.name), done, total, unit: 'requests' }),
          }),
        );
      }
    } finally {
      await lm.dispose();
    }
    const json = lmEvalResults(results, lm, {
      batch_size: batchSize,
      max_length: maxLength,
      tokenizer: tokenizer.name,
      limit: limit ?? null,
    });
    if (output !== undefined) await writeOutput(output, `${JSON.stringify(json, null, 2)}\n`);
    if (values.json) printJson(io, json);
    else {
      io.stdout(
        [
          '| task | n | acc | acc_norm |',
          '| --- | ---: | ---: | ---: |',
          ...results.map(
            (r) =>
              `| ${r.task.replaceAll('|', '\\|')} | ${r.n} | ${r.acc.toFixed(4)} ± ${r.acc_stderr.toFixed(4)} | ` +
              `${r.acc_norm === null ? '—' : `${r.acc_norm.toFixed(4)} ± ${(r.acc_norm_stderr ?? 0).toFixed(4)}`} |`,
          ),
          '',
        ].join('\n'),
      );
    }
    return EXIT_OK;
  },
};

export default command;
