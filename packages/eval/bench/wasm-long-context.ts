// wasm decode after a long prompt: MobileLLM-125M (random exports, cached like bench/run.ts), fp32 and int8, at 2
// threads with attention split by heads (the default), at 2 threads with attention on the calling thread, and at 1
// thread; after prompts of 64 … 1984 tokens, blocks of decode tokens alternated between the three engines in one process.
// Writes bench-results/wasm-long-context.json. Run from packages/eval:
//   node --conditions=@scalewise/source --import tsx bench/wasm-long-context.ts   (SCALEWISE_BENCH_TOKENS, default 48)
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '@scalewise/core/node';
import { fromHfConfig } from '@scalewise/models';
import { randomPresetFolder } from '../src/index.js';
import { createDecodeEngine, type DecodeEngine } from '../src/backends/wasm/engine.js';
import { createWasmKernels } from '../src/backends/wasm/kernels.js';
import { readOnnxInitializers } from '../src/backends/wasm/onnx-initializers.js';
import { int8Weights } from '../src/backends/wasm/q8-weights.js';

const tokens = Number(process.env.SCALEWISE_BENCH_TOKENS ?? 48);
const contexts = [64, 512, 1024, 1984];
const ROUNDS = 4;
const setups = {
  '2 threads, attention split by heads (default)': { threads: 2 },
  '2 threads, attention on the calling thread': { threads: 2, splitAttend: false },
  '1 thread': { threads: 1 },
};

async function measure(dtype: 'fp32' | 'int8') {
  const { dir } = await randomPresetFolder('mobilellm-125m', { dtype });
  const config = fromHfConfig(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')), dir);
  const init = readOnnxInitializers(join(dir, 'onnx', 'model.onnx'));
  const q8 = dtype === 'int8' ? int8Weights(init) : undefined;
  const V = config.vocabSize;
  const sides = [];
  for (const [name, options] of Object.entries(setups)) {
    const kernels = await createWasmKernels({ ...options, maxBytes: 2 ** 31 });
    // Time spent in attention, the part the split changes (the rest is shared and adds noise).
    const side = { name, kernels, engine: null as unknown as DecodeEngine, logits: new Float32Array(V), attendMs: 0 };
    const attend = kernels.attend;
    kernels.attend = (...args) => {
      const t0 = performance.now();
      attend(...args);
      side.attendMs += performance.now() - t0;
    };
    side.engine = createDecodeEngine(kernels, config, (n) => init.float32(n), q8);
    sides.push(side);
  }
  const rows = [];
  for (const context of contexts) {
    const prompt = Array.from({ length: context }, (_, i) => (i * 13) % V);
    const promptLogits = new Float32Array(context * V);
    for (const side of sides) {
      side.engine.reset();
      side.engine.feed(prompt, promptLogits);
    }
    const ms = sides.map(() => 0);
    // Blocks of tokens per engine, not single tokens: an engine's worker spins for 2 ms after its last job, which on
    // 2 vCPUs would take CPU from the next engine's threads.
    const block = Math.max(1, Math.floor(tokens / ROUNDS));
    const bypassedBefore = sides.map((s) => s.kernels.bypassedJobs());
    for (const side of sides) side.attendMs = 0;
    let maxDiff = 0; // split vs calling thread: the same arithmetic, so 0
    const load = loadavg()[0];
    for (let round = 0, t = 0; round < ROUNDS; round++) {
      for (const i of round % 2 ? [0, 1, 2] : [2, 1, 0]) {
        const side = sides[i]!;
        const t0 = performance.now();
        for (let b = 0; b < block; b++) side.engine.step(((t + b) * 7) % V, side.logits);
        ms[i]! += performance.now() - t0;
      }
      t += block;
      for (let v = 0; v < V; v++) maxDiff = Math.max(maxDiff, Math.abs(sides[0]!.logits[v]! - sides[1]!.logits[v]!));
    }
    const row = {
      context,
      loadavg_1m: load,
      ms_per_token: Object.fromEntries(sides.map((s, i) => [s.name, ms[i]! / (ROUNDS * block)])),
      attend_ms_per_token: Object.fromEntries(sides.map((s) => [s.name, s.attendMs / (ROUNDS * block)])),
      split_speedup: ms[1]! / ms[0]!,
      split_attend_speedup: sides[1]!.attendMs / sides[0]!.attendMs,
      bypassed_jobs: Object.fromEntries(sides.map((s, i) => [s.name, s.kernels.bypassedJobs() - bypassedBefore[i]!])),
      max_abs_logit_diff_split_vs_caller: maxDiff,
    };
    console.log(
      `${dtype} context ${context}: ${sides.map((s, i) => `${s.name} ${(ms[i]! / (ROUNDS * block)).toFixed(2)} ms`).join(', ')}; ` +
        `split ${row.split_speedup.toFixed(2)}× (attention ${row.split_attend_speedup.toFixed(2)}×), max |Δlogit| ${maxDiff}, ` +
        `bypassed ${Object.values(row.bypassed_jobs).join('/')}`,
    );
    rows.push(row);
  }
  for (const side of sides) await side.kernels.dispose();
  return { dtype, rows };
}

const dtypes = (process.env.SCALEWISE_BENCH_DTYPES ?? 'fp32,int8').split(',') as Array<'fp32' | 'int8'>;
const runs = [];
for (const dtype of dtypes) runs.push(await measure(dtype));
const out = {
  bench:
    'wasm decode after a long prompt: attention split by heads vs on the calling thread vs 1 thread ' +
    '(MobileLLM-125M random, blocks of tokens alternated)',
  date: new Date().toISOString(),
  node: process.version,
  tokens,
  runs,
};
const path = join(import.meta.dirname, '..', 'bench-results', 'wasm-long-context.json');
await writeJsonAtomic(path, out);
console.log(`wrote ${path}`);
