import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWeights } from '@scalewise/models';
import { listCheckpoints } from './checkpoint.js';
import { readMetrics, type StepMetrics } from './metrics.js';
import { syntheticData, tinyTrainingConfig } from './test-utils.js';
import { train } from './trainer.js';

const root = mkdtempSync(join(tmpdir(), 'scalewise-train-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const losses = (dir: string): number[] => readMetrics(join(dir, 'metrics.jsonl')).filter((r): r is StepMetrics => r.kind === 'train').map((r) => r.loss);

describe('train', () => {
  it('learns the synthetic stream, writes metrics, result and keep-last-K checkpoints', async () => {
    const out = join(root, 'basic');
    const result = await train({ config: tinyTrainingConfig(), outDir: out, data: syntheticData(16) });
    const curve = losses(out);
    expect(curve).toHaveLength(30);
    expect(curve[0]).toBeGreaterThan(2.5); // ≈ ln 16 = 2.77 at init
    expect(result.final_train_loss).toBeLessThan(curve[0]! - 0.8);
    expect(result.val_loss).toBeLessThan(2.0);
    expect(result.val_bpb).toBeCloseTo(result.val_loss / Math.LN2, 12);
    expect(result.tokens).toBe(30 * 4 * 16);
    expect(result.params_total).toBe(16 * 16 + 2 * (2 * 16 + 16 * 16 + 2 * 16 * 8 + 16 * 16 + 3 * 16 * 32) + 16);
    const saved = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')) as typeof result;
    expect(saved.config.model.dim).toBe(16);
    expect(saved.manifest_hash).toMatch(/^synthetic/);
    expect(saved.code_version).toMatch(/^@scalewise\/train@/);
    expect(listCheckpoints(join(out, 'checkpoints')).map((d) => d.slice(-3))).toEqual(['028', '030']);
    const rows = readMetrics(join(out, 'metrics.jsonl'));
    expect(rows.filter((r) => r.kind === 'validation').map((r) => r.step)).toEqual([10, 20, 30]);
  });

  it('is deterministic: same seed and config give the same losses and weights', async () => {
    const [a, b] = [join(root, 'det-a'), join(root, 'det-b')];
    await train({ config: tinyTrainingConfig({ steps: 8 }), outDir: a, data: syntheticData(16) });
    await train({ config: tinyTrainingConfig({ steps: 8 }), outDir: b, data: syntheticData(16) });
    expect(losses(a)).toEqual(losses(b));
    const wa = loadWeights(join(a, 'checkpoints', 'step-00000008', 'model.safetensors')).weights;
    const wb = loadWeights(join(b, 'checkpoints', 'step-00000008', 'model.safetensors')).weights;
    for (const [name, w] of wa) expect(Buffer.from(w.buffer).equals(Buffer.from(wb.get(name)!.buffer)), name).toBe(true);
    const c = join(root, 'det-c');
    await train({ config: tinyTrainingConfig({ steps: 8, seed: 4 }), outDir: c, data: syntheticData(16) });
    expect(losses(c)).not.toEqual(losses(a));
  });

  it('gradient accumulation 2 × batch 2 matches batch 4 (same rows, same mean)', async () => {
    const [a, b] = [join(root, 'acc-a'), join(root, 'acc-b')];
    await train({ config: tinyTrainingConfig({ steps: 5 }), outDir: a, data: syntheticData(16) });
    await train({ config: tinyTrainingConfig({ steps: 5, batchSize: 2, gradAccum: 2 }), outDir: b, data: syntheticData(16) });
    const [la, lb] = [losses(a), losses(b)];
    for (let i = 0; i < la.length; i++) expect(Math.abs(la[i]! - lb[i]!)).toBeLessThan(1e-5);
  });

  it('stops cleanly on abort: finishes the step, checkpoints, and resumes to the same curve', async () => {
    const [full, cut] = [join(root, 'abort-full'), join(root, 'abort-cut')];
    await train({ config: tinyTrainingConfig({ steps: 12 }), outDir: full, data: syntheticData(16) });
    const controller = new AbortController();
    const first = await train({
      config: tinyTrainingConfig({ steps: 12 }), outDir: cut, data: syntheticData(16), signal: controller.signal,
      onStep: (row) => { if (row.step === 5) controller.abort(); },
    });
    expect(first.interrupted).toBe(true);
    expect(first.steps).toBe(5);
    expect(listCheckpoints(join(cut, 'checkpoints')).at(-1)).toMatch(/step-00000005$/);
    await train({ config: tinyTrainingConfig({ steps: 12 }), outDir: cut, data: syntheticData(16), resume: true });
    expect(losses(cut)).toEqual(losses(full));
  });

  it('resumes bitwise-exactly after the process is killed with SIGKILL mid-run', async () => {
    const [full, killed] = [join(root, 'kill-full'), join(root, 'kill-run')];
    await train({ config: tinyTrainingConfig(), outDir: full, data: syntheticData(16) });
    const here = dirname(fileURLToPath(import.meta.url));
    const child = spawn(process.execPath, ['--conditions=@scalewise/source', '--import', 'tsx', join(here, 'fixtures', 'train-child.ts'), killed], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const killedAt = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const steps = [...chunk.toString().matchAll(/step (\d+)/g)].map((m) => Number(m[1]));
        const last = steps.at(-1) ?? 0;
        if (last >= 7 && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve(last);
        }
      });
      child.on('exit', (code, signal) => { if (signal !== 'SIGKILL') reject(new Error(`child exited early (${code}): ${stderr}`)); });
    });
    await new Promise((r) => child.once('close', r));
    expect(killedAt).toBeLessThan(30);
    const ckpts = listCheckpoints(join(killed, 'checkpoints'));
    expect(ckpts.length).toBeGreaterThan(0);
    const resumed = await train({ config: tinyTrainingConfig(), outDir: killed, data: syntheticData(16), resume: true });
    expect(resumed.steps).toBe(30);
    expect(losses(killed)).toEqual(losses(full));
    expect(readdirSync(join(killed, 'checkpoints')).filter((n) => n.startsWith('.tmp'))).toEqual([]);
  }, 60_000);

  it('refuses to resume with a different config', async () => {
    const out = join(root, 'mismatch');
    await train({ config: tinyTrainingConfig({ steps: 4 }), outDir: out, data: syntheticData(16) });
    await expect(train({ config: tinyTrainingConfig({ steps: 4, optimizer: { lr: 2e-2 } }), outDir: out, data: syntheticData(16), resume: true }))
      .rejects.toThrow(/config differs/);
  });
});

describe('train output folder', () => {
  it('refuses to start a fresh run over existing checkpoints', async () => {
    const out = join(root, 'fresh-over');
    await train({ config: tinyTrainingConfig({ steps: 2 }), outDir: out, data: syntheticData(16) });
    await expect(train({ config: tinyTrainingConfig({ steps: 2 }), outDir: out, data: syntheticData(16) })).rejects.toThrow(/resume it/);
  });
});
