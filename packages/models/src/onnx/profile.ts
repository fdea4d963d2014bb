/**
 * Kernel times from onnxruntime's profile: the JSON array of trace events a session writes when created with
 * `enableProfiling` (one `model_run` event per `session.run`, one `<node>_kernel_time` event per node and run).
 * Takes the parsed events, not a file, so the same reading serves every bench and test.
 */

/** The fields of an onnxruntime profile event that kernel times need. */
export interface OrtProfileEvent {
  cat?: string;
  name?: string;
  /** Start, microseconds since the session was created. */
  ts?: number;
  /** Duration, microseconds. */
  dur?: number;
  args?: { op_name?: string };
}

export interface ProfileOptions {
  /** Leave out the first runs (the first allocates and plans memory and is several times slower). Default 0. */
  skipRuns?: number;
  /**
   * 'sum' adds every kept run's time of a node; 'fastest' takes each node's fastest kept run, which on a shared
   * machine estimates one undisturbed run. Default 'sum'.
   */
  per?: 'sum' | 'fastest';
}

export interface NodeKernelTime {
  /** The profile's event name: `<node>_kernel_time`. */
  node: string;
  op: string;
  ms: number;
}

export interface OpKernelTime {
  op: string;
  ms: number;
  /** Of all kernel time kept. */
  share: number;
}

/** Runs (`model_run` events) in the profile. */
export function profiledRuns(events: readonly OrtProfileEvent[]): number {
  return events.filter(isRun).length;
}

/** Kernel time of each node over the kept runs, largest first. */
export function profileByNode(events: readonly OrtProfileEvent[], options: ProfileOptions = {}): NodeKernelTime[] {
  const skip = options.skipRuns ?? 0;
  const per = options.per ?? 'sum';
  const starts = events
    .filter(isRun)
    .map((e) => e.ts ?? 0)
    .sort((a, b) => a - b);
  const from = skip > 0 ? (starts[skip] ?? Infinity) : -Infinity;
  const byNode = new Map<string, { op: string; us: number }>();
  for (const e of events) {
    // Only kernel events carry op_name; the fence events around them last about 0.
    const op = e.args?.op_name;
    if (e.cat !== 'Node' || !op || !e.dur || (e.ts ?? 0) < from) continue;
    const name = e.name ?? '';
    const seen = byNode.get(name);
    if (!seen) byNode.set(name, { op, us: e.dur });
    else seen.us = per === 'sum' ? seen.us + e.dur : Math.min(seen.us, e.dur);
  }
  return [...byNode].map(([node, { op, us }]) => ({ node, op, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
}

/** Kernel time by op type over the kept runs, largest first (see `profileByNode`). */
export function profileByOp(events: readonly OrtProfileEvent[], options: ProfileOptions = {}): OpKernelTime[] {
  const byOp = new Map<string, number>();
  for (const { op, ms } of profileByNode(events, options)) byOp.set(op, (byOp.get(op) ?? 0) + ms);
  const total = [...byOp.values()].reduce((a, b) => a + b, 0);
  return [...byOp].map(([op, ms]) => ({ op, ms, share: total > 0 ? ms / total : 0 })).sort((a, b) => b.ms - a.ms);
}

export interface RunSplit {
  /** The run's wall time inside onnxruntime (its model_run event), ms. */
  runMs: number;
  /** Kernel time of the chosen op types within that run, ms. */
  opsMs: number;
}

/**
 * Each run's time and the share of it the kernels of `opTypes` took (kernel events that start within the run), in run
 * order, skipping the first `skipRuns`: a split measured inside one run, not across runs on a noisy machine.
 */
export function profileRunSplit(events: readonly OrtProfileEvent[], opTypes: readonly string[], skipRuns = 0): RunSplit[] {
  const runs = events
    .filter(isRun)
    .map((e) => ({ from: e.ts ?? 0, to: (e.ts ?? 0) + (e.dur ?? 0), runMs: (e.dur ?? 0) / 1000, opsMs: 0 }))
    .sort((a, b) => a.from - b.from);
  for (const e of events) {
    const op = e.args?.op_name;
    if (e.cat !== 'Node' || !op || !e.dur || !opTypes.includes(op)) continue;
    const run = runs.find((r) => (e.ts ?? 0) >= r.from && (e.ts ?? 0) < r.to);
    if (run) run.opsMs += e.dur / 1000;
  }
  return runs.slice(skipRuns).map(({ runMs, opsMs }) => ({ runMs, opsMs }));
}

const isRun = (e: OrtProfileEvent) => e.cat === 'Session' && e.name === 'model_run';
