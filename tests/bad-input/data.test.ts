import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCase, type BadCase, type Fixture } from './harness.js';
import { useSharedCache } from './tiny.js';

useSharedCache();

// A 4,000-byte binary file (deterministic), a 34-byte text with two invalid UTF-8 bytes, and a small text corpus.
const BINARY = Uint8Array.from({ length: 4000 }, (_, i) => (i * 2654435761) >>> 24);
const BAD_UTF8 = Uint8Array.from([...Buffer.from('caf'), 0xe9, ...Buffer.from(' au lait, '), 0xff, ...Buffer.from('twenty bytes more.\n')]);
const CORPUSDIR: Fixture = {
  dir: { 'a.txt': 'The first document of the corpus.\n', 'b.txt': 'A second document, a little longer than the first.\n' },
};
const OWN_MANIFEST = JSON.stringify({
  formatName: 'scalewise-token-cache',
  format: 1,
  tokenizerHash: 'old',
  corpusHash: 'old',
  splits: {},
});
const WEBAPP: Fixture = {
  dir: {
    'manifest.json': '{"name": "my web app", "start_url": "/"}',
    'index.html': '<html></html>\n',
    src: { dir: { 'app.js': 'console.log(1);\n' } },
  },
};
const utf8Offset = /invalid UTF-8 at byte offset \d+/;

