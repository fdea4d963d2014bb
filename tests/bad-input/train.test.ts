import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '@scalewise/cli';
import { runCase, type BadCase, type Fixture } from './harness.js';
import { CORPUS, MODEL, SHARED, fillTensors, readTree, tinyConfig, useSharedCache } from './tiny.js';

useSharedCache();

// A real finished run (2 steps, a checkpoint after each, 2 kept), replayed and damaged by the resume cases.
let run: { dir: Record<string, Fixture> } = { dir: {} };
beforeAll(async () => {
  writeFileSync(path.join(SHARED, 'run.json'), tinyConfig());
  const quiet = { isTTY: false, cwd: SHARED, stdout: () => {}, stderr: () => {} };
  const code = await main(['train', '--config', path.join(SHARED, 'run.json'), '--out', path.join(SHARED, 'run')], quiet);
  if (code !== 0) throw new Error(`template run failed with exit ${code}`);
  run = readTree(path.join(SHARED, 'run'));
}, 60_000);

type Tree = { dir: Record<string, Fixture> };
const sub = (tree: Tree, name: string): Tree => tree.dir[name] as Tree;
const bytes = (tree: Tree, name: string): Uint8Array => tree.dir[name] as Uint8Array;

/** The template run with each checkpoint changed by `edit` (newest only unless `all`). */
function damaged(edit: (ckpt: Tree) => void, all = false): Fixture {
  const copy = structuredClone(run) as Tree;
  const ckpts = sub(copy, 'checkpoints');
  const names = Object.keys(ckpts.dir)
    .filter((n) => n.startsWith('step-'))
    .sort();
  for (const name of all ? names : names.slice(-1)) edit(sub(ckpts, name));
  return copy;
}
const zeroWeights = (c: Tree) => {
  c.dir['model.safetensors'] = fillTensors(bytes(c, 'model.safetensors'), (d) => d.fill(0));
};
const nanWeights = (c: Tree) => {
  delete c.dir['checksums.json'];
  c.dir['model.safetensors'] = fillTensors(bytes(c, 'model.safetensors'), (d) => d.writeFloatLE(Number.NaN, 0));
};
const editState = (change: (s: Record<string, unknown>) => void) => (c: Tree) => {
  delete c.dir['checksums.json'];
  const state = JSON.parse(Buffer.from(bytes(c, 'state.json')).toString('utf8')) as Record<string, unknown>;
  change(state);
  c.dir['state.json'] = JSON.stringify(state);
};

const cfg = (over: Record<string, unknown> = {}) => ({ 'tiny.json': tinyConfig(over) });
const trainArgs = (...extra: string[]) => ['train', '--config', 'tiny.json', ...extra];
const HUGE = {
  name: 'huge-290g',
  vocabSize: 32000,
  dim: 24576,
  layers: 40,
  heads: 192,
  kvHeads: 192,
  headDim: 128,
  ffnHidden: 98304,
  maxPositions: 2048,
};
const resumeOut = (id: string) => ({ mayChange: [id] });

