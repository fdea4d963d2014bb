import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { processAlive } from '@scalewise/data/internals';
import { loadSafetensors, loadWeights, saveSafetensors, saveWeights, weightSpecs, type ModelWeights } from '@scalewise/models';
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
/** `checksums.json` of every checkpoint: SHA-256 of each file, verified before a resume uses it. */
const CHECKSUMS = 'checksums.json';
const CHECKSUM_FORMAT = 'scalewise-checkpoint';
const FILES = ['model.safetensors', 'optimizer.safetensors', 'state.json'] as const;

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Flush a file or folder to disk, so a rename never publishes data that a power loss could still lose. */
function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

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
    const files = Object.fromEntries(FILES.map((name) => [name, sha256File(join(tmp, name))]));
    writeFileAtomic(join(tmp, CHECKSUMS), `${JSON.stringify({ format: CHECKSUM_FORMAT, version: 1, sha256: files }, null, 2)}\n`);
    for (const name of [...FILES, CHECKSUMS]) fsyncPath(join(tmp, name));
    fsyncPath(tmp);
    // Replaced only when it is a checkpoint scalewise wrote (a resumed run re-saving a step), never another folder.
    if (existsSync(final) && !existsSync(join(final, 'state.json')))
      throw new TrainInputError(`${final} exists and is not a scalewise checkpoint; refusing to replace it`);
    rmSync(final, { recursive: true, force: true });
    renameSync(tmp, final);
    fsyncPath(root);
  } catch (error) {
    rmSync(tmp, { recursive: true, force: true });
    if (error instanceof TrainInputError) throw error;
    throw new TrainError(`cannot write checkpoint ${final}: ${(error as Error).message}`, { cause: error });
  }
  pruneCheckpoints(root, keep);
  return final;
}

/** Completed checkpoint folders, oldest first. */
export function listCheckpoints(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => name.startsWith(PREFIX) && existsSync(join(root, name, 'state.json')))
    .sort()
    .map((name) => join(root, name));
}

function pruneCheckpoints(root: string, keep: number): void {
  const all = listCheckpoints(root);
  for (const dir of all.slice(0, Math.max(0, all.length - keep))) rmSync(dir, { recursive: true, force: true });
  // Leftovers of checkpoints interrupted mid-write, by processes that are gone (never a live run's temp folder).
  for (const name of readdirSync(root)) {
    const pid = /^\.tmp-step-\d+-(\d+)-\d+$/.exec(name)?.[1];
    if (pid !== undefined && Number(pid) !== process.pid && !processAlive(Number(pid)))
      rmSync(join(root, name), { recursive: true, force: true });
  }
}

/** Compare every file with `checksums.json` (checkpoints written before checksums existed have none and skip this). */
function verifyChecksums(dir: string): void {
  const path = join(dir, CHECKSUMS);
  if (!existsSync(path)) return;
  let recorded: { format?: unknown; sha256?: Record<string, unknown> };
  try {
    recorded = JSON.parse(readFileSync(path, 'utf8')) as typeof recorded;
  } catch (error) {
    throw new TrainInputError(`checkpoint ${dir}: ${CHECKSUMS} is not valid JSON`, { cause: error });
  }
  if (recorded.format !== CHECKSUM_FORMAT || typeof recorded.sha256 !== 'object' || recorded.sha256 === null)
    throw new TrainInputError(`checkpoint ${dir}: ${CHECKSUMS} is not a scalewise checksum file`);
  for (const name of FILES) {
    if (!existsSync(join(dir, name))) throw new TrainInputError(`checkpoint ${dir}: ${name} is missing (incomplete checkpoint)`);
    if (recorded.sha256[name] !== sha256File(join(dir, name)))
      throw new TrainInputError(`checkpoint ${dir}: ${name} does not match its recorded SHA-256 (corrupt or modified)`);
  }
}

// Fields state.json must hold, with their type: a missing one is named instead of failing later with a TypeError.
const STATE_FIELDS: Record<string, 'number' | 'object' | 'string'> = {
  step: 'number',
  tokens: 'number',
  adamT: 'number',
  data: 'object',
  seed: 'number',
  wallSeconds: 'number',
  config: 'object',
  manifestHash: 'string',
};

