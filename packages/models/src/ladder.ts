import { paramCounts } from './accounting/params.js';
import { LLAMA_DEFAULTS, validateConfig, type AttentionConfig, type ModelConfig } from './config.js';
import { ModelsInputError } from './errors.js';

/**
 * How depth and width grow with the parameter budget:
 * - `aspect`: "deep and thin" — layers ≈ dim / ratio (within ±25%, nearest the ratio when counts tie). MobileLLM's 125M–1B
 *   have dim/layers between 19 and 30 (576/30, 960/32, 1152/40, 1280/54); the default ratio 24 sits in that range.
 * - `fixed-depth`: the given number of layers, width chosen to hit the target.
 * - `fixed-width`: the given dim, number of layers chosen to hit the target.
 */
export type LadderPolicy =
  { kind: 'aspect'; ratio?: number } | { kind: 'fixed-depth'; layers: number } | { kind: 'fixed-width'; dim: number };

export interface LadderOptions {
  policy?: LadderPolicy;
  vocabSize?: number;
  /** Target counts refer to total params (default) or non-embedding params (Kaplan's N). */
  count?: 'total' | 'non-embedding';
  /** Per-head width; default by dim: 64 from dim 256, 16 from dim 64, else 8 (dim is a multiple of it). */
  headDim?: number;
  /** Query heads per KV head (GQA group), default 3 as MobileLLM-125M/350M/600M; the nearest divisor of heads is used. */
  kvGroup?: number;
  /**
   * SwiGLU hidden = ffnRatio·dim rounded up to a multiple of ffnMultiple (default 8/3; multiple 256 from dim 512,
   * 32 from 128, else 8).
   */
  ffnRatio?: number;
  ffnMultiple?: number;
  tiedEmbeddings?: boolean;
  layerRepeat?: number;
  maxPositions?: number;
  attention?: AttentionConfig;
  /** Prefix of generated names, default `ladder`. */
  namePrefix?: string;
}

export interface LadderRung {
  target: number;
  config: ModelConfig;
  /** Achieved count in the same sense as the target (total or non-embedding). */
  achieved: number;
  /** (achieved − target) / target. */
  relativeError: number;
  paramsTotal: number;
  paramsNonEmbedding: number;
}

/** Weight of the aspect-ratio deviation against the log-count error: 1% off the ratio costs 0.05% of params. */
const ASPECT_WEIGHT = 0.05;

function defaultHeadDim(dim: number): number {
  return dim >= 256 ? 64 : dim >= 64 ? 16 : 8;
}

function kvHeadsFor(heads: number, group: number): number {
  let best = 1;
  for (let d = 1; d <= heads; d++) if (heads % d === 0 && Math.abs(heads / d - group) < Math.abs(heads / best - group)) best = d;
  return best;
}

function shapeFor(
  dim: number,
  layers: number,
  o: Required<Omit<LadderOptions, 'policy' | 'headDim' | 'ffnMultiple' | 'count'>> & LadderOptions,
): ModelConfig {
  const headDim = o.headDim ?? defaultHeadDim(dim);
  const heads = dim / headDim;
  const multiple = o.ffnMultiple ?? (dim >= 512 ? 256 : dim >= 128 ? 32 : 8);
  return {
    ...LLAMA_DEFAULTS,
    name: `${o.namePrefix}-d${dim}-l${layers}`,
    vocabSize: o.vocabSize,
    dim,
    layers,
    heads,
    kvHeads: kvHeadsFor(heads, o.kvGroup),
    headDim,
    ffnHidden: Math.ceil((o.ffnRatio * dim) / multiple) * multiple,
    tiedEmbeddings: o.tiedEmbeddings,
    layerRepeat: o.layerRepeat,
    maxPositions: o.maxPositions,
    attention: o.attention,
  };
}

/**
 * Configs whose parameter counts are closest (in log ratio) to each target under a depth/width policy.
 * Widths are searched over multiples of the head width (8 … 8192); the rung reports achieved vs target.
 * Works from ~10k params (e.g. vocab 259 byte tokens) to billions.
 */
