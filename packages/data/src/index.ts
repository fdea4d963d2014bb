// The public API of @scalewise/data: load corpora, tokenize, split, pack into batches, read results tables.
// Format readers, tokenizer internals, hashing and n-gram details are under '@scalewise/data/internals'.

// Errors, shared shapes and settings
export { DataError, DataInputError } from './errors.js';
export type { Document, ProgressCallback, ProgressEvent } from './types.js';
export { cacheDirectory, env } from './env.js';
export { checkOutputFolder, safeSlug } from './outdir.js';
export { countWords } from './words.js';

// Corpora
export { loadCorpus, type Corpus, type CorpusSpec } from './corpus/index.js';
export { type TextUnit } from './corpus/text.js';
export { corpusStats, tokenStats, type CorpusStats, type TokenStats } from './stats.js';

// Tokenizers
export type { Tokenizer } from './tokenizer/types.js';
export { BYTE_VOCAB_SIZE, bytesTokenizer, byteTokenizerFiles } from './tokenizer/bytes.js';
export { loadTokenizer } from './tokenizer/hf.js';
export { saveTokenizer } from './tokenizer/export.js';
export { loadSentencePieceTokenizer, SENTENCEPIECE_FILE, type SentencePieceTokenizer } from './tokenizer/sentencepiece.js';

// Splits
export { BROWN_HELDOUT_GENRES, DEFAULT_SPLIT, documentSplit, splitDocuments, type SplitName, type SplitSpec } from './split.js';

// Token cache, packing, batches, evaluation windows
export { prepareTokens, type PrepareOptions, type PreparedTokens } from './pack/prepare.js';
export { batches, packSequences, type Batch, type PackedSequences } from './pack/sequences.js';
export { evalWindows, type EvalWindow } from './pack/windows.js';
export { documentTokens, type DocumentTokens } from './pack/documents.js';

// Results tables
export { loadResultsTable, type ResultsTable } from './tables/load.js';

// Baselines
export { byteDocuments, ngramBaselines, type NgramOptions, type NgramScore } from './baselines/ngram.js';
