import { describe, expect, it } from 'vitest';
import { createWorkerGate } from './worker-gate.js';

/** Feed the gate jobs 0.1 ms apart; `late(i)` says which ones waited 5 ms for a worker. Returns the jobs it let through. */
function drive(gate: ReturnType<typeof createWorkerGate>, jobs: number, late: (i: number) => boolean, start = 0) {
  let t = start;
  let used = 0;
  for (let i = 0; i < jobs; i++, t += 0.1) {
    if (!gate.open(t)) continue;
    used++;
    gate.record(late(i) ? 5 : 0.01, t);
  }
  return { used, end: t };
}

describe('worker gate', () => {
  it('stays open for isolated late jobs (one in 800, what a quiet 2-vCPU VM shows)', () => {
    const gate = createWorkerGate();
    expect(drive(gate, 20_000, (i) => i % 800 === 799).used).toBe(20_000);
    expect(gate.bypassed).toBe(0);
  });

  it('closes on 2 late jobs close together, for the back-off, then judges again after a grace', () => {
    const gate = createWorkerGate({ minMs: 10, graceJobs: 4 });
    gate.record(5, 0);
    expect(gate.open(0.1)).toBe(true); // one late job is not enough
    gate.record(5, 0.2);
    expect([gate.open(0.3), gate.open(10.1), gate.bypassed]).toEqual([false, false, 2]);
    expect(gate.open(10.3)).toBe(true);
    // The first 4 jobs after reopening are not judged, however late.
    for (let i = 0; i < 4; i++) gate.record(5, 10.4 + i);
    expect(gate.open(15)).toBe(true);
    gate.record(5, 15);
    gate.record(5, 15.1);
    // Closed again, now for twice as long (20 ms).
    expect([gate.open(34), gate.open(35.2)]).toEqual([false, true]);
  });

  it('doubles the back-off while workers stay late, up to maxMs, and forgets it after 8 windows on time', () => {
    const gate = createWorkerGate({ minMs: 10, maxMs: 40, graceJobs: 0, window: 16 });
    const closedFor = (t: number) => {
      gate.record(5, t);
      gate.record(5, t);
      let until = t;
      while (!gate.open(until)) until += 0.5;
      return until - t;
    };
    expect([closedFor(0), closedFor(100), closedFor(200), closedFor(300)]).toEqual([10, 20, 40, 40]);
    for (let i = 0; i < 8 * 16; i++) gate.record(0.01, 400);
    expect(closedFor(500)).toBe(10);
  });

  it('with a late job in every few (another process busy), runs most jobs on the caller', () => {
    const gate = createWorkerGate();
    // 24,200 jobs 0.1 ms apart (≈ 200 tokens of a 125M decode) with one late job in 150, as measured beside a busy process.
    const { used } = drive(gate, 24_200, (i) => i % 150 === 149);
    expect(used).toBeLessThan(24_200 / 4);
    expect(gate.bypassed).toBe(24_200 - used);
  });
});
