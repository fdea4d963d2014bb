import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@scalewise/core';
import { createWasmKernels, MIN_PARALLEL_WORK, type PanelMatrix, type WasmKernelsWithSum } from './kernels.js';

/** Deterministic values in [-0.5, 0.5) from the project's seeded generator, so a failure reproduces. */
function random(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.next() - 0.5;
}
const randomArray = (n: number, seed: number) => Float32Array.from({ length: n }, random(seed));

/**
 * Compare y[0..n) with the float64 product of x[0..k) and W[0..k, 0..n) (W row-major with N columns). The error is
 * relative to Σ|x·w| of the column, the scale fp32 rounding works at (a plain relative error is undefined near 0).
 */
function expectProduct(y: Float32Array, x: Float32Array, w: Float32Array, N: number, k: number, n: number) {
  let worst = 0;
  for (let c = 0; c < n; c++) {
    let exact = 0;
    let scale = 0;
    for (let r = 0; r < k; r++) {
      exact += (x[r] as number) * (w[r * N + c] as number);
      scale += Math.abs((x[r] as number) * (w[r * N + c] as number));
    }
    const err = Math.abs((y[c] as number) - exact) / Math.max(scale, 1e-30);
    if (!(err <= worst)) worst = err; // NaN (a column nobody wrote) stays the worst
  }
  expect(worst).toBeLessThanOrEqual(1e-5);
}

/** Run gemv with a NaN-filled y, so any output column a thread skipped shows up. */
function run(kr: WasmKernelsWithSum, x: Float32Array, m: PanelMatrix, k?: number, n?: number): Float32Array {
  const xOff = kr.alloc(x.length);
  const panels = Math.ceil((n ?? m.N) / 32);
  const yOff = kr.alloc(panels * 32);
  const f = kr.f32();
  f.set(x, xOff);
  f.fill(NaN, yOff, yOff + panels * 32);
  kr.gemv(xOff, m, yOff, k, n);
  return kr.f32().slice(yOff, yOff + panels * 32);
}

describe.each([1, 2])('wasm gemv, %i thread(s)', (threads) => {
  let kr: WasmKernelsWithSum;
  beforeAll(async () => {
    kr = await createWasmKernels({ threads, maxBytes: 256 * 2 ** 20 });
  });
  afterAll(async () => kr.dispose());

  it('matches float64 for N not a multiple of 32, above the parallel threshold, every column, zero padding', () => {
    const [K, N] = [576, 1000];
    expect(K * N).toBeGreaterThan(MIN_PARALLEL_WORK);
    const w = randomArray(K * N, 1);
    const x = randomArray(K, 2);
    const m = kr.packMatrix(w, K, N);
    expect([m.Npad, m.panelStride, m.off % 16]).toEqual([1024, K * 32, 0]);
    const y = run(kr, x, m);
    expectProduct(y, x, w, N, K, N);
    expect(Array.from(y.subarray(N))).toEqual(new Array(m.Npad - N).fill(0));
  });

  it('reads only the first k rows and the first ⌈n/32⌉ panels', () => {
    const [K, N] = [1536, 576];
    const w = randomArray(K * N, 3);
    const x = randomArray(K, 4);
    const m = kr.packMatrix(w, K, N);
    for (const [k, n] of [
      [700, 300],
      [1, 33],
      [1535, 576],
    ] as const) {
      const y = run(kr, x.subarray(0, k), m, k, n);
      expect(y.length).toBe(Math.ceil(n / 32) * 32);
      expectProduct(y, x, w, N, k, n);
    }
    // k = 0 is an empty sum.
    expect(Array.from(run(kr, new Float32Array(0), m, 0, 64))).toEqual(new Array(64).fill(0));
  });

  it('handles small matrices (below the threshold) and odd row counts', () => {
    for (const [K, N] of [
      [16, 40],
      [7, 5],
      [33, 64],
    ] as const) {
      expect(K * N).toBeLessThan(MIN_PARALLEL_WORK);
      const w = randomArray(K * N, K + N);
      const x = randomArray(K, K);
      expectProduct(run(kr, x, kr.packMatrix(w, K, N)), x, w, N, K, N);
    }
  });

  it('computes a matrix written element by element through index() (a KV cache)', () => {
    const [K, N] = [64, 200];
    const w = randomArray(K * N, 5);
    const m = kr.allocMatrix(K, N);
    const f = kr.f32();
    for (let r = 0; r < K; r++) for (let c = 0; c < N; c++) f[kr.index(m, r, c)] = w[r * N + c] as number;
    const x = randomArray(K, 6);
    expectProduct(run(kr, x, m), x, w, N, K, N);
    expectProduct(run(kr, x.subarray(0, 10), m, 10, 150), x, w, N, 10, 150);
  });

  it('stays correct after the memory grows between calls (fresh views)', () => {
    const [K, N] = [576, 960];
    const w = randomArray(K * N, 7);
    const x = randomArray(K, 8);
    const m = kr.packMatrix(w, K, N);
    const before = run(kr, x, m);
    const bytes = kr.f32().byteLength;
    kr.alloc(32 * 2 ** 20); // 128 MiB more
    expect(kr.f32().byteLength).toBeGreaterThan(bytes);
    const after = run(kr, x, m);
    expectProduct(after, x, w, N, K, N);
    expect(Array.from(after)).toEqual(Array.from(before));
  });

  it('sums a range split over the threads', () => {
    const floats = 100_000 * 16;
    const off = kr.alloc(floats);
    const values = randomArray(floats, 9);
    kr.f32().set(values, off);
    const exact = values.reduce((a, b) => a + b, 0);
    expect(Math.abs(kr.sum(off, floats) - exact)).toBeLessThan(1e-6 * floats);
    expect(kr.sum(off, 16)).toBeCloseTo(
      values.subarray(0, 16).reduce((a, b) => a + b, 0),
      5,
    );
    // Four quarters read at once and the bytes after them: every 64-byte block counted once, whatever the split.
    for (const blocks of [1, 3, 4, 5, 7, 8, 9, 13, 37]) {
      const part = values.subarray(0, 16 * blocks).reduce((a, b) => a + b, 0);
      expect(kr.sum(off, 16 * blocks)).toBeCloseTo(part, 4);
    }
  });

  it('refuses arguments outside the matrix or the memory instead of reading garbage', () => {
    const m = kr.allocMatrix(8, 40);
    const x = kr.alloc(16);
    expect(() => kr.gemv(x, m, x, 9)).toThrow(RangeError);
    expect(() => kr.gemv(x, m, x, 8, 65)).toThrow(RangeError);
    expect(() => kr.gemv(kr.f32().length, m, x)).toThrow(/outside the memory/);
    expect(() => kr.packMatrix(new Float32Array(10), 3, 4)).toThrow(/10 floats for \[3, 4\]/);
    expect(() => kr.alloc(2 ** 30)).toThrow(/over maxBytes/);
  });
});

