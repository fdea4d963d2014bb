import { ModelsInputError } from './errors.js';
import { generateLadder, type LadderOptions, type LadderRung } from './ladder.js';

/** Architecture families compared at equal non-embedding parameters (issue #13). */
export type FamilyName = 'deep-thin' | 'wide-shallow' | 'layer-shared' | 'mha';

/** How one family turns a parameter target into a config: a row of the `FAMILIES` registry. */
export interface FamilySpec {
  name: FamilyName;
  description: string;
  /** Where the proportions come from. */
  source: string;
  /** Target width per layer (dim / layers) at published scale; `familyLadder`'s `ratioScale` rescales it. */
  aspectRatio: number;
  /** Query heads per KV head: 1 = MHA, 3 = MobileLLM's GQA. */
  kvGroup: number;
  /** Times each block runs in a row with the same weights (MobileLLM-LS: 2). */
  layerRepeat: number;
  /**
   * The family whose rung this one copies at the same unique parameters (only `layerRepeat` differs), or null
   * when the family is searched on its own.
   */
  twinOf: FamilyName | null;
}

/**
 * The registry. Proportions:
 * - deep-thin: MobileLLM (Liu et al. 2024) 125M/350M/600M/1B have dim/layers 576/30 = 19.2, 960/32 = 30,
 *   1152/40 = 28.8, 1280/54 = 23.7; 24 sits in that range. GQA with 3 query heads per KV head (125M–600M),
 *   SwiGLU, tied embeddings.
 * - wide-shallow: the conventional GPT-2 small / OPT-125M / Pythia-160M shape 768/12 = 64 (OPT-1.3B 2048/24 ≈ 85,
 *   OPT-2.7B 2560/32 = 80). Same GQA, SwiGLU and tied embeddings as deep-thin, so only depth-to-width differs.
 * - layer-shared: MobileLLM-LS, deep-thin with every block applied twice in a row: the deep-thin rung itself
 *   (same unique parameters) with layerRepeat 2, so twice the effective depth and block FLOPs.
 * - mha: deep-thin proportions with GQA off (one KV head per query head).
 */
export const FAMILIES: Readonly<Record<FamilyName, FamilySpec>> = Object.freeze({
  'deep-thin': {
    name: 'deep-thin',
    description: 'many layers, small width, GQA, SwiGLU, tied embeddings',
    source: 'MobileLLM configs (dim/layers 19–30)',
    aspectRatio: 24,
    kvGroup: 3,
    layerRepeat: 1,
    twinOf: null,
  },
  'wide-shallow': {
    name: 'wide-shallow',
    description: 'conventional depth-to-width at the same N (GQA, SwiGLU, tied as deep-thin)',
    source: 'GPT-2 small / OPT-125M 768/12 = 64 (OPT 1.3B–2.7B: 80–85)',
    aspectRatio: 64,
    kvGroup: 3,
    layerRepeat: 1,
    twinOf: null,
  },
  'layer-shared': {
    name: 'layer-shared',
    description: 'deep-thin with each block applied twice (same unique parameters)',
    source: 'MobileLLM-LS (immediate block-wise repeat)',
    aspectRatio: 24,
    kvGroup: 3,
    layerRepeat: 2,
    twinOf: 'deep-thin',
  },
  mha: {
    name: 'mha',
    description: 'deep-thin proportions with multi-head attention (GQA off)',
    source: 'MobileLLM proportions, kvHeads = heads',
    aspectRatio: 24,
    kvGroup: 1,
    layerRepeat: 1,
    twinOf: null,
  },
});

export const FAMILY_NAMES = Object.keys(FAMILIES) as FamilyName[];

export interface FamilyLadderOptions {
  /** Default 259 (the byte tokenizer). */
  vocabSize?: number;
  /** Largest accepted |achieved − target| / target of the non-embedding count. Default 0.12. */
  tolerance?: number;
  /**
   * Multiplies every family's aspect ratio. Byte-level ladders below ~1e6 non-embedding parameters cannot reach
   * 24 dim per layer with more than one or two layers, so tiny studies rescale (the train package's study presets
   * use 1/4: dim/layers 6 and 16): the families keep their relative proportions (wide-shallow ≈ 2.7× deep-thin's
   * dim per layer). Default 1.
   */
  ratioScale?: number;
  maxPositions?: number;
}

