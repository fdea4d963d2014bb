import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRunToOnnx } from './run-export.js';
import { readRunResult } from './run-result.js';
import { syntheticData, tinyModel, tinyTrainingConfig } from './test-utils.js';
import { train, type TrainResult } from './trainer.js';

const root = mkdtempSync(join(tmpdir(), 'scalewise-run-'));
const run = join(root, 'run');
let trained: TrainResult;

beforeAll(async () => {
  // A byte-vocabulary model, so the exported folder's tokenizer matches its embedding.
  const config = tinyTrainingConfig({
    model: tinyModel({ vocabSize: 258 }),
    steps: 3,
    eval: { every: 0, batches: 1 },
    checkpoint: { every: 0, keep: 1 },
  });
  trained = await train({ config, outDir: run, data: syntheticData(16, 258, 4000) });
}, 120_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A copy of the run's result.json with one field changed, in its own folder. */
function damaged(name: string, edit: (r: Record<string, unknown>) => void): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const r = JSON.parse(readFileSync(join(run, 'result.json'), 'utf8')) as Record<string, unknown>;
  edit(r);
  writeFileSync(join(dir, 'result.json'), JSON.stringify(r));
  return dir;
}

describe('readRunResult', () => {
  it('reads a finished run as the trainer returned it', () => {
    expect(readRunResult(run)).toEqual(JSON.parse(JSON.stringify(trained)));
  });
  it('names the file and the first bad field', () => {
    expect(() =>
      readRunResult(
        damaged('nan', (r) => {
          r.val_loss = 'NaN';
        }),
      ),
    ).toThrow(/nan[/\\]result\.json: field 'val_loss': /);
    expect(() =>
      readRunResult(
        damaged('ckpt', (r) => {
          r.checkpoint = 5;
        }),
      ),
    ).toThrow(/field 'checkpoint'/);
    expect(() =>
      readRunResult(
        damaged('model', (r) => {
          (r.config as { model: Record<string, unknown> }).model.kvHeads = 3;
        }),
      ),
    ).toThrow(/field 'config\.model': .*divisible/);
    expect(() =>
      readRunResult(
        damaged('nomodel', (r) => {
          delete (r.config as Record<string, unknown>).model;
        }),
      ),
    ).toThrow(/field 'config\.model'/);
  });
  it('says when the file is missing or not JSON', () => {
    expect(() => readRunResult(join(root, 'nowhere'))).toThrow(
      /nowhere[/\\]result\.json: cannot read the run's result \(no such file: the run has not finished\)/,
    );
    const dir = join(root, 'notjson');
    mkdirSync(dir);
    writeFileSync(join(dir, 'result.json'), '{');
    expect(() => readRunResult(dir)).toThrow(/notjson[/\\]result\.json: invalid JSON/);
  });
});

describe('exportRunToOnnx', () => {
  it('writes an ONNX model folder from the final checkpoint', async () => {
    const out = join(root, 'onnx');
    const res = await exportRunToOnnx(run, out);
    for (const f of ['config.json', 'tokenizer.json', 'onnx/model.onnx']) expect(existsSync(join(out, f))).toBe(true);
    expect(res.files.map((f) => f.path)).toContain('onnx/model.onnx');
  }, 60_000);
  it('refuses a run without a final checkpoint, or whose checkpoint is gone', async () => {
    await expect(
      exportRunToOnnx(
        damaged('nockpt', (r) => {
          r.checkpoint = null;
        }),
        join(root, 'x'),
      ),
    ).rejects.toThrow(/has no final checkpoint to export/);
    await expect(
      exportRunToOnnx(
        damaged('gone', (r) => {
          r.checkpoint = join(root, 'missing');
        }),
        join(root, 'y'),
      ),
    ).rejects.toThrow(/has no model\.safetensors/);
    expect(existsSync(join(root, 'x'))).toBe(false);
  });
});
