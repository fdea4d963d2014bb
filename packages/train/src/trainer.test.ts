import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadWeights } from '@scalewise/models';
import { listCheckpoints } from './checkpoint.js';
import { readMetrics, type StepMetrics } from './metrics.js';
import { resolveTrainingConfig } from './config.js';
import { TrainInputError } from './errors.js';
import { checkConcurrentTrainingMemory, checkTrainingMemory } from './memory.js';
import { syntheticData, tinyModel, tinyTrainingConfig } from './test-utils.js';
import { train } from './trainer.js';

const root = mkdtempSync(join(tmpdir(), 'scalewise-train-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const losses = (dir: string): number[] =>
  readMetrics(join(dir, 'metrics.jsonl'))
    .filter((r): r is StepMetrics => r.kind === 'train')
    .map((r) => r.loss);

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
      config: tinyTrainingConfig({ steps: 12 }),
      outDir: cut,
      data: syntheticData(16),
      signal: controller.signal,
      onStep: (row) => {
        if (row.step === 5) controller.abort();
      },
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
    const child = spawn(
      process.execPath,
      ['--conditions=@scalewise/source', '--import', 'tsx', join(here, 'fixtures', 'train-child.ts'), killed],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const killedAt = await new Promise<number>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        const steps = [...chunk.toString().matchAll(/step (\d+)/g)].map((m) => Number(m[1]));
        const last = steps.at(-1) ?? 0;
        if (last >= 7 && child.exitCode === null) {
          child.kill('SIGKILL');
          resolve(last);
        }
      });
      child.on('exit', (code, signal) => {
        if (signal !== 'SIGKILL') reject(new Error(`child exited early (${code}): ${stderr}`));
      });
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
    await expect(
      train({ config: tinyTrainingConfig({ steps: 4, optimizer: { lr: 2e-2 } }), outDir: out, data: syntheticData(16), resume: true }),
    ).rejects.toThrow(/config differs/);
  });
});

describe('train output folder', () => {
  it('refuses to start a fresh run over existing checkpoints', async () => {
    const out = join(root, 'fresh-over');
    await train({ config: tinyTrainingConfig({ steps: 2 }), outDir: out, data: syntheticData(16) });
    await expect(train({ config: tinyTrainingConfig({ steps: 2 }), outDir: out, data: syntheticData(16) })).rejects.toThrow(
      /already holds a run \(metrics\.jsonl, result\.json\): continue it with --resume/,
    );
  });

  it("refuses a folder holding another run's metrics or result (T40) unless forced, which starts afresh", async () => {
    const out = join(root, 'other-run');
    await train({ config: tinyTrainingConfig({ steps: 2 }), outDir: out, data: syntheticData(16) });
    rmSync(join(out, 'checkpoints'), { recursive: true });
    const before = readFileSync(join(out, 'result.json'), 'utf8');
    await expect(
      train({ config: tinyTrainingConfig({ steps: 3, optimizer: { lr: 2e-2 } }), outDir: out, data: syntheticData(16) }),
    ).rejects.toThrow(/already holds a run/);
    expect(readFileSync(join(out, 'result.json'), 'utf8')).toBe(before);
    const forced = await train({
      config: tinyTrainingConfig({ steps: 3, optimizer: { lr: 2e-2 } }),
      outDir: out,
      data: syntheticData(16),
      force: true,
    });
    expect(forced.steps).toBe(3);
    expect(losses(out)).toHaveLength(3);
  });

  it('refuses an output path that is a file, before writing anything', async () => {
    const file = join(root, 'victim.csv');
    writeFileSync(file, 'a,b\n');
    await expect(train({ config: tinyTrainingConfig({ steps: 1 }), outDir: file, data: syntheticData(16) })).rejects.toThrow(
      /exists and is not a folder/,
    );
    expect(readFileSync(file, 'utf8')).toBe('a,b\n');
  });
});

