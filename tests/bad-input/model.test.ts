import { describe, expect, it } from 'vitest';
import { runCase, type BadCase } from './harness.js';

// `model info` and `model export` (issue #20; M* rows of shared/bad-inputs-found.md keep their ids).
const TINY = { name: 'tiny', vocabSize: 259, dim: 16, layers: 1, heads: 2, kvHeads: 1, headDim: 8, ffnHidden: 24, maxPositions: 64 };
const tinyJson = (extra: Record<string, unknown> = {}) => JSON.stringify({ ...TINY, ...extra });
const FILES = { 'tiny_model.json': tinyJson() };
const EXPORT = ['model', 'export', 'tiny_model.json'];

/** A safetensors file: 8-byte little-endian header length, JSON header, data. */
function safetensors(header: Record<string, unknown>, data: Uint8Array, claimedLength?: number): Uint8Array {
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(claimedLength ?? json.length));
  return Buffer.concat([prefix, json, data]);
}

const CASES: BadCase[] = [
  // Findings.
  {
    id: 'M17',
    title: 'export --weights a CSV file, not safetensors',
    argv: [...EXPORT, '--weights', 'good.csv', '--out', 'M17'],
    files: { ...FILES, 'good.csv': 'num_params,loss\n1000,3.2\n' },
    stderr: [/good\.csv.*(invalid|not a readable) safetensors/],
  },
  {
    id: 'M19',
    title: 'export --out an existing file',
    argv: [...EXPORT, '--random', '--out', 'victim.csv'],
    files: { ...FILES, 'victim.csv': 'a,b\n1,2\n' },
    stderr: [/--out .*victim\.csv is a file; expected a folder/],
  },
  {
    id: 'M27',
    title: 'info --seq 1e11 answers at once (closed forms), with a warning',
    code: 0,
    isolate: 30_000,
    argv: ['model', 'info', 'tiny_model.json', '--seq', '100000000000'],
    files: FILES,
    stderr: [/warning: --seq 100000000000 exceeds max_position_embeddings 64 of tiny/],
    stdout: [/FLOPs per token at context 100000000000/],
  },
  {
    id: 'M28',
    title: 'info mobilellm-125m --seq 1e15 --json answers at once',
    code: 0,
    isolate: 30_000,
    argv: ['model', 'info', 'mobilellm-125m', '--seq', '1e15', '--json'],
    check: (r) => {
      const info = JSON.parse(r.stdout) as {
        seq: number;
        flops_per_token_forward: number;
        kv_cache_bytes_fp16: number;
        training_memory_bytes: { total: number };
      };
      expect(info.seq).toBe(1e15);
      for (const v of [info.flops_per_token_forward, info.kv_cache_bytes_fp16, info.training_memory_bytes.total])
        expect(Number.isFinite(v) && v > 0).toBe(true);
    },
  },
  // Variants of the findings.
  {
    id: 'M17b',
    title: 'export --weights a folder',
    argv: [...EXPORT, '--weights', 'weights', '--out', 'o'],
    files: { ...FILES, weights: { dir: { 'a.safetensors': 'x' } } },
    stderr: [/--weights .*weights is not a file/],
  },
  {
    id: 'M17c',
    title: 'export --weights that does not exist',
    argv: [...EXPORT, '--weights', 'nope.safetensors', '--out', 'o'],
    files: FILES,
    stderr: [/--weights .*nope\.safetensors does not exist/],
  },
  {
    id: 'M17d',
    title: 'export --weights whose header claims more bytes than the file',
    argv: [...EXPORT, '--weights', 'w.safetensors', '--out', 'o'],
    files: { ...FILES, 'w.safetensors': safetensors({}, new Uint8Array(0), 1e9) },
    stderr: [/w\.safetensors: invalid safetensors file/],
  },
  {
    id: 'M17e',
    title: 'export --weights with a tensor of the wrong shape',
    argv: [...EXPORT, '--weights', 'w.safetensors', '--out', 'o'],
    files: {
      ...FILES,
      'w.safetensors': safetensors(
        { 'model.embed_tokens.weight': { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] } },
        new Uint8Array(16),
      ),
    },
    stderr: [/w\.safetensors: tensor model\.embed_tokens\.weight has shape \[2, 2\]/],
  },
  {
    id: 'M17f',
    title: 'export --weights truncated to 3 bytes',
    argv: [...EXPORT, '--weights', 'w.safetensors', '--out', 'o'],
    files: { ...FILES, 'w.safetensors': new Uint8Array([1, 2, 3]) },
    stderr: [/w\.safetensors: invalid safetensors file: file has 3 bytes/],
  },
  {
    id: 'M19b',
    title: "export --out a folder of someone else's files",
    argv: [...EXPORT, '--random', '--out', 'webapp'],
    files: { ...FILES, webapp: { dir: { 'index.html': '<html>', 'config.json': '{"port": 80}' } } },
    stderr: [/--out .*webapp is a folder with other files/],
  },
  {
    id: 'M19c',
    title: 'export --out under a file',
    argv: [...EXPORT, '--random', '--out', 'victim.txt/model'],
    files: { ...FILES, 'victim.txt': 'x' },
    stderr: [/victim\.txt is not a folder/],
  },
  {
    id: 'M19d',
    title: 'export --out a dangling link',
    argv: [...EXPORT, '--random', '--out', 'dangling'],
    files: { ...FILES, dangling: { symlink: 'gone' } },
    stderr: [/--out .*dangling is not a folder/],
  },
  {
    id: 'M19e',
    title: 'export into a new folder works',
    code: 0,
    argv: [...EXPORT, '--random', '--out', 'fresh'],
    files: FILES,
    exists: ['fresh/config.json', 'fresh/onnx/model.onnx'],
  },
  {
    id: 'M19f',
    title: 'export again into a folder it wrote works',
    code: 0,
    argv: [...EXPORT, '--random', '--out', 'prev'],
    files: { ...FILES, prev: { dir: { 'config.json': JSON.stringify({ scalewise_name: 'tiny', 'transformers.js_config': {} }) } } },
    mayChange: ['prev'],
    exists: ['prev/onnx/model.onnx'],
  },
  {
    id: 'M27b',
    title: 'info sliding-window config at --seq 1e12 answers at once',
    code: 0,
    isolate: 30_000,
    argv: ['model', 'info', 'sw.json', '--seq', '1000000000000', '--json'],
    files: { 'sw.json': tinyJson({ attention: { kind: 'sliding-window', window: 16 } }) },
    stdout: [/"seq": 1000000000000/],
  },
  {
    id: 'M27c',
    title: 'info block-sparse config at --seq 1e12 answers at once',
    code: 0,
    isolate: 30_000,
    argv: ['model', 'info', 'bs.json', '--seq', '1000000000000', '--json'],
    files: { 'bs.json': tinyJson({ attention: { kind: 'block-sparse', blockSize: 1, localBlocks: 2, globalTokens: 3 } }) },
    stdout: [/"seq": 1000000000000/],
  },
  // model
  { id: 'M01', title: 'model without a subcommand', argv: ['model'], stderr: [/no subcommand given; expected one of: info, export/] },
  { id: 'M02', title: 'model with an unknown subcommand', argv: ['model', 'inspect'], stderr: [/unknown model subcommand 'inspect'/] },
  // model info
  { id: 'M03', title: 'info without a model', argv: ['model', 'info'], stderr: [/expects one PRESET or config\.json, found 0 arguments/] },
  { id: 'M04', title: 'info with two models', argv: ['model', 'info', 'mobilellm-125m', 'mobilellm-350m'], stderr: [/found 2 arguments/] },
  { id: 'M05', title: 'info unknown preset', argv: ['model', 'info', 'llama-70b'], stderr: [/'llama-70b'|unknown model preset/] },
  { id: 'M06', title: 'info config file that does not exist', argv: ['model', 'info', 'missing.json'], stderr: [/missing\.json/] },
  {
    id: 'M07',
    title: 'info config that is not JSON names the file',
    argv: ['model', 'info', 'bad.json'],
    files: { 'bad.json': '{"dim": 16,' },
    stderr: [/bad\.json: not valid JSON/],
  },
  {
    id: 'M08',
    title: 'info config without a required field',
    argv: ['model', 'info', 'c.json'],
    files: { 'c.json': JSON.stringify({ dim: 16, layers: 1, heads: 2, ffnHidden: 24 }) },
    stderr: [/c\.json: field 'vocabSize' is missing/],
  },
  {
    id: 'M09',
    title: 'info config with a negative size',
    argv: ['model', 'info', 'c.json'],
    files: { 'c.json': tinyJson({ dim: -16 }) },
    stderr: [/dim must be a positive integer/],
  },
  {
    id: 'M10',
    title: 'info config with heads not divisible by kvHeads',
    argv: ['model', 'info', 'c.json'],
    files: { 'c.json': tinyJson({ heads: 3, kvHeads: 2, headDim: 8 }) },
    stderr: [/heads \(3\) must be divisible by kvHeads \(2\)/],
  },
  {
    id: 'M11',
    title: 'info config with an absurd vocabulary',
    argv: ['model', 'info', 'c.json'],
    files: { 'c.json': tinyJson({ vocabSize: 1e300 }) },
    stderr: [/vocabSize must be a positive integer up to 2147483647/],
  },
  {
    id: 'M12',
    title: 'info --seq 0',
    argv: ['model', 'info', 'mobilellm-125m', '--seq', '0'],
    stderr: [/--seq expects an integer >= 1, found '0'/],
  },
  {
    id: 'M13',
    title: 'info --seq fractional',
    argv: ['model', 'info', 'mobilellm-125m', '--seq', '1.5'],
    stderr: [/--seq expects an integer/],
  },
  {
    id: 'M14',
    title: 'info --seq beyond exact integers',
    isolate: 30_000,
    argv: ['model', 'info', 'mobilellm-125m', '--seq', '1e17'],
    stderr: [/--seq expects an integer >= 1/],
  },
  { id: 'M15', title: 'info --batch 0', argv: ['model', 'info', 'mobilellm-125m', '--batch', '0'], stderr: [/--batch expects an integer/] },
  {
    id: 'M16',
    title: 'info config that is a JSON array',
    argv: ['model', 'info', 'c.json'],
    files: { 'c.json': '[1, 2]' },
    stderr: [/c\.json: expected a JSON object with model fields, found an array/],
  },
  {
    id: 'M18',
    title: 'info folder without config.json',
    argv: ['model', 'info', 'folder/'],
    files: { folder: { dir: { 'x.txt': '' } } },
    stderr: [/config\.json/],
  },
  {
    id: 'M20',
    title: 'info HF config with a string size',
    argv: ['model', 'info', 'config.json'],
    files: { 'config.json': JSON.stringify({ hidden_size: '576', num_hidden_layers: 30 }) },
    stderr: [/field 'hidden_size' must be a positive integer/],
  },
  {
    id: 'M21',
    title: 'info unknown attention kind',
    argv: ['model', 'info', 'c.json'],
    files: { 'c.json': tinyJson({ attention: { kind: 'flash' } }) },
    stderr: [/attention\.kind must be one of full, sliding-window, block-sparse, linear/],
  },
  {
    id: 'M22',
    title: 'info config named with terminal escapes prints them escaped',
    code: 0,
    argv: ['model', 'info', 'c.json'],
    files: { 'c.json': tinyJson({ name: 'evil\u001b]0;owned\u0007' }) },
    stdout: [/evil\\x1b\]0;owned\\x07/],
  },
  { id: 'M23', title: 'info empty argument', argv: ['model', 'info', ''], stderr: [/empty argument/] },
  // model export
  { id: 'M24', title: 'export without --out', argv: [...EXPORT, '--random'], files: FILES, stderr: [/needs --out DIR/] },
  {
    id: 'M25',
    title: 'export with both --random and --weights',
    argv: [...EXPORT, '--random', '--weights', 'w.safetensors', '--out', 'o'],
    files: FILES,
    stderr: [/exactly one of --random or --weights/],
  },
  {
    id: 'M26',
    title: 'export with neither --random nor --weights',
    argv: [...EXPORT, '--out', 'o'],
    files: FILES,
    stderr: [/exactly one of --random or --weights/],
  },
  {
    id: 'M29',
    title: 'export --seed negative',
    argv: [...EXPORT, '--random', '--seed=-1', '--out', 'o'],
    files: FILES,
    stderr: [/--seed expects an integer in \[0, /],
  },
  {
    id: 'M30',
    title: 'export --seed with --weights',
    argv: [...EXPORT, '--weights', 'w.safetensors', '--seed', '2', '--out', 'o'],
    files: FILES,
    stderr: [/--seed applies to --random weights/],
  },
  {
    id: 'M31',
    title: 'export --external-data maybe',
    argv: [...EXPORT, '--random', '--external-data', 'maybe', '--out', 'o'],
    files: FILES,
    stderr: [/--external-data expects auto, yes or no, found 'maybe'/],
  },
  {
    id: 'M32',
    title: 'export --tokenizer unknown',
    argv: [...EXPORT, '--random', '--tokenizer', 'gpt2', '--out', 'o'],
    files: FILES,
    stderr: [/--tokenizer expects byte or none, found 'gpt2'/],
  },
  {
    id: 'M33',
    title: 'export a vocabulary too small for the byte tokenizer',
    argv: ['model', 'export', 'small.json', '--random', '--out', 'o'],
    files: { 'small.json': tinyJson({ vocabSize: 100 }) },
    stderr: [/--tokenizer byte needs vocabSize >= 259/],
  },
  {
    id: 'M34',
    title: 'export a config that is not JSON',
    argv: ['model', 'export', 'bad.json', '--random', '--out', 'o'],
    files: { 'bad.json': '{' },
    stderr: [/bad\.json: not readable JSON/],
  },
  {
    id: 'M35',
    title: 'export with two configs',
    argv: ['model', 'export', 'a.json', 'b.json', '--random', '--out', 'o'],
    stderr: [/expects one PRESET or config\.json, found 2/],
  },
];

describe('bad input: model', () => {
  it('has a case for every M row of the findings', () => {
    for (const id of ['M17', 'M19', 'M27', 'M28'])
      expect(
        CASES.some((c) => c.id === id),
        id,
      ).toBe(true);
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
  });
  for (const c of CASES)
    it(`${c.id} ${c.title}`, async () => {
      await runCase(c);
    }, 60_000);
});
