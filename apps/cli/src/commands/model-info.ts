import {
  flopsPerToken,
  kvCacheBytes,
  MEMORY_DTYPES,
  paramCounts,
  resolveConfig,
  trainingMemory,
  weightBytes,
  type FlopsByFamily,
  type ModelConfig,
} from '@scalewise/models';
import { EXIT_OK, UsageError, parseFlags, printJson, printable, type CliIO, type Command, intFlag } from '../kit.js';

export const HELP = `Usage: scalewise model info PRESET|config.json [--seq N] [--batch B] [--json]

Parameter counts (exact), FLOPs per token and memory of a model config.
PRESET is one of mobilellm-{125m,350m,600m,1b,1.5b} or mobilellm-ls-* (layer sharing: each block run twice);
a file may be a Hugging Face config.json (LlamaForCausalLM / MobileLLM), a scalewise ModelConfig JSON, or a
model folder containing config.json.

Options:
  --seq N      context length in tokens for FLOPs, KV cache and activations (default 2048)
  --batch B    sequences for KV cache and training memory (default 1)
  --json       print one JSON object: { params_total, params_non_embedding, params_embedding,
               flops_per_token_forward, flops_per_token_train, memory_bytes: {fp32, fp16, int8, int4}, ... }

FLOPs are per token, averaged over the positions of a sequence of N tokens (matmuls only; 1 multiply-add =
2 FLOPs; train = 3 x forward), beside PaLM's 6N + 12*L*H*Q*T approximation. Memory: weights by dtype, KV cache
(fp16), training estimate (fp32 activations without recomputation + weights, grads and AdamW moments).

Examples:
  scalewise model info mobilellm-125m
  scalewise model info mobilellm-ls-350m --seq 1024 --json
  scalewise model info ./my-model/config.json
`;

// Closed-form accounting answers for any context, so the only bound is where integers stay exact.
const positiveInt = (name: string, value: string | undefined, fallback: number): number =>
  intFlag(name, value, { min: 1, max: Number.MAX_SAFE_INTEGER }, fallback);

const SI = ['', 'k', 'M', 'G', 'T', 'P', 'E'];

