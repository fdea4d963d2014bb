import type { Command } from '../kit.js';

/**
 * Every command, loaded lazily so `scalewise --help` stays instant and a command's heavy
 * dependencies (onnxruntime, transformers.js) load only when it runs.
 */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  study: { summary: 'Run the whole scaling study end to end and write a report', load: async () => (await import('./study.js')).default },
  fit: {
    summary: 'Fit a scaling law to a results table (CSV or JSON) with confidence intervals',
    load: async () => (await import('./fit.js')).default,
  },
  observe: {
    summary: 'Observational scaling: capability PCA over many models’ benchmark scores, sigmoid fits of a target',
    load: async () => (await import('./observe.js')).default,
  },
  isoflop: {
    summary: 'Compute-optimal scaling from an IsoFLOP sweep: approaches 2 and 3 (and 1 from curves) side by side',
    load: async () => (await import('./isoflop.js')).default,
  },
  plan: {
    summary: 'Plan a study by simulation: which design gives a parameter interval narrower than a target',
    load: async () => (await import('./plan.js')).default,
  },
  model: {
    summary: 'Model configs: `model info` (params, FLOPs, memory), `model export` (ONNX folder)',
    load: async () => (await import('./model.js')).default,
  },
  data: { summary: 'Corpora and tokenizers: `data prepare`, `data stats`', load: async () => (await import('./data.js')).default },
  train: { summary: 'Train one model on a corpus, with checkpoints and resume', load: async () => (await import('./train.js')).default },
  sweep: {
    summary: 'Train a list of models x token budgets, skipping finished runs',
    load: async () => (await import('./sweep.js')).default,
  },
  worker: {
    summary: 'Train runs from a queue (Redis); stop with Ctrl-C/SIGTERM to hand jobs back',
    load: async () => (await import('./worker.js')).default,
  },
  queue: {
    summary: 'Queue of runs on Redis: `queue status` (queued, running, finished, failed), `queue clean`',
    load: async () => (await import('./queue.js')).default,
  },
  eval: {
    summary: 'Evaluate a model: `eval ppl` (perplexity, bits per byte), `eval tasks` (zero-shot)',
    load: async () => (await import('./eval.js')).default,
  },
  bench: {
    summary: 'Measure throughput (pp/tg tokens/s) and peak memory of a model',
    load: async () => (await import('./bench.js')).default,
  },
  report: {
    summary: 'Render an HTML report with figures from a results directory',
    load: async () => (await import('./report.js')).default,
  },
  explore: {
    summary: 'Write the offline fit explorer (one HTML page: fit scaling laws in a browser)',
    load: async () => (await import('./explore.js')).default,
  },
};
