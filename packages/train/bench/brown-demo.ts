/**
 * Demonstration: a ~1M-parameter model trained on Brown with the byte tokenizer for a few minutes, against the
 * unigram entropy of Brown's bytes (the loss of the best model that ignores context). Both in bits per byte.
 *   node --conditions=@scalewise/source --import tsx bench/brown-demo.ts \
 *     [budgetSeconds=240 | steps=N] [config=examples/brown-1m.json] [engine]
 * Writes bench-results/brown-demo.json.
 */
import { readFileSync, mkdirSync } from 'node:fs';
import { writeJsonAtomicSync } from '@scalewise/core/node';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareTokens } from '@scalewise/data';
import { loadTrainingData, resolveTrainingConfig, train } from '../src/index.js';
import { createReferenceEngine, RowSampler, unigramEntropyBits } from '../src/internals.js';
import { initWeights } from '@scalewise/models';

const here = dirname(fileURLToPath(import.meta.url));
const arg = process.argv[2] ?? '240';
const fixedSteps = arg.startsWith('steps=') ? Number(arg.slice(6)) : undefined;
const budget = Number(arg);
const engineName = process.argv[4] ?? 'reference';
const configPath = resolve(here, '..', process.argv[3] ?? 'examples/brown-1m.json');
const raw = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
const probe = resolveTrainingConfig({ ...raw, tokens: undefined, steps: 1000 });
const data = await loadTrainingData({ ...probe.data, seed: probe.seed });
const prepared = await prepareTokens({ corpus: probe.data.corpus, tokenizer: probe.data.tokenizer });
const unigramBits = unigramEntropyBits(prepared.splits.train.tokens) * (prepared.splits.train.tokenCount / prepared.splits.train.bytes);

// Size the run to the time budget from the measured speed of two steps.
const engine = await createReferenceEngine(probe.model, {});
const w = initWeights(probe.model, 0);
const g = new Map([...w].map(([k, v]) => [k, new Float32Array(v.length)]));
const sampler = new RowSampler(data.train, probe.data.seq, probe.batchSize, 0);
await engine.lossAndGrad(w, g, sampler.next(), 1);
const t0 = performance.now();
await engine.lossAndGrad(w, g, sampler.next(), 1);
const stepSeconds = ((performance.now() - t0) / 1000) * 1.15; // + optimizer, validation
const steps = fixedSteps ?? Math.max(10, Math.floor(budget / stepSeconds));
const outDir = join(tmpdir(), `scalewise-brown-demo-${process.pid}`);
const result = await train({
  config: {
    ...raw,
    engine: engineName,
    tokens: undefined,
    steps,
    schedule: { kind: 'cosine', warmup: Math.min(10, Math.ceil(steps / 20)), floor: 0.1 },
    eval: { every: Math.max(1, Math.floor(steps / 4)), batches: 8 },
  },
  outDir,
  data,
  onProgress: (e) => {
    if (e.done % 10 === 0 || e.done === e.total) process.stderr.write(`[${e.stage}] ${e.done}/${e.total} ${e.detail ?? ''}\n`);
  },
});
const summary = {
  corpus: data.description,
  model: result.model,
  params_total: result.params_total,
  params_non_embedding: result.params_non_embedding,
  steps: result.steps,
  tokens: result.tokens,
  wall_s: result.wall_s,
  tokens_per_s: result.tokens_per_s,
  unigram_entropy_bits_per_byte: unigramBits,
  val_bpb: result.val_bpb,
  val_loss_nats_per_token: result.val_loss,
  final_train_loss_nats_per_token: result.final_train_loss,
  below_unigram_bits_per_byte: unigramBits - result.val_bpb,
  engine: result.engine,
  code_version: result.code_version,
  note: 'shared 2-vCPU machine; timings are noisy',
};
const outFile = join(here, '..', 'bench-results', 'brown-demo.json');
mkdirSync(dirname(outFile), { recursive: true });
writeJsonAtomicSync(outFile, summary);
console.log(`unigram entropy of Brown bytes: ${unigramBits.toFixed(3)} bits/byte`);
console.log(
  `${result.model} (${result.params_total} params) after ${result.tokens} tokens in ${result.wall_s.toFixed(0)} s: validation ` +
    `${result.val_bpb.toFixed(3)} bits/byte (${result.val_loss.toFixed(3)} nats/token)`,
);
