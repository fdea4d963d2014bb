import { describe, expect, it } from 'vitest';
import { LLAMA_DEFAULTS, flopsPerToken } from '@scalewise/models';
import { estimateStudySeconds, measureStepThroughput } from './measure-throughput.js';

describe('estimateStudySeconds', () => {
  const measured = [
    { params: 1e3, flopsPerSecond: 1e9 },
    { params: 1e5, flopsPerSecond: 1e11 },
  ];
  it('interpolates throughput log-log in size, clamps outside the measured range and divides by parallel runs', () => {
    const run = (n: number) => ({ nonEmbeddingParams: n, trainFlops: 1e11, validationFlops: 0 });
    expect(estimateStudySeconds([run(1e3)], measured)).toBeCloseTo(100, 9);
    expect(estimateStudySeconds([run(1e4)], measured)).toBeCloseTo(10, 9); // geometric midpoint: 1e10 FLOP/s
    expect(estimateStudySeconds([run(1e2), run(1e6)], measured)).toBeCloseTo(101, 9);
    expect(estimateStudySeconds([run(1e4), run(1e4)], measured, 2)).toBeCloseTo(10, 9);
    expect(() => estimateStudySeconds([run(1e4)], [])).toThrow(/at least one/);
  });
});

describe('measureStepThroughput', () => {
  const tiny = {
    ...LLAMA_DEFAULTS,
    name: 't',
    vocabSize: 32,
    dim: 8,
    layers: 1,
    heads: 2,
    kvHeads: 1,
    headDim: 4,
    ffnHidden: 16,
    maxPositions: 8,
  };
  it('steps several engines at once and reports the pace each gets', async () => {
    const r = await measureStepThroughput(tiny, { batchSize: 2, seq: 4, engine: 'reference', steps: 2, concurrent: 2 });
    expect(r.steps).toBe(2);
    expect(r.secondsPerStep).toBeGreaterThan(0);
    expect(r.flopsPerSecond * r.secondsPerStep).toBeCloseTo(flopsPerToken(tiny, 4).train.total * 8, 3);
  });
  it('refuses a concurrency that is not a positive integer', async () => {
    await expect(measureStepThroughput(tiny, { batchSize: 1, seq: 2, engine: 'reference', concurrent: 0 })).rejects.toThrow(
      /concurrent must be a positive integer, found 0/,
    );
  });
});
