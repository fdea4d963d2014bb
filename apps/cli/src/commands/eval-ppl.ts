import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { corpusDocuments, hfStridePerplexity, hfStrideSequence, perplexity } from '@scalewise/eval';
import { EXIT_OK, UsageError, printJson, printable, type CliIO, intFlag } from '../kit.js';
import type { createProgress } from '../progress.js';
import { commonFlags, fmt, maxLengthFlag, open } from './eval-common.js';
import { mustExist } from './flag-checks.js';

export const RECIPES = ['lm-eval', 'hf-stride'] as const;

type PplValues = Record<string, string | boolean | string[] | undefined>;

/**
 * `eval ppl`: flags checked before any work, then one of two recipes from @scalewise/eval — `lm-eval` (rolling
 * windows per document, word/byte perplexity) or `hf-stride` (the HF guide: all rows joined, one sequence).
 */
export async function runPpl(values: PplValues, positionals: string[], io: CliIO, progress: ReturnType<typeof createProgress>) {
  const str = (k: string) => values[k] as string | undefined;
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0] ?? ''}'`);
  if (values.tasks !== undefined || values.output !== undefined)
    throw new UsageError(`--${values.tasks !== undefined ? 'tasks' : 'output'} applies to 'eval tasks', not 'eval ppl'`);
  const recipe = str('recipe') ?? 'lm-eval';
  if (!(RECIPES as readonly string[]).includes(recipe)) throw new UsageError(`--recipe must be ${RECIPES.join(' or ')}, found '${recipe}'`);
  if (recipe === 'hf-stride' && values.limit !== undefined)
    throw new UsageError('--limit applies to --recipe lm-eval; hf-stride scores the whole (split of the) corpus as one sequence');
  const explicitSplit = str('split');
  if (explicitSplit !== undefined && !['train', 'validation', 'test', 'all'].includes(explicitSplit))
    throw new UsageError(`--split must be train, validation, test or all, found '${explicitSplit}'`);
  const common = commonFlags(values, io);
  const maxLength = maxLengthFlag(str('max-length'), 1024, common.maxPositions);
  if (recipe === 'hf-stride' && maxLength < 2) throw new UsageError('--max-length must be at least 2 for --recipe hf-stride');
  const defaultStride = recipe === 'hf-stride' ? Math.floor(maxLength / 2) : maxLength;
  const stride = intFlag('stride', str('stride'), { min: 1, max: maxLength }, defaultStride);
  const corpus = str('corpus') === undefined || str('corpus') === 'brown' ? 'brown' : resolve(io.cwd, str('corpus') as string);
  if (corpus !== 'brown') mustExist('--corpus', corpus);
  // A file given explicitly is scored whole; Brown keeps its held-out test split, a folder its hash test split.
  const split = explicitSplit ?? (corpus !== 'brown' && statSync(corpus).isFile() ? 'all' : 'test');
  const { lm, tokenizer } = await open(common);
  const { limit, batchSize } = common;
  const onProgress = (done: number, total: number) => progress({ stage: 'ppl', done, total, unit: 'windows' });
  try {
    if (recipe === 'hf-stride') {
      const sequence = await hfStrideSequence(corpus, tokenizer, { split: split as 'test' });
      const result = await hfStridePerplexity(lm, sequence.ids, { maxLength, stride, batchSize, onProgress });
      const { ids: _ids, ...made } = sequence;
      const out = { corpus, split, tokenizer: tokenizer.name, ...made, ...result };
      if (values.json) printJson(io, out);
      else {
        const v = result.guide_variants;
        io.stdout(
          [
            `corpus ${corpus} (${split}): ${made.row_count} ${made.rows === 'lines' ? 'lines' : 'documents'} joined with "\\n\\n", ` +
              `${made.text_bytes} bytes → ${result.sequence_tokens} tokens${made.bos ? ' (BOS first)' : ''}`,
            `recipe hf-stride (HF "perplexity of fixed-length models"): ${result.windows} windows of ${maxLength} tokens, stride ` +
              `${stride}, ${result.scored_tokens} tokens scored`,
            `perplexity: ${fmt(result.perplexity)} (token-weighted: exp of ${fmt(result.nll_per_token)} nats/token)`,
            `  as the guide's code forms accumulate it: trg_len-weighted ${fmt(v.trg_len_weighted)}, mean of window means ` +
              `${fmt(v.mean_of_window_means)}, loss-token-weighted ${fmt(v.loss_tokens_weighted)}`,
            '',
          ].join('\n'),
        );
      }
      return EXIT_OK;
    }
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
    const result = await perplexity(lm, docs, { maxLength, stride, prefixToken, batchSize, onProgress });
    const out = { corpus, split, tokenizer: tokenizer.name, recipe, ...result };
    if (values.json) printJson(io, out);
    else {
      io.stdout(
        [
          `corpus ${corpus} (${split}): ${result.documents} documents, ${result.tokens} tokens, ${result.words ?? '?'} words, ` +
            `${result.bytes ?? '?'} bytes`,
          `windows: ${result.windows} (max length ${result.max_length}, stride ` +
            `${result.stride}${result.stride === result.max_length ? ', lm-eval disjoint' : ', HF strided per document'})`,
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
  } finally {
    await lm.dispose();
  }
}
