import { readdir, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { loadTokenizer, type Tokenizer } from '@scalewise/data';
import {
  corpusDocuments,
  evaluateTask,
  lmEvalResults,
  loadModel,
  loadTask,
  perplexity,
  resolveModelFiles,
  type CausalLM,
  type LoadOptions,
} from '@scalewise/eval';
import { writeFileAtomic } from '@scalewise/core/node';
import { EXIT_OK, UsageError, parseFlags, printJson, printable, type CliIO, type Command } from '../kit.js';
import { checkOutputFile, intFlag, mustExist, threadsFlag } from './flag-checks.js';
import { createProgress } from '../progress.js';

const HELP = `scalewise eval — evaluate a model (ONNX folder exported by scalewise, or any HF-style ONNX folder)

Usage:
  scalewise eval ppl --model DIR [--corpus brown|PATH] [--split test] [--max-length 1024] [--stride N] [--json]
  scalewise eval tasks --model DIR --tasks [FORMAT=]FILE... [--limit N] [--output FILE] [--json]

ppl options:
  --corpus brown|PATH   corpus (default brown); PATH: .jsonl (field 'text') or text files
  --split NAME          train | validation | test | all (default test; @scalewise/data hash split 90/5/5)
  --max-length N        model input length per window (default 1024, or the model's positions if fewer;
                        more than its max_position_embeddings is refused)
  --stride N            window step; = max length (default) → lm-eval disjoint windows,
                        < max length → Hugging Face strided perplexity
  --limit N             at most N documents (a positive integer)
  Reports token/word/byte perplexity, bits per byte (counts, window, stride), bootstrap stderr.

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
  --backend ort|transformers   runtime (default ort = onnxruntime-node)
  --threads N           intra-op threads (1-1024)
  --batch-size N        windows per forward pass (default 1; results do not depend on it)
  --json                one JSON object on stdout

Examples:
  scalewise eval ppl --model runs/tiny/model --corpus brown --split test --max-length 256 --json
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
  limit: { type: 'string' },
  tasks: { type: 'string', multiple: true },
  output: { type: 'string' },
} as const;

/** Most tokens per window we accept without a model config to say otherwise (a typo guard, not a model limit). */
const MAX_WINDOW = 1 << 20;

interface Common {
  model: string;
  options: LoadOptions;
  tokenizerSpec: string;
  batchSize: number;
  limit: number | undefined;
  /** The model's positions (config.json max_position_embeddings), when it says. */
  maxPositions: number | undefined;
}

/** Every flag and the model folder checked before any work: exit 2 names the flag or the path. */
function commonFlags(
  values: { model?: string; tokenizer?: string; backend?: string; threads?: string; 'batch-size'?: string; limit?: string },
  io: CliIO,
): Common {
  if (!values.model) throw new UsageError('--model DIR is required');
  const backend = values.backend ?? 'ort';
  if (backend !== 'ort' && backend !== 'transformers')
    throw new UsageError(`--backend must be ort or transformers, found '${printable(backend)}'`);
  const threads = threadsFlag(values.threads);
  const batchSize = intFlag('batch-size', values['batch-size'], { min: 1, max: 4096 }, 1);
  const limit = intFlag('limit', values.limit, { min: 1, max: Number.MAX_SAFE_INTEGER });
  const model = resolve(io.cwd, values.model);
  // The model first: a wrong --model path should be reported as such, not as a missing tokenizer.
  const files = resolveModelFiles(model);
  const positions = files.config?.max_position_embeddings;
  const maxPositions = typeof positions === 'number' && Number.isInteger(positions) && positions > 0 ? positions : undefined;
  const tokenizerSpec = values.tokenizer === undefined ? model : values.tokenizer === 'byte' ? 'byte' : resolve(io.cwd, values.tokenizer);
  if (tokenizerSpec !== 'byte') mustExist('--tokenizer', tokenizerSpec);
  return { model, options: { backend, ...(threads !== undefined ? { threads } : {}) }, tokenizerSpec, batchSize, limit, maxPositions };
}

/** --max-length: an integer within the model's positions; absent: `fallback`, capped at the positions. */
function maxLengthFlag(value: string | undefined, fallback: number, maxPositions: number | undefined): number {
  const limit = maxPositions ?? MAX_WINDOW;
  const n = intFlag('max-length', value, { min: 1, max: Number.MAX_SAFE_INTEGER });
  if (n === undefined) return Math.min(fallback, limit);
  if (n > limit) {
    throw new UsageError(
      maxPositions !== undefined
        ? `--max-length ${n} exceeds the model's ${maxPositions} positions (max_position_embeddings in its config.json)`
        : `--max-length ${n} is above ${MAX_WINDOW.toLocaleString('en-US')} tokens`,
    );
  }
  return n;
}