const CASES: BadCase[] = [
  // Rows of shared/bad-inputs-found.md
  {
    id: 'T06',
    title: '--out pointing at a file keeps it',
    argv: trainArgs('--out', 'victim.csv'),
    files: { ...cfg(), 'victim.csv': 'a,b\n' },
    stderr: [/victim\.csv' exists and is not a folder/],
  },
  {
    id: 'T07',
    title: '--out under /proc does not hang',
    argv: trainArgs('--out', '/proc/audit-rel-T07'),
    files: cfg(),
    stderr: [/proc pseudo file system|not writable/],
    isolate: 30_000,
  },
  {
    id: 'T19',
    title: 'a 290G-parameter model is refused up front',
    argv: trainArgs('--out', 'T19'),
    files: cfg({ model: HUGE }),
    stderr: [/model 'huge-290g' needs at least [\d.]+e?\+?\d* GiB .* memory is free/],
    isolate: 60_000,
  },
  {
    id: 'T32',
    title: 'zeroed weights in the newest checkpoint: detected, previous good one used',
    get files() {
      return { ...cfg(), T32: damaged(zeroWeights) };
    },
    argv: trainArgs('--out', 'T32', '--resume'),
    code: 0,
    stderr: [
      /warning: checkpoint .*step-00000002: model\.safetensors does not match its recorded SHA-256 .*trying the previous checkpoint/,
    ],
    ...resumeOut('T32'),
  },
  {
    id: 'T34',
    title: 'NaN weights are diagnosed as a damaged checkpoint, not a learning rate',
    get files() {
      return { ...cfg(), T34: damaged(nanWeights, true) };
    },
    argv: trainArgs('--out', 'T34', '--resume'),
    stderr: [/holds non-finite values \(not a number or infinite\): the checkpoint is damaged/],
    check: (r) => expect(r.stderr).not.toMatch(/lower optimizer\.lr/),
  },
  {
    id: 'T38',
    title: 'a state.json missing a field names it',
    get files() {
      return {
        ...cfg(),
        T38: damaged(
          editState((s) => {
            delete s.config;
          }),
          true,
        ),
      };
    },
    argv: trainArgs('--out', 'T38', '--resume'),
    stderr: [/state\.json lacks field 'config'/],
  },
  {
    id: 'T40',
    title: "a new run over another run's metrics and result is refused",
    get files() {
      const copy = structuredClone(run) as Tree;
      delete copy.dir.checkpoints;
      return { ...cfg({ optimizer: { lr: 0.02 } }), T40: copy };
    },
    argv: trainArgs('--out', 'T40'),
    stderr: [/T40 already holds a run \(metrics\.jsonl, result\.json\): continue it with --resume, replace it with --force/],
  },
  {
    id: 'S06',
    title: '--out a dangling symlink',
    argv: trainArgs('--out', 'dangling'),
    files: { ...cfg(), dangling: { symlink: 'nowhere/at/all' } },
    stderr: [/dangling symbolic link/],
  },
  // Checkpoint integrity variants
  {
    id: 'T41',
    title: 'every checkpoint corrupt: exit 2 naming the first problem',
    get files() {
      return { ...cfg(), T41: damaged(zeroWeights, true) };
    },
    argv: trainArgs('--out', 'T41', '--resume'),
    stderr: [/no usable checkpoint in .*does not match its recorded SHA-256.*--force/],
  },
  {
    id: 'T42',
    title: 'an incomplete newest checkpoint (weights missing) falls back',
    get files() {
      return {
        ...cfg(),
        T42: damaged((c) => {
          delete c.dir['model.safetensors'];
        }),
      };
    },
    argv: trainArgs('--out', 'T42', '--resume'),
    code: 0,
    stderr: [/model\.safetensors is missing \(incomplete checkpoint\)/],
    ...resumeOut('T42'),
  },
  {
    id: 'T43',
    title: 'a modified state.json is caught by its checksum',
    get files() {
      return {
        ...cfg(),
        T43: damaged((c) => {
          c.dir['state.json'] = Buffer.from(bytes(c, 'state.json')).toString('utf8').replace('"step": 2', '"step": 1');
        }),
      };
    },
    argv: trainArgs('--out', 'T43', '--resume'),
    code: 0,
    stderr: [/state\.json does not match its recorded SHA-256/],
    ...resumeOut('T43'),
  },
  {
    id: 'T44',
    title: 'state.json without data.consumed',
    get files() {
      return {
        ...cfg(),
        T44: damaged(
          editState((s) => {
            s.data = {};
          }),
          true,
        ),
      };
    },
    argv: trainArgs('--out', 'T44', '--resume'),
    stderr: [/lacks field 'data\.consumed'/],
  },
  {
    id: 'T45',
    title: 'state.json with a negative step',
    get files() {
      return {
        ...cfg(),
        T45: damaged(
          editState((s) => {
            s.step = -3;
          }),
          true,
        ),
      };
    },
    argv: trainArgs('--out', 'T45', '--resume'),
    stderr: [/field 'step' must be a finite number >= 0, found -3/],
  },
  {
    id: 'T46',
    title: 'state.json that is not JSON',
    get files() {
      return {
        ...cfg(),
        T46: damaged((c) => {
          delete c.dir['checksums.json'];
          c.dir['state.json'] = '{"step": 2,';
        }, true),
      };
    },
    argv: trainArgs('--out', 'T46', '--resume'),
    stderr: [/cannot read state\.json/],
  },
  {
    id: 'T47',
    title: 'a foreign checksums.json',
    get files() {
      return {
        ...cfg(),
        T47: damaged((c) => {
          c.dir['checksums.json'] = '{"md5": {}}';
        }, true),
      };
    },
    argv: trainArgs('--out', 'T47', '--resume'),
    stderr: [/is not a scalewise checksum file/],
  },
  {
    id: 'T48',
    title: 'a truncated weights file without checksums',
    get files() {
      return {
        ...cfg(),
        T48: damaged((c) => {
          delete c.dir['checksums.json'];
          c.dir['model.safetensors'] = bytes(c, 'model.safetensors').subarray(0, 40);
        }, true),
      };
    },
    argv: trainArgs('--out', 'T48', '--resume'),
    stderr: [/checkpoint .*step-0000000\d/],
  },
  {
    id: 'T49',
    title: '--force starts afresh over another run',
    get files() {
      return { ...cfg({ optimizer: { lr: 0.02 } }), T49: structuredClone(run) as Tree };
    },
    argv: trainArgs('--out', 'T49', '--force'),
    code: 0,
    ...resumeOut('T49'),
  },
  {
    id: 'T50',
    title: '--resume and --force together',
    argv: trainArgs('--out', 'o', '--resume', '--force'),
    files: cfg(),
    stderr: [/at most one of --resume and --force/],
  },
  // Output paths
  {
    id: 'T51',
    title: '--out under a file',
    argv: trainArgs('--out', 'victim.csv/run'),
    files: { ...cfg(), 'victim.csv': 'x\n' },
    stderr: [/victim\.csv/],
  },
  {
    id: 'T52',
    title: '--out a symlink to a file',
    argv: trainArgs('--out', 'link'),
    files: { ...cfg(), 'f.txt': 'x\n', link: { symlink: 'f.txt' } },
    stderr: [/exists and is not a folder/],
  },
  {
    id: 'T53',
    title: 'a model name with ../ stays inside scalewise-out',
    argv: trainArgs(),
    files: cfg({ model: { ...MODEL, name: '../../../escape' } }),
    code: 0,
    exists: ['scalewise-out/train-escape/result.json'],
  },
  {
    id: 'T54',
    title: 'missing parent folders of --out are created',
    argv: trainArgs('--out', 'runs/a/b'),
    files: cfg(),
    code: 0,
    exists: ['runs/a/b/result.json'],
  },
  // Flags
  {
    id: 'T55',
    title: '--seed negative',
    argv: trainArgs('--seed=-1', '--out', 'o'),
    files: cfg(),
    stderr: [/--seed expects an integer >= 0, found '-1'/],
  },
  {
    id: 'T56',
    title: '--seed fractional',
    argv: trainArgs('--seed', '1.5', '--out', 'o'),
    files: cfg(),
    stderr: [/--seed expects an integer/],
  },
  {
    id: 'T57',
    title: '--seed not a number',
    argv: trainArgs('--seed', 'x', '--out', 'o'),
    files: cfg(),
    stderr: [/--seed expects a number, found 'x'/],
  },
  {
    id: 'T58',
    title: '--tokens 0',
    argv: trainArgs('--tokens', '0', '--out', 'o'),
    files: cfg(),
    stderr: [/--tokens expects an integer >= 1/],
  },
  {
    id: 'T59',
    title: '--tokens fractional',
    argv: trainArgs('--tokens', '100.5', '--out', 'o'),
    files: cfg(),
    stderr: [/--tokens expects an integer/],
  },
  {
    id: 'T60',
    title: '--tokens beyond safe integers',
    argv: trainArgs('--tokens', '1e300', '--out', 'o'),
    files: cfg(),
    stderr: [/--tokens expects an integer/],
  },
  {
    id: 'T61',
    title: '--threads 0',
    argv: trainArgs('--threads', '0', '--out', 'o'),
    files: cfg(),
    stderr: [/--threads expects an integer in \[1, 1,024\], found '0'/],
  },
  {
    id: 'T62',
    title: '--threads fractional',
    argv: trainArgs('--threads', '2.5', '--out', 'o'),
    files: cfg(),
    stderr: [/--threads expects an integer/],
  },
  { id: 'T63', title: 'unknown --engine', argv: trainArgs('--engine', 'gpu', '--out', 'o'), files: cfg(), stderr: [/field 'engine'/] },
  { id: 'T64', title: 'neither --config nor --preset', argv: ['train'], stderr: [/exactly one of --config FILE and --preset NAME/] },
  { id: 'T65', title: 'both --config and --preset', argv: trainArgs('--preset', 'mobilellm-125m'), files: cfg(), stderr: [/exactly one/] },
  { id: 'T66', title: '--preset without --tokens', argv: ['train', '--preset', 'mobilellm-125m'], stderr: [/--preset needs --tokens/] },
  { id: 'T67', title: 'a positional argument', argv: trainArgs('extra'), files: cfg(), stderr: [/unexpected argument 'extra'/] },
  // Config files
  { id: 'T68', title: 'a missing config file', argv: trainArgs(), stderr: [/--config: cannot read .*tiny\.json/] },
  {
    id: 'T69',
    title: 'a config that is not JSON',
    argv: trainArgs(),
    files: { 'tiny.json': '{"model": ' },
    stderr: [/tiny\.json is not valid JSON/],
  },
  { id: 'T70', title: 'a config that is an array', argv: trainArgs(), files: { 'tiny.json': '[]' }, stderr: [/must hold a JSON object/] },
  { id: 'T71', title: 'config without model', argv: trainArgs(), files: cfg({ model: undefined }), stderr: [/field 'model'/] },
  {
    id: 'T72',
    title: 'an unknown model preset',
    argv: trainArgs(),
    files: cfg({ model: 'no-such-model' }),
    stderr: [/field 'model'.*no-such-model/],
  },
  {
    id: 'T73',
    title: 'a negative learning rate',
    argv: trainArgs(),
    files: cfg({ optimizer: { lr: -1 } }),
    stderr: [/field 'optimizer\.lr'.*found -1/],
  },
  {
    id: 'T74',
    title: 'a learning rate given as text',
    argv: trainArgs(),
    files: cfg({ optimizer: { lr: '0.01' } }),
    stderr: [/field 'optimizer\.lr'/],
  },
  { id: 'T75', title: 'batchSize 0', argv: trainArgs(), files: cfg({ batchSize: 0 }), stderr: [/field 'batchSize'/] },
  {
    id: 'T76',
    title: 'fractional batchSize',
    argv: trainArgs(),
    files: cfg({ batchSize: 1.5 }),
    stderr: [/field 'batchSize'.*found 1\.5/],
  },
  { id: 'T77', title: 'negative steps', argv: trainArgs(), files: cfg({ steps: -1 }), stderr: [/field 'steps'/] },
  {
    id: 'T78',
    title: 'both tokens and steps',
    argv: trainArgs(),
    files: cfg({ tokens: 64 }),
    stderr: [/only one of fields 'tokens' and 'steps'/],
  },
  {
    id: 'T79',
    title: 'neither tokens nor steps',
    argv: trainArgs(),
    files: cfg({ steps: undefined }),
    stderr: [/field 'tokens' or 'steps' is required/],
  },
  { id: 'T80', title: 'an unknown field', argv: trainArgs(), files: cfg({ learningRate: 0.1 }), stderr: [/learningRate/] },
  {
    id: 'T81',
    title: 'data.seq beyond maxPositions',
    argv: trainArgs(),
    files: cfg({ data: { corpus: CORPUS, seq: 65 } }),
    stderr: [/field 'data\.seq' \(65\) exceeds the model's maxPositions \(64\)/],
  },
  {
    id: 'T82',
    title: 'an unknown schedule kind',
    argv: trainArgs(),
    files: cfg({ schedule: { kind: 'step' } }),
    stderr: [/field 'schedule\.kind'/],
  },
  {
    id: 'T83',
    title: 'warmup longer than the run',
    argv: trainArgs(),
    files: cfg({ schedule: { kind: 'cosine', warmup: 10 } }),
    stderr: [/schedule\.warmup' \(10 steps\) exceeds the run's 2 steps/],
  },
  {
    id: 'T84',
    title: 'checkpoint.keep 0',
    argv: trainArgs(),
    files: cfg({ checkpoint: { every: 1, keep: 0 } }),
    stderr: [/field 'checkpoint\.keep'/],
  },
  {
    id: 'T85',
    title: 'negative eval.every',
    argv: trainArgs(),
    files: cfg({ eval: { every: -1, batches: 1 } }),
    stderr: [/field 'eval\.every'/],
  },
  { id: 'T86', title: 'a negative seed in the config', argv: trainArgs(), files: cfg({ seed: -2 }), stderr: [/field 'seed'/] },
  { id: 'T87', title: 'threads 0 in the config', argv: trainArgs(), files: cfg({ threads: 0 }), stderr: [/field 'threads'/] },
  { id: 'T88', title: 'a model with dim 0', argv: trainArgs(), files: cfg({ model: { ...MODEL, dim: 0 } }), stderr: [/field 'model'/] },
  {
    id: 'T89',
    title: 'a missing corpus path',
    argv: trainArgs('--out', 'o'),
    files: cfg({ data: { corpus: 'no-such-corpus', seq: 16 } }),
    stderr: [/no-such-corpus/],
    absent: ['o'],
  },
  {
    id: 'T90',
    title: 'a corpus of invalid UTF-8',
    argv: trainArgs('--out', 'o'),
    files: { ...cfg({ data: { corpus: 'bad.txt', seq: 16 } }), 'bad.txt': Uint8Array.from([0x41, 0xff, 0x0a]) },
    stderr: [/bad\.txt: invalid UTF-8 at byte offset 1/],
  },
  {
    id: 'T91',
    title: 'a missing tokenizer folder',
    argv: trainArgs('--out', 'o'),
    files: cfg({ data: { corpus: CORPUS, tokenizer: 'no-tok', seq: 16 } }),
    stderr: [/no-tok/],
  },
  {
    id: 'T92',
    title: "a vocabulary smaller than the tokenizer's",
    argv: trainArgs('--out', 'o'),
    files: cfg({ model: { ...MODEL, vocabSize: 100 } }),
    stderr: [/vocabSize 100, smaller than the tokenizer's 259/],
  },
  {
    id: 'T93',
    title: 'a Hugging Face _name_or_path with ../ stays inside scalewise-out',
    argv: trainArgs(),
    code: 0,
    files: {
      ...cfg({ model: './hf/config.json' }),
      hf: {
        dir: {
          'config.json': JSON.stringify({
            architectures: ['LlamaForCausalLM'],
            model_type: 'llama',
            _name_or_path: '../../../hf-escape',
            vocab_size: 259,
            hidden_size: 16,
            num_hidden_layers: 1,
            num_attention_heads: 2,
            num_key_value_heads: 1,
            intermediate_size: 32,
            max_position_embeddings: 64,
          }),
        },
      },
    },
    exists: ['scalewise-out/train-hf-escape/result.json'],
  },
];

describe('bad input: train', () => {
  for (const c of CASES)
    it(`${c.id} ${c.title}`, async () => {
      await runCase(c);
    }, 90_000);
});
