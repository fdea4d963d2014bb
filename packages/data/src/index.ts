export { DataError, DataInputError } from './errors.js';
export type { Document, ProgressEvent, ProgressCallback } from './types.js';
export { env, cacheDirectory } from './env.js';
export { countWords } from './words.js';

// Corpora
export { loadCorpus, type Corpus, type CorpusSpec } from './corpus/index.js';
export { BROWN_GENRES, brownDocuments, brownDirectory, parseBrownFile, detokenize as detokenizeBrown, type BrownText } from './corpus/brown.js';
export { textDocuments, type TextCorpusOptions, type TextUnit } from './corpus/text.js';
export { jsonlDocuments, type JsonlCorpusOptions } from './corpus/jsonl.js';
export { parquetDocuments, type ParquetCorpusOptions } from './corpus/parquet.js';
export { readLines, type Line } from './corpus/lines.js';
export { corpusStats, tokenStats, bitsPerByte, type CorpusStats, type TokenStats } from './stats.js';

// Tokenizers
export type { Tokenizer, HuggingFaceTokenizerFiles } from './tokenizer/types.js';
export {
  bytesTokenizer, byteTokenizerFiles, bytesToUnicode,
  BYTE_BOS_ID, BYTE_EOS_ID, BYTE_PAD_ID, BYTE_VOCAB_SIZE, BYTE_SPECIALS,
} from './tokenizer/bytes.js';
export { loadTokenizer, loadHuggingFaceTokenizer, HF_TOKENIZER_FILES } from './tokenizer/hf.js';
export { saveTokenizer } from './tokenizer/export.js';
export {
  loadSentencePieceTokenizer, sentencePieceToTokenizerJson, SENTENCEPIECE_FILE, type SentencePieceTokenizer,
} from './tokenizer/sentencepiece.js';
export { parseSentencePieceModel, PIECE_TYPE, type SentencePieceModel } from './tokenizer/sentencepiece-model.js';

// Splits
export {
  splitDocuments, documentSplit, normalizeSplit, DEFAULT_SPLIT, BROWN_HELDOUT_GENRES, SPLIT_NAMES,
  type SplitName, type SplitSpec,
} from './split.js';

// Token cache, packing, batches, evaluation windows
export {
  prepareTokens, isPrepared, TOKEN_CACHE_FORMAT, TOKEN_CACHE_FORMAT_NAME,
  type PrepareOptions, type PreparedTokens, type PreparedSplit, type TokenManifest,
} from './pack/prepare.js';
export { packSequences, batches, type PackOptions, type PackedSequences, type Batch, type BatchOptions, type TokenDocuments } from './pack/sequences.js';
export { evalWindows, stackWindows, type EvalWindow, type EvalWindowOptions, type WindowBatch } from './pack/windows.js';
export { documentTokens, type DocumentTokens } from './pack/documents.js';

// Results tables
export { loadResultsTable, parseResults, LM_EVAL_SCHEMA, type ColumnSchema, type TableSchema, type ResultsTable } from './tables/load.js';
export { lmEvalRows, lmEvalMetricUnit, isLmEvalResults, type LmEvalRow } from './tables/lmeval.js';
export { parseCsv, type CsvData } from './tables/csv.js';

export { sha256, hashUnit, permutation } from './hash.js';
export { checkOutputFolder, safeSlug, processAlive, removeStaleTemps } from './outdir.js';
export { decodeUtf8Strict, invalidUtf8Offset } from './utf8.js';

// Baselines
export {
  byteDocuments, fitNgramModel, ngramBaselines, scoreNgramModel, NGRAM_ALPHABET, NGRAM_SEPARATOR,
  type ByteDocuments, type NgramModel, type NgramOptions, type NgramScore,
} from './baselines/ngram.js';
