/**
 * ONNX export of the real MobileLLM shapes with random weights: time to init, build+encode and write the
 * folder, file sizes, peak RSS, then onnxruntime-node load time and a short prefill/decode timing.
 * Usage (from packages/models): node --conditions=@scalewise/source --import tsx bench/onnx-export.ts [preset ...]
 * Writes bench-results/onnx-export.json. Timings are noisy when other processes share the CPU.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { writeJsonAtomic } from '@scalewise/core/node';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { getPreset } from '../src/presets.js';
import { initWeights } from '../src/init.js';
import { writeModelFolder } from '../src/onnx/folder.js';
import { step } from '../src/onnx/test-utils.js';

const presets = process.argv.slice(2).length > 0 ? process.argv.slice(2) : ['mobilellm-125m', 'mobilellm-350m'];
const results: Record<string, unknown>[] = [];
let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);

for (const name of presets) {
  const config = getPreset(name);
  const dir = await mkdtemp(join(tmpdir(), `scalewise-export-${name}-`));
  peakRss = process.memoryUsage().rss;
  let t = performance.now();
  const weights = initWeights(config, 1);
  const initSeconds = (performance.now() - t) / 1000;
  const folder = await writeModelFolder(dir, { config, weights });
  const exportPeakRss = peakRss;

  t = performance.now();
  const session = await ort.InferenceSession.create(join(dir, 'onnx/model.onnx'));
  const loadSeconds = (performance.now() - t) / 1000;
  const prompt = Array.from({ length: 64 }, (_, i) => (i * 7919) % config.vocabSize);
  await step(session, config, [prompt.slice(0, 8)], [prompt.slice(0, 8).map(() => 1)]); // warm-up
  t = performance.now();
  let out = await step(session, config, [prompt], [prompt.map(() => 1)]);
  const prefillSeconds = (performance.now() - t) / 1000;
  const decodeSteps = 16;
  const mask = prompt.map(() => 1);
  t = performance.now();
  for (let s = 0; s < decodeSteps; s++) {
    mask.push(1);
    out = await step(session, config, [[s + 1]], [mask], out.present);
  }
  const decodeSeconds = (performance.now() - t) / 1000;
  await session.release();
  const row = {
    preset: name,
    date: new Date().toISOString(),
    params: [...weights.values()].reduce((s, w) => s + w.length, 0),
    files: folder.files,
    external_data: folder.externalData,
    seconds: { init: initSeconds, build_encode: folder.encodeSeconds, write: folder.writeSeconds, ort_load: loadSeconds },
    peak_rss_bytes_during_export: exportPeakRss,
    prefill_64_tokens_per_s: 64 / prefillSeconds,
    decode_tokens_per_s: decodeSteps / decodeSeconds,
    ort_threads: 'default',
  };
  results.push(row);
  console.log(JSON.stringify(row));
  await rm(dir, { recursive: true, force: true });
}
clearInterval(sampler);

const outDir = join(import.meta.dirname, '..', 'bench-results');
await mkdir(outDir, { recursive: true });
const path = join(outDir, 'onnx-export.json');
// Merge by preset, so presets can be measured one per process (peak RSS is per process).
let previous: Array<Record<string, unknown>> = [];
try {
  previous = (JSON.parse(await readFile(path, 'utf8')) as { results: Array<Record<string, unknown>> }).results;
} catch {
  /* first run */
}
const merged = [...previous.filter((r) => !presets.includes(r.preset as string)), ...results];
await writeJsonAtomic(path, { date: new Date().toISOString(), node: process.version, results: merged });
console.log(`wrote ${path}`);