async function open(c: Common): Promise<{ lm: CausalLM; tokenizer: Tokenizer }> {
  const lm = await loadModel(c.model, c.options);
  try {
    return { lm, tokenizer: await loadTokenizer(c.tokenizerSpec) };
  } catch (error) {
    await lm.dispose();
    throw error;
  }
}

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

function fmt(x: number | null, digits = 4): string {
  return x === null ? 'n/a' : x.toFixed(digits);
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
    if (sub === 'ppl') {
      if (positionals.length > 0) throw new UsageError(`unexpected argument '${printable(positionals[0] ?? '')}'`);
      if (values.tasks !== undefined || values.output !== undefined)
        throw new UsageError(`--${values.tasks !== undefined ? 'tasks' : 'output'} applies to 'eval tasks', not 'eval ppl'`);
      const split = values.split ?? 'test';
      if (!['train', 'validation', 'test', 'all'].includes(split))
        throw new UsageError(`--split must be train, validation, test or all, found '${printable(split)}'`);
      const common = commonFlags(values, io);
      const maxLength = maxLengthFlag(values['max-length'], 1024, common.maxPositions);
      const stride = intFlag('stride', values.stride, { min: 1, max: maxLength }, maxLength);
      const corpus = values.corpus === undefined || values.corpus === 'brown' ? 'brown' : resolve(io.cwd, values.corpus);
      if (corpus !== 'brown') mustExist('--corpus', corpus);
      const { lm, tokenizer } = await open(common);
      const { limit, batchSize } = common;
      let result;
      try {
        const docs = await corpusDocuments(
          corpus,
          { encode: (t) => tokenizer.encode(t) },
          {
            split: split as 'test',
            ...(limit !== undefined ? { limit } : {}),
            onWarning: (message) => io.stderr(`warning: ${printable(message)}\n`),
          },
        );
        const prefixToken = tokenizer.bosId ?? tokenizer.eosId ?? lm.info.bosTokenId ?? null;
        result = await perplexity(lm, docs, {
          maxLength,
          stride,
          prefixToken,
          batchSize,
          onProgress: (done, total) => progress({ stage: 'ppl', done, total, unit: 'windows' }),
        });
      } finally {
        await lm.dispose();
      }
      const out = { corpus, split, tokenizer: tokenizer.name, ...result };
      const shownCorpus = printable(corpus);
      if (values.json) printJson(io, out);
      else {
        io.stdout(
          [
            `corpus ${shownCorpus} (${split}): ${result.documents} documents, ${result.tokens} tokens, ${result.words ?? '?'} words, ` +
              `${result.bytes ?? '?'} bytes`,
            `windows: ${result.windows} (max length ${result.max_length}, stride ` +
              `${result.stride}${result.stride === result.max_length ? ', lm-eval disjoint' : ', HF strided'})`,
            `token perplexity: ${fmt(result.token_perplexity)} ± ${fmt(result.stderr?.token_perplexity ?? null)} (nll ` +
              `${fmt(result.nll_per_token)} nats/token)`,
            `word perplexity:  ${fmt(result.word_perplexity)}`,
            `byte perplexity:  ${fmt(result.byte_perplexity)}`,
            `bits per byte:    ${fmt(result.bits_per_byte)} ± ${fmt(result.stderr?.bits_per_byte ?? null)}`,
            '',
          ].join('\n'),
        );
      }
      return EXIT_OK;
    }
    const specs = [...(values.tasks ?? []), ...positionals];
    if (specs.length === 0) throw new UsageError('--tasks FILE... is required');
    for (const flag of ['corpus', 'split', 'stride'] as const)
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
              `| ${printable(r.task).replaceAll('|', '\\|')} | ${r.n} | ${r.acc.toFixed(4)} ± ${r.acc_stderr.toFixed(4)} | ` +
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
