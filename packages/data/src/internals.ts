// '@scalewise/data/internals': building blocks under the public API (single corpus readers, tokenizer details,
// token-cache format, windows and tables in full, hashing, n-gram model parts). No stability promise: these may
// change in any minor release.

// Corpus readers, one by one
export {
  BROWN_GENRES,
  brownDirectory,
  brownDocuments,
  detokenize as detokenizeBrown,
  parseBrownFile,
  type BrownText,
} from './corpus/brown.js';
export { textDocuments, type TextCorpusOptions } from './corpus/text.js';
export { jsonlDocuments, type JsonlCorpusOptions } from './corpus/jsonl.js';
export { parquetDocuments, type ParquetCorpusOptions } from './corpus/parquet.js';
export { readLines, type Line } from './corpus/lines.js';
export { bitsPerByte } from './stats.js';

// Tokenizer details
export type { HuggingFaceTokenizerFiles } from './tokenizer/types.js';
export { BYTE_BOS_ID, BYTE_EOS_ID, BYTE_PAD_ID, BYTE_SPECIALS, bytesToUnicode } from './tokenizer/bytes.js';
export { HF_TOKENIZER_FILES, loadHuggingFaceTokenizer } from './tokenizer/hf.js';
export { sentencePieceToTokenizerJson } from './tokenizer/sentencepiece.js';
export { parseSentencePieceModel, PIECE_TYPE, type SentencePieceModel } from './tokenizer/sentencepiece-model.js';

// Splits, token cache, packing and windows in full
export { normalizeSplit, SPLIT_NAMES } from './split.js';
export { isPrepared, TOKEN_CACHE_FORMAT, TOKEN_CACHE_FORMAT_NAME, type PreparedSplit, type TokenManifest } from './pack/prepare.js';
export { type BatchOptions, type PackOptions, type TokenDocuments } from './pack/sequences.js';
export { stackWindows, type EvalWindowOptions, type WindowBatch } from './pack/windows.js';

// Results tables in full
export { LM_EVAL_SCHEMA, parseResults, type ColumnSchema, type TableSchema } from './tables/load.js';
export { isLmEvalResults, lmEvalMetricUnit, lmEvalRows, type LmEvalRow } from './tables/lmeval.js';
export { parseCsv, type CsvData } from './tables/csv.js';

// Hashing
export { hashUnit, permutation, sha256 } from './hash.js';

// N-gram baseline parts (ngramBaselines combines them)
export { fitNgramModel, NGRAM_ALPHABET, NGRAM_SEPARATOR, scoreNgramModel, type ByteDocuments, type NgramModel } from './baselines/ngram.js';

// Output folders and input bytes: what every command checks before it writes or reads
export { processAlive, removeStaleTemps } from './outdir.js';
export { decodeUtf8Strict, invalidUtf8Offset } from './utf8.js';
