/**
 * The model, tokens and timed loops of attention-prefill.ts (which see): KV-graph prefill of every variant in turn,
 * decode through the cache, and the no-cache graph's chunked vs dense pair; one ORT session open at a time.
 */
import * as ort from 'onnxruntime-node';
import { weightSpecs, type ModelWeights } from '../src/weights.js';
import { LLAMA_DEFAULTS, type AttentionConfig, type ModelConfig } from '../src/config.js';
import { emitDecoder } from '../src/onnx/decoder.js';
import { encodeModel } from '../src/onnx/encode.js';
import { Graph } from '../src/onnx/graph.js';
import { buildInferenceGraph } from '../src/onnx/inference.js';
import { randomWeights, step } from '../src/onnx/test-utils.js';

export const T = 4096;
export const W = 256;
export const REPS = Number(process.env.BENCH_REPS ?? 3);
export const THREADS = Number(process.env.BENCH_THREADS ?? 1);
if (!(Number.isInteger(THREADS) && THREADS >= 1)) {
  console.error(`attention-prefill: BENCH_THREADS must be a whole number >= 1, got ${JSON.stringify(process.env.BENCH_THREADS)}`);
  process.exit(2);
}
export const SESSION_OPTIONS = { intraOpNumThreads: THREADS, interOpNumThreads: 1 };
export const base: ModelConfig = {
  ...LLAMA_DEFAULTS,
  name: 'bench-attn',
  vocabSize: 259,
  dim: 256,
  layers: 4,
  heads: 4,
  kvHeads: 2,
  headDim: 64,
  ffnHidden: 688,
  maxPositions: T,
  attention: { kind: 'full' },
};
export const windowed: AttentionConfig = { kind: 'sliding-window', window: W };
export const weights = randomWeights(base, 3);
export const tokens = Array.from({ length: T }, (_, i) => (i * 7919 + 13) % base.vocabSize);

export type Measured = Awaited<ReturnType<typeof measureAll>>[number];

export interface Variant {
  name: string;
  attention: AttentionConfig;
  chunkedAttention: boolean;
  fusedOps: boolean;
  /** Another model shape and its weights (prefill-shapes.ts); default the bench model `base` and `weights`. */
  model?: { config: ModelConfig; weights: ModelWeights };
}

/** A KV-cache session of one variant; release it before the next one is opened. */
async function kvSession(v: Variant) {
  const { config, model } = variantModel(v);
  const session = await ort.InferenceSession.create(model, SESSION_OPTIONS);
  return { config, session };
}

/** A variant's config and its encoded KV-cache graph. */
export function variantModel(v: Variant): { config: ModelConfig; model: Uint8Array } {
  const config = { ...(v.model?.config ?? base), attention: v.attention };
  const graph = buildInferenceGraph(config, v.model?.weights ?? weights, { chunkedAttention: v.chunkedAttention, fusedOps: v.fusedOps });
  return { config, model: encodeModel(graph) };
}

/** One prefill of all T tokens, batch 1, no padding. */
export const prefill = (session: ort.InferenceSession, config: ModelConfig) => step(session, config, [tokens], [tokens.map(() => 1)]);

/**
 * KV-graph prefill of every variant, REPS rounds in turn (A/B/C/… alternating). One session is open at a time (a
 * dense T×T graph's arena holds about a gigabyte; all eight at once took 7 GB): per round each variant's session is
 * opened, run twice untimed (onnxruntime plans its memory pattern on the first run and allocates it on the second),
 * timed on the third run and released.
 */
export async function measureAll(variants: Variant[]) {
  const sides = variants.map(() => ({
    logits: new Float32Array(0) as Float32Array<ArrayBufferLike>,
    seconds: [] as number[],
    cpuSeconds: [] as number[],
  }));
  for (let r = 0; r < REPS; r++) {
    for (const [i, side] of sides.entries()) {
      const { config, session } = await kvSession(variants[i]!);
      const run = () => prefill(session, config);
      side.logits = (await run()).logits;
      await run();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await run();
      side.seconds.push((performance.now() - t0) / 1000);
      const used = process.cpuUsage(c0);
      side.cpuSeconds.push((used.user + used.system) / 1e6);
      await session.release();
    }
  }
  const results = [];
  for (const [i, side] of sides.entries()) {
    const { seconds, cpuSeconds } = side;
    const cpuMean = cpuSeconds.reduce((a, b) => a + b, 0) / cpuSeconds.length;
    const mean = seconds.reduce((a, b) => a + b, 0) / seconds.length;
    const sd = seconds.length > 1 ? Math.sqrt(seconds.reduce((a, b) => a + (b - mean) ** 2, 0) / (seconds.length - 1)) : 0;
    const name = variants[i]!.name;
    console.log(
      `${name.padEnd(44)} ${mean.toFixed(3)} ± ${sd.toFixed(3)} s wall, ${cpuMean.toFixed(3)} s CPU (${(T / mean).toFixed(0)} tokens/s)`,
    );
    const row = {
      graph: name,
      prefill_s: { mean, sd, min: Math.min(...seconds), runs: seconds },
      prefill_cpu_s: { mean: cpuMean, runs: cpuSeconds },
      tokens_per_s: T / mean,
    };
    results.push({ row, logits: side.logits });
  }
  return results;
}

