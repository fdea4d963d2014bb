import { describe, expect, it } from 'vitest';
import { createBandwidthProbe } from './bandwidth.js';

describe('bandwidth probe', () => {
  it('adds the multi-thread wasm sum only when asked for more than one thread', async () => {
    for (const threads of [1, 2]) {
      const probe = await createBandwidthProbe({ bytes: 4 * 2 ** 20, threads });
      try {
        const result = await probe.measure(1);
        const names = Object.keys(result.by_method);
        expect(names).toContain('wasm simd sum (1 thread)');
        expect(names.includes('wasm simd sum (2 threads)')).toBe(threads === 2);
        for (const v of Object.values(result.by_method)) expect(v).toBeGreaterThan(0);
        expect(result.bytes_per_second).toBe(Math.max(...Object.values(result.by_method)));
      } finally {
        await probe.release();
      }
    }
  });
});
