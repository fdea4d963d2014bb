import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { encodeModel } from './encode.js';
import { Graph } from './graph.js';
import { profileByNode, profileByOp, profileRunSplit, profiledRuns, type OrtProfileEvent } from './profile.js';

/** Three runs of a two-node graph as onnxruntime writes them: run r starts at 1000·r µs. */
function syntheticProfile(): OrtProfileEvent[] {
  const events: OrtProfileEvent[] = [{ cat: 'Session', name: 'session_initialization', ts: 0, dur: 500 }];
  const matmul = [900, 300, 350];
  const add = [90, 40, 30];
  for (let r = 0; r < 3; r++) {
    const t = 1000 * (r + 1);
    events.push({ cat: 'Session', name: 'model_run', ts: t, dur: 999 });
    events.push({ cat: 'Node', name: 'mm_fence_before', ts: t + 1, dur: 0, args: { op_name: 'MatMul' } });
    events.push({ cat: 'Node', name: 'mm_kernel_time', ts: t + 2, dur: matmul[r], args: { op_name: 'MatMul' } });
    events.push({ cat: 'Node', name: 'add_kernel_time', ts: t + 3, dur: add[r], args: { op_name: 'Add' } });
    events.push({ cat: 'Node', name: 'add_kernel_time_no_op', ts: t + 4, dur: 7 });
  }
  return events;
}

describe('onnxruntime profile', () => {
  it('sums kernel time per node and op, leaving out the skipped runs and the events without an op', () => {
    const events = syntheticProfile();
    expect(profiledRuns(events)).toBe(3);
    expect(profileByNode(events)).toEqual([
      { node: 'mm_kernel_time', op: 'MatMul', ms: 1.55 },
      { node: 'add_kernel_time', op: 'Add', ms: 0.16 },
    ]);
    const ops = profileByOp(events, { skipRuns: 1 });
    expect(ops.map((o) => o.op)).toEqual(['MatMul', 'Add']);
    expect(ops[0]!.ms).toBeCloseTo(0.65, 12);
    expect(ops[1]!.ms).toBeCloseTo(0.07, 12);
    expect(ops[0]!.share + ops[1]!.share).toBeCloseTo(1, 12);
    expect(ops[0]!.share).toBeCloseTo(0.65 / 0.72, 12);
  });

  it("'fastest' keeps each node's fastest kept run", () => {
    const ops = profileByOp(syntheticProfile(), { skipRuns: 1, per: 'fastest' });
    expect(ops.map((o) => o.op)).toEqual(['MatMul', 'Add']);
    expect(ops[0]!.ms).toBe(0.3);
    expect(ops[1]!.ms).toBe(0.03);
    expect(ops[0]!.share).toBeCloseTo(0.3 / 0.33, 12);
    // Skipping every run keeps nothing.
    expect(profileByOp(syntheticProfile(), { skipRuns: 3 })).toEqual([]);
  });

  it('splits each run into the chosen ops and the rest, by when their kernels ran', () => {
    const events = syntheticProfile();
    expect(profileRunSplit(events, ['MatMul'])).toEqual([
      { runMs: 0.999, opsMs: 0.9 },
      { runMs: 0.999, opsMs: 0.3 },
      { runMs: 0.999, opsMs: 0.35 },
    ]);
    const both = profileRunSplit(events, ['MatMul', 'Add'], 2);
    expect(both).toHaveLength(1);
    expect(both[0]!.opsMs).toBeCloseTo(0.38, 12);
    // A kernel event outside every run (here: after the last) counts for none.
    events.push({ cat: 'Node', name: 'late_kernel_time', ts: 9000, dur: 50, args: { op_name: 'MatMul' } });
    expect(profileRunSplit(events, ['MatMul'], 2)).toEqual([{ runMs: 0.999, opsMs: 0.35 }]);
  });

  it("reads a profile onnxruntime-node wrote: every run and both of a graph's kernels", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scalewise-profile-'));
    try {
      const g = new Graph('profiled');
      const a = g.input('a', 'float32', [64, 32]);
      const b = g.input('b', 'float32', [32, 16]);
      g.output(g.op1('Relu', [g.op1('MatMul', [a, b])]), 'float32', [64, 16], 'y');
      const session = await ort.InferenceSession.create(encodeModel(g), {
        enableProfiling: true,
        profileFilePrefix: join(dir, 'run'),
        intraOpNumThreads: 1,
      });
      const feeds = {
        a: new ort.Tensor('float32', new Float32Array(64 * 32).fill(0.5), [64, 32]),
        b: new ort.Tensor('float32', new Float32Array(32 * 16).fill(-0.25), [32, 16]),
      };
      for (let r = 0; r < 4; r++) await session.run(feeds);
      session.endProfiling();
      await session.release();
      const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
      expect(files).toHaveLength(1);
      const events = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as OrtProfileEvent[];
      expect(profiledRuns(events)).toBe(4);
      const ops = profileByOp(events, { skipRuns: 1, per: 'fastest' });
      expect(ops.map((o) => o.op).sort()).toEqual(['MatMul', 'Relu']);
      for (const o of ops) expect(o.ms).toBeGreaterThan(0);
      // Summing 3 kept runs takes at least as long as the fastest of them.
      const summed = profileByOp(events, { skipRuns: 1 });
      for (const o of ops) expect(summed.find((s) => s.op === o.op)!.ms).toBeGreaterThanOrEqual(o.ms);
      // Within each run, its kernels take part of it.
      const split = profileRunSplit(events, ['MatMul', 'Relu'], 1);
      expect(split).toHaveLength(3);
      for (const r of split) {
        expect(r.opsMs).toBeGreaterThan(0);
        expect(r.opsMs).toBeLessThan(r.runMs);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