export const DECODE_PROMPT = 300;
export const DECODE_TOKENS = 64;
/** A long context, where dense causal decode reads every cached key and the windowed graphs read at most their bound. */
export const LONG_PROMPT = T - DECODE_TOKENS;

/**
 * Decode through the KV cache after a `promptTokens` prefill: CPU ms per token over DECODE_TOKENS steps, variants
 * alternating, one session open at a time (each round: prompt and decode once untimed, then again timed).
 */
export async function measureDecode(variants: Variant[], promptTokens = DECODE_PROMPT) {
  const sides = variants.map(() => ({ ms: [] as number[] }));
  const prompt = tokens.slice(0, promptTokens);
  for (let r = 0; r < REPS; r++) {
    for (const [i, side] of sides.entries()) {
      const { config, session } = await kvSession(variants[i]!);
      for (const timed of [false, true]) {
        let out = await step(session, config, [prompt], [prompt.map(() => 1)]);
        const c0 = process.cpuUsage();
        for (let t = 0; t < DECODE_TOKENS; t++) {
          const mask = [new Array<number>(promptTokens + t + 1).fill(1)];
          out = await step(session, config, [[tokens[promptTokens + t]!]], mask, out.present);
        }
        const used = process.cpuUsage(c0);
        if (timed) side.ms.push((used.user + used.system) / 1e3 / DECODE_TOKENS);
      }
      await session.release();
    }
  }
  const rows = [];
  for (const [i, side] of sides.entries()) {
    const mean = side.ms.reduce((a, b) => a + b, 0) / side.ms.length;
    console.log(`decode after ${promptTokens}, ${variants[i]!.name.padEnd(36)} ${mean.toFixed(2)} ms CPU per token`);
    rows.push({ graph: variants[i]!.name, cpu_ms_per_token: { mean, runs: side.ms } });
  }
  return rows;
}

/** The no-cache graph (what native training, eval and prefill without a cache run), forward only: logits [1, T, V]. */
async function staticSession(attention: AttentionConfig, chunkedAttention: boolean) {
  const config = { ...base, attention };
  const g = new Graph('static');
  const ids = g.input('ids', 'int64', [1, T]);
  for (const spec of weightSpecs(config)) g.input(spec.name, 'float32', spec.shape);
  g.output(
    emitDecoder(g, config, { weight: (n) => n, inputIds: ids, seqLen: T, chunkedAttention }).logits,
    'float32',
    [1, T, base.vocabSize],
    'logits',
  );
  const session = await ort.InferenceSession.create(encodeModel(g), SESSION_OPTIONS);
  const feeds: Record<string, ort.Tensor> = { ids: new ort.Tensor('int64', BigInt64Array.from(tokens.map(BigInt)), [1, T]) };
  for (const spec of weightSpecs(config)) feeds[spec.name] = new ort.Tensor('float32', weights.get(spec.name)!, spec.shape);
  return { session, run: async () => (await session.run(feeds)).logits!.data as Float32Array };
}

/** Chunked vs dense no-cache graph, alternating A/B, one session open at a time (two untimed runs, one timed). */
export async function measureStaticPair(name: string, attention: AttentionConfig) {
  const logits: Float32Array<ArrayBufferLike>[] = [new Float32Array(0), new Float32Array(0)];
  const seconds: number[][] = [[], []];
  const cpu: number[][] = [[], []];
  for (let r = 0; r < REPS; r++) {
    for (const i of [0, 1]) {
      const side = await staticSession(attention, i === 0);
      logits[i] = await side.run();
      await side.run();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await side.run();
      seconds[i]!.push((performance.now() - t0) / 1000);
      const used = process.cpuUsage(c0);
      cpu[i]!.push((used.user + used.system) / 1e6);
      await side.session.release();
    }
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const rows = ['chunked', 'dense mask'].map((kind, i) => ({
    graph: `${name}, no cache (training graph), ${kind}`,
    forward_s: { mean: mean(seconds[i]!), runs: seconds[i]! },
    forward_cpu_s: { mean: mean(cpu[i]!), runs: cpu[i]! },
  }));
  for (const row of rows)
    console.log(`${row.graph.padEnd(60)} ${row.forward_s.mean.toFixed(3)} s wall, ${row.forward_cpu_s.mean.toFixed(3)} s CPU`);
  return { rows, chunked: logits[0]!, dense: logits[1]! };
}
