import { describe, expect, it } from 'vitest';
import { placeAgainstBaseline } from './baseline.js';

describe('placeAgainstBaseline', () => {
  it('judges by the whole interval, lower is better', () => {
    expect(placeAgainstBaseline(2.0, [1.9, 2.1], 2.2)).toEqual({ difference: 2.0 - 2.2, verdict: 'beats' });
    expect(placeAgainstBaseline(2.62, [2.57, 2.67], 2.136)).toEqual({ difference: 2.62 - 2.136, verdict: 'is worse than' });
    expect(placeAgainstBaseline(2.1, [2.0, 2.2], 2.136).verdict).toBe('cannot be told apart from');
    // An interval touching the baseline does not beat it.
    expect(placeAgainstBaseline(2.0, [1.9, 2.136], 2.136).verdict).toBe('cannot be told apart from');
  });
});
