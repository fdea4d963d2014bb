// Throughput of `prepareTokens` on the Brown corpus (byte tokenizer), plus its parts.
// Run: pnpm bench (from packages/data). Writes bench-results/data.json.
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { batches, bytesTokenizer, loadCorpus, packSequences, prepareTokens } from '../src/index.js';
import { writeFileAtomic } from '@scalewise/core/node';

const REPS = Number(process.env.BENCH_REPS ?? 5);

function meanSd(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}

async function timeIt(fn: () => Promise<number>): Promise<number[]> {
  await fn(); // untimed warm-up
  const rates: number[] = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    const units = await fn();
    rates.push(units / ((performance.now() - t0) / 1000));
  }
  return rates;
}

const dir = await mkdtemp(join(tmpdir(), 'scalewise-bench-data-'));
try {
  const corpus = await loadCorpus('brown');
  const tokenizer = bytesTokenizer();
  let tokens = 0;

  const prepare = await timeIt(async () => {
    const prep = await prepareTokens({ corpus, tokenizer, dir: join(dir, 'tokens'), force: true });
    tokens = Object.values(prep.splits).reduce((s, x) => s + x.tokenCount, 0);
    return tokens;
  });
  const cached = await timeIt(async () => {
    const prep = await prepareTokens({ corpus, tokenizer, dir: join(dir, 'tokens') });
    if (!prep.fromCache) throw new Error('expected a cache hit');
    return tokens;
  });
  const read = await timeIt(async () => {
    let bytes = 0;
    for await (const doc of corpus) bytes += doc.text.length;
    return bytes;
  });
  const texts: string[] = [];
  for await (const doc of corpus) texts.push(doc.text);
  const encode = await timeIt(async () => {
    let n = 0;
    for (const t of texts) n += tokenizer.encode(t).length;
    return n;
  });
  const prep = await prepareTokens({ corpus, tokenizer, dir: join(dir, 'tokens') });
  const batching = await timeIt(async () => {
    const packed = packSequences(prep.splits.train, { seqLen: 512, bosId: tokenizer.bosId, eosId: tokenizer.eosId, seed: 1 });
    let n = 0;
    for (const b of batches(packed, { batchSize: 16, seed: 1 })) n += b.inputs.length;
    return n;
  });

  const summary = (xs: number[]): { mean: number; sd: number; reps: number[] } => ({ ...meanSd(xs), reps: xs.map((x) => Math.round(x)) });
  const result = {
    benchmark: 'data',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version },
    note: 'one untimed warm-up, then REPS repetitions; mean ± sample sd of per-repetition rates; shared CPU, timings are noisy',
    corpus: 'brown (500 documents)',
    tokenizer: 'byte (vocab 259)',
    tokens,
    reps: REPS,
    prepareTokensPerSecond: summary(prepare),
    cachedPrepareTokensPerSecond: summary(cached),
    readBrownCharsPerSecond: summary(read),
    byteEncodeTokensPerSecond: summary(encode),
    packAndBatchTokensPerSecond: { ...summary(batching), seqLen: 512, batchSize: 16 },
  };
  await writeFileAtomic(join(import.meta.dirname, '..', 'bench-results', 'data.json'), `${JSON.stringify(result, null, 2)}\n`);
  const fmt = (s: { mean: number; sd: number }, unit: string): string =>
    `${(s.mean / 1e6).toFixed(2)} ± ${(s.sd / 1e6).toFixed(2)} M${unit}/s`;
  console.log(
    `prepare (tokenize + write, Brown, byte tokenizer, ${tokens.toLocaleString('en-US')} tokens): ` +
      `${fmt(result.prepareTokensPerSecond, 'tokens')}`,
  );
  console.log(`prepare (cache hit, includes corpus hash): ${fmt(result.cachedPrepareTokensPerSecond, 'tokens')}`);
  console.log(`read + detokenize Brown: ${fmt(result.readBrownCharsPerSecond, 'chars')}`);
  console.log(`byte encode: ${fmt(result.byteEncodeTokensPerSecond, 'tokens')}`);
  console.log(`pack + batch (seq 512, batch 16): ${fmt(result.packAndBatchTokensPerSecond, 'tokens')}`);
  console.log('wrote bench-results/data.json');
} finally {
  await rm(dir, { recursive: true, force: true });
}