describe('checkpoint integrity (issue #20)', () => {
  async function twoCheckpoints(name: string): Promise<{ out: string; newest: string; older: string }> {
    const out = join(root, name);
    await train({ config: tinyTrainingConfig({ steps: 8 }), outDir: out, data: syntheticData(16) });
    const [older, newest] = listCheckpoints(join(out, 'checkpoints'));
    return { out, newest: newest!, older: older! };
  }
  const resume = (out: string, warnings: string[]) =>
    train({
      config: tinyTrainingConfig({ steps: 8 }),
      outDir: out,
      data: syntheticData(16),
      resume: true,
      onWarning: (m) => warnings.push(m),
    });

  it('writes checksums with every checkpoint', async () => {
    const { newest } = await twoCheckpoints('ck-sums');
    const sums = JSON.parse(readFileSync(join(newest, 'checksums.json'), 'utf8')) as { format: string; sha256: Record<string, string> };
    expect(sums.format).toBe('scalewise-checkpoint');
    expect(Object.keys(sums.sha256).sort()).toEqual(['model.safetensors', 'optimizer.safetensors', 'state.json']);
  });

  it('T32: zeroed weights in the newest checkpoint are detected and the previous good one is used', async () => {
    const { out, newest, older } = await twoCheckpoints('ck-zero');
    const file = join(newest, 'model.safetensors');
    const bytes = readFileSync(file);
    const headerEnd = 8 + Number(bytes.readBigUInt64LE(0));
    bytes.fill(0, headerEnd);
    writeFileSync(file, bytes);
    const warnings: string[] = [];
    const result = await resume(out, warnings);
    expect(warnings.join('\n')).toMatch(/model\.safetensors does not match its recorded SHA-256/);
    expect(result.steps).toBe(8);
    expect(older).toMatch(/step-00000004$/);
  });

  it('T34: non-finite weights are diagnosed as a damaged checkpoint, not as a learning-rate problem', async () => {
    const { out, newest, older } = await twoCheckpoints('ck-nan');
    for (const dir of [newest, older]) {
      rmSync(join(dir, 'checksums.json'));
      const file = join(dir, 'model.safetensors');
      const bytes = readFileSync(file);
      bytes.writeFloatLE(Number.NaN, 8 + Number(bytes.readBigUInt64LE(0)));
      writeFileSync(file, bytes);
    }
    const error = await resume(out, []).catch((e: Error) => e);
    expect(error).toBeInstanceOf(TrainInputError);
    expect((error as Error).message).toMatch(/holds non-finite values .* damaged/);
    expect((error as Error).message).not.toMatch(/lower optimizer\.lr/);
  });

  it('T38: a state.json missing a field names the field', async () => {
    const { out, newest, older } = await twoCheckpoints('ck-state');
    for (const dir of [newest, older]) {
      rmSync(join(dir, 'checksums.json'));
      const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as Record<string, unknown>;
      delete state.config;
      writeFileSync(join(dir, 'state.json'), JSON.stringify(state));
    }
    await expect(resume(out, [])).rejects.toThrow(/state\.json lacks field 'config'/);
  });

  it('a model too large for free memory is refused up front naming the estimate', () => {
    const config = resolveTrainingConfig(
      tinyTrainingConfig({
        model: tinyModel({ name: 'huge', dim: 65536, layers: 64, heads: 512, kvHeads: 512, headDim: 128, ffnHidden: 262144 }),
      }),
    );
    expect(() => checkTrainingMemory(config, { free: 8 * 2 ** 30, total: 16 * 2 ** 30 })).toThrow(
      /model 'huge' needs at least [\d.]+e?\+?\d* GiB .* only 8\.00 GiB of 16\.0 GiB/,
    );
    expect(checkTrainingMemory(resolveTrainingConfig(tinyTrainingConfig()), { free: 2 ** 30, total: 2 ** 30 })).toBeGreaterThan(0);
  });

  it('runs side by side are refused when together, not each alone, they exceed free memory', () => {
    const small = resolveTrainingConfig(tinyTrainingConfig());
    const one = checkTrainingMemory(small, { free: 2 ** 40, total: 2 ** 40 });
    const available = { free: 2.5 * one, total: 2 ** 40 };
    expect(checkConcurrentTrainingMemory([small, small, small], 2, available)).toBe(2 * one);
    expect(() => checkConcurrentTrainingMemory([small, small, small], 3, available)).toThrow(
      /3 runs at once need at least .* together .* train fewer at once/,
    );
    expect(checkConcurrentTrainingMemory([small, small, small], 1, { free: 1.5 * one, total: 2 ** 40 })).toBe(one);
  });
});
