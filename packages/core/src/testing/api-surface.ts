// Shared by every package's src/api.test.ts: pins a public surface, so adding, removing or renaming an export
// fails until the expected list is edited on purpose. Test-only (needs `typescript` and `vitest`).
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

export interface PinnedEntry {
  /** The import specifier users write, e.g. '@scalewise/laws/internals'. */
  entry: string;
  /** The entry file, relative to the test file (`base`). */
  file: string;
  load: () => Promise<object>;
  runtime: string[];
  types: string[];
}

/** Type-only names an entry file exports (not visible at runtime), read from its explicit export lists. */
export function typeExports(fileUrl: URL): string[] {
  const source = ts.createSourceFile(fileUrl.pathname, readFileSync(fileUrl, 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    // `export *` would hide names from this list: entry files list every name.
    if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) throw new Error(`${fileUrl.pathname}: use named exports`);
    for (const element of statement.exportClause.elements) {
      if (statement.isTypeOnly || element.isTypeOnly) names.push(element.name.text);
    }
  }
  return names.sort();
}

/** One `describe` with two tests per entry: its runtime names and its type names equal the pinned lists. */
export function describePinnedSurface(title: string, base: string, entries: PinnedEntry[]): void {
  describe(title, () => {
    for (const { entry, file, load, runtime, types } of entries) {
      it(`${entry} exports exactly the listed runtime names`, async () => {
        expect(Object.keys(await load()).sort()).toEqual(runtime);
      });
      it(`${entry} exports exactly the listed type names`, () => {
        expect(typeExports(new URL(file, base))).toEqual(types);
      });
    }
  });
}
