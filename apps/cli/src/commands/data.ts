import { readdir, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  BROWN_HELDOUT_GENRES,
  corpusStats,
  loadCorpus,
  loadTokenizer,
  prepareTokens,
  tokenStats,
  type CorpusSpec,
  type SplitSpec,
  type TextUnit,
} from '@scalewise/data';
import { EXIT_OK, UsageError, intFlag, numberFlag, parseFlags, printJson, type CliIO, type Command } from '../kit.js';
import { createProgress } from '../progress.js';
import { formatPrepare, formatStats } from './data-format.js';

const HELP = `scalewise data — corpora and tokenizers

Usage:
  scalewise data prepare [--corpus brown|PATH] [--tokenizer byte|DIR] [--out DIR] [options]
  scalewise data stats   [--corpus brown|PATH] [--tokenizer byte|DIR] [--json]

prepare tokenizes a corpus once into per-split binary token files (Uint16/Uint32) with a manifest,
and prints documents, tokens, bytes, bytes/token and words per split. The files are reused when the
tokenizer, corpus content and split are unchanged. Progress goes to stderr.
Text is read as bytes: invalid UTF-8 or binary data (NUL bytes) is refused naming the file and byte
offset, and an empty corpus (0 bytes) is refused, so byte counts and bits per byte stay exact.
stats counts documents, genres, words and bytes (and tokens with --tokenizer).

Options:
  --corpus brown|PATH     built-in Brown corpus (default), a .txt/.jsonl/.parquet file or a folder
  --tokenizer byte|DIR    built-in byte tokenizer (default) or a Hugging Face tokenizer folder
                          (tokenizer.json + tokenizer_config.json)
  --out DIR               prepare: write token files to DIR (default: the cache,
                          $SCALEWISE_CACHE or .cache/scalewise/tokens/<hash>). Missing parent folders
                          are created. An existing DIR is replaced only when it is a token folder
                          scalewise wrote (its manifest names the format, no other files); a file, a
                          dangling symbolic link or any other folder is refused (exit 2, untouched)
  --split hash|genres     hash: seeded hash of document ids (default); genres: Brown held-out genres
                          (validation humor+religion, test science_fiction+reviews)
  --seed N                split seed, a whole number >= 0 (default 0)
  --validation F          validation fraction for --split hash (default 0.05)
  --test F                test fraction for --split hash (default 0.05)
  --text-field NAME       JSON Lines field / parquet column holding the text (default text)
  --unit file|paragraph|line   how plain text files become documents (default file)
  --force                 tokenize again even if a matching cache exists
  --json                  print one JSON object on stdout

Examples:
  scalewise data stats
  scalewise data prepare --json
  scalewise data prepare --corpus ./books --unit paragraph --tokenizer ./my-tokenizer --out ./tokens
  scalewise data prepare --corpus data.jsonl --text-field body --split hash --validation 0.1
`;