function readState(dir: string): CheckpointState {
  let state: unknown;
  try {
    state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8'));
  } catch (error) {
    throw new TrainInputError(`checkpoint ${dir}: cannot read state.json: ${(error as Error).message}`, { cause: error });
  }
  if (typeof state !== 'object' || state === null || Array.isArray(state))
    throw new TrainInputError(`checkpoint ${dir}: state.json must hold a JSON object`);
  const record = state as Record<string, unknown>;
  for (const [field, type] of Object.entries(STATE_FIELDS)) {
    const value = record[field];
    if (value === undefined) throw new TrainInputError(`checkpoint ${dir}: state.json lacks field '${field}'`);
    if (typeof value !== type || value === null || (type === 'number' && !(Number.isFinite(value) && (value as number) >= 0))) {
      throw new TrainInputError(
        `checkpoint ${dir}: state.json field '${field}' must be ${type === 'number' ? 'a finite number >= 0' : `a ${type}`}, found ` +
          `${JSON.stringify(value)}`,
      );
    }
  }
  const config = record.config as Record<string, unknown>;
  if (typeof config.model !== 'object' || config.model === null)
    throw new TrainInputError(`checkpoint ${dir}: state.json lacks field 'config.model'`);
  if (typeof (record.data as Record<string, unknown>).consumed !== 'number')
    throw new TrainInputError(`checkpoint ${dir}: state.json lacks field 'data.consumed'`);
  return state as CheckpointState;
}

function firstNonFinite(tensors: Iterable<[string, Float32Array]>): string | undefined {
  for (const [name, data] of tensors) {
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return name;
  }
  return undefined;
}

/**
 * Load a checkpoint folder into fresh weights and optimizer state. Checksums, state.json's fields and the
 * finiteness of every tensor are checked first: a damaged checkpoint is a TrainInputError saying what is wrong.
 */
export function loadCheckpoint(dir: string, optimizer: AdamW): { weights: ModelWeights; state: CheckpointState } {
  verifyChecksums(dir);
  const state = readState(dir);
  let weights: ModelWeights;
  let opt: ReturnType<typeof loadSafetensors>;
  try {
    weights = loadWeights(join(dir, 'model.safetensors'), state.config.model).weights;
    opt = loadSafetensors(join(dir, 'optimizer.safetensors'));
  } catch (error) {
    throw new TrainInputError(`checkpoint ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const badWeight = firstNonFinite(weights);
  if (badWeight !== undefined)
    throw new TrainInputError(
      `checkpoint ${dir}: weight '${badWeight}' holds non-finite values (not a number or infinite): the checkpoint is damaged`,
    );
  const badMoment = firstNonFinite([...opt.tensors].map(([name, t]) => [name, t.data as Float32Array] as [string, Float32Array]));
  if (badMoment !== undefined)
    throw new TrainInputError(
      `checkpoint ${dir}: optimizer tensor '${badMoment}' holds non-finite values (not a number or infinite): the checkpoint is damaged`,
    );
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

/**
 * The newest checkpoint that loads and verifies, falling back to older ones with a warning for each damaged
 * or incomplete one. Undefined when there are none; a TrainInputError when all are damaged.
 */
export function loadLatestCheckpoint(
  root: string,
  optimizer: AdamW,
  warn: (message: string) => void = () => {},
): { dir: string; weights: ModelWeights; state: CheckpointState } | undefined {
  const all = listCheckpoints(root);
  const problems: string[] = [];
  for (const dir of [...all].reverse()) {
    try {
      return { dir, ...loadCheckpoint(dir, optimizer) };
    } catch (error) {
      if (!(error instanceof TrainInputError)) throw error;
      problems.push(error.message);
      warn(`warning: ${error.message}; trying the previous checkpoint`);
    }
  }
  if (problems.length > 0)
    throw new TrainInputError(`no usable checkpoint in ${root} (${problems[0]}); start again with --force or choose another output folder`);
  return undefined;
}
