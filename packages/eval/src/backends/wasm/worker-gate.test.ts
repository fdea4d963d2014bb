import { describe, expect, it } from 'vitest';
import { createWayGate, createWorkerGate, type WorkerGateOptions } from './worker-gate.js';

type Cost = (i: number, pooled: boolean) => number;

/**
 * Feed a gate `jobs` products of one multiply-add each; `cost(i, pooled)` is the time (ms) job i takes with the workers
 * or on the caller alone. Returns how many used the workers.
 */
function drive(gate: ReturnType<typeof createWorkerGate>, jobs: number, cost: Cost, from = 0) {
  let pooled = 0;
  for (let i = from; i < from + jobs; i++) {
    const use = gate.useWorkers();
    if (use) pooled++;
    gate.record(cost(i, use), 1);
  }
  return pooled;
}

const quiet: Cost = (_, pooled) => (pooled ? 0.1 : 0.15); // workers 1.5× faster
const busy: Cost = (_, pooled) => (pooled ? 0.3 : 0.15); // another process: workers 2× slower
const JOBS = 512 * 200; // ≈ 680 tokens of a MobileLLM-125M decode

/** Seconds the jobs took under the gate, over the time the better way alone would have taken. */
function overhead(cost: Cost, best: number, options?: WorkerGateOptions) {
  const gate = createWorkerGate(options);
  let ms = 0;
  for (let i = 0; i < JOBS; i++) {
    const t = cost(i, gate.useWorkers());
    gate.record(t, 1);
    ms += t;
  }
  return ms / (JOBS * best) - 1;
}

describe('worker gate', () => {
  it('keeps the workers while they are faster; probes of the caller alone cost under 1%', () => {
    const gate = createWorkerGate();
    drive(gate, JOBS, quiet);
    expect(gate.bypassed).toBeGreaterThan(0); // it did probe
    expect(gate.bypassed).toBeLessThan(JOBS * 0.02);
    expect(overhead(quiet, 0.1)).toBeLessThan(0.01);
  });

  it('moves to the caller alone when the workers make products slower, within the first 3 epochs', () => {
    const gate = createWorkerGate();
    expect(drive(gate, 512 * 2, busy)).toBe(512 * 2);
    drive(gate, 256, busy); // the probe
    expect(drive(gate, 512 * 2, busy)).toBe(0);
    expect(overhead(busy, 0.15)).toBeLessThan(0.03);
  });

  it('after a switch, judges probes against the new way only', () => {
    const gate = createWorkerGate();
    drive(gate, 512 * 2 + 256, busy); // 2 epochs with the workers (0.3 ms), a probe alone (0.15): switched
    const slower: Cost = (_, pooled) => (pooled ? 0.2 : 0.15); // workers still slower, though faster than before
    expect(drive(gate, 512 * 2 + 256, slower)).toBe(256); // 2 epochs alone, then a probe of the workers
    expect(drive(gate, 512 * 4, slower)).toBe(0); // the probe (0.2) lost to the epochs alone (0.15), not to 0.3
  });

  it('follows the host: back to the workers within 64 epochs of the other process ending', () => {
    const gate = createWorkerGate();
    drive(gate, JOBS, busy);
    drive(gate, 512 * 66, quiet);
    expect(drive(gate, 512 * 32, quiet)).toBeGreaterThan(512 * 32 * 0.9); // the rest: probes of the caller alone after 2, 4, 8 … epochs
  });

  it('keeps the workers through bursts of late ones that cost less than the workers save', () => {
    // A 6 ms job every 300 (as a quiet VM showed: 27 waits over 0.5 ms in 27,000 jobs, in bursts): the workers still
    // average 0.12 ms against 0.15 alone. A gate closing on late jobs took a quiet decode from 47 to 35 tokens/s.
    const gate = createWorkerGate();
    drive(gate, JOBS, (i, pooled) => (pooled ? (i % 300 === 299 ? 6 : 0.1) : 0.15));
    expect(gate.bypassed).toBeLessThan(JOBS * 0.02);
  });

  it('leaves the first jobs of an epoch out: a worker woken from sleep starts late', () => {
    // After a job on the caller alone the workers sleep: the next 16 with them take 10 ms each, the rest 0.1 ms.
    const wakeUps = () => {
      let sinceAlone = Infinity;
      return (_: number, pooled: boolean) => {
        sinceAlone = pooled ? sinceAlone + 1 : 0;
        return pooled ? (sinceAlone <= 16 ? 10 : 0.1) : 0.15;
      };
    };
    const withGrace = createWorkerGate();
    drive(withGrace, JOBS, wakeUps());
    expect(withGrace.bypassed).toBeLessThan(JOBS * 0.02);
    const noGrace = createWorkerGate({ graceJobs: 0 });
    drive(noGrace, JOBS, wakeUps());
    expect(noGrace.bypassed).toBeGreaterThan(JOBS * 0.5);
  });

  it('needs a margin to switch, and never gates when disabled', () => {
    const near = createWorkerGate();
    drive(near, JOBS, (_, pooled) => (pooled ? 0.1 : 0.095)); // alone 5% faster: within the 10% margin
    expect(near.bypassed).toBeLessThan(JOBS * 0.02);
    const off = createWorkerGate({ enabled: false });
    drive(off, JOBS, busy);
    expect(off.bypassed).toBe(0);
  });
});

describe('way gate (the same algorithm between any two ways: gemv panel streams)', () => {
  it('says when a probe runs, so that a second gate over the same products can leave it out', () => {
    const gate = createWayGate({ epochJobs: 2, probeJobs: 3, probeAfter: 1, graceJobs: 0 });
    const seen: string[] = [];
    for (let i = 0; i < 10; i++) {
      const first = gate.useFirst();
      seen.push(`${first ? 'A' : 'B'}${gate.probing ? 'p' : ''}`);
      gate.record(first ? 1 : 2, 1); // the second way is slower: every probe confirms the first
    }
    // 2 jobs of an epoch, 3 of a probe, then 2 epochs (the interval doubles) before the next probe.
    expect(seen.join(' ')).toBe('A A Bp Bp Bp A A A A Bp');
    expect(gate.second).toBe(4);
  });

  it('takes a second way 10% faster at a 5% margin, and not one 3% faster', () => {
    const take = (ratio: number) => {
      const gate = createWayGate({ margin: 0.05 });
      let second = 0;
      for (let i = 0; i < JOBS; i++) {
        const first = gate.useFirst();
        if (!first) second++;
        gate.record(first ? 0.1 : 0.1 * ratio, 1);
      }
      return second / JOBS;
    };
    expect(take(1 / 1.1)).toBeGreaterThan(0.95);
    expect(take(1 / 1.03)).toBeLessThan(0.02);
  });
});
