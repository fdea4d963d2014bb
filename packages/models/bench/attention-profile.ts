/**
 * How much of a prefill the attention kernels take: an onnxruntime profile of one session (two untimed runs, then
 * `runs` profiled ones, each node at its fastest). Used by attention-prefill.ts to bound what a chunked graph can gain
 * over the dense one: everything that is not attention (projections, FFN, head, norms, rotary, onnxruntime's own work
 * between kernels) a chunked graph does too.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { profileByOp, profileRunSplit, type OrtProfileEvent } from '../src/onnx/profile.js';
import { prefill, SESSION_OPTIONS, type Variant, variantModel } from './prefill-measure.js';

export interface AttentionProfile {
  profiled_runs: number;
  /** Every kernel of one run (each node at its fastest profiled run), seconds. */
  kernel_s: number;
  /** The attention ops' kernels, seconds. */
  attention_kernel_s: number;
  attention_ops: string[];
  /** The largest op types: [op, seconds]. */
  top_ops: [string, number][];
  /** Each profiled run: its time inside onnxruntime and its attention kernels' time, seconds. */
  runs: { run_s: number; attention_s: number }[];
  /**
   * Median over the profiled runs of run ÷ (run − attention): the speed-up over this graph of one that did the rest
   * of its work in the same time and its attention in none. Null when a run's attention took all of it.
   */
  ceiling_free_attention: number | null;
}

/**
 * Profiles `run` on a session created from `model` with profiling on; `attentionOps` names the op types that are the
 * attention (for the fused dense graph: GroupQueryAttention).
 */
export async function profileAttention(
  model: Uint8Array,
  options: ort.InferenceSession.SessionOptions,
  run: (session: ort.InferenceSession) => Promise<unknown>,
  attentionOps: string[],
  runs = 3,
): Promise<AttentionProfile> {
  const dir = mkdtempSync(join(tmpdir(), 'scalewise-prefill-profile-'));
  try {
    const session = await ort.InferenceSession.create(model, {
      ...options,
      enableProfiling: true,
      profileFilePrefix: join(dir, 'prefill'),
    });
    for (let r = 0; r < 2 + runs; r++) await run(session);
    session.endProfiling();
    await session.release();
    // onnxruntime names the file <prefix>_<timestamp>.json.
    const file = readdirSync(dir).find((f) => f.endsWith('.json'));
    if (!file) throw new Error(`onnxruntime wrote no profile in ${dir}`);
    const events = JSON.parse(readFileSync(join(dir, file), 'utf8')) as OrtProfileEvent[];
    const ops = profileByOp(events, { skipRuns: 2, per: 'fastest' });
    const runsSplit = profileRunSplit(events, attentionOps, 2).map((r) => ({ run_s: r.runMs / 1000, attention_s: r.opsMs / 1000 }));
    // A run whose attention took all of it has no ceiling; then there is none to report (a NaN would not sort).
    const ceilings = runsSplit.every((r) => r.run_s > r.attention_s)
      ? runsSplit.map((r) => r.run_s / (r.run_s - r.attention_s)).sort((a, b) => a - b)
      : [];
    const seconds = (keep: (op: string) => boolean) => ops.filter((o) => keep(o.op)).reduce((a, o) => a + o.ms, 0) / 1000;
    return {
      profiled_runs: runs,
      kernel_s: seconds(() => true),
      attention_kernel_s: seconds((op) => attentionOps.includes(op)),
      attention_ops: attentionOps,
      top_ops: ops.slice(0, 8).map((o) => [o.op, o.ms / 1000]),
      runs: runsSplit,
      ceiling_free_attention: ceilings[Math.floor(ceilings.length / 2)] ?? null,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `profileAttention` of one variant's KV graph over the bench prefill, at the bench's session options. */
export async function profilePrefill(v: Variant, attentionOps: string[]): Promise<AttentionProfile> {
  const { config, model } = variantModel(v);
  return profileAttention(model, SESSION_OPTIONS, (session) => prefill(session, config), attentionOps);
}
