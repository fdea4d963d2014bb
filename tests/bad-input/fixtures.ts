import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { tinyModelFolder } from '../../apps/cli/src/commands/eval-fixture.js';
import { runCase, type BadCase } from './harness.js';

/** Positions of the shared tiny model: the cases about windows beyond the model's positions refer to it. */
export const TINY_POSITIONS = 64;

/** The shared tiny byte-level model folder (built once per test file), as an absolute path. */
export interface TinyModel {
  dir: string;
  model: string;
  corpus: string;
}

export async function buildTinyModel(): Promise<TinyModel> {
  const dir = await mkdtemp(path.join(tmpdir(), 'scalewise-bad-model-'));
  const { model, corpus } = await tinyModelFolder(dir, { maxPositions: TINY_POSITIONS });
  return { dir, model, corpus };
}

export async function removeTinyModel(tiny: TinyModel | undefined): Promise<void> {
  if (tiny) await rm(tiny.dir, { recursive: true, force: true });
}

/** Run a case whose argv may name the shared model as `@model` (cases are declared before the model exists). */
export async function runWithModel(c: BadCase, tiny: TinyModel): Promise<void> {
  await runCase({ ...c, argv: c.argv.map((a) => a.replaceAll('@model', tiny.model)) });
}
