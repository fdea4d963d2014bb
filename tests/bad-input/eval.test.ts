import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BadCase } from './harness.js';
import { TINY_POSITIONS, buildTinyModel, removeTinyModel, runWithModel, type TinyModel } from './fixtures.js';

// `eval ppl` and `eval tasks` (issue #20; E* rows of shared/bad-inputs-found.md keep their ids). `@model` is a
// tiny byte-level model with 64 positions, built once for the file.
const PPL = ['eval', 'ppl', '--model', '@model'];
const TASKS = ['eval', 'tasks', '--model', '@model'];
const row = (context: string, choices: unknown, gold: unknown = 0) => JSON.stringify({ context, choices, gold });
const GOOD_TASK = [row('The sky is', ['blue', 'green']), row('Two plus two is', ['four', 'five'])].join('\n');
const CORPUS = ['The cat sat on the mat.', 'A quick brown fox jumps over the lazy dog.', 'Small models scale too.']
  .map((text, i) => JSON.stringify({ id: `d${i}`, text }))
  .join('\n');
// 34 bytes on disk, four of them not UTF-8 (a lone continuation byte, a truncated sequence, 0xff, 0xfe).
const BAD_UTF8 = Buffer.concat([
  Buffer.from('Hello world, this is '),
  Buffer.from([0x80, 0xe2, 0x82, 0xff, 0xfe].slice(0, 4)),
  Buffer.from('text ok.\n'),
]);
const lmEvalResults = JSON.stringify({ results: {}, 'n-samples': {}, config: {} });

