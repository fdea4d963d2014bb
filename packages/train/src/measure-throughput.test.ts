import { describe, expect, it } from 'vitest';
import { estimateStudySeconds } from './measure-throughput.js';

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
