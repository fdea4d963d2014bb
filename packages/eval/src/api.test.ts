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
    entry: '@scalewise/eval',
    file: 'index.ts',
    load: () => import('./index.js'),
    runtime: [
      'EvalError',
      'EvalInputError',
      'benchReport',
      'benchThroughput',
      'corpusDocuments',
      'evaluateTask',
      'formatBenchReport',
      'functionModel',
      'lmEvalResults',
      'loadModel',
      'loadTask',
      'measureBandwidth',
      'peakRssBytes',
      'perplexity',
      'randomPresetFolder',
      'resolveModelFiles',
      'runBench',
      'runBenchIsolated',
      'windowLoss',
      'writeInt8ModelFolder',
    ],
    types: [
      'BackendChoice',
      'BackendName',
      'BandwidthResult',
      'BenchReport',
      'BenchResult',
      'BenchSpec',
      'CausalLM',
      'CorpusDocsOptions',
      'LoadOptions',
      'LoadedTask',
      'ModelFiles',
      'ModelInfo',
      'PerplexityOptions',
      'PerplexityResult',
      'PplDocument',
      'QuantizeStats',
      'TaskOptions',
      'TaskResult',
      'ThroughputResult',
      'WindowLogitsFn',
    ],
  },
  {
    entry: '@scalewise/eval/internals',
    file: 'internals.ts',
    load: () => import('./internals.js'),
    runtime: [
      'ADAPTERS',
      'ORIGINAL_STUDY_T4_TOKENS_PER_SECOND',
      'byteTokenizer',
      'currentRssBytes',
      'encodePair',
      'fromEvalWindows',
      'hellaswagPreprocess',
      'loadOrtModel',
      'loadTransformersModel',
      'logSumExp',
      'quantizeGraphInt8',
      'quantizeTransposed',
      'resetPeakRss',
      'rollingWindows',
      'scoreWindows',
      'targetLogProb',
    ],
    types: [
      'DecodeSession',
      'LogitsBatch',
      'McItem',
      'McRequest',
      'McSample',
      'OrtOptions',
      'ScoreOptions',
      'ScoreWindow',
      'SpeedStats',
      'TaskAdapter',
      'TextTokenizer',
      'ThroughputOptions',
      'TransformersOptions',
      'WindowOptions',
    ],
  },
  {
    entry: '@scalewise/eval/testing',
    file: 'testing.ts',
    load: () => import('./testing.js'),
    runtime: ['bigramOnnx', 'randomTable', 'uniformOnnx', 'writeBigramFolder'],
    types: ['BigramOptions'],
  },
];

describe('@scalewise/eval API', () => {
  for (const { entry, file, load, runtime, types } of ENTRIES) {
    it(`${entry} exports exactly the listed runtime names`, async () => {
      expect(Object.keys(await load()).sort()).toEqual(runtime);
    });
    it(`${entry} exports exactly the listed type names`, () => {
      expect(typeExports(file)).toEqual(types);
    });
  }
});