const CASES: BadCase[] = [
  // Findings.
  {
    id: 'E09',
    title: 'ppl --max-length beyond the model positions',
    argv: [...PPL, '--corpus', 'c.jsonl', '--split', 'all', '--max-length', '100000', '--limit', '2'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--max-length 100000 exceeds the model's 64 positions/],
  },
  {
    id: 'E17',
    title: 'tasks with an empty-string choice',
    argv: [...TASKS, '--tasks', 'task_emptychoice.jsonl', '--json'],
    files: { 'task_emptychoice.jsonl': `${row('The sky is', ['blue', ''])}\n` },
    stderr: [/task_emptychoice\.jsonl' line 1: field 'choices' entry 1 is an empty string/],
  },
  {
    id: 'E22',
    title: 'tasks --output in folders that do not exist',
    argv: [...TASKS, '--tasks', 't.jsonl', '--output', 'E22dir/nested/out.json'],
    files: { 't.jsonl': GOOD_TASK },
    stderr: [/--output .*out\.json: folder .*nested does not exist/],
  },
  {
    id: 'E23',
    title: 'tasks --output pointing at a folder',
    argv: [...TASKS, '--tasks', 't.jsonl', '--output', 'inputs'],
    files: { 't.jsonl': GOOD_TASK, inputs: { dir: { 'keep.txt': 'mine' } } },
    stderr: [/--output .*inputs is a folder/],
    absent: ['inputs.tmp'],
  },
  {
    id: 'E32',
    title: 'ppl --limit 0',
    argv: [...PPL, '--corpus', 'c.jsonl', '--max-length', '64', '--limit', '0'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--limit expects an integer >= 1, found '0'/],
  },
  {
    id: 'E34',
    title: 'ppl --threads 0',
    argv: [...PPL, '--corpus', 'c.jsonl', '--max-length', '64', '--threads', '0', '--limit', '2'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--threads expects an integer in \[1, 1,024\], found '0'/],
  },
  {
    id: 'E39',
    title: 'ppl --limit 2.5',
    argv: [...PPL, '--corpus', 'c.jsonl', '--max-length', '64', '--limit', '2.5'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--limit expects an integer/],
  },
  {
    // Invalid UTF-8 under a text tokenizer is refused the same way `data prepare` refuses it (issue #20 item 4: reject
    // or warn, naming the file and offset): a bits-per-byte figure is never computed from replacement characters.
    id: 'E41',
    title: 'ppl on a corpus that is not valid UTF-8: refused, naming the file and the byte offset',
    argv: [...PPL, '--max-length', '64', '--corpus', 'badutf8.txt', '--split', 'all', '--json'],
    files: { 'badutf8.txt': BAD_UTF8 },
    stderr: [/badutf8\.txt: invalid UTF-8 at byte offset 21 \(byte 0x80\)/],
    check: () => {
      expect(BAD_UTF8.length).toBe(34);
    },
  },
  // Positions and windows.
  {
    id: 'E09b',
    title: 'ppl --max-length one above the positions',
    argv: [...PPL, '--corpus', 'c.jsonl', '--max-length', String(TINY_POSITIONS + 1)],
    files: { 'c.jsonl': CORPUS },
    stderr: [/exceeds the model's 64 positions/],
  },
  {
    id: 'E09c',
    title: 'tasks --max-length beyond the positions',
    argv: [...TASKS, '--tasks', 't.jsonl', '--max-length', '100000'],
    files: { 't.jsonl': GOOD_TASK },
    stderr: [/--max-length 100000 exceeds the model's 64 positions/],
  },
  {
    id: 'E09d',
    title: 'ppl at exactly the positions works',
    code: 0,
    argv: [...PPL, '--corpus', 'c.jsonl', '--split', 'all', '--max-length', '64', '--json'],
    files: { 'c.jsonl': CORPUS },
    stdout: [/"max_length": 64/],
  },
  {
    id: 'E09e',
    title: 'ppl default max length is capped at the positions',
    code: 0,
    argv: [...PPL, '--corpus', 'c.jsonl', '--split', 'all', '--json'],
    files: { 'c.jsonl': CORPUS },
    stdout: [/"max_length": 64/],
  },
  {
    id: 'E10',
    title: 'ppl --stride 0',
    argv: [...PPL, '--corpus', 'c.jsonl', '--max-length', '16', '--stride', '0'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--stride expects an integer in \[1, 16\]/],
  },
  {
    id: 'E11',
    title: 'ppl --stride above --max-length',
    argv: [...PPL, '--corpus', 'c.jsonl', '--max-length', '16', '--stride', '17'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--stride expects an integer in \[1, 16\], found '17'/],
  },
  {
    id: 'E12',
    title: 'ppl --max-length 0',
    argv: [...PPL, '--corpus', 'c.jsonl', '--max-length', '0'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--max-length expects an integer/],
  },
  {
    id: 'E13',
    title: 'ppl --max-length not a number',
    argv: [...PPL, '--corpus', 'c.jsonl', '--max-length', 'lots'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--max-length expects a number, found 'lots'/],
  },
  {
    id: 'E14',
    title: 'ppl --max-length fractional',
    argv: [...PPL, '--corpus', 'c.jsonl', '--max-length', '16.5'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--max-length expects an integer/],
  },
  // Flags.
  { id: 'E01', title: 'eval without a subcommand', argv: ['eval'], stderr: [/expected a subcommand 'ppl' or 'tasks', found none/] },
  { id: 'E02', title: 'eval with an unknown subcommand', argv: ['eval', 'perplexity'], stderr: [/found 'perplexity'/] },
  {
    id: 'E03',
    title: 'ppl without --model',
    argv: ['eval', 'ppl', '--corpus', 'c.jsonl'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--model DIR is required/],
  },
  {
    id: 'E15',
    title: 'ppl --split unknown',
    argv: [...PPL, '--split', 'dev'],
    stderr: [/--split must be train, validation, test or all, found 'dev'/],
  },
  {
    id: 'E16',
    title: 'ppl --corpus that does not exist',
    argv: [...PPL, '--corpus', 'missing.txt'],
    stderr: [/--corpus .*missing\.txt does not exist/],
  },
  {
    id: 'E18',
    title: 'ppl on a corpus of blank documents',
    argv: [...PPL, '--corpus', 'empty.txt', '--split', 'all'],
    files: { 'empty.txt': '\n\n  \n' },
    stderr: [/no non-empty documents/],
  },
  {
    id: 'E19',
    title: 'ppl --backend unknown',
    argv: [...PPL, '--backend', 'cuda'],
    stderr: [/--backend must be ort, transformers or wasm, found 'cuda'/],
  },
  {
    id: 'EW1',
    title: 'ppl --backend wasm on an int4 folder (it runs fp32 and int8)',
    argv: ['eval', 'ppl', '--model', 'm', '--tokenizer', 'byte', '--corpus', 'c.jsonl', '--backend', 'wasm'],
    files: {
      m: {
        dir: {
          'config.json': JSON.stringify({
            model_type: 'llama',
            hidden_size: 8,
            num_attention_heads: 2,
            num_hidden_layers: 1,
            vocab_size: 256,
            intermediate_size: 16,
            scalewise_dtype: 'int4',
          }),
          onnx: { dir: { 'model.onnx': 'not read' } },
        },
      },
      'c.jsonl': CORPUS,
    },
    stderr: [/m\/config\.json' says scalewise_dtype "int4"; it runs fp32 and int8 \(MatMulNBits\) llama/],
  },
  {
    id: 'E20',
    title: 'ppl --batch-size 0',
    argv: [...PPL, '--corpus', 'c.jsonl', '--batch-size', '0'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--batch-size expects an integer in \[1, 4,096\]/],
  },
  {
    id: 'E21',
    title: 'ppl --threads negative',
    argv: [...PPL, '--corpus', 'c.jsonl', '--threads=-2'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--threads expects an integer/],
  },
  {
    id: 'E24',
    title: 'ppl --threads fractional',
    argv: [...PPL, '--corpus', 'c.jsonl', '--threads', '1.5'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--threads expects an integer/],
  },
  {
    id: 'E25',
    title: 'ppl --threads absurdly large',
    isolate: 30_000,
    argv: [...PPL, '--corpus', 'c.jsonl', '--threads', '1e9'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--threads expects an integer in \[1, 1,024\]/],
  },
  {
    id: 'E26',
    title: 'ppl --limit negative',
    argv: [...PPL, '--corpus', 'c.jsonl', '--limit=-1'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--limit expects an integer/],
  },
  {
    id: 'E27',
    title: 'ppl --limit beyond any float',
    argv: [...PPL, '--corpus', 'c.jsonl', '--limit', '1e400'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--limit expects a number, found '1e400'/],
  },
  { id: 'E28', title: 'ppl with a stray argument', argv: [...PPL, 'extra'], stderr: [/unexpected argument 'extra'/] },
  {
    id: 'E29',
    title: 'ppl --output belongs to eval tasks',
    argv: [...PPL, '--output', 'o.json'],
    stderr: [/--output applies to 'eval tasks'/],
    absent: ['o.json'],
  },
  {
    id: 'E30',
    title: 'ppl --tokenizer folder that does not exist',
    argv: [...PPL, '--tokenizer', 'no-such-tok'],
    stderr: [/--tokenizer .*no-such-tok does not exist/],
  },
  // Model paths.
  {
    id: 'E31',
    title: '--model path that does not exist',
    argv: ['eval', 'ppl', '--model', 'nope', '--corpus', 'c.jsonl'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/model path '.*nope' does not exist/],
  },
  {
    id: 'E33',
    title: '--model folder without an ONNX graph',
    argv: ['eval', 'ppl', '--model', 'm'],
    files: { m: { dir: { 'config.json': '{}' } } },
    stderr: [/model folder '.*m' has no ONNX graph/],
  },
  {
    id: 'E35',
    title: '--model folder with a broken config.json',
    argv: ['eval', 'ppl', '--model', 'm'],
    files: { m: { dir: { 'config.json': '{"vocab_size": ', onnx: { dir: { 'model.onnx': 'x' } } } } },
    stderr: [/model config '.*config\.json' is not valid JSON/],
  },
  {
    id: 'E36',
    title: '--model a text file',
    argv: ['eval', 'ppl', '--model', 'notes.txt'],
    files: { 'notes.txt': 'hello' },
    stderr: [/must be a folder or a \.onnx file/],
  },
  {
    id: 'E37',
    title: '--model an .onnx file that is not ONNX',
    argv: ['eval', 'ppl', '--model', 'fake.onnx', '--tokenizer', 'byte', '--corpus', 'c.jsonl'],
    files: { 'fake.onnx': 'this is not a protobuf', 'c.jsonl': CORPUS },
    stderr: [/cannot load ONNX model '.*fake\.onnx'/],
  },
  {
    id: 'E38',
    title: '--model an .onnx file of random bytes',
    argv: ['eval', 'ppl', '--model', 'm/onnx/model.onnx', '--tokenizer', 'byte', '--corpus', 'c.jsonl'],
    files: { m: { dir: { onnx: { dir: { 'model.onnx': new Uint8Array(512).map((_, i) => (i * 37 + 11) % 256) } } } }, 'c.jsonl': CORPUS },
    stderr: [/cannot load ONNX model/],
  },
  // Task files.
  { id: 'E40', title: 'tasks without --tasks', argv: [...TASKS], stderr: [/--tasks FILE\.\.\. is required/] },
  {
    id: 'E42',
    title: 'tasks file that does not exist',
    argv: [...TASKS, '--tasks', 'missing.jsonl'],
    stderr: [/task file '.*missing\.jsonl' does not exist/],
  },
  {
    id: 'E43',
    title: 'tasks with an unknown format',
    argv: [...TASKS, '--tasks', 'mmlu=t.jsonl'],
    files: { 't.jsonl': GOOD_TASK },
    stderr: [/unknown format 'mmlu'/],
  },
  {
    id: 'E44',
    title: 'tasks format with no file',
    argv: [...TASKS, '--tasks', 'arc_easy='],
    stderr: [/no file after 'arc_easy='|does not exist|is not a file/],
  },
  {
    id: 'E45',
    title: 'tasks row that is not JSON names its line',
    argv: [...TASKS, '--tasks', 't.jsonl'],
    files: { 't.jsonl': `${GOOD_TASK}\n{"context": "x", "choices": [\n` },
    stderr: [/t\.jsonl' line 3: not valid JSON/],
  },
  {
    id: 'E46',
    title: 'tasks row gold out of range names line and field',
    argv: [...TASKS, '--tasks', 't.jsonl'],
    files: { 't.jsonl': `${row('a', ['b', 'c'])}\n${row('d', ['e', 'f'], 5)}\n` },
    stderr: [/line 2: field 'gold' must be a choice index in \[0, 2\), found 5/],
  },
  {
    id: 'E47',
    title: 'tasks row with choices not an array',
    argv: [...TASKS, '--tasks', 't.jsonl'],
    files: { 't.jsonl': `${row('a', 'b or c')}\n` },
    stderr: [/line 1: field 'choices' must be an array of at least 2 strings/],
  },
  {
    id: 'E48',
    title: 'tasks row with a single choice',
    argv: [...TASKS, '--tasks', 't.jsonl'],
    files: { 't.jsonl': `${row('a', ['only'])}\n` },
    stderr: [/line 1: field 'choices'/],
  },
  {
    id: 'E49',
    title: 'tasks row without a context',
    argv: [...TASKS, '--tasks', 't.jsonl'],
    files: { 't.jsonl': `${JSON.stringify({ choices: ['a', 'b'], gold: 0 })}\n` },
    stderr: [/line 1: field 'context' must be a string/],
  },
  {
    id: 'E50',
    title: 'tasks row that is an array',
    argv: [...TASKS, '--tasks', 't.jsonl'],
    files: { 't.jsonl': '["a", "b"]\n' },
    stderr: [/line 1: expected a JSON object/],
  },
  {
    id: 'E51',
    title: 'tasks blank lines keep line numbers right',
    argv: [...TASKS, '--tasks', 't.jsonl'],
    files: { 't.jsonl': `\n\n${row('a', ['b', 'c'], 'x')}\n` },
    stderr: [/line 3: field 'gold'/],
  },
  {
    id: 'E52',
    title: 'tasks file that is a folder',
    argv: [...TASKS, '--tasks', 'tasks'],
    files: { tasks: { dir: { 'a.jsonl': GOOD_TASK } } },
    stderr: [/task file '.*tasks' is not a file/],
  },
  {
    id: 'E53',
    title: 'tasks file that is binary',
    argv: [...TASKS, '--tasks', 'bin.jsonl'],
    files: { 'bin.jsonl': new Uint8Array([0, 1, 2, 27, 91, 51, 49, 109, 0]) },
    stderr: [/is binary/],
  },
  {
    id: 'E54',
    title: 'tasks file with no rows',
    argv: [...TASKS, '--tasks', 'empty.jsonl'],
    files: { 'empty.jsonl': '\n\n' },
    stderr: [/has no rows/],
  },
  {
    id: 'E55',
    title: 'tasks fake parquet',
    argv: [...TASKS, '--tasks', 'arc_easy=fake.parquet'],
    files: { 'fake.parquet': 'PAR1 not really' },
    stderr: [/fake\.parquet' is not readable parquet/],
  },
  {
    id: 'E56',
    title: 'tasks winogrande row without a blank',
    argv: [...TASKS, '--tasks', 'winogrande=w.jsonl'],
    files: { 'w.jsonl': `${JSON.stringify({ sentence: 'no blank here', option1: 'a', option2: 'b', answer: '1' })}\n` },
    stderr: [/w\.jsonl' line 1: field 'sentence' has no '_' blank/],
  },
  {
    id: 'E57',
    title: 'tasks arc row whose answerKey is not a label',
    argv: [...TASKS, '--tasks', 'arc_easy=a.jsonl'],
    files: { 'a.jsonl': `${JSON.stringify({ question: 'q', choices: { text: ['x', 'y'], label: ['A', 'B'] }, answerKey: 'C' })}\n` },
    stderr: [/line 1: answerKey 'C' is not one of choices\.label/],
  },
  {
    id: 'E58',
    title: 'tasks --limit 0',
    argv: [...TASKS, '--tasks', 't.jsonl', '--limit', '0'],
    files: { 't.jsonl': GOOD_TASK },
    stderr: [/--limit expects an integer/],
  },
  {
    id: 'E59',
    title: 'tasks --limit 1.5',
    argv: [...TASKS, '--tasks', 't.jsonl', '--limit', '1.5'],
    files: { 't.jsonl': GOOD_TASK },
    stderr: [/--limit expects an integer/],
  },
  {
    id: 'E60',
    title: 'tasks --stride belongs to eval ppl',
    argv: [...TASKS, '--tasks', 't.jsonl', '--stride', '4'],
    files: { 't.jsonl': GOOD_TASK },
    stderr: [/--stride applies to 'eval ppl'/],
  },
  {
    id: 'E61',
    title: 'tasks --output over a file the user made',
    argv: [...TASKS, '--tasks', 't.jsonl', '--output', 'victim.csv'],
    files: { 't.jsonl': GOOD_TASK, 'victim.csv': 'a,b\n1,2\n' },
    stderr: [/victim\.csv exists and was not written by scalewise/],
  },
  {
    id: 'E62',
    title: 'tasks --output under a file',
    argv: [...TASKS, '--tasks', 't.jsonl', '--output', 'victim.txt/out.json'],
    files: { 't.jsonl': GOOD_TASK, 'victim.txt': 'x' },
    stderr: [/victim\.txt is not a folder/],
  },
  {
    id: 'E63',
    title: 'tasks --output through a dangling link',
    argv: [...TASKS, '--tasks', 't.jsonl', '--output', 'dangling'],
    files: { 't.jsonl': GOOD_TASK, dangling: { symlink: 'nowhere/out.json' } },
    stderr: [/--output .*dangling is not a regular file/],
  },
  {
    id: 'E64',
    title: 'tasks --output replaces results it wrote before, leaving no temp file',
    code: 0,
    argv: [...TASKS, '--tasks', 't.jsonl', '--output', 'out.json'],
    files: { 't.jsonl': GOOD_TASK, 'out.json': lmEvalResults },
    mayChange: ['out.json'],
    check: async (r) => {
      const { readdir, readFile } = await import('node:fs/promises');
      expect((await readdir(r.dir)).sort()).toEqual(['out.json', 't.jsonl']);
      expect(JSON.parse(await readFile(`${r.dir}/out.json`, 'utf8'))).toHaveProperty(['results', 't', 'acc,none']);
    },
  },
  // Terminal safety: names from the input reach the table escaped.
  {
    id: 'E65',
    title: 'tasks file named with terminal escapes, printed escaped',
    code: 0,
    argv: [...TASKS, '--tasks', 'x\u001b]0;owned\u0007.jsonl'],
    files: { 'x\u001b]0;owned\u0007.jsonl': GOOD_TASK },
    stdout: [/x\\x1b\]0;owned\\x07/],
  },
  {
    id: 'E66',
    title: 'missing task file named with escapes',
    argv: [...TASKS, '--tasks', 'evil\u001b[2J.jsonl'],
    stderr: [/evil\\x1b\[2J\.jsonl/],
  },
  // Recipes (issue #16): checked before the model or corpus is read.
  {
    id: 'EHS1',
    title: 'ppl --recipe unknown',
    argv: [...PPL, '--corpus', 'c.jsonl', '--recipe', 'foo'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--recipe must be lm-eval or hf-stride, found 'foo'/],
  },
  {
    id: 'EHS2',
    title: 'ppl --recipe hf-stride --stride 0',
    argv: [...PPL, '--corpus', 'c.jsonl', '--recipe', 'hf-stride', '--max-length', '32', '--stride', '0'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--stride expects an integer in \[1, 32\], found '0'/],
  },
  {
    id: 'EHS3',
    title: 'ppl --recipe hf-stride with a stride longer than the window',
    argv: [...PPL, '--corpus', 'c.jsonl', '--recipe', 'hf-stride', '--max-length', '32', '--stride', '33'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--stride expects an integer in \[1, 32\], found '33'/],
  },
  {
    id: 'EHS4',
    title: 'ppl --recipe hf-stride --limit (documents are joined into one sequence)',
    argv: [...PPL, '--corpus', 'c.jsonl', '--recipe', 'hf-stride', '--limit', '2'],
    files: { 'c.jsonl': CORPUS },
    stderr: [/--limit applies to --recipe lm-eval/],
  },
  {
    id: 'EHS5',
    title: 'ppl --recipe hf-stride on a text file holding only blank lines',
    argv: [...PPL, '--corpus', 'blank.raw', '--recipe', 'hf-stride', '--max-length', '32'],
    files: { 'blank.raw': ' \n \n\n' },
    stderr: [/corpus '.*blank\.raw' has no text in split 'all'/],
  },
  {
    id: 'EHS6',
    title: 'tasks --recipe (a ppl flag)',
    argv: [...TASKS, '--tasks', 't.jsonl', '--recipe', 'hf-stride'],
    files: { 't.jsonl': GOOD_TASK },
    stderr: [/--recipe applies to 'eval ppl', not 'eval tasks'/],
  },
  {
    id: 'EHS7',
    title: '--model a downloaded checkpoint folder (no ONNX graph yet)',
    argv: ['eval', 'ppl', '--model', 'MobileLLM-125M', '--corpus', 'c.jsonl', '--recipe', 'hf-stride'],
    files: { 'MobileLLM-125M': { dir: { 'config.json': '{}', 'pytorch_model.bin': 'x' } }, 'c.jsonl': CORPUS },
    stderr: [/--model .*MobileLLM-125M is a checkpoint folder .*scalewise model export/],
  },
];

let tiny: TinyModel | undefined;
beforeAll(async () => {
  tiny = await buildTinyModel();
}, 120_000);
afterAll(() => removeTinyModel(tiny));

describe('bad input: eval', () => {
  it('has a case for every E row of the findings', () => {
    for (const id of ['E09', 'E17', 'E22', 'E23', 'E32', 'E34', 'E39', 'E41'])
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
