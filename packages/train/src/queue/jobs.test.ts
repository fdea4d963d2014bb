import { describe, expect, it } from 'vitest';
import { expandSweep } from '../sweep.js';
import { tinyModel } from '../test-utils.js';
import { runJobId } from './jobs.js';

const spec = (over: Record<string, unknown> = {}) => ({
  training: { data: { corpus: '/data/c', seq: 16 }, batchSize: 2, seed: 1, ...over },
  models: [
    { ...tinyModel({ vocabSize: 259 }), name: 'a' },
    { ...tinyModel({ vocabSize: 259, dim: 32, headDim: 16 }), name: 'b' },
  ],
  budgets: [{ tokens: 320 }, { tokensPerParam: 2 }],
});

describe('run job ids', () => {
  it('are stable for the same resolved run and code version, and distinct across runs', () => {
    const a = expandSweep(spec(), { outDir: '/x' }).map((j) => runJobId(j, 'v1'));
    const b = expandSweep(spec(), { outDir: '/elsewhere' }).map((j) => runJobId(j, 'v1'));
    expect(a).toEqual(b); // the output folder is not part of the run
    expect(new Set(a).size).toBe(4);
    for (const id of a) expect(id).toMatch(/^run-[0-9a-f]{24}$/);
  });

  it('change with the seed, any training field, the budget and the code version', () => {
    const base = runJobId(expandSweep(spec(), { outDir: '/x' })[0]!, 'v1');
    expect(runJobId(expandSweep(spec({ seed: 2 }), { outDir: '/x' })[0]!, 'v1')).not.toBe(base);
    expect(runJobId(expandSweep(spec({ batchSize: 4 }), { outDir: '/x' })[0]!, 'v1')).not.toBe(base);
    expect(runJobId(expandSweep(spec(), { outDir: '/x' })[0]!, 'v2')).not.toBe(base);
    const job = expandSweep(spec(), { outDir: '/x' })[0]!;
    expect(runJobId({ ...job, budget: { tokens: 321 } }, 'v1')).not.toBe(base);
  });

  it('leave out the validation a study asks for: a study and a sweep sharing a run share its job', () => {
    const job = expandSweep(spec(), { outDir: '/x' })[0]!;
    const validated = { ...job, validate: { resamples: 100, seed: 0 } };
    expect(runJobId(validated, 'v1')).toBe(runJobId(job, 'v1'));
  });
});