describe.each([true, false])('wasm gemv split over 2 threads, caller claims pieces: %s', (callerClaims) => {
  // callerClaims false: the workers compute every piece, so a worker path that skips or misplaces its share fails here.
  it('computes every column, even with claims of one panel (no threshold)', async () => {
    const kr = await createWasmKernels({ threads: 2, minParallelWork: 0, callerClaims });
    try {
      for (const [K, N] of [
        [3, 64],
        [100, 96],
        [576, 3072],
        [576, 32000],
      ] as const) {
        const w = randomArray(K * N, N);
        const x = randomArray(K, K);
        const m = kr.packMatrix(w, K, N);
        expectProduct(run(kr, x, m), x, w, N, K, N);
        expectProduct(run(kr, x.subarray(0, K - 1), m, K - 1, N - 33), x, w, N, K - 1, N - 33);
      }
      const off = kr.alloc(4096);
      kr.f32().fill(0.25, off, off + 4096);
      expect(kr.sum(off, 4096)).toBe(1024);
      expect(kr.sum(off, 0)).toBe(0);
    } finally {
      await kr.dispose();
    }
    expect(() => kr.gemv(0, kr.allocMatrix(1, 1), 0)).toThrow(/after dispose/);
  });
});

describe('wasm kernels with a worker gate probing the caller alone (worker-gate.ts)', () => {
  // Epochs of one job: the first two use the workers, the third is a probe of the calling thread alone.
  const workerGate = { epochJobs: 1, probeJobs: 1, probeAfter: 2, graceJobs: 0 };
  it('runs a product on the calling thread alone when the gate says so, with the same results', async () => {
    const kr = await createWasmKernels({ threads: 2, minParallelWork: 0, workerGate });
    try {
      const [K, N] = [100, 96];
      const w = randomArray(K * N, 1);
      const x = randomArray(K, 2);
      const m = kr.packMatrix(w, K, N);
      const first = run(kr, x, m);
      expectProduct(first, x, w, N, K, N);
      run(kr, x, m);
      expect(kr.bypassedJobs()).toBe(0);
      const bypassed = run(kr, x, m);
      expect(kr.bypassedJobs()).toBe(1);
      expect(Array.from(bypassed)).toEqual(Array.from(first));
      // The bandwidth probe's sum still reads with both threads: it is not gated.
      const off = kr.alloc(4096);
      kr.f32().fill(0.25, off, off + 4096);
      expect(kr.sum(off, 4096)).toBe(1024);
      expect(kr.bypassedJobs()).toBe(1);
    } finally {
      await kr.dispose();
    }
  });

  it('is not consulted when the caller leaves every piece to the workers', async () => {
    const kr = await createWasmKernels({ threads: 2, minParallelWork: 0, callerClaims: false, workerGate });
    try {
      const [K, N] = [64, 256];
      const w = randomArray(K * N, 3);
      const x = randomArray(K, 4);
      const m = kr.packMatrix(w, K, N);
      for (let i = 0; i < 4; i++) expectProduct(run(kr, x, m), x, w, N, K, N);
      expect(kr.bypassedJobs()).toBe(0);
    } finally {
      await kr.dispose();
    }
  });
});

