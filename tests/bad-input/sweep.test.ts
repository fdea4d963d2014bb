import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCase, type BadCase } from './harness.js';
import { MODEL, TRAINING, useSharedCache } from './tiny.js';

useSharedCache();

const BUDGET = { tokens: 64 };
/** A tiny sweep spec as JSON text; `over` replaces top-level fields (undefined removes one). */
function spec(over: Record<string, unknown> = {}): string {
  const s: Record<string, unknown> = { name: 'bad', training: TRAINING, models: [MODEL], budgets: [BUDGET], ...over };
  for (const [k, v] of Object.entries(over)) if (v === undefined) delete s[k];
  return JSON.stringify(s);
}
const files = (over: Record<string, unknown> = {}) => ({ 'spec.json': spec(over) });
const sweep = (...extra: string[]) => ['sweep', '--spec', 'spec.json', ...extra];
const rows = (dir: string, out: string) =>
  readFileSync(path.join(dir, out, 'results.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { id: string; model: string });
const FOREIGN_RUN = { id: 'other-spec-run', model: 'someone-else', params_total: 1, tokens: 1, val_loss: 1, val_bpb: 1, wall_s: 1 };
const FOREIGN_ROW = `${JSON.stringify(FOREIGN_RUN)}\n`;

const CASES: BadCase[] = [
  {
    id: 'W06',
    title: 'a model listed twice runs once and appends one row',
    argv: sweep('--out', 'W06', '--json'),
    files: files({ models: [MODEL, MODEL] }),
    code: 0,
    check: (r) => {
      expect(rows(r.dir, 'W06')).toHaveLength(1);
      expect((JSON.parse(r.stdout) as { jobs: number }).jobs).toBe(1);
    },
  },
  {
    id: 'W20',
    title: 'rows of another spec in the same results.jsonl are kept there but not reported',
    argv: sweep('--out', 'W20', '--json'),
    files: { ...files(), W20: { dir: { 'results.jsonl': FOREIGN_ROW } } },
    code: 0,
    mayChange: ['W20'],
    check: (r) => {
      expect((JSON.parse(r.stdout) as { rows: Array<{ model: string }> }).rows.map((x) => x.model)).toEqual(['bad-tiny']);
      expect(rows(r.dir, 'W20').map((x) => x.id)).toContain('other-spec-run');
    },
  },
  {
    id: 'W21',
    title: 'a spec name with ../ stays inside scalewise-out',
    argv: sweep(),
    files: files({ name: '../../../escape' }),
    code: 0,
    exists: ['scalewise-out/sweep-escape/results.jsonl'],
  },
  {
    id: 'W22',
    title: "a model name with ../ stays inside the sweep's runs folder",
    argv: sweep('--out', 'W22'),
    files: files({ models: [{ ...MODEL, name: '../../evil' }] }),
    code: 0,
    check: (r) => {
      const runs = readdirSync(path.join(r.dir, 'W22', 'runs'));
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatch(/^evil-t64-[0-9a-f]{12}$/);
      expect(rows(r.dir, 'W22')[0]!.model).toBe('../../evil');
    },
  },
  {
    id: 'W23',
    title: '--out pointing at a file keeps it',
    argv: sweep('--out', 'victim.csv'),
    files: { ...files(), 'victim.csv': 'a\n' },
    stderr: [/victim\.csv' exists and is not a folder/],
  },
  {
    id: 'W24',
    title: '--out a dangling symlink',
    argv: sweep('--out', 'dangling'),
    files: { ...files(), dangling: { symlink: 'gone' } },
    stderr: [/dangling symbolic link/],
  },
  {
    id: 'W25',
    title: '--out under a file',
    argv: sweep('--out', 'victim.csv/sw'),
    files: { ...files(), 'victim.csv': 'a\n' },
    stderr: [/victim\.csv/],
  },
  {
    id: 'W26',
    title: '--out under /proc',
    argv: sweep('--out', '/proc/scalewise-bad-W26'),
    files: files(),
    stderr: [/proc pseudo file system|not writable/],
    isolate: 30_000,
  },
  // Spec files
  { id: 'W27', title: 'no --spec', argv: ['sweep'], stderr: [/--spec FILE is required/] },
  { id: 'W28', title: 'a missing spec file', argv: sweep(), stderr: [/--spec: cannot read JSON from .*spec\.json/] },
  {
    id: 'W29',
    title: 'a spec that is not JSON',
    argv: sweep(),
    files: { 'spec.json': '{"models": [' },
    stderr: [/--spec: cannot read JSON/],
  },
  { id: 'W30', title: 'a positional argument', argv: sweep('more'), files: files(), stderr: [/unexpected argument 'more'/] },
  { id: 'W31', title: 'no budgets', argv: sweep('--out', 'o'), files: files({ budgets: undefined }), stderr: [/field 'budgets'/] },
  { id: 'W32', title: 'an empty budget list', argv: sweep('--out', 'o'), files: files({ budgets: [] }), stderr: [/field 'budgets'/] },
  {
    id: 'W33',
    title: 'a negative tokens-per-parameter budget',
    argv: sweep('--out', 'o'),
    files: files({ budgets: [{ tokensPerParam: -1 }] }),
    stderr: [/field 'budgets\.0/],
  },
  {
    id: 'W34',
    title: 'a fractional token budget',
    argv: sweep('--out', 'o'),
    files: files({ budgets: [{ tokens: 10.5 }] }),
    stderr: [/field 'budgets\.0/],
  },
  {
    id: 'W35',
    title: 'a zero FLOP budget',
    argv: sweep('--out', 'o'),
    files: files({ budgets: [{ flops: 0 }] }),
    stderr: [/field 'budgets\.0/],
  },
  { id: 'W36', title: 'an empty model list', argv: sweep('--out', 'o'), files: files({ models: [] }), stderr: [/field 'models'/] },
  {
    id: 'W37',
    title: 'models given as a string',
    argv: sweep('--out', 'o'),
    files: files({ models: 'bad-tiny' }),
    stderr: [/field 'models'/],
  },
  {
    id: 'W38',
    title: 'training.model set',
    argv: sweep('--out', 'o'),
    files: files({ training: { ...TRAINING, model: MODEL } }),
    stderr: [/field 'training\.model' is set per run/],
  },
  {
    id: 'W39',
    title: 'training.steps set',
    argv: sweep('--out', 'o'),
    files: files({ training: { ...TRAINING, steps: 3 } }),
    stderr: [/field 'training\.steps' is set per run/],
  },
  { id: 'W40', title: 'an unknown top-level field', argv: sweep('--out', 'o'), files: files({ model: MODEL }), stderr: [/model/] },
  { id: 'W41', title: 'an empty spec name', argv: sweep('--out', 'o'), files: files({ name: '' }), stderr: [/field 'name'/] },
  {
    id: 'W42',
    title: 'an empty ladder',
    argv: sweep('--out', 'o'),
    files: files({ models: { ladder: { targets: [] } } }),
    stderr: [/field 'models/],
  },
  {
    id: 'W43',
    title: 'a model with a negative dim',
    argv: sweep('--out', 'o'),
    files: files({ models: [{ ...MODEL, dim: -16 }] }),
    stderr: [/field 'models\.0'/],
  },
  {
    id: 'W44',
    title: 'a bad training field, before any run',
    argv: sweep('--out', 'o'),
    files: files({ training: { ...TRAINING, optimizer: { lr: -1 } } }),
    stderr: [/optimizer\.lr/],
  },
  {
    id: 'W45',
    title: 'the second model bad: nothing runs',
    argv: sweep('--out', 'o'),
    files: files({ models: [MODEL, { ...MODEL, name: 'b', heads: 0 }] }),
    stderr: [/field 'models\.1'/],
  },
  {
    id: 'W47',
    title: 'a model too large for memory is refused before the first (small) run',
    argv: sweep('--out', 'W47'),
    files: files({
      models: [
        MODEL,
        {
          name: 'huge-290g',
          vocabSize: 32000,
          dim: 24576,
          layers: 40,
          heads: 192,
          kvHeads: 192,
          headDim: 128,
          ffnHidden: 98304,
          maxPositions: 2048,
        },
      ],
    }),
    stderr: [/model 'huge-290g' needs at least .* GiB/],
    isolate: 60_000,
  },
  {
    id: 'W46',
    title: 'an unknown model preset',
    argv: sweep('--out', 'o'),
    files: files({ models: ['no-such-preset'] }),
    stderr: [/models\.0.*no-such-preset/],
  },
];

describe('bad input: sweep', () => {
  for (const c of CASES)
    it(`${c.id} ${c.title}`, async () => {
      await runCase(c);
    }, 90_000);
});