const CASES: BadCase[] = [
  // Rows of shared/bad-inputs-found.md
  {
    id: 'D03',
    title: 'stats of an empty text file',
    argv: ['data', 'stats', '--corpus', 'empty.txt'],
    files: { 'empty.txt': '' },
    stderr: [/empty\.txt: no text to read \(1 document, 0 bytes\)/],
  },
  {
    id: 'D04',
    title: 'prepare an empty text file',
    argv: ['data', 'prepare', '--corpus', 'empty.txt', '--out', 'D04'],
    files: { 'empty.txt': '' },
    stderr: [/no text to read/],
    absent: ['D04'],
  },
  {
    id: 'D05',
    title: 'stats of a binary .bin file',
    argv: ['data', 'stats', '--corpus', 'binary.bin'],
    files: { 'binary.bin': BINARY },
    stderr: [/binary\.bin: (invalid UTF-8|binary data \(a NUL byte\)) at byte offset \d+/],
  },
  {
    id: 'D06',
    title: 'stats of a binary file named .txt',
    argv: ['data', 'stats', '--corpus', 'binary.txt'],
    files: { 'binary.txt': BINARY },
    stderr: [/binary\.txt: .*byte offset \d+/],
  },
  {
    id: 'D07',
    title: 'prepare a binary file named .txt',
    argv: ['data', 'prepare', '--corpus', 'binary.txt', '--out', 'D07'],
    files: { 'binary.txt': BINARY },
    stderr: [/binary\.txt: .*byte offset \d+/],
    absent: ['D07'],
  },
  {
    id: 'D08',
    title: 'stats of invalid UTF-8 names the byte offset',
    argv: ['data', 'stats', '--corpus', 'badutf8.txt'],
    files: { 'badutf8.txt': BAD_UTF8 },
    stderr: [/badutf8\.txt: invalid UTF-8 at byte offset 3 \(byte 0xe9\)/],
  },
  {
    id: 'D09',
    title: 'prepare invalid UTF-8',
    argv: ['data', 'prepare', '--corpus', 'badutf8.txt', '--out', 'D09'],
    files: { 'badutf8.txt': BAD_UTF8 },
    stderr: [utf8Offset],
    absent: ['D09'],
  },
  {
    id: 'D13',
    title: 'stats of an empty JSON Lines file',
    argv: ['data', 'stats', '--corpus', 'empty.jsonl'],
    files: { 'empty.jsonl': '' },
    stderr: [/no text to read \(0 documents, 0 bytes\)/],
  },
  {
    id: 'D17',
    title: 'a fake parquet file is named',
    argv: ['data', 'stats', '--corpus', 'fake.parquet'],
    files: { 'fake.parquet': 'not a parquet file at all\n' },
    stderr: [/fake\.parquet: not a readable parquet file/],
  },
  {
    id: 'D23',
    title: 'prepare --out pointing at a file keeps the file',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--out', 'good.csv'],
    files: { corpusdir: CORPUSDIR, 'good.csv': 'a,b\n1,2\n' },
    stderr: [/good\.csv' exists and is not a folder/],
  },
  {
    id: 'D28',
    title: 'prepare --out a user folder holding a manifest.json keeps it',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--out', 'webapp'],
    files: { corpusdir: CORPUSDIR, webapp: WEBAPP },
    stderr: [/webapp' exists and is not a token folder written by scalewise/],
  },
  {
    id: 'S07',
    title: 'prepare --out a dangling symlink',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--out', 'dangling'],
    files: { corpusdir: CORPUSDIR, dangling: { symlink: 'nowhere' } },
    stderr: [/dangling symbolic link/],
  },
  {
    id: 'PK1',
    title: "a killed prepare's temp folder is removed on the next run; a live one is kept",
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--out', 'prep-k'],
    code: 0,
    files: {
      corpusdir: CORPUSDIR,
      'prep-k.tmp-999999999-1': { dir: { 'train.bin': 'xx', 'manifest.json.tmp-999999999-1-0': '{' } },
      [`prep-k.tmp-${process.pid}-2`]: { dir: { 'train.bin': 'yy' } },
    },
    mayChange: ['prep-k.tmp-999999999-1'],
    absent: ['prep-k.tmp-999999999-1'],
    exists: ['prep-k/manifest.json', `prep-k.tmp-${process.pid}-2/train.bin`],
  },
  // Output paths
  {
    id: 'D40',
    title: 'prepare --out under a file',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--out', 'good.csv/tokens'],
    files: { corpusdir: CORPUSDIR, 'good.csv': 'a\n' },
    stderr: [/good\.csv' exists and is not a folder|parent of it is a file/],
  },
  {
    id: 'D41',
    title: 'prepare --out under /proc',
    argv: ['data', 'prepare', '--corpus', '$DIR/corpusdir', '--out', '/proc/scalewise-bad-D41'],
    files: { corpusdir: CORPUSDIR },
    stderr: [/proc pseudo file system|not writable/],
    isolate: 30_000,
  },
  {
    id: 'D42',
    title: 'prepare --out a symlink to a file',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--out', 'link'],
    files: { corpusdir: CORPUSDIR, 'target.txt': 'keep\n', link: { symlink: 'target.txt' } },
    stderr: [/exists and is not a folder/],
  },
  {
    id: 'D43',
    title: 'prepare --out a symlink to a user folder',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--out', 'link'],
    files: { corpusdir: CORPUSDIR, webapp: WEBAPP, link: { symlink: 'webapp' } },
    stderr: [/not a token folder written by scalewise/],
  },
  {
    id: 'D44',
    title: "a manifest without scalewise's format name",
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--out', 'looks'],
    files: { corpusdir: CORPUSDIR, looks: { dir: { 'manifest.json': '{"format": 1}', 'train.bin': 'x' } } },
    stderr: [/refusing to replace it/],
  },
  {
    id: 'D45',
    title: "scalewise's manifest beside a user file",
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--out', 'mixed'],
    files: { corpusdir: CORPUSDIR, mixed: { dir: { 'manifest.json': OWN_MANIFEST, 'notes.txt': 'mine\n' } } },
    stderr: [/refusing to replace it/],
  },
  {
    id: 'D46',
    title: 'a user folder without any manifest',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--out', 'photos'],
    files: { corpusdir: CORPUSDIR, photos: { dir: { 'a.jpg': 'jpeg' } } },
    stderr: [/refusing to replace it/],
  },
  {
    id: 'D47',
    title: 'an unparseable manifest.json',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--out', 'torn'],
    files: { corpusdir: CORPUSDIR, torn: { dir: { 'manifest.json': '{"formatName": "scalewise-tok' } } },
    stderr: [/refusing to replace it/],
  },
  {
    id: 'D48',
    title: 'a stale token folder scalewise wrote is replaced',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--out', 'own'],
    code: 0,
    files: { corpusdir: CORPUSDIR, own: { dir: { 'manifest.json': OWN_MANIFEST, 'train.bin': '' } } },
    mayChange: ['own'],
    exists: ['own/validation.bin'],
    check: (r) =>
      expect(JSON.parse(readFileSync(path.join(r.dir, 'own', 'manifest.json'), 'utf8'))).toMatchObject({
        formatName: 'scalewise-token-cache',
        corpusHash: expect.not.stringMatching(/^old$/) as unknown,
      }),
  },
  {
    id: 'D49',
    title: 'missing parent folders of --out are created',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--out', 'a/b/tokens'],
    code: 0,
    files: { corpusdir: CORPUSDIR },
    exists: ['a/b/tokens/manifest.json'],
  },
  {
    id: 'D50',
    title: 'a failing prepare removes the parents it created',
    argv: ['data', 'prepare', '--corpus', 'empty.txt', '--out', 'new/deeper/tokens'],
    files: { 'empty.txt': '' },
    absent: ['new'],
  },
  // Bytes are what they are
  {
    id: 'D51',
    title: 'invalid UTF-8 with --unit line names file, line and offset',
    argv: ['data', 'stats', '--corpus', 'bad.txt', '--unit', 'line'],
    files: { 'bad.txt': Uint8Array.from([...Buffer.from('ok line\nsecond '), 0xc0, 0xaf, 0x0a]) },
    stderr: [/bad\.txt line 2: invalid UTF-8 at byte offset 15/],
  },
  {
    id: 'D52',
    title: 'invalid UTF-8 with --unit paragraph',
    argv: ['data', 'prepare', '--corpus', 'bad.txt', '--unit', 'paragraph', '--out', 'p'],
    files: { 'bad.txt': BAD_UTF8 },
    stderr: [utf8Offset],
    absent: ['p'],
  },
  {
    id: 'D53',
    title: 'a truncated multi-byte character at the end',
    argv: ['data', 'stats', '--corpus', 'cut.txt'],
    files: { 'cut.txt': Uint8Array.from([...Buffer.from('price 5 '), 0xe2, 0x82]) },
    stderr: [/cut\.txt: invalid UTF-8 at byte offset 8/],
  },
  {
    id: 'D54',
    title: 'a NUL byte in text',
    argv: ['data', 'stats', '--corpus', 'nul.txt'],
    files: { 'nul.txt': 'text\u0000more\n' },
    stderr: [/nul\.txt: binary data \(a NUL byte\) at byte offset 4/],
  },
  {
    id: 'D55',
    title: 'one bad file in a corpus folder is named',
    argv: ['data', 'stats', '--corpus', 'mixed'],
    files: { mixed: { dir: { 'a.txt': 'fine\n', 'b.txt': BAD_UTF8 } } },
    stderr: [/mixed\/b\.txt: invalid UTF-8/],
  },
  {
    id: 'D56',
    title: 'invalid UTF-8 inside JSON Lines',
    argv: ['data', 'stats', '--corpus', 'bad.jsonl'],
    files: { 'bad.jsonl': Uint8Array.from([...Buffer.from('{"text": "ok"}\n{"text": "caf'), 0xe9, ...Buffer.from('"}\n')]) },
    stderr: [/bad\.jsonl line 2: invalid UTF-8 at byte offset 28/],
  },
  {
    id: 'D57',
    title: 'UTF-8 bytes are counted exactly',
    argv: ['data', 'stats', '--corpus', 'cafe.txt', '--json'],
    code: 0,
    files: { 'cafe.txt': 'café ☕\n' },
    stdout: [/"bytes": 10,/],
  },
  {
    id: 'D58',
    title: 'a folder of only empty files',
    argv: ['data', 'stats', '--corpus', 'blank'],
    files: { blank: { dir: { 'a.txt': '', 'b.txt': '' } } },
    stderr: [/no text to read \(2 documents, 0 bytes\)/],
  },
  {
    id: 'D59',
    title: 'whitespace-only lines give no documents with --unit line',
    argv: ['data', 'prepare', '--corpus', 'ws.txt', '--unit', 'line', '--out', 'ws'],
    files: { 'ws.txt': '\n  \n\t\n' },
    stderr: [/no text to read \(0 documents/],
    absent: ['ws'],
  },
  // JSON Lines fields
  {
    id: 'D60',
    title: 'invalid JSON on a line',
    argv: ['data', 'stats', '--corpus', 'c.jsonl'],
    files: { 'c.jsonl': '{"text": "a"}\n{"text": \n' },
    stderr: [/c\.jsonl line 2: expected one JSON object per line/],
  },
  {
    id: 'D61',
    title: 'a line that is an array',
    argv: ['data', 'stats', '--corpus', 'c.jsonl'],
    files: { 'c.jsonl': '["text"]\n' },
    stderr: [/line 1: expected a JSON object, found an array/],
  },
  {
    id: 'D62',
    title: 'missing text field',
    argv: ['data', 'stats', '--corpus', 'c.jsonl'],
    files: { 'c.jsonl': '{"body": "a"}\n' },
    stderr: [/line 1: expected a string field 'text', found no such field \(fields: body\)/],
  },
  {
    id: 'D63',
    title: 'text field of the wrong type',
    argv: ['data', 'stats', '--corpus', 'c.jsonl'],
    files: { 'c.jsonl': '{"text": 42}\n' },
    stderr: [/expected a string field 'text', found number/],
  },
  {
    id: 'D64',
    title: '--text-field naming an absent field',
    argv: ['data', 'stats', '--corpus', 'c.jsonl', '--text-field', 'body'],
    files: { 'c.jsonl': '{"text": "a"}\n' },
    stderr: [/field 'body'/],
  },
  // Flags
  {
    id: 'D65',
    title: '--seed negative',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--seed=-1', '--out', 'o'],
    files: { corpusdir: CORPUSDIR },
    stderr: [/--seed expects an integer >= 0, found '-1'/],
  },
  {
    id: 'D66',
    title: '--seed fractional',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--seed', '1.5', '--out', 'o'],
    files: { corpusdir: CORPUSDIR },
    stderr: [/--seed expects an integer/],
  },
  {
    id: 'D67',
    title: '--seed not a number',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--seed', 'abc'],
    files: { corpusdir: CORPUSDIR },
    stderr: [/--seed expects a number, found 'abc'/],
  },
  {
    id: 'D68',
    title: '--validation above 1',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--validation', '2', '--out', 'o'],
    files: { corpusdir: CORPUSDIR },
    stderr: [/validation fraction in \[0, 1\], found 2/],
  },
  {
    id: 'D69',
    title: '--test negative',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--test=-0.1', '--out', 'o'],
    files: { corpusdir: CORPUSDIR },
    stderr: [/test fraction/],
  },
  {
    id: 'D70',
    title: 'validation + test above 1',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--validation', '0.6', '--test', '0.6', '--out', 'o'],
    files: { corpusdir: CORPUSDIR },
    stderr: [/validation \+ test <= 1/],
  },
  {
    id: 'D71',
    title: 'unknown --split',
    argv: ['data', 'prepare', '--split', 'random'],
    stderr: [/--split expects hash or genres, found 'random'/],
  },
  {
    id: 'D72',
    title: 'unknown --unit',
    argv: ['data', 'stats', '--corpus', 'corpusdir', '--unit', 'word'],
    files: { corpusdir: CORPUSDIR },
    stderr: [/--unit expects file, paragraph or line, found 'word'/],
  },
  {
    id: 'D73',
    title: '--text-field together with --unit',
    argv: ['data', 'stats', '--corpus', 'c.jsonl', '--unit', 'line', '--text-field', 'text'],
    files: { 'c.jsonl': '{"text": "a"}\n' },
    stderr: [/give one of them/],
  },
  {
    id: 'D74',
    title: 'stats does not take --out',
    argv: ['data', 'stats', '--corpus', 'corpusdir', '--out', 'o'],
    files: { corpusdir: CORPUSDIR },
    stderr: [/--out applies to 'data prepare'/],
  },
  { id: 'D75', title: 'no subcommand', argv: ['data'], stderr: [/expected a subcommand 'prepare' or 'stats'/] },
  { id: 'D76', title: 'unknown subcommand', argv: ['data', 'tokenize'], stderr: [/unknown subcommand 'tokenize'/] },
  {
    id: 'D77',
    title: 'missing corpus path',
    argv: ['data', 'stats', '--corpus', 'missing.txt'],
    stderr: [/found nothing at '.*missing\.txt'/],
  },
  {
    id: 'D78',
    title: 'a corpus folder without text files',
    argv: ['data', 'stats', '--corpus', 'imgs'],
    files: { imgs: { dir: { 'a.png': 'png' } } },
    stderr: [/expected files ending in \.txt/],
  },
  {
    id: 'D79',
    title: 'a missing tokenizer folder',
    argv: ['data', 'prepare', '--corpus', 'corpusdir', '--tokenizer', 'no-such-tok', '--out', 'o'],
    files: { corpusdir: CORPUSDIR },
    stderr: [/no-such-tok/],
  },
  {
    id: 'D80',
    title: '--validation with --split genres',
    argv: ['data', 'prepare', '--split', 'genres', '--validation', '0.1'],
    stderr: [/apply to --split hash only/],
  },
];

describe('bad input: data', () => {
  for (const c of CASES)
    it(`${c.id} ${c.title}`, async () => {
      await runCase(c);
    }, 60_000);
});
