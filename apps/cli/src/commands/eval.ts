import { writeFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadTokenizer, type Tokenizer } from '@scalewise/data';
import { corpusDocuments, evaluateTask, lmEvalResults, loadModel, loadTask, perplexity, type CausalLM, type LoadOptions } from '@scalewise/eval';
import { EXIT_OK, UsageError, numberFlag, parseFlags, printJson, type CliIO, type Command } from '../kit.js';
import { createProgress } from '../progress.js';

const HELP = `scalewise eval — evaluate a model (ONNX folder exported by scalewise, or any HF-style ONNX folder)

Usage:
  scalewise eval ppl --model DIR [--corpus brown|PATH] [--split test] [--max-length 1024] [--stride N] [--json]
  scalewise eval tasks --model DIR --tasks [FORMAT=]FILE... [--limit N] [--output FILE] [--json]

ppl options:
  --corpus brown|PATH   corpus (default brown); PATH: .jsonl (field 'text') or text files
  --split NAME          train | validation | test | all (default test; @scalewise/data hash split 90/5/5)
  --max-length N        model input length per window (default 1024)
  --stride N            window step; = max length (default) → lm-eval disjoint windows,
                        < max length → Hugging Face strided perplexity
  --limit N             at most N documents
  Reports token/word/byte perplexity, bits per byte (counts, window, stride), bootstrap stderr.

tasks options:
  --tasks SPEC...       FORMAT=FILE with FORMAT one of arc_easy, arc_challenge, piqa, hellaswag, winogrande,
                        boolq, openbookqa, social_iqa (rows as in the HF datasets), or a bare FILE in the
                        generic format: one JSON object per line {"context": "...", "choices": ["...", ...], "gold": 0}.
                        Files are JSONL or parquet.
  --limit N             first N questions of each task
  --output FILE         also write the lm-eval shaped results JSON to FILE

Common options:
  --model DIR|FILE      model folder (config.json, tokenizer.json, onnx/model.onnx) or .onnx file
  --tokenizer byte|DIR  tokenizer (default: the model folder's tokenizer.json)
  --backend ort|transformers   runtime (default ort = onnxruntime-node)
  --threads N           intra-op threads
  --batch-size N        windows per forward pass (default 1; results do not depend on it)
  --json                one JSON object on stdout

Examples:
  scalewise eval ppl --model runs/tiny/model --corpus brown --split test --max-length 256 --json
  scalewise eval tasks --model runs/tiny/model --tasks arc_easy=ARC-Easy-test.jsonl mytask.jsonl
`;

const FLAGS = {
  model: { type: 'string' }, tokenizer: { type: 'string' }, backend: { type: 'string' }, threads: { type: 'string' }, 'batch-size': { type: 'string' },
  corpus: { type: 'string' }, split: { type: 'string' }, 'max-length': { type: 'string' }, stride: { type: 'string' }, limit: { type: 'string' },
  tasks: { type: 'string', multiple: true }, output: { type: 'string' },
} as const;

async function open(values: { model?: string; tokenizer?: string; backend?: string; threads?: string }, io: CliIO): Promise<{ lm: CausalLM; tokenizer: Tokenizer }> {
  if (!values.model) throw new UsageError('--model DIR is required');
  const backend = values.backend ?? 'ort';
  if (backend !== 'ort' && backend !== 'transformers') throw new UsageError(`--backend must be ort or transformers, found '${backend}'`);
  const threads = numberFlag('threads', values.threads);
  const model = resolve(io.cwd, values.model);
  const options: LoadOptions = { backend, ...(threads !== undefined ? { threads } : {}) };
  const tokenizerSpec = values.tokenizer === undefined ? model : values.tokenizer === 'byte' ? 'byte' : resolve(io.cwd, values.tokenizer);
  // The model first: a wrong --model path should be reported as such, not as a missing tokenizer.
  const lm = await loadModel(model, options);
  return { lm, tokenizer: await loadTokenizer(tokenizerSpec) };
}

function fmt(x: number | null, digits = 4): string {
  return x === null ? 'n/a' : x.toFixed(digits);
}