/** 1234567 → "1.23 M" (decimal prefixes). */
function si(value: number, unit = ''): string {
  let i = 0;
  let v = value;
  while (Math.abs(v) >= 1000 && i < SI.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 2)} ${SI[i]}${unit}`.trimEnd();
}

const int = (n: number): string => n.toLocaleString('en-US');

export interface ModelInfo {
  name: string;
  seq: number;
  batch: number;
  params_total: number;
  params_non_embedding: number;
  params_embedding: number;
  flops_per_token_forward: number;
  flops_per_token_train: number;
  flops_per_token_palm_forward: number;
  flops_per_token_palm_train: number;
  flops_by_family: { forward: FlopsByFamily; train: FlopsByFamily };
  memory_bytes: Record<string, number>;
  kv_cache_bytes_fp16: number;
  training_memory_bytes: { activations_fp32: number; weights_grads_adamw: number; total: number };
  config: ModelConfig;
}

export function modelInfo(config: ModelConfig, seq: number, batch: number): ModelInfo {
  const p = paramCounts(config);
  const f = flopsPerToken(config, seq);
  const train = trainingMemory(config, seq, batch, 'fp32');
  return {
    name: config.name,
    seq,
    batch,
    params_total: p.total,
    params_non_embedding: p.nonEmbedding,
    params_embedding: p.embedding,
    flops_per_token_forward: f.forward.total,
    flops_per_token_train: f.train.total,
    flops_per_token_palm_forward: f.palm.forward,
    flops_per_token_palm_train: f.palm.train,
    flops_by_family: { forward: f.forward, train: f.train },
    memory_bytes: weightBytes(config),
    kv_cache_bytes_fp16: kvCacheBytes(config, seq, batch, 'fp16'),
    training_memory_bytes: { activations_fp32: train.activations, weights_grads_adamw: train.weightsGradsOptimizer, total: train.total },
    config,
  };
}

function describeAttention(c: ModelConfig): string {
  const a = c.attention;
  if (a.kind === 'sliding-window') return `sliding-window ${a.window}`;
  if (a.kind === 'block-sparse') return `block-sparse (blocks of ${a.blockSize}, ${a.localBlocks} local, ${a.globalTokens} global tokens)`;
  return a.kind;
}

function human(info: ModelInfo, io: CliIO): void {
  const c = info.config;
  const sharing = c.layerRepeat > 1 ? ` x ${c.layerRepeat} (layer sharing: ${c.layers * c.layerRepeat} blocks run)` : '';
  const lines = [
    `${info.name}: dim ${c.dim}, ${c.layers} layers${sharing}, ${c.heads} heads / ${c.kvHeads} KV heads of ${c.headDim}, ` +
      `FFN ${c.ffnHidden}, vocab ${c.vocabSize}, ${c.tiedEmbeddings ? 'tied' : 'untied'} embeddings, attention ${describeAttention(c)}`,
    '',
    'Parameters',
    `  total           ${int(info.params_total).padStart(15)}  (${si(info.params_total)})`,
    `  non-embedding   ${int(info.params_non_embedding).padStart(15)}  (${si(info.params_non_embedding)})`,
    `  embedding       ${int(info.params_embedding).padStart(15)}  (${si(info.params_embedding)})`,
    '',
    `FLOPs per token at context ${info.seq} (mean over positions, matmuls only)`,
    `  ${''.padEnd(22)}${'forward'.padStart(14)}${'train'.padStart(14)}`,
  ];
  const fam: [string, keyof FlopsByFamily][] = [
    ['attention projections', 'attentionProjections'],
    ['attention scores', 'attentionScores'],
    ['FFN', 'ffn'],
    ['logits', 'logits'],
    ['total', 'total'],
  ];
  for (const [label, key] of fam) {
    lines.push(
      `  ${label.padEnd(22)}${si(info.flops_by_family.forward[key], 'FLOP').padStart(14)}` +
        si(info.flops_by_family.train[key], 'FLOP').padStart(14),
    );
  }
  lines.push(
    `  ${'PaLM 2N/6N + LHQT'.padEnd(22)}${si(info.flops_per_token_palm_forward, 'FLOP').padStart(14)}` +
      si(info.flops_per_token_palm_train, 'FLOP').padStart(14),
  );
  lines.push('', 'Memory (1 MB = 10^6 bytes)');
  lines.push(`  weights         ${MEMORY_DTYPES.map((d) => `${d} ${si(info.memory_bytes[d]!, 'B')}`).join(', ')}`);
  lines.push(
    `  KV cache        ${si(info.kv_cache_bytes_fp16, 'B')} (fp16, batch ${info.batch}, ${info.seq} ` +
      `tokens${c.layerRepeat > 1 ? `, ${c.layers * c.layerRepeat} cached layers` : ''})`,
  );
  const t = info.training_memory_bytes;
  lines.push(
    `  training        ${si(t.total, 'B')} = activations ${si(t.activations_fp32, 'B')} (fp32, batch ${info.batch} x ${info.seq}) + ` +
      `weights, grads, AdamW ${si(t.weights_grads_adamw, 'B')}`,
  );
  io.stdout(`${lines.join('\n')}\n`);
}

const command: Command = {
  summary: 'Parameters, FLOPs per token and memory of a preset or config.json',
  help: HELP,
  run: async (argv, io) => {
    const { values, positionals } = parseFlags(argv, { seq: { type: 'string' }, batch: { type: 'string' } });
    if (positionals.length === 1 && positionals[0]!.trim() === '')
      throw new UsageError('model info expects a PRESET or config.json, found an empty argument');
    if (values.help) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    if (positionals.length !== 1)
      throw new UsageError(
        `model info expects one PRESET or config.json, found ${positionals.length} arguments; see scalewise model info --help`,
      );
    const seq = positiveInt('seq', values.seq, 2048);
    const batch = positiveInt('batch', values.batch, 1);
    const config = resolveConfig(positionals[0]!, io.cwd);
    if (seq > config.maxPositions)
      io.stderr(`warning: --seq ${seq} exceeds max_position_embeddings ${config.maxPositions} of ${printable(config.name)}\n`);
    const info = modelInfo(config, seq, batch);
    if (values.json) printJson(io, info);
    else human(info, io);
    return EXIT_OK;
  },
};

export default command;
