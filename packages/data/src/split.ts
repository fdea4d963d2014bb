import { DataInputError } from './errors.js';
import { hashUnit } from './hash.js';
import type { Document } from './types.js';

export type SplitName = 'train' | 'validation' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['train', 'validation', 'test'];

/**
 * How documents are assigned to splits.
 * - `hash`: by SHA-256 of `seed` and the document id, so a document's split never depends on the
 *   other documents (adding documents moves none). Fractions default to 0.05 validation, 0.05 test.
 * - `field`: held-out groups, e.g. Brown genres: documents whose `meta[field]` is listed under
 *   `validation` or `test` go there, all others train.
 */
export type SplitSpec =
  | { kind: 'hash'; seed?: number; validation?: number; test?: number }
  | { kind: 'field'; field: string; validation: readonly string[]; test: readonly string[] };

/** Default split: seeded hash of the id, 90 / 5 / 5 %. */
export const DEFAULT_SPLIT: SplitSpec = { kind: 'hash', seed: 0, validation: 0.05, test: 0.05 };

/**
 * Brown held-out-genre split: validate on humor and religion (26 texts), test on science fiction
 * and reviews (23 texts), train on the 11 other genres (451 texts).
 */
export const BROWN_HELDOUT_GENRES: SplitSpec = {
  kind: 'field',
  field: 'genre',
  validation: ['humor', 'religion'],
  test: ['science_fiction', 'reviews'],
};

/** Check a split spec; returns it with defaults filled in. */
export function normalizeSplit(spec: SplitSpec = DEFAULT_SPLIT): SplitSpec {
  if (spec.kind === 'field') {
    const overlap = spec.validation.filter((v) => spec.test.includes(v));
    if (overlap.length > 0)
      throw new DataInputError(`split: expected disjoint validation and test groups, found ${overlap.join(', ')} in both`);
    return { kind: 'field', field: spec.field, validation: [...spec.validation], test: [...spec.test] };
  }
  const seed = spec.seed ?? 0;
  const validation = spec.validation ?? 0.05;
  const test = spec.test ?? 0.05;
  for (const [name, value] of [
    ['validation', validation],
    ['test', test],
  ] as const) {
    if (!Number.isFinite(value) || value < 0 || value > 1)
      throw new DataInputError(`split: expected a ${name} fraction in [0, 1], found ${value}`);
  }
  if (validation + test > 1) throw new DataInputError(`split: expected validation + test <= 1, found ${validation + test}`);
  if (!Number.isInteger(seed)) throw new DataInputError(`split: expected an integer seed, found ${seed}`);
  return { kind: 'hash', seed, validation, test };
}

/** The split of one document (pure: depends only on the document and the spec). */
export function documentSplit(doc: Pick<Document, 'id' | 'meta'>, spec: SplitSpec = DEFAULT_SPLIT): SplitName {
  if (spec.kind === 'field') {
    const value = doc.meta[spec.field];
    if (value === undefined) throw new DataInputError(`split: document '${doc.id}' has no metadata field '${spec.field}' to split on`);
    if (spec.validation.includes(value)) return 'validation';
    if (spec.test.includes(value)) return 'test';
    return 'train';
  }
  const u = hashUnit(spec.seed ?? 0, doc.id);
  const test = spec.test ?? 0.05;
  if (u < test) return 'test';
  if (u < test + (spec.validation ?? 0.05)) return 'validation';
  return 'train';
}

/** Group documents by split, keeping corpus order within each split. */
export async function splitDocuments(
  documents: Iterable<Document> | AsyncIterable<Document>,
  spec: SplitSpec = DEFAULT_SPLIT,
): Promise<Record<SplitName, Document[]>> {
  const normalized = normalizeSplit(spec);
  const out: Record<SplitName, Document[]> = { train: [], validation: [], test: [] };
  for await (const doc of documents) out[documentSplit(doc, normalized)].push(doc);
  return out;
}
