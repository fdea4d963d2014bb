import { describe, expect, it } from 'vitest';
import { runCase, type BadCase, type Fixture } from './harness.js';

// Every case here must be refused before stage 1: a study that starts would take minutes.
const marker = (options: Record<string, unknown>, format = 'scalewise-study'): Fixture => ({
  dir: { 'study.json': JSON.stringify({ format, version: 1, options }), stages: { dir: { 'original.json': '{"key": "x"}' } } },
});
const SEED0 = { quick: true, isoflop: false, seed: 0, engine: 'native' };
const study = (...extra: string[]) => ['study', '--quick', '--no-png', ...extra];
// A checkpoint folder that passes the --models checks (its weights are never read by these cases).
const LLAMA = { model_type: 'llama', vocab_size: 384, hidden_size: 32, num_hidden_layers: 2, num_attention_heads: 4 };
const CKPT: Fixture = {
  dir: {
    'config.json': JSON.stringify({ ...LLAMA, num_key_value_heads: 2, intermediate_size: 64, max_position_embeddings: 128 }),
    'model.safetensors': 'x',
    'tokenizer.model': 'x',
  },
};

const CASES: BadCase[] = [
  {
    id: 'Y03',
    title: '--threads 0',
    argv: study('--threads', '0', '--out', 'Y03'),
    stderr: [/--threads expects an integer in \[1, 1,024\], found '0'/],
    absent: ['Y03'],
  },
  {
    id: 'Y04',
    title: 'a negative seed, before stage 1 writes',
    argv: study('--seed=-1', '--out', 'Y04'),
    stderr: [/--seed expects an integer >= 0, found '-1'/],
    absent: ['Y04'],
  },
  {
    id: 'Y05',
    title: '--out pointing at a file keeps it',
    argv: study('--out', 'victim.csv'),
    files: { 'victim.csv': 'a,b\n' },
    stderr: [/victim\.csv' exists and is not a folder/],
  },
  {
    id: 'Y06',
    title: 'a fractional seed, before stage 1 writes',
    argv: study('--seed', '1.5', '--out', 'Y06'),
    stderr: [/--seed expects an integer/],
    absent: ['Y06'],
  },
  {
    id: 'Y07',
    title: '--lr-extensions out of range, before stage 1 writes',
    argv: study('--lr-extensions', '9', '--out', 'Y07'),
    stderr: [/--lr-extensions expects an integer in \[0, 4\], found '9'/],
    absent: ['Y07'],
  },
  {
    id: 'SS2',
    title: 'a study folder without LR extensions re-run with them is refused, not mixed',
    argv: study('--out', 'study-lr', '--lr-extensions', '2'),
    files: { 'study-lr': marker(SEED0) },
    stderr: [/study-lr holds a study run with other options \(lrExtensions unset there, 2 now\)/],
  },
  {
    id: 'SS1',
    title: 'a study folder of seed 0 re-run with seed 1 is refused, not mixed',
    argv: study('--out', 'study-seed', '--seed', '1'),
    files: { 'study-seed': marker(SEED0) },
    stderr: [/study-seed holds a study run with other options \(seed 0 there, 1 now\)/],
  },
  // Variants
  {
    id: 'Y20',
    title: "other --quick than the folder's study",
    argv: ['study', '--out', 'S', '--no-png'],
    files: { S: marker(SEED0) },
    stderr: [/other options \(quick true there, false now\)/],
  },
  {
    id: 'Y21',
    title: "other engine than the folder's study",
    argv: study('--out', 'S', '--engine', 'reference'),
    files: { S: marker(SEED0) },
    stderr: [/engine "native" there, "reference" now/],
  },
  {
    id: 'Y22',
    title: '--isoflop added to a folder without it',
    argv: study('--out', 'S', '--isoflop'),
    files: { S: marker(SEED0) },
    stderr: [/isoflop false there, true now/],
  },
  {
    id: 'Y23',
    title: "a study.json that is not scalewise's",
    argv: study('--out', 'S'),
    files: { S: marker(SEED0, 'other-tool') },
    stderr: [/not a scalewise study marker/],
  },
  {
    id: 'Y24',
    title: 'a folder holding other files',
    argv: study('--out', 'docs'),
    files: { docs: { dir: { 'notes.md': '# mine\n' } } },
    stderr: [/holds other files and no scalewise study/],
  },
  {
    id: 'Y25',
    title: '--out a dangling symlink',
    argv: study('--out', 'dangling'),
    files: { dangling: { symlink: 'gone' } },
    stderr: [/dangling symbolic link/],
  },
  { id: 'Y26', title: '--out under a file', argv: study('--out', 'victim.csv/s'), files: { 'victim.csv': 'a\n' }, stderr: [/victim\.csv/] },
  {
    id: 'Y27',
    title: '--out under /proc',
    argv: study('--out', '/proc/scalewise-bad-Y27'),
    stderr: [/proc pseudo file system|not writable/],
    isolate: 30_000,
  },
  {
    id: 'Y28',
    title: '--out a symlink to a file',
    argv: study('--out', 'link'),
    files: { 'f.txt': 'x\n', link: { symlink: 'f.txt' } },
    stderr: [/exists and is not a folder/],
  },
  { id: 'Y29', title: '--seed not a number', argv: study('--seed', 'abc', '--out', 'o'), stderr: [/--seed expects a number, found 'abc'/] },
  {
    id: 'Y30',
    title: '--seed beyond safe integers',
    argv: study('--seed', '9007199254740993', '--out', 'o'),
    stderr: [/--seed expects an integer/],
  },
  { id: 'Y31', title: '--seed infinite', argv: study('--seed', '1e400', '--out', 'o'), stderr: [/--seed expects a number/] },
  { id: 'Y32', title: '--threads fractional', argv: study('--threads', '1.5', '--out', 'o'), stderr: [/--threads expects an integer/] },
  {
    id: 'Y33',
    title: '--threads negative',
    argv: study('--threads=-2', '--out', 'o'),
    stderr: [/--threads expects an integer in \[1, 1,024\]/],
  },
  {
    id: 'Y34',
    title: '--threads not a number',
    argv: study('--threads', 'many', '--out', 'o'),
    stderr: [/--threads expects a number, found 'many'/],
  },
  {
    id: 'Y35',
    title: 'an unknown engine',
    argv: study('--engine', 'gpu', '--out', 'o'),
    stderr: [/--engine expects native or reference, found 'gpu'/],
  },
  { id: 'Y36', title: 'a positional argument', argv: study('now'), stderr: [/no positional arguments, found 'now'/] },
  { id: 'Y37', title: 'an unknown flag', argv: study('--fast'), stderr: [/fast/] },
  { id: 'Y38', title: '--seed without a value', argv: study('--seed'), stderr: [/seed/] },
  // Family comparison (issue #13): refused before any work, naming what is wrong.
  {
    id: 'Y39',
    title: 'an unknown family',
    argv: study('--families', 'nope', '--out', 'Y39'),
    stderr: [/--families: unknown family 'nope' \(expected a comma-separated list of deep-thin, wide-shallow, layer-shared, mha\)/],
    absent: ['Y39'],
  },
  {
    id: 'Y40',
    title: 'an unknown family among known ones',
    argv: study('--families', 'deep-thin,wide', '--out', 'Y40'),
    stderr: [/unknown family 'wide'/],
    absent: ['Y40'],
  },
  {
    id: 'Y41',
    title: 'a family listed twice',
    argv: study('--families', 'mha,mha', '--out', 'Y41'),
    stderr: [/lists a family twice/],
    absent: ['Y41'],
  },
  {
    id: 'Y42',
    title: '--scale zero',
    argv: study('--scale', '0', '--out', 'Y42'),
    stderr: [/--scale expects a number > 0, found '0'/],
    absent: ['Y42'],
  },
  {
    id: 'Y43',
    title: '--scale not a number',
    argv: study('--scale', 'big', '--out', 'Y43'),
    stderr: [/--scale expects a number, found 'big'/],
    absent: ['Y43'],
  },
  {
    id: 'Y44',
    title: "other families than the folder's study",
    argv: study('--out', 'S', '--families', 'deep-thin,mha'),
    files: { S: marker(SEED0) },
    stderr: [/families unset there, \["deep-thin","mha"\] now/],
  },
  // --queue (issue #14): a bad URL is refused before any stage, and a password in it is never shown.
  {
    id: 'Y45',
    title: '--queue not a URL',
    argv: study('--queue', 'notaurl', '--out', 'Y45'),
    stderr: [/--queue: not a URL: 'notaurl'; expected redis:\/\/\[:password@\]host:port\[\/db\]/],
    absent: ['Y45'],
  },
  {
    id: 'Y46',
    title: '--queue with an http URL',
    argv: study('--queue', 'http://queue.lab:6379', '--out', 'Y46'),
    stderr: [/--queue: scheme 'http' is not supported/],
    absent: ['Y46'],
  },
  {
    id: 'Y47',
    title: '--queue with a bad database keeps the password out of the message',
    argv: study('--queue', 'redis://:hunter2@127.0.0.1:6379/x', '--out', 'Y47'),
    stderr: [/--queue: database 'x' in 'redis:\/\/\*\*\*@127\.0\.0\.1:6379\/x' is not a number/],
    absent: ['Y47'],
    check: (r) => expect(r.stderr + r.stdout).not.toContain('hunter2'),
  },
  // --models (issue #16): every folder checked before stage 1 measures anything.
  {
    id: 'YM1',
    title: '--models a missing folder',
    argv: study('--models', 'nowhere', '--out', 'YM1'),
    stderr: [/--models: .*nowhere does not exist/],
    absent: ['YM1'],
  },
  {
    id: 'YM2',
    title: '--models a folder without config.json',
    argv: study('--models', 'ckpt', '--out', 'YM2'),
    files: { ckpt: { dir: { 'pytorch_model.bin': 'x' } } },
    stderr: [/--models: .*ckpt has no config\.json/],
    absent: ['YM2'],
  },
  {
    id: 'YM3',
    title: '--models a folder with config.json but no weights',
    argv: study('--models', 'ckpt', '--out', 'YM3'),
    files: { ckpt: { dir: { 'config.json': '{}' } } },
    stderr: [/--models: .*ckpt has no weights \(expected pytorch_model\.bin/],
    absent: ['YM3'],
  },
  {
    id: 'YM4',
    title: '--models a file, not a folder',
    argv: study('--models', 'model.bin', '--out', 'YM4'),
    files: { 'model.bin': 'x' },
    stderr: [/--models: .*model\.bin is not a folder/],
    absent: ['YM4'],
  },
  {
    id: 'YM5',
    title: '--models with an empty entry',
    argv: study('--models', 'a,,b', '--out', 'YM5'),
    stderr: [/--models expects comma-separated folders, found an empty entry in 'a,,b'/],
    absent: ['YM5'],
  },
  {
    id: 'YM6',
    title: '--corpus without --models',
    argv: study('--corpus', 'wiki.test.raw', '--out', 'YM6'),
    files: { 'wiki.test.raw': ' = A = \n' },
    stderr: [/--corpus applies to --models/],
    absent: ['YM6'],
  },
  {
    id: 'YM7',
    title: '--models with a missing --corpus file',
    argv: study('--models', 'ckpt', '--corpus', 'missing.raw', '--out', 'YM7'),
    files: { ckpt: CKPT },
    stderr: [/--corpus .*missing\.raw does not exist/],
    absent: ['YM7'],
  },
  {
    id: 'YM8',
    title: '--models listing one folder twice',
    argv: study('--models', 'ckpt,./ckpt', '--out', 'YM8'),
    files: { ckpt: CKPT },
    stderr: [/--models lists a folder twice/],
    absent: ['YM8'],
  },
  {
    id: 'YM9',
    title: '--models a checkpoint folder without a tokenizer',
    argv: study('--models', 'ckpt', '--out', 'YM9'),
    files: { ckpt: { dir: { 'config.json': '{}', 'pytorch_model.bin': 'x' } } },
    stderr: [/--models: .*ckpt has no tokenizer \(expected tokenizer\.model or tokenizer\.json\)/],
    absent: ['YM9'],
  },
  {
    id: 'YM10',
    title: '--models a checkpoint whose config.json lacks a field',
    argv: study('--models', 'ckpt', '--out', 'YM10'),
    files: { ckpt: { dir: { 'config.json': JSON.stringify(LLAMA), 'model.safetensors': 'x', 'tokenizer.model': 'x' } } },
    stderr: [/--models: .*ckpt.config\.json.*intermediate_size/],
    absent: ['YM10'],
  },
  {
    id: 'YM11',
    title: '--models a config.json that is not JSON',
    argv: study('--models', 'ckpt', '--out', 'YM11'),
    files: { ckpt: { dir: { 'config.json': '{"model_type": ', 'model.safetensors': 'x', 'tokenizer.model': 'x' } } },
    stderr: [/--models: .*ckpt.config\.json is not readable JSON/],
    absent: ['YM11'],
  },
];

describe('bad input: study', () => {
  for (const c of CASES)
    it(`${c.id} ${c.title}`, async () => {
      await runCase(c);
    }, 60_000);
});
