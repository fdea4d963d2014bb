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
    entry: '@scalewise/core',
    file: 'index.ts',
    load: () => import('./index.js'),
    runtime: [
      'CsvError',
      'CsvTokenizer',
      'InputError',
      'Rng',
      'ScalewiseError',
      'bitsPerByte',
      'bitsPerByteToLoss',
      'bitsToNats',
      'checkCsvHeader',
      'createRng',
      'csvCell',
      'errorKind',
      'formatCsv',
      'hashString',
      'isInputError',
      'logSpace',
      'lossToBitsPerByte',
      'natsToBits',
      'parseCsv',
      'parseNumberCell',
      'permutation',
      'readCsvRecords',
      'readNumberCell',
    ],
    types: ['CsvPlace', 'CsvRecord', 'CsvTable', 'ErrorKind', 'RngSeed', 'RngState'],
  },
  {
    entry: '@scalewise/core/node',
    file: 'node/index.ts',
    load: () => import('./node/index.js'),
    runtime: ['jsonText', 'readJsonIfExists', 'writeFileAtomic', 'writeFileAtomicSync', 'writeJsonAtomic', 'writeJsonAtomicSync'],
    types: ['AtomicData', 'AtomicDataAsync', 'AtomicWriteOptions'],
  },
];

describe('@scalewise/core API', () => {
  for (const { entry, file, load, runtime, types } of ENTRIES) {
    it(`${entry} exports exactly the listed runtime names`, async () => {
      expect(Object.keys(await load()).sort()).toEqual(runtime);
    });
    it(`${entry} exports exactly the listed type names`, () => {
      expect(typeExports(file)).toEqual(types);
    });
  }
});