export function generateLadder(targets: number | number[], options: LadderOptions = {}): LadderRung[] {
  const list = Array.isArray(targets) ? targets : [targets];
  const o = {
    vocabSize: 32000,
    kvGroup: 3,
    ffnRatio: 8 / 3,
    tiedEmbeddings: true,
    layerRepeat: 1,
    maxPositions: LLAMA_DEFAULTS.maxPositions,
    attention: { kind: 'full' } as AttentionConfig,
    namePrefix: 'ladder',
    ...options,
  };
  const policy = options.policy ?? { kind: 'aspect' };
  const count = options.count ?? 'total';
  if (policy.kind === 'aspect' && policy.ratio !== undefined && !(policy.ratio > 0)) {
    throw new ModelsInputError(`ladder policy: ratio must be > 0 (dim per layer), found ${policy.ratio}`);
  }
  if (policy.kind === 'fixed-depth' && !(Number.isInteger(policy.layers) && policy.layers > 0)) {
    throw new ModelsInputError(`ladder policy: layers must be a positive integer, found ${policy.layers}`);
  }
  if (policy.kind === 'fixed-width' && !(Number.isInteger(policy.dim) && policy.dim > 0)) {
    throw new ModelsInputError(`ladder policy: dim must be a positive integer, found ${policy.dim}`);
  }

  // Per width, the count is affine in depth (embedding + final norm + layers · perLayer), so candidates
  // are scored arithmetically and only the winner becomes a config.
  interface Width {
    dim: number;
    fixed: number;
    perLayer: number;
    layers: [number, number];
  }
  const widths: Width[] = [];
  const dims: number[] = [];
  if (policy.kind === 'fixed-width') dims.push(policy.dim);
  else for (let dim = 8; dim <= 8192; dim += options.headDim ?? defaultHeadDim(dim)) dims.push(dim);
  for (const dim of dims) {
    if (dim % (options.headDim ?? defaultHeadDim(dim)) !== 0) {
      throw new ModelsInputError(`ladder policy: dim ${dim} must be a multiple of headDim ${options.headDim ?? defaultHeadDim(dim)}`);
    }
    const base = shapeFor(dim, 1, o);
    const p = paramCounts(base);
    const perLayer = p.perLayer;
    const fixed = (count === 'total' ? p.total : p.nonEmbedding) - perLayer;
    let layers: [number, number];
    if (policy.kind === 'fixed-depth') layers = [policy.layers, policy.layers];
    else if (policy.kind === 'aspect') {
      // Depths within ±25% of dim/ratio; the score below prefers the exact ratio among near-equal counts.
      const ideal = dim / (policy.ratio ?? 24);
      layers = [Math.max(1, Math.floor(ideal / 1.25)), Math.max(1, Math.ceil(ideal * 1.25))];
    } else layers = [1, 512];
    widths.push({ dim, fixed, perLayer, layers });
  }

  return list.map((target) => {
    if (!(Number.isFinite(target) && target > 0))
      throw new ModelsInputError(`ladder: target parameter count must be a positive number, found ${target}`);
    let best = widths[0]!;
    let bestLayers = best.layers[0];
    let bestScore = Infinity;
    for (const w of widths) {
      for (let layers = w.layers[0]; layers <= w.layers[1]; layers++) {
        const n = w.fixed + layers * w.perLayer;
        const shapePenalty = policy.kind === 'aspect' ? ASPECT_WEIGHT * Math.abs(Math.log(w.dim / layers / (policy.ratio ?? 24))) : 0;
        const score = n > 0 ? Math.abs(Math.log(n / target)) + shapePenalty : Infinity;
        if (score < bestScore) {
          bestScore = score;
          best = w;
          bestLayers = layers;
        }
      }
    }
    const config = validateConfig(shapeFor(best.dim, bestLayers, o));
    const p = paramCounts(config);
    const achieved = count === 'total' ? p.total : p.nonEmbedding;
    return {
      target,
      config,
      achieved,
      relativeError: (achieved - target) / target,
      paramsTotal: p.total,
      paramsNonEmbedding: p.nonEmbedding,
    };
  });
}
