// Pins the public surface: adding, removing or renaming an export fails here until the list is edited on purpose.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** Type-only names an entry file exports (not visible at runtime), read from its explicit export lists. */
function typeExports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(new URL(file, import.meta.url), 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    // `export *` would hide names from this list: entry files list every name.
    if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) throw new Error(`${file}: use named exports`);
    for (const element of statement.exportClause.elements) {
      if (statement.isTypeOnly || element.isTypeOnly) names.push(element.name.text);
    }
  }
  return names.sort();
}

const ENTRIES: Array<{ entry: string; file: string; load: () => Promise<object>; runtime: string[]; types: string[] }> = [
  {
    entry: '@scalewise/data',
    file: 'index.ts',
    load: () => import('./index.js'),
    runtime: [
      'BROWN_HELDOUT_GENRES',
      'BYTE_VOCAB_SIZE',
      'DEFAULT_SPLIT',
      'DataError',
      'DataInputError',
      'SENTENCEPIECE_FILE',
      'batches',
      'byteDocuments',
      'byteTokenizerFiles',
      'bytesTokenizer',
      'cacheDirectory',
      'checkOutputFolder',
      'corpusStats',
      'countWords',
      'documentSplit',
      'documentTokens',
      'env',
      'evalWindows',
      'loadCorpus',
      'loadResultsTable',
      'loadSentencePieceTokenizer',
      'loadTokenizer',
      'ngramBaselines',
      'packSequences',
      'prepareTokens',
      'safeSlug',
      'saveTokenizer',
      'splitDocuments',
      'tokenStats',
    ],
    types: [
      'Batch',
      'Corpus',
      'CorpusSpec',
      'CorpusStats',
      'Document',
      'DocumentTokens',
      'EvalWindow',
      'NgramOptions',
      'NgramScore',
      'PackedSequences',
      'PrepareOptions',
      'PreparedTokens',
      'ProgressCallback',
      'ProgressEvent',
      'ResultsTable',
      'SentencePieceTokenizer',
      'SplitName',
      'SplitSpec',
      'TextUnit',
      'TokenStats',
      'Tokenizer',
    ],
  },
  {
    entry: '@scalewise/data/internals',
    file: 'internals.ts',
    load: () => import('./internals.js'),
    runtime: [
      'BROWN_GENRES',
      'BYTE_BOS_ID',
      'BYTE_EOS_ID',
      'BYTE_PAD_ID',
      'BYTE_SPECIALS',
      'HF_TOKENIZER_FILES',
      'LM_EVAL_SCHEMA',
      'NGRAM_ALPHABET',
      'NGRAM_SEPARATOR',
      'PIECE_TYPE',
      'SPLIT_NAMES',
      'TOKEN_CACHE_FORMAT',
      'TOKEN_CACHE_FORMAT_NAME',
      'bitsPerByte',
      'brownDirectory',
      'brownDocuments',
      'bytesToUnicode',
      'decodeUtf8Strict',
      'detokenizeBrown',
      'fitNgramModel',
      'hashUnit',
      'invalidUtf8Offset',
      'isLmEvalResults',
      'isPrepared',
      'jsonlDocuments',
      'lmEvalMetricUnit',
      'lmEvalRows',
      'loadHuggingFaceTokenizer',
      'normalizeSplit',
      'parquetDocuments',
      'parseBrownFile',
      'parseCsv',
      'parseResults',
      'parseSentencePieceModel',
      'permutation',
      'processAlive',
      'readLines',
      'removeStaleTemps',
      'scoreNgramModel',
      'sentencePieceToTokenizerJson',
      'sha256',
      'stackWindows',
      'textDocuments',
    ],
    types: [
      'BatchOptions',
      'BrownText',
      'ByteDocuments',
      'ColumnSchema',
      'CsvData',
      'EvalWindowOptions',
      'HuggingFaceTokenizerFiles',
      'JsonlCorpusOptions',
      'Line',
      'LmEvalRow',
      'NgramModel',
      'PackOptions',
      'ParquetCorpusOptions',
      'PreparedSplit',
      'SentencePieceModel',
      'TableSchema',
      'TextCorpusOptions',
      'TokenDocuments',
      'TokenManifest',
      'WindowBatch',
    ],
  },
];

describe('@scalewise/data API', () => {
  for (const { entry, file, load, runtime, types } of ENTRIES) {
    it(`${entry} exports exactly the listed runtime names`, async () => {
      expect(Object.keys(await load()).sort()).toEqual(runtime);
    });
    it(`${entry} exports exactly the listed type names`, () => {
      expect(typeExports(file)).toEqual(types);
    });
  }
});
