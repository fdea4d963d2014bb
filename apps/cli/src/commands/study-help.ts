import { FAMILY_NAMES } from '@scalewise/models';

/** `scalewise study --help`. */
export const STUDY_HELP =
  `scalewise study — the whole scaling study, offline, end to end

Usage: scalewise study [--quick] [--families a,b,...] [--scale K] [--lr-extensions N] [--isoflop] [--out DIR] ` +
  `[--seed S] [--engine native|reference] [--threads N] [--models DIR,... [--corpus FILE]] [--no-png] [--queue URL] [--json]

Stages (each resumable: a re-run with the same options reuses finished stages and training runs):
  1. the original MobileLLM study, refitted with intervals, in matching units, vs Kaplan
  2. byte n-gram baselines (unigram, Kneser-Ney orders 2-5) on Brown's validation split, in bits/byte
  3. the family comparison: ladders of architecture families trained on Brown at the same tokens per
     non-embedding parameter (LR swept at each family's smallest size, seed replicates), every run validated
     on the whole validation split with document-bootstrap intervals; per-family power and saturating L(N),
     pairwise exponent differences with intervals and p-values, a joint fit with a shared irreducible loss
  4. throughput (pp/tg tokens/s) and peak memory of each family's largest model and random-weight MobileLLM shapes
  5. report.html with figures (SVG and PNG) and machine-readable results (results/families.json)

Options:
  --quick           2 families x 4 sizes, >= 150 steps a run, 10 tokens per parameter (about 45 s on 2 cores);
                    the default: 3 families x 5 sizes, >= 300 steps, 20 tokens per parameter (about 9 minutes)
  --families LIST   comma-separated families to compare: ${FAMILY_NAMES.join(', ')}
                    (default deep-thin,wide-shallow,layer-shared; --quick deep-thin,wide-shallow)
  --scale K         multiply every model size (and so every token budget) by K > 0 (default 1)
  --lr-extensions N
                    each family's LR sweep (0.001, 0.003, 0.01 at its smallest size) may add up to N values
                    (0 to 4, default 0) past an end that wins, one at a time at the grid's spacing (0.033, 0.11;
                    0.00033, ...) until a value on each side loses. A sensitivity check: the chosen LR trains every
                    size, and larger models may prefer a smaller one. A winning end is always reported (lr_edge and
                    warnings in results/families.json, the log and the report)
  --isoflop         also train an IsoFLOP grid (ladder x 3 FLOP budgets), fit Chinchilla approaches 2 and 3,
                    and report compute-optimal allocation (adds roughly 10-30 minutes)
  --out DIR         output folder (default ./scalewise-out/<run-id>, run-id derived from the options);
                    missing parents are created; a folder holding a study with other options (another
                    seed, engine, --quick or --isoflop) or other files is refused (exit 2), never mixed
  --seed S          seed for initialisation, data order and bootstrap (whole number >= 0, default 0)
  --engine E        training engine: native (ONNX Runtime, default) or reference (TypeScript)
  --threads N       intra-op threads for training and benchmarks (1 to 1024)
  --models DIR,...  stage 1 measures these checkpoints (MobileLLM / HF llama folders: config.json + weights +
                    tokenizer.model, or ONNX folders) instead of using the original study's shipped table:
                    perplexity by the HF strided recipe (window 1024, stride 512), tokens/s by the original
                    protocol (50 greedy tokens, no KV cache, batch 1) and peak RSS, then fits the measured table
                    (3 sizes or more; with 2 the fit's interval is undefined and none is reported)
  --corpus FILE     the perplexity corpus for --models (e.g. wiki.test.raw, scored whole; default brown's test split)
  --no-png          skip PNG copies of the figures
  --queue URL       train every run on workers through a Redis queue (see 'scalewise worker --help'): runs of
                    all families go out at once, each worker trains and validates, results land in the same
                    files as a local study; exit 1 listing failed runs unless every run finished. Workers need
                    --artifacts on a folder this machine mounts at the same path (the throughput stage reads the
                    largest trained models)
  --json            print the summary as one JSON object

Examples:
  scalewise study --quick
  scalewise study --out results/study-1 --seed 1
  scalewise study --quick --queue redis://queue.lab:6379
`;
