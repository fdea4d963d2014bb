import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paramCounts } from '@scalewise/models';
import { TrainInputError } from './errors.js';
import { appendResult, expandSweep, readResults, rowsOfJobs, runSweep, runTrainingJob, type SweepRow } from './sweep.js';
import { createRunPool } from './run-pool.js';
import { tinyModel, wordCorpusFixture } from './test-utils.js';

const fixture = wordCorpusFixture('scalewise-sweep-', { files: 60, words: 120, seed: 9 });
const { root, corpus } = fixture;
beforeAll(fixture.setUp);
afterAll(fixture.tearDown);

const byteModel = (name: string, dim: number) => ({ ...tinyModel({ vocabSize: 259, dim, heads: 2, headDim: dim / 2 }), name });
const training = {
  data: { corpus, tokenizer: 'byte', seq: 16 },
  batchSize: 4,
  optimizer: { lr: 1e-2 },
  eval: { batches: 1 },
  peakGflops: 1,
};

describe('sweeps', () => {
  it('expands models × budgets: tokens per parameter and IsoFLOP (D = C / 6N)', () => {
    const jobs = expandSweep(
      { training, models: [byteModel('a', 8), byteModel('b', 16)], budgets: [{ tokensPerParam: 2 }, { flops: 1e9 }] },
      { outDir: root },
    );
    expect(jobs).toHaveLength(4);
    const n = paramCounts(jobs[0]!.config.model).total;
    const tokensPerStep = 4 * 16;
    expect(jobs[0]!.config.tokens).toBe(Math.ceil((2 * n) / tokensPerStep) * tokensPerStep);
    expect(jobs[1]!.config.steps).toBe(Math.ceil(Math.round(1e9 / (6 * n)) / tokensPerStep));
    expect(new Set(jobs.map((j) => j.id)).size).toBe(4);
    expect(JSON.parse(JSON.stringify(jobs))).toEqual(jobs); // serialisable
  });

  it('expands a ladder from @scalewise/models with the byte vocabulary', () => {
    const jobs = expandSweep({ training, models: { ladder: { targets: [2e4, 5e4] } }, budgets: [{ tokens: 640 }] }, { outDir: root });
    expect(jobs.map((j) => j.config.model.vocabSize)).toEqual([259, 259]);
    expect(paramCounts(jobs[1]!.config.model).total).toBeGreaterThan(paramCounts(jobs[0]!.config.model).total);
  });

  it('rejects bad specs naming the field', () => {
    expect(() => expandSweep({ training, models: [], budgets: [{ tokens: 10 }] }, { outDir: root })).toThrow(/field 'models'/);
    expect(() =>
      expandSweep({ training: { ...training, steps: 3 }, models: ['mobilellm-125m'], budgets: [{ tokens: 10 }] }, { outDir: root }),
    ).toThrow(/training\.steps/);
    expect(() =>
      expandSweep({ training: { ...training, batchSize: 0 }, models: [byteModel('a', 8)], budgets: [{ tokens: 10 }] }, { outDir: root }),
    ).toThrow(TrainInputError);
  });

  it('runs every job once, appends results.jsonl rows, and skips finished runs on re-run', async () => {
    const spec = { training, models: [byteModel('a', 8), byteModel('b', 16)], budgets: [{ tokens: 64 * 6 }] };
    const out = join(root, 'sweep');
    const first = await runSweep(spec, { outDir: out });
    expect(first).toMatchObject({ jobs: 2, ran: 2, skipped: 0, interrupted: false });
    const rows = readResults(join(out, 'results.jsonl'));
    expect(rows.map((r) => r.model)).toEqual(['a', 'b']);
    for (const row of rows) {
      expect(row.tokens).toBe(64 * 6);
      expect(row.flops).toBeGreaterThan(row.tokens);
      expect(Number.isFinite(row.val_loss) && row.val_loss > 0).toBe(true);
      expect(row.val_bpb).toBeCloseTo(row.val_loss / Math.LN2, 9); // byte tokenizer: 1 token per byte
      expect(row.params_total).toBe(paramCounts(spec.models.find((m) => m.name === row.model)!).total);
    }
    const second = await runSweep(spec, { outDir: out });
    expect(second).toMatchObject({ jobs: 2, ran: 0, skipped: 2 });
    expect(readResults(join(out, 'results.jsonl'))).toEqual(rows);
  }, 60_000);

  it('runs side by side on a run pool: the same rows as in turn, in the spec order, each run under its own progress stage', async () => {
    const spec = { training, models: [byteModel('a', 8), byteModel('b', 16), byteModel('c', 8)], budgets: [{ tokens: 64 * 6 }] };
    const inTurn = await runSweep(spec, { outDir: join(root, 'sweep-turn') });
    const pool = await createRunPool({ size: 2, sharePeak: false });
    const stages = new Set<string>();
    try {
      const pooled = await runSweep(spec, { outDir: join(root, 'sweep-pool'), pool, onProgress: (e) => stages.add(e.stage) });
      expect(pooled).toMatchObject({ jobs: 3, ran: 3, skipped: 0, interrupted: false });
      const keys = ['id', 'model', 'tokens', 'final_train_loss', 'val_loss', 'val_bpb'] as const;
      const pick = (rows: SweepRow[]) => rows.map((r) => keys.map((k) => r[k]));
      expect(pick(pooled.rows)).toEqual(pick(inTurn.rows));
      expect(pooled.rows.map((r) => r.model)).toEqual(['a', 'b', 'c']);
      expect([...stages].sort()).toEqual(['sweep', ...pooled.rows.map((r) => `train ${r.id}`)].sort());
      const again = await runSweep(spec, { outDir: join(root, 'sweep-pool'), pool });
      expect(again).toMatchObject({ ran: 0, skipped: 3 });
    } finally {
      await pool.close();
    }
  }, 60_000);

  it('runTrainingJob takes a plain JSON config and a folder, and returns a results row', async () => {
    const job = JSON.parse(
      JSON.stringify({ config: { ...training, model: byteModel('solo', 8), steps: 3 }, outDir: join(root, 'solo') }),
    ) as { config: unknown; outDir: string };
    const row = await runTrainingJob(job);
    expect(row).toMatchObject({ model: 'solo', tokens: 3 * 4 * 16, budget: { tokens: 3 * 4 * 16 }, interrupted: false });
    expect(row.id).toMatch(/^solo-[0-9a-f]{12}$/);
    expect(row.units.val_bpb).toBe('bits/byte');
  }, 30_000);

  it('W06: a model listed twice runs once; rows of another spec in the same folder are kept apart', async () => {
    const out = join(root, 'sweep-dup');
    const dup = await runSweep(
      { training, models: [byteModel('a', 8), byteModel('a', 8)], budgets: [{ tokens: 64 * 3 }] },
      { outDir: out },
    );
    expect(dup).toMatchObject({ jobs: 1, ran: 1 });
    expect(readResults(join(out, 'results.jsonl'))).toHaveLength(1);
    const other = await runSweep({ training, models: [byteModel('b', 8)], budgets: [{ tokens: 64 * 3 }] }, { outDir: out });
    expect(other.rows.map((r) => r.model)).toEqual(['b']);
    expect(readResults(join(out, 'results.jsonl'))).toHaveLength(2);
  }, 60_000);

  it("rowsOfJobs: a spec's rows in its job order whatever order they finished in, the last of a rewritten row, no other spec's", () => {
    const jobs = expandSweep(
      { training, models: [byteModel('a', 8), byteModel('b', 16)], budgets: [{ tokens: 64 }, { tokens: 128 }] },
      { outDir: root },
    );
    const path = join(root, 'finish-order.jsonl');
    const row = (id: string, val_loss: number) => ({ id, val_loss }) as SweepRow;
    for (const r of [row(jobs[3]!.id, 4), row('other-spec', 9), row(jobs[1]!.id, 2), row(jobs[0]!.id, 1), row(jobs[1]!.id, 2.5)])
      appendResult(path, r);
    // jobs[2] has not finished: it is missing, not an empty row.
    expect(rowsOfJobs(path, jobs).map((r) => [r.id, r.val_loss])).toEqual([
      [jobs[0]!.id, 1],
      [jobs[1]!.id, 2.5],
      [jobs[3]!.id, 4],
    ]);
  });

  it('a model name from a file never becomes a path outside the sweep folder', () => {
    const jobs = expandSweep(
      { training, models: [byteModel('../../../x', 8), byteModel('/etc/passwd', 8)], budgets: [{ tokens: 64 }] },
      { outDir: join(root, 'slug') },
    );
    for (const job of jobs) {
      expect(job.outDir.startsWith(join(root, 'slug', 'runs') + '/')).toBe(true);
      expect(job.id).not.toMatch(/\.\.|\//);
      expect(job.config.model.name).toMatch(/x|passwd/);
    }
    expect(jobs.map((j) => j.id.split('-t64-')[0])).toEqual(['x', 'etc-passwd']);
  });
});
