import { LLAMA_DEFAULTS, validateConfig, type ModelConfig } from './config.js';
import { ModelsInputError } from './errors.js';

interface Shape {
  dim: number;
  layers: number;
  heads: number;
  kvHeads: number;
  ffnHidden: number;
}

// facebookresearch/MobileLLM configs (see ../shared/README.md): vocab 32000, head_dim 64, tied embeddings.
const MOBILELLM: Record<string, Shape> = {
  '125m': { dim: 576, layers: 30, heads: 9, kvHeads: 3, ffnHidden: 1536 },
  '350m': { dim: 960, layers: 32, heads: 15, kvHeads: 5, ffnHidden: 2560 },
  '600m': { dim: 1152, layers: 40, heads: 18, kvHeads: 6, ffnHidden: 3072 },
  '1b': { dim: 1280, layers: 54, heads: 20, kvHeads: 5, ffnHidden: 3584 },
  '1.5b': { dim: 1600, layers: 54, heads: 25, kvHeads: 5, ffnHidden: 4352 },
};

function build(name: string, shape: Shape, layerRepeat: number): ModelConfig {
  return validateConfig({ ...LLAMA_DEFAULTS, attention: { kind: 'full' }, name, ...shape, layerRepeat });
}

const PRESETS: ReadonlyMap<string, ModelConfig> = new Map(
  Object.entries(MOBILELLM).flatMap(([size, shape]) => [
    [`mobilellm-${size}`, build(`mobilellm-${size}`, shape, 1)] as const,
    // MobileLLM-LS: immediate block-wise weight sharing, each block run twice in a row.
    [`mobilellm-ls-${size}`, build(`mobilellm-ls-${size}`, shape, 2)] as const,
  ]),
);

/** Names of the built-in presets: `mobilellm-{125m,350m,600m,1b,1.5b}` and `mobilellm-ls-*` (layerRepeat 2). */
export function presetNames(): string[] {
  return [...PRESETS.keys()];
}

/** A fresh copy of a built-in preset; throws a ModelsInputError listing the valid names. */
export function getPreset(name: string): ModelConfig {
  const preset = PRESETS.get(name.toLowerCase()) ?? PRESETS.get(lsAlias(name.toLowerCase()));
  if (!preset) {
    throw new ModelsInputError(`unknown model preset '${name}'; valid presets: ${presetNames().join(', ')}`);
  }
  return structuredClone(preset);
}

/** Accept `mobilellm-125m-ls` as well as `mobilellm-ls-125m`. */
function lsAlias(name: string): string {
  const match = /^mobilellm-(.+)-ls$/.exec(name);
  return match ? `mobilellm-ls-${match[1]}` : name;
}
