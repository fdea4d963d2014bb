// wasm decode beside a busy process: MobileLLM-125M (random fp32 export, cached like bench/run.ts) at 2 threads with
// the worker gate (src/backends/wasm/worker-gate.ts), at 2 threads without it, and at 1 thread, blocks of 24 tokens
// alternated between the three engines in one process; first on a quiet machine, then beside one CPU-bound process.
// Writes bench-results/wasm-contention.json. Run from packages/eval:
//   node --conditions=@scalewise/source --import tsx bench/wasm-contention.ts      (SCALEWISE_BENCH_TOKENS, default 192)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '@scalewise/core/node';
import { fromHfConfig } from '@scalewise/models';
import { randomPresetFolder } from '../src/index.js';
import { createDecodeEngine } from '../src/backends/wasm/engine.js';
import { createWasmKernels } from '../src/backends/wasm/kernels.js';
import { readOnnxInitializers } from '../src/backends/wasm/onnx-initializers.js';

const BLOCK = 24;
const tokens = Math.ceil(Number(process.env.SCALEWISE_BENCH_TOKENS ?? 192) / BLOCK) * BLOCK;
const { dir } = await randomPresetFolder('mobilellm-125m', { dtype: 'fp32' });
const config = fromHfConfig(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')), dir);
const init = readOnnxInitializers(join(dir, 'onnx', 'model.onnx'));
const logits = new Float32Array(config.vocabSize);

const setups = {
  '2 threads, worker gate (default)': { threads: 2 },
  '2 threads, no gate': { threads: 2, workerGate: { enabled: false } },
  '1 thread': { threads: 1 },
};

async function measure(busy: boolean) {
  const hog = busy ? spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }) : null;
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const load = loadavg()[0];
    const sides = [];
    for (const [name, options] of Object.entries(setups)) {
      const kernels = await createWasmKernels({ ...options, maxBytes: 2 ** 30 });
      const engine = createDecodeEngine(kernels, config, (n) => init.float32(n));
      engine.reset();
      for (let i = 0; i < 4; i++) engine.step(i, logits);
      sides.push({ name, kernels, engine, ms: 0 });
    }
    // Blocks of BLOCK tokens per engine, not single tokens: an engine's worker spins for 2 ms after its last job, which
    // on 2 vCPUs would take CPU from the next engine's threads.
    for (let t = 0, round = 0; t < tokens; t += BLOCK, round++) {
      for (const side of round % 2 ? sides : [...sides].reverse()) {
        if (side.engine.length + BLOCK > 1024) side.engine.reset();
        const t0 = performance.now();
        for (let b = 0; b < BLOCK; b++) side.engine.step(((t + b) * 7) % 1000, logits);
        side.ms += performance.now() - t0;
      }
    }
    const rows = sides.map((s) => ({ setup: s.name, tokens_per_s: (1000 * tokens) / s.ms, bypassed_jobs: s.kernels.bypassedJobs() }));
    for (const side of sides) await side.kernels.dispose();
    for (const r of rows) console.log(`${busy ? 'busy' : 'quiet'}  ${r.setup.padEnd(34)} ${r.tokens_per_s.toFixed(1)} tokens/s`);
    return { busy_process: busy, loadavg_1m_before: load, rows };
  } finally {
    hog?.kill();
  }
}

const runs = [await measure(false), await measure(true)];
const ratio = (run: (typeof runs)[number], a: number, b: number) => run.rows[a]!.tokens_per_s / run.rows[b]!.tokens_per_s;
const out = {
  bench:
    'wasm decode beside a CPU-bound process: worker gate vs none vs 1 thread (MobileLLM-125M random fp32, blocks of 24 tokens alternated)',
  date: new Date().toISOString(),
  node: process.version,
  tokens,
  runs,
  gate_over_no_gate_quiet: ratio(runs[0]!, 0, 1),
  gate_over_no_gate_busy: ratio(runs[1]!, 0, 1),
  gate_over_one_thread_busy: ratio(runs[1]!, 0, 2),
};
console.log(`gate ÷ no gate: quiet ${out.gate_over_no_gate_quiet.toFixed(2)}×, busy ${out.gate_over_no_gate_busy.toFixed(2)}×`);
const path = join(import.meta.dirname, '..', 'bench-results', 'wasm-contention.json');
await writeJsonAtomic(path, out);
console.log(`wrote ${path}`);