export interface FamilyRung extends LadderRung {
  family: FamilyName;
  /** dim / layers of the chosen config. */
  aspect: number;
}

function defaultHeadDim(dim: number): number {
  return dim >= 256 ? 64 : dim >= 64 ? 16 : 8;
}

function resolveFamily(family: string): FamilySpec {
  const spec = (FAMILIES as Record<string, FamilySpec>)[family];
  if (spec === undefined) throw new ModelsInputError(`family: expected one of ${FAMILY_NAMES.join(', ')}, found '${family}'`);
  return spec;
}

/** Candidate widths: multiples of the default head width (as `generateLadder` uses). */
function candidateDims(): number[] {
  const dims: number[] = [];
  for (let dim = 8; dim <= 8192; dim += 8) if (dim % defaultHeadDim(dim) === 0) dims.push(dim);
  return dims;
}

/**
 * One rung per target (non-embedding parameters) for a family: among widths whose best depth (fixed-width
 * ladder) lands within `tolerance` of the target, the one closest in log to the family's dim/layers ratio
 * (ties: smaller count error). When no width is within tolerance the closest count wins.
 */
export function familyLadder(family: FamilyName | string, targets: number | number[], options: FamilyLadderOptions = {}): FamilyRung[] {
  const spec = resolveFamily(family);
  const list = Array.isArray(targets) ? targets : [targets];
  const tolerance = options.tolerance ?? 0.12;
  const ratioScale = options.ratioScale ?? 1;
  if (!(tolerance > 0)) throw new ModelsInputError(`familyLadder: tolerance must be > 0, found ${tolerance}`);
  if (!(ratioScale > 0)) throw new ModelsInputError(`familyLadder: ratioScale must be > 0, found ${ratioScale}`);
  if (spec.twinOf !== null) {
    // Same unique parameters as the twin: copy its rungs, change only layerRepeat (params unchanged).
    return familyLadder(spec.twinOf, list, options).map((rung) => {
      const config = { ...rung.config, layerRepeat: spec.layerRepeat, name: rung.config.name.replace(spec.twinOf!, spec.name) };
      return { ...rung, family: spec.name, config };
    });
  }
  const ratio = spec.aspectRatio * ratioScale;
  const dims = candidateDims();
  return list.map((target) => {
    if (!(Number.isFinite(target) && target > 0))
      throw new ModelsInputError(`familyLadder: target parameter count must be a positive number, found ${target}`);
    let best: LadderRung | null = null;
    let bestKey: [number, number] = [Infinity, Infinity];
    for (const dim of dims) {
      const base: LadderOptions = {
        vocabSize: options.vocabSize ?? 259,
        count: 'non-embedding',
        policy: { kind: 'fixed-width', dim },
        headDim: defaultHeadDim(dim),
        kvGroup: spec.kvGroup,
        layerRepeat: spec.layerRepeat,
        namePrefix: spec.name,
        ...(options.maxPositions === undefined ? {} : { maxPositions: options.maxPositions }),
      };
      const rung = generateLadder(target, base)[0]!;
      // A GQA family needs ≥ 2 query heads per KV head (the nearest divisor of a prime head count may be MHA).
      if (spec.kvGroup > 1 && rung.config.kvHeads === rung.config.heads) continue;
      // One layer already above the tolerance: wider dims only overshoot more.
      if (rung.config.layers === 1 && rung.relativeError > tolerance && best !== null) break;
      const countError = Math.abs(Math.log(rung.achieved / target));
      const within = Math.abs(rung.relativeError) <= tolerance;
      const key: [number, number] = within ? [Math.abs(Math.log(dim / rung.config.layers / ratio)), countError] : [Infinity, countError];
      if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) {
        best = rung;
        bestKey = key;
      }
    }
    const rung = best!;
    return { ...rung, family: spec.name, aspect: rung.config.dim / rung.config.layers };
  });
}
