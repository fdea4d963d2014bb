import { describe, expect, it } from 'vitest';
import { bitsPerByte, bitsPerByteToLoss, bitsToNats, lossToBitsPerByte, natsToBits } from './units.js';

describe('units', () => {
  it('converts nats and bits', () => {
    expect(natsToBits(Math.LN2)).toBe(1);
    expect(bitsToNats(1)).toBe(Math.LN2);
    expect(natsToBits(bitsToNats(3.7))).toBeCloseTo(3.7, 14);
  });

  it('computes bits per byte from totals and from per-token losses consistently', () => {
    // 1000 tokens covering 4000 bytes at 2.0 nats/token.
    const total = bitsPerByte(2.0 * 1000, 4000);
    expect(total).toBeCloseTo(2000 / 4000 / Math.LN2, 14);
    expect(lossToBitsPerByte(2.0, 4)).toBeCloseTo(total, 14);
    expect(bitsPerByteToLoss(lossToBitsPerByte(2.0, 4), 4)).toBeCloseTo(2.0, 14);
    // A byte-level model (1 byte per token) at ln 2 nats/token spends exactly one bit per byte.
    expect(lossToBitsPerByte(Math.LN2, 1)).toBe(1);
  });
});