const FLAGS = {
  corpus: { type: 'string' },
  tokenizer: { type: 'string' },
  out: { type: 'string' },
  split: { type: 'string' },
  seed: { type: 'string' },
  validation: { type: 'string' },
  test: { type: 'string' },
  'text-field': { type: 'string' },
  unit: { type: 'string' },
  force: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseFlags<typeof FLAGS>>['values'];

async function isParquet(path: string): Promise<boolean> {
  if (path.toLowerCase().endsWith('.parquet')) return true;
  if (!(await stat(path).catch(() => null))?.isDirectory()) return false;
  return (await readdir(path, { recursive: true })).some((name) => String(name).toLowerCase().endsWith('.parquet'));
}

async function corpusSpec(values: Values, io: CliIO): Promise<CorpusSpec> {
  const corpus = values.corpus ?? 'brown';
  if (corpus === 'brown') {
    if (values['text-field'] !== undefined || values.unit !== undefined)
      throw new UsageError('--text-field and --unit apply to a corpus PATH, not to brown');
    return 'brown';
  }
  const path = resolve(io.cwd, corpus);
  if (values['text-field'] !== undefined && values.unit !== undefined)
    throw new UsageError('--text-field is for JSON Lines and --unit for plain text; give one of them');
  if (values['text-field'] !== undefined) {
    return { kind: (await isParquet(path)) ? 'parquet' : 'jsonl', path, textField: values['text-field'] };
  }
  if (values.unit !== undefined) {
    if (!['file', 'paragraph', 'line'].includes(values.unit))
      throw new UsageError(`--unit expects file, paragraph or line, found '${values.unit}'`);
    return { kind: 'text', path, unit: values.unit as TextUnit };
  }
  return path;
}

function splitSpec(values: Values): SplitSpec {
  const kind = values.split ?? 'hash';
  if (kind === 'genres') {
    if (values.validation !== undefined || values.test !== undefined)
      throw new UsageError('--validation/--test apply to --split hash only');
    return BROWN_HELDOUT_GENRES;
  }
  if (kind !== 'hash') throw new UsageError(`--split expects hash or genres, found '${kind}'`);
  return {
    kind: 'hash',
    seed: intFlag('seed', values.seed, { min: 0 }, 0),
    validation: numberFlag('validation', values.validation, 0.05),
    test: numberFlag('test', values.test, 0.05),
  };
}

function tokenizerSpec(values: Values, io: CliIO): string {
  const spec = values.tokenizer ?? 'byte';
  return spec === 'byte' || spec === 'bytes' ? 'byte' : resolve(io.cwd, spec);
}

async function prepare(values: Values, io: CliIO): Promise<number> {
  const progress = createProgress(io);
  const started = performance.now();
  const prep = await prepareTokens({
    corpus: await loadCorpus(await corpusSpec(values, io)),
    tokenizer: tokenizerSpec(values, io),
    split: splitSpec(values),
    ...(values.out !== undefined ? { dir: resolve(io.cwd, values.out) } : {}),
    force: values.force ?? false,
    onProgress: progress,
  });
  const seconds = (performance.now() - started) / 1000;
  if (values.json) {
    const splits = Object.fromEntries(
      Object.values(prep.splits).map((s) => [
        s.name,
        {
          documents: s.documents,
          tokens: s.tokenCount,
          bytes: s.bytes,
          words: s.words,
          bytesPerToken: s.tokenCount > 0 ? s.bytes / s.tokenCount : null,
        },
      ]),
    );
    const totalTokens = Object.values(prep.splits).reduce((a, s) => a + s.tokenCount, 0);
    printJson(io, {
      dir: prep.dir,
      fromCache: prep.fromCache,
      corpus: prep.manifest.corpusName,
      corpusHash: prep.manifest.corpusHash,
      tokenizer: prep.manifest.tokenizerName,
      tokenizerHash: prep.manifest.tokenizerHash,
      vocabSize: prep.manifest.vocabSize,
      dtype: prep.manifest.dtype,
      split: prep.manifest.split,
      splits,
      tokens: totalTokens,
      bytesPerToken: prep.bytesPerToken,
      seconds,
      tokensPerSecond: prep.fromCache || seconds <= 0 ? null : totalTokens / seconds,
    });
  } else {
    io.stdout(formatPrepare(prep, seconds));
  }
  return EXIT_OK;
}

async function stats(values: Values, io: CliIO): Promise<number> {
  for (const flag of ['out', 'split', 'seed', 'validation', 'test', 'force'] as const) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag} applies to 'data prepare', not 'data stats'`);
  }
  const corpus = await loadCorpus(await corpusSpec(values, io));
  const result = await corpusStats(corpus, createProgress(io));
  const tokens = values.tokenizer !== undefined ? await tokenStats(corpus, await loadTokenizer(tokenizerSpec(values, io))) : null;
  if (values.json) {
    printJson(io, {
      ...result,
      genreCount: result.genres.length,
      tokens: tokens?.tokens ?? null,
      bytesPerToken: tokens?.bytesPerToken ?? null,
    });
  } else {
    io.stdout(formatStats(result, tokens));
  }
  return EXIT_OK;
}

const command: Command = {
  summary: 'Corpora and tokenizers: `data prepare` (token files per split), `data stats`',
  help: HELP,
  run: async (argv, io) => {
    const { values, positionals } = parseFlags(argv, FLAGS);
    const [sub, ...extra] = positionals;
    if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'; see 'scalewise data --help'`);
    if (sub === 'prepare') return prepare(values, io);
    if (sub === 'stats') return stats(values, io);
    throw new UsageError(
      sub === undefined ? "expected a subcommand 'prepare' or 'stats'" : `unknown subcommand '${sub}'; expected 'prepare' or 'stats'`,
    );
  },
};

export default command;
