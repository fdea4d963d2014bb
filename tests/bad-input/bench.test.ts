import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BadCase } from './harness.js';
import { buildTinyModel, removeTinyModel, runWithModel, type TinyModel } from './fixtures.js';

// `bench` (issue #20; B* rows of shared/bad-inputs-found.md keep their ids). `@model` is a tiny byte-level model
// with 64 positions. Cases that could run for minutes or exhaust memory before the fix run isolated.
const BENCH = ['bench', '--model', '@model'];

const CASES: BadCase[] = [
  // Findings.
  {
    id: 'B04',
    title: '--pp 0 --tg 0 measures nothing',
    argv: [...BENCH, '--pp', '0', '--tg', '0', '-r', '2'],
    stderr: [/--pp 0 and --tg 0 leave nothing to measure/],
  },
  {
    id: 'B05',
    title: '--pp 1e9 beyond the positions',
    argv: [...BENCH, '--pp', '1e9', '--tg', '4', '-r', '2'],
    isolate: 30_000,
    stderr: [/--pp 1000000000 exceeds the model's 64 positions/],
  },
  {
    id: 'B07',
    title: '--threads 0',
    argv: [...BENCH, '--pp', '16', '--tg', '4', '-r', '2', '--threads', '0'],
    stderr: [/--threads expects an integer in \[1, 1,024\], found '0'/],
  },
  {
    id: 'B13',
    title: '--tg beyond the positions',
    argv: [...BENCH, '--pp', '16', '--tg', '100', '-r', '2'],
    stderr: [/--tg 100 exceeds the model's 64 positions/],
  },
  {
    id: 'B14',
    title: '-r 1e12 would run forever',
    argv: [...BENCH, '--pp', '16', '--tg', '4', '-r', '1e12'],
    isolate: 30_000,
    stderr: [/--reps expects an integer in \[1, 1,000\], found '1e12'/],
  },
  // Positions, counts and repetitions.
  {
    id: 'B13b',
    title: '--pp one above the positions',
    argv: [...BENCH, '--pp', '65', '--tg', '4', '-r', '1'],
    stderr: [/--pp 65 exceeds the model's 64 positions/],
  },
  { id: 'B15', title: '--pp negative', argv: [...BENCH, '--pp=-1'], stderr: [/--pp expects an integer/] },
  { id: 'B16', title: '--pp fractional', argv: [...BENCH, '--pp', '1.5'], stderr: [/--pp expects an integer/] },
  { id: 'B17', title: '--tg not a number', argv: [...BENCH, '--tg', 'many'], stderr: [/--tg expects a number, found 'many'/] },
  { id: 'B18', title: '-r 0', argv: [...BENCH, '--pp', '8', '-r', '0'], stderr: [/--reps expects an integer in \[1, 1,000\], found '0'/] },
  { id: 'B19', title: '-r fractional', argv: [...BENCH, '--pp', '8', '-r', '2.5'], stderr: [/--reps expects an integer/] },
  {
    id: 'B20',
    title: '--threads absurdly large',
    argv: [...BENCH, '--pp', '8', '--threads', '1e9'],
    stderr: [/--threads expects an integer in \[1, 1,024\]/],
  },
  { id: 'B21', title: '--threads fractional', argv: [...BENCH, '--pp', '8', '--threads', '0.5'], stderr: [/--threads expects an integer/] },
  {
    id: 'B22',
    title: 'pp and tg at exactly the positions work',
    code: 0,
    argv: [...BENCH, '--pp', '64', '--tg', '2', '-r', '1', '--no-isolate', '--no-bandwidth', '--threads', '1', '--json'],
    check: (r) => {
      const out = JSON.parse(r.stdout) as { pp: { n_prompt: number }; tg: { n_gen: number }; threads: number };
      expect([out.pp.n_prompt, out.tg.n_gen, out.threads]).toEqual([64, 2, 1]);
    },
  },
  // Flags.
  {
    id: 'B01',
    title: 'neither --model nor --preset',
    argv: ['bench'],
    stderr: [/give exactly one of --model PATH or --preset NAME --random/],
  },
  {
    id: 'B02',
    title: 'both --model and --preset',
    argv: [...BENCH, '--preset', 'mobilellm-125m', '--random'],
    stderr: [/give exactly one of --model/],
  },
  { id: 'B03', title: '--preset without --random', argv: ['bench', '--preset', 'mobilellm-125m'], stderr: [/--preset needs --random/] },
  { id: 'B06', title: 'unknown --preset', argv: ['bench', '--preset', 'gpt-9', '--random'], stderr: [/unknown model preset 'gpt-9'/] },
  {
    id: 'B08',
    title: '--dtype unknown',
    argv: ['bench', '--preset', 'mobilellm-125m', '--random', '--dtype', 'fp64'],
    stderr: [/--dtype must be fp32 or int8, found 'fp64'/],
  },
  {
    id: 'B09',
    title: '--dtype with a --model folder',
    argv: [...BENCH, '--dtype', 'int8'],
    stderr: [/--dtype applies to --preset --random exports/],
  },
  { id: 'B10', title: '--seed with a --model folder', argv: [...BENCH, '--seed', '3'], stderr: [/--seed applies to --preset exports/] },
  {
    id: 'B11',
    title: '--backend unknown',
    argv: [...BENCH, '--backend', 'tensorrt'],
    stderr: [/--backend must be ort, transformers or wasm, found 'tensorrt'/],
  },
  {
    id: 'BW1',
    title: '--backend wasm with --dtype int4 (wasm runs fp32 and int8), refused before exporting',
    argv: ['bench', '--preset', 'mobilellm-125m', '--random', '--dtype', 'int4', '--backend', 'wasm'],
    stderr: [/--dtype must be fp32 or int8, found 'int4'/],
  },
  { id: 'B12', title: 'a stray argument', argv: [...BENCH, 'now'], stderr: [/unexpected argument 'now'/] },
  {
    id: 'B23',
    title: '--preset --pp beyond its 2048 positions, refused before exporting',
    argv: ['bench', '--preset', 'mobilellm-125m', '--random', '--pp', '4096'],
    stderr: [/--pp 4096 exceeds the model's 2048 positions \(max_position_embeddings of preset mobilellm-125m\)/],
  },
  {
    id: 'B24',
    title: '--seed negative for a preset',
    argv: ['bench', '--preset', 'mobilellm-125m', '--random', '--seed=-1'],
    stderr: [/--seed expects an integer/],
  },
  // Model paths.
  { id: 'B25', title: '--model that does not exist', argv: ['bench', '--model', 'nope'], stderr: [/model path '.*nope' does not exist/] },
  {
    id: 'B26',
    title: '--model folder without an ONNX graph',
    argv: ['bench', '--model', 'm'],
    files: { m: { dir: { 'config.json': '{"max_position_embeddings": 64}' } } },
    stderr: [/has no ONNX graph/],
  },
  {
    id: 'B27',
    title: '--model folder with a broken config.json',
    argv: ['bench', '--model', 'm'],
    files: { m: { dir: { 'config.json': '{', onnx: { dir: { 'model.onnx': 'x' } } } } },
    stderr: [/config\.json' is not valid JSON/],
  },
  {
    id: 'B28',
    title: '--model an .onnx that is not ONNX',
    argv: ['bench', '--model', 'fake.onnx', '--pp', '8', '--tg', '2', '-r', '1', '--no-isolate', '--no-bandwidth'],
    files: { 'fake.onnx': 'not a protobuf' },
    stderr: [/cannot load ONNX model '.*fake\.onnx'/],
  },
  {
    id: 'B29',
    title: 'a bare .onnx with --pp above the typo guard',
    argv: ['bench', '--model', 'fake.onnx', '--pp', '100000'],
    files: { 'fake.onnx': 'not a protobuf' },
    stderr: [/--pp 100000 is above 65,536 tokens/],
  },
  { id: 'B30', title: '--model named with terminal escapes', argv: ['bench', '--model', 'm\u001b[31m'], stderr: [/m\\x1b\[31m/] },
  // Protocols (issue #16): checked before the model is loaded.
  {
    id: 'BPR1',
    title: '--protocol unknown',
    argv: [...BENCH, '--protocol', 'x'],
    stderr: [/--protocol must be llama-bench or original, found 'x'/],
  },
  {
    id: 'BPR2',
    title: '--protocol original with --tg (a llama-bench flag)',
    argv: [...BENCH, '--protocol', 'original', '--tg', '4'],
    stderr: [/--tg applies to --protocol llama-bench/],
  },
  {
    id: 'BPR3',
    title: '--new-tokens under llama-bench',
    argv: [...BENCH, '--new-tokens', '50'],
    stderr: [/--new-tokens applies to --protocol original/],
  },
  {
    id: 'BPR4',
    title: '--protocol original --new-tokens 0',
    argv: [...BENCH, '--protocol', 'original', '--new-tokens', '0'],
    stderr: [/--new-tokens expects an integer in \[1, 65,536\], found '0'/],
  },
  {
    id: 'BPR5',
    title: '--protocol original generating past the model positions',
    argv: [...BENCH, '--protocol', 'original', '--new-tokens', '60'],
    stderr: [/--new-tokens 60 after an 8-token prompt needs 67 positions; the model has 64/],
  },
  {
    id: 'BPR6',
    title: '--model a downloaded checkpoint folder (no ONNX graph yet)',
    argv: ['bench', '--model', 'MobileLLM-125M', '--protocol', 'original'],
    files: { 'MobileLLM-125M': { dir: { 'config.json': '{}', 'pytorch_model.bin': 'x' } } },
    stderr: [/--model .*MobileLLM-125M is a checkpoint folder .*scalewise model export/],
  },
];

let tiny: TinyModel | undefined;
beforeAll(async () => {
  tiny = await buildTinyModel();
}, 120_000);
afterAll(() => removeTinyModel(tiny));

describe('bad input: bench', () => {
  it('has a case for every B row of the findings', () => {
    for (const id of ['B04', 'B05', 'B07', 'B13', 'B14'])
      expect(
        CASES.some((c) => c.id === id),
        id,
      ).toBe(true);
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
  });
  for (const c of CASES)
    it(`${c.id} ${c.title}`, async () => {
      await runWithModel(c, tiny!);
    }, 60_000);
});