const command: Command = {
  summary: 'Evaluate a model: `eval ppl` (perplexity, bits per byte), `eval tasks` (zero-shot)',
  help: HELP,
  run: async (argv, io) => {
    const [sub, ...rest] = argv;
    if (sub !== 'ppl' && sub !== 'tasks') throw new UsageError(`expected a subcommand 'ppl' or 'tasks', found ${sub === undefined ? 'none' : `'${sub}'`}; see 'scalewise eval --help'`);
    const { values, positionals } = parseFlags(rest, FLAGS);
    const progress = createProgress(io);
    const batchSize = numberFlag('batch-size', values['batch-size'], 1);
    const limit = numberFlag('limit', values.limit);
    if (sub === 'ppl') {
      if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
      const split = values.split ?? 'test';
      if (!['train', 'validation', 'test', 'all'].includes(split)) throw new UsageError(`--split must be train, validation, test or all, found '${split}'`);
      const maxLength = numberFlag('max-length', values['max-length'], 1024);
      const stride = numberFlag('stride', values.stride, maxLength);
      const { lm, tokenizer } = await open(values, io);
      const corpus = values.corpus === undefined || values.corpus === 'brown' ? 'brown' : resolve(io.cwd, values.corpus);
      const docs = await corpusDocuments(corpus, { encode: (t) => tokenizer.encode(t) }, { split: split as 'test', ...(limit !== undefined ? { limit } : {}) });
      const prefixToken = tokenizer.bosId ?? tokenizer.eosId ?? lm.info.bosTokenId ?? null;
      const result = await perplexity(lm, docs, {
        maxLength, stride, prefixToken, batchSize,
        onProgress: (done, total) => progress({ stage: 'ppl', done, total, unit: 'windows' }),
      });
      await lm.dispose();
      const out = { corpus, split, tokenizer: tokenizer.name, ...result };
      if (values.json) printJson(io, out);
      else {
        io.stdout([
          `corpus ${corpus} (${split}): ${result.documents} documents, ${result.tokens} tokens, ${result.words ?? '?'} words, ${result.bytes ?? '?'} bytes`,
          `windows: ${result.windows} (max length ${result.max_length}, stride ${result.stride}${result.stride === result.max_length ? ', lm-eval disjoint' : ', HF strided'})`,
          `token perplexity: ${fmt(result.token_perplexity)} ± ${fmt(result.stderr?.token_perplexity ?? null)} (nll ${fmt(result.nll_per_token)} nats/token)`,
          `word perplexity:  ${fmt(result.word_perplexity)}`,
          `byte perplexity:  ${fmt(result.byte_perplexity)}`,
          `bits per byte:    ${fmt(result.bits_per_byte)} ± ${fmt(result.stderr?.bits_per_byte ?? null)}`,
          '',
        ].join('\n'));
      }
      return EXIT_OK;
    }
    const specs = [...(values.tasks ?? []), ...positionals];
    if (specs.length === 0) throw new UsageError('--tasks FILE... is required');
    const tasks = await Promise.all(specs.map((s) => {
      const eq = s.indexOf('=');
      return loadTask(eq > 0 ? `${s.slice(0, eq)}=${resolve(io.cwd, s.slice(eq + 1))}` : resolve(io.cwd, s), limit);
    }));
    const { lm, tokenizer } = await open(values, io);
    const maxLength = numberFlag('max-length', values['max-length'], 2048);
    const results = [];
    for (const task of tasks) {
      results.push(await evaluateTask(lm, { encode: (t) => tokenizer.encode(t) }, task, {
        maxLength, batchSize, onProgress: (done, total) => progress({ stage: task.name, done, total, unit: 'requests' }),
      }));
    }
    await lm.dispose();
    const json = lmEvalResults(results, lm, { batch_size: batchSize, max_length: maxLength, tokenizer: tokenizer.name, limit: limit ?? null });
    if (values.output) {
      const path = resolve(io.cwd, values.output);
      writeFileSync(`${path}.tmp`, `${JSON.stringify(json, null, 2)}\n`);
      renameSync(`${path}.tmp`, path);
    }
    if (values.json) printJson(io, json);
    else {
      io.stdout(['| task | n | acc | acc_norm |', '| --- | ---: | ---: | ---: |',
        ...results.map((r) => `| ${r.task} | ${r.n} | ${r.acc.toFixed(4)} ± ${r.acc_stderr.toFixed(4)} | ${r.acc_norm === null ? '—' : `${r.acc_norm.toFixed(4)} ± ${(r.acc_norm_stderr ?? 0).toFixed(4)}`} |`), ''].join('\n'));
    }
    return EXIT_OK;
  },
};

export default command;
