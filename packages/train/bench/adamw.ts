/**
 * The AdamW update of the native bench model (bench-5.8m, 5.77M parameters): the scalar JavaScript loop against the
 * WebAssembly f32x4 kernel the optimizer uses (adamw-update.ts), alternated in one process, REPS steps each; the
 * two must give the same float32 bits (checked on every tensor after the last step).
 *   node --conditions=@scalewise/source --import tsx bench/adamw.ts      (env BENCH_REPS, default 9)
 * Writes bench-results/adamw.json.
 */
import { mkdirSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomicSync } from '@scalewise/core/node';
import type { ModelWeights } from '@scalewise/models';
import { adamwUpdate, adamwUpdateScalar, type AdamWUpdate } from '../src/adamw-update.js';
import { ADAMW, BENCH_MODEL } from './native.js';
import { benchWeights, median } from './native-util.js';

const REPS = Number(process.env.BENCH_REPS ?? 9);
const clone = (w: ModelWeights): ModelWeights => new Map([...w].map(([k, v]) => [k, v.slice()]));
const weights = benchWeights(BENCH_MODEL, 3);
const grads = clone(weights); // any finite values will do
const params = [...weights.values()].reduce((a, w) => a + w.length, 0);
const sides = ['scalar', 'wasm'].map((name) => ({
  name,
  w: clone(weights),
  m: new Map([...weights].map(([k, v]) => [k, new Float32Array(v.length)])),
  v: new Map([...weights].map(([k, v]) => [k, new Float32Array(v.length)])),
  ms: [] as number[],
}));
const load = { before: loadavg() };
for (let t = 1; t <= REPS; t++) {
  const u: AdamWUpdate = {
    gradScale: 0.9,
    beta1: ADAMW.beta1,
    beta2: ADAMW.beta2,
    c1: 1 - ADAMW.beta1 ** t,
    c2: 1 - ADAMW.beta2 ** t,
    lr: 3e-3,
    eps: ADAMW.eps,
    wd: 3e-4,
  };
  for (const side of t % 2 ? sides : [...sides].reverse()) {
    const update = side.name === 'wasm' ? adamwUpdate : adamwUpdateScalar;
    const start = performance.now();
    for (const [k, w] of side.w) update(w, grads.get(k)!, side.m.get(k)!, side.v.get(k)!, u);
    side.ms.push(performance.now() - start);
  }
}
const [scalar, wasm] = sides as [(typeof sides)[0], (typeof sides)[0]];
let differing = 0;
for (const key of ['w', 'm', 'v'] as const)
  for (const [k, a] of scalar[key]) {
    const b = wasm[key].get(k)!;
    for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differing++;
  }
if (differing > 0) throw new Error(`adamw bench: ${differing} values differ between the scalar loop and the kernel`);
const row = (s: typeof scalar) => ({ median_ms: median(s.ms), ns_per_param: (median(s.ms) * 1e6) / params, ms: s.ms });
const result = {
  bench: 'AdamW update of bench-5.8m: scalar JavaScript loop vs WebAssembly f32x4 kernel, alternated, one thread',
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model ?? 'unknown',
  node: process.version,
  params,
  reps: REPS,
  load: { ...load, after: loadavg() },
  scalar: row(scalar),
  wasm: row(wasm),
  speedup: median(scalar.ms) / median(wasm.ms),
  identical_bits: true,
};
console.log(
  `AdamW, ${params} parameters: scalar ${result.scalar.median_ms.toFixed(1)} ms (${result.scalar.ns_per_param.toFixed(2)} ns/param), ` +
    `wasm ${result.wasm.median_ms.toFixed(1)} ms (${result.wasm.ns_per_param.toFixed(2)} ns/param): ${result.speedup.toFixed(2)}×, same bits`,
);
const dir = join(import.meta.dirname, '..', 'bench-results');
mkdirSync(dir, { recursive: true });
writeJsonAtomicSync(join(dir, 'adamw.json'), result);
