/**
 * Shared fixtures of the bad-input suite's data/train/sweep/study files: a tiny corpus outside every case's
 * folder (so configs name it by an absolute path and resumed configs match), a private token cache, a
 * tiny byte-level model and training config, and a folder → Fixture reader for captured runs.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { Fixture } from './harness.js';

/** A folder shared by one test file's cases (never one a case checks). */
export const SHARED = mkdtempSync(path.join(tmpdir(), 'scalewise-bad-shared-'));
export const CORPUS = path.join(SHARED, 'corpus');
mkdirSync(CORPUS);
for (let f = 0; f < 24; f++)
  writeFileSync(path.join(CORPUS, `d${f}.txt`), `document ${f}: the quick brown fox jumps over the lazy dog ${f % 5} times.\n`.repeat(2));

/** Point the token cache at SHARED for the file's lifetime, and remove SHARED afterwards. */
export function useSharedCache(): void {
  let old: string | undefined;
  beforeAll(() => {
    old = process.env.SCALEWISE_CACHE;
    process.env.SCALEWISE_CACHE = path.join(SHARED, 'cache');
  });
  afterAll(() => {
    if (old === undefined) delete process.env.SCALEWISE_CACHE;
    else process.env.SCALEWISE_CACHE = old;
    rmSync(SHARED, { recursive: true, force: true });
  });
}

export const MODEL = {
  name: 'bad-tiny',
  vocabSize: 259,
  dim: 16,
  layers: 1,
  heads: 2,
  kvHeads: 1,
  headDim: 8,
  ffnHidden: 32,
  maxPositions: 64,
};
export const TRAINING = { data: { corpus: CORPUS, seq: 16 }, batchSize: 2, optimizer: { lr: 0.01 }, eval: { batches: 1 }, peakGflops: 1 };

/** A tiny training config as JSON text; `over` replaces top-level fields (undefined removes one). */
export function tinyConfig(over: Record<string, unknown> = {}): string {
  const config: Record<string, unknown> = { ...TRAINING, model: MODEL, steps: 2, checkpoint: { every: 1, keep: 2 }, ...over };
  for (const [k, v] of Object.entries(over)) if (v === undefined) delete config[k];
  return JSON.stringify(config);
}

/** Read a folder into a Fixture (to replay a real run's output, modified, in a case). */
export function readTree(dir: string): { dir: Record<string, Fixture> } {
  const out: Record<string, Fixture> = {};
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    out[name] = statSync(full).isDirectory() ? readTree(full) : new Uint8Array(readFileSync(full));
  }
  return { dir: out };
}

/** Replace the tensor data of a safetensors file (after its JSON header) by `fill`, keeping its size. */
export function fillTensors(bytes: Uint8Array, fill: (data: Buffer) => void): Uint8Array {
  const copy = Buffer.from(bytes);
  fill(copy.subarray(8 + Number(copy.readBigUInt64LE(0))));
  return new Uint8Array(copy);
}