describe('wasm kernels and process exit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scalewise-wasm-exit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const kernels = fileURLToPath(new URL('./kernels.ts', import.meta.url));

  /** Run a child that uses 2 threads; resolves with its exit code and stdout, or 'timeout' after 5 s. */
  async function child(dispose: boolean): Promise<{ code: number | 'timeout'; out: string }> {
    const script = join(dir, `child-${dispose}.mts`);
    writeFileSync(
      script,
      `import { createWasmKernels } from ${JSON.stringify(kernels)};
const kr = await createWasmKernels({ threads: 2 });
const m = kr.allocMatrix(576, 960);
kr.f32().fill(1, m.off, m.off + 576 * 960);
const x = kr.alloc(576);
const y = kr.alloc(960);
kr.f32().fill(0.5, x, x + 576);
kr.gemv(x, m, y);
// A string, not numbers: console.log colours numbers when FORCE_COLOR is set (nx sets it).
process.stdout.write(String(kr.f32()[y]) + ' ' + String(kr.f32()[y + 959]) + '\\n');
${dispose ? 'await kr.dispose();' : ''}
`,
    );
    const proc = spawn(process.execPath, ['--conditions=@scalewise/source', '--import', 'tsx', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        resolve({ code: 'timeout', out });
      }, 5000);
      proc.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, out });
      });
    });
  }

  it('exits normally after dispose()', async () => {
    expect(await child(true)).toEqual({ code: 0, out: '288 288\n' });
  });

  it('exits even when dispose() is never called (idle workers do not hold the process)', async () => {
    expect(await child(false)).toEqual({ code: 0, out: '288 288\n' });
  });
});

describe.each([
  { unroll: 1, sets: 1 },
  { unroll: 2, sets: 1 },
  { unroll: 2, sets: 2 },
  { unroll: 4, sets: 1 },
  { unroll: 4, sets: 2 },
  { unroll: 1, sets: 1, streams: 2 },
  { unroll: 2, sets: 2, streams: 2 },
  { unroll: 1, sets: 1, streams: 3 },
  { unroll: 1, sets: 1, streams: 4 },
  { unroll: 2, sets: 2, streams: 4 },
] as const)('wasm gemv inner-loop variant %o', (variant) => {
  it('matches float64 for every row count mod 4', async () => {
    const kr = await createWasmKernels({ threads: 1, variant });
    try {
      for (const K of [1, 2, 3, 4, 5, 6, 7, 576, 1535]) {
        const N = K % 2 === 0 ? 70 : 224; // 3 panels (padded) or 7: every count of panels at once, then one alone
        const w = randomArray(K * N, K);
        const x = randomArray(K, K + 1);
        expectProduct(run(kr, x, kr.packMatrix(w, K, N)), x, w, N, K, N);
      }
    } finally {
      await kr.dispose();
    }
  });
});

describe('wasm kernels job hand-off under churn', () => {
  it('alternating jobs of different sizes and kinds never mix parameters or miscount finished units', async () => {
    const kr = await createWasmKernels({ threads: 2, minParallelWork: 0 });
    try {
      const [K, N] = [64, 64]; // 2 panels, against the sum's 4096 blocks
      const w = randomArray(K * N, 11);
      const x = randomArray(K, 12);
      const m = kr.packMatrix(w, K, N);
      const xOff = kr.alloc(K);
      const yOff = kr.alloc(N);
      const sumOff = kr.alloc(1 << 16);
      kr.f32().set(x, xOff);
      kr.f32().fill(1, sumOff, sumOff + (1 << 16));
      const expected = run(kr, x, m);
      const started = performance.now();
      let jobs = 0;
      while (performance.now() - started < 3000) {
        // Short pauses let the worker fall asleep and wake up late in every phase of a job.
        if (jobs % 7 === 0) await new Promise((resolve) => setTimeout(resolve, jobs % 3));
        kr.f32().fill(NaN, yOff, yOff + N);
        kr.gemv(xOff, m, yOff);
        expect(kr.sum(sumOff, 1 << 16)).toBe(1 << 16);
        expect(Array.from(kr.f32().subarray(yOff, yOff + N))).toEqual(Array.from(expected));
        jobs++;
      }
      expect(jobs).toBeGreaterThan(100);
    } finally {
      await kr.dispose();
    }
  });
});
