// Throughput of the shared RNG and of atomic writes; results go to bench-results/core.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../src/index.js';
import { writeFileAtomic, writeJsonAtomic } from '../src/node/index.js';

function rate(label: string, count: number, run: () => void): { label: string; per_second: number } {
  run(); // warm up the JIT
  const start = performance.now();
  run();
  const seconds = (performance.now() - start) / 1000;
  console.log(`${label}: ${(count / seconds / 1e6).toFixed(1)} M/s`);
  return { label, per_second: count / seconds };
}

const N = 10_000_000;
const rng = createRng(1);
let sink = 0;
const results = [
  rate('next()', N, () => {
    for (let i = 0; i < N; i++) sink += rng.next();
  }),
  rate('int(1000)', N, () => {
    for (let i = 0; i < N; i++) sink += rng.int(1000);
  }),
  rate('normal()', N, () => {
    for (let i = 0; i < N; i++) sink += rng.normal();
  }),
  rate('fillNormal (Float32Array)', N, () => {
    sink += rng.fillNormal(new Float32Array(N))[0]!;
  }),
];

const dir = mkdtempSync(join(tmpdir(), 'scalewise-core-bench-'));
const files = 50;
const payload = new Uint8Array(1 << 20);
const start = performance.now();
for (let i = 0; i < files; i++) await writeFileAtomic(join(dir, `f${i}.bin`), payload);
const msPerFile = (performance.now() - start) / files;
rmSync(dir, { recursive: true, force: true });
console.log(`writeFileAtomic 1 MiB (with fsync): ${msPerFile.toFixed(2)} ms/file`);

await writeJsonAtomic(join(import.meta.dirname, '..', 'bench-results', 'core.json'), {
  date: new Date().toISOString(),
  node: process.version,
  rng: results,
  atomic_write_ms_per_mib: msPerFile,
  checksum: sink,
});
