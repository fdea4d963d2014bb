import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  loadSafetensors, loadWeights, saveSafetensors, saveWeights, weightSpecs, type ModelWeights,
} from '@scalewise/models';
import type { TensorToWrite } from '@scalewise/models/internals';
import type { TrainingConfig } from './config.js';
import type { SamplerState } from './data.js';
import { TrainError, TrainInputError } from './errors.js';
import { writeFileAtomicSync as writeFileAtomic } from '@scalewise/core/node';
import type { AdamW } from './optimizer.js';

/** Everything besides tensors that a checkpoint records (state.json). */
export interface CheckpointState {
  /** Optimizer steps completed. */
  step: number;
  /** Training tokens processed. */
  tokens: number;
  /** AdamW update count (bias correction). */
  adamT: number;
  /** Data position: rows handed out by the sampler. The row order is a pure function of (seed, rows consumed), and
   *  nothing else in training is random (no dropout), so this is the whole RNG state. */
  data: SamplerState;
  seed: number;
  /** Wall-clock seconds spent training up to this checkpoint (summed over resumes). */
  wallSeconds: number;
  config: TrainingConfig;
  manifestHash: string;
  codeVersion: string;
  savedAt: string;
}

const PREFIX = 'step-';

function stepDir(root: string, step: number): string {
  return join(root, `${PREFIX}${String(step).padStart(8, '0')}`);
}

/**
 * Write a checkpoint folder `<root>/step-XXXXXXXX/` = model.safetensors + optimizer.safetensors (Adam m, v) +
 * state.json. Built in a temporary folder and renamed into place, so a kill at any moment leaves either
 * the complete checkpoint or none. Then deletes all but the newest `keep`.
 */
export function saveCheckpoint(root: string, weights: ModelWeights, optimizer: AdamW, state: CheckpointState, keep: number): string {
  mkdirSync(root, { recursive: true });
  const final = stepDir(root, state.step);
  const tmp = join(root, `.tmp-${PREFIX}${state.step}-${process.pid}-${Date.now()}`);
  mkdirSync(tmp);
  try {
    saveWeights(join(tmp, 'model.safetensors'), state.config.model, weights, { metadata: { step: String(state.step) } });
    const tensors = new Map<string, TensorToWrite>();
    for (const spec of weightSpecs(state.config.model)) {
      tensors.set(`m.${spec.name}`, { shape: spec.shape, data: optimizer.m.get(spec.name)! });
      tensors.set(`v.${spec.name}`, { shape: spec.shape, data: optimizer.v.get(spec.name)! });
    }
    saveSafetensors(join(tmp, 'optimizer.safetensors'), tensors, { adam_t: String(optimizer.t) });
    writeFileAtomic(join(tmp, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    throw new TrainError(`cannot write checkpoint ${final}: ${(error as Error).message}`, { cause: error });
  }
  pruneCheckpoints(root, keep);
  return final;
}

/** Completed checkpoint folders, oldest first. */
export function listCheckpoints(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((name) => name.startsWith(PREFIX) && existsSync(join(root, name, 'state.json'))).sort().map((name) => join(root, name));
}

function pruneCheckpoints(root: string, keep: number): void {
  const all = listCheckpoints(root);
  for (const dir of all.slice(0, Math.max(0, all.length - keep))) rmSync(dir, { recursive: true, force: true });
  // Leftovers of checkpoints interrupted mid-write.
  for (const name of readdirSync(root)) if (name.startsWith(`.tmp-${PREFIX}`) && !name.includes(`-${process.pid}-`)) rmSync(join(root, name), { recursive: true, force: true });
}

/** Load a checkpoint folder into fresh weights and optimizer state. */
export function loadCheckpoint(dir: string, optimizer: AdamW): { weights: ModelWeights; state: CheckpointState } {
  let state: CheckpointState;
  try {
    state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as CheckpointState;
  } catch (error) {
    throw new TrainInputError(`checkpoint ${dir}: cannot read state.json: ${(error as Error).message}`, { cause: error });
  }
  const { weights } = loadWeights(join(dir, 'model.safetensors'), state.config.model);
  const opt = loadSafetensors(join(dir, 'optimizer.safetensors'));
  for (const spec of weightSpecs(state.config.model)) {
    const m = opt.tensors.get(`m.${spec.name}`);
    const v = opt.tensors.get(`v.${spec.name}`);
    if (!m || !v) throw new TrainInputError(`checkpoint ${dir}: optimizer.safetensors lacks the Adam moments of '${spec.name}'`);
    optimizer.m.get(spec.name)!.set(m.data);
    optimizer.v.get(spec.name)!.set(v.data);
  }
  optimizer.t = state.adamT;
  return { weights, state };
}
