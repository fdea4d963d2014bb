import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastestEngine } from '@scalewise/train';
import { main } from '../main.js';
import { captureIO } from '../capture-io.test-helper.js';

const root = mkdtempSync(join(tmpdir(), 'scalewise-cli-train-'));
let oldCache: string | undefined;
const model = { name: 'cli-tiny', vocabSize: 259, dim: 16, layers: 1, heads: 2, kvHeads: 1, headDim: 8, ffnHidden: 32, maxPositions: 64 };
const training = { data: { corpus: './corpus', seq: 16 }, batchSize: 2, optimizer: { lr: 0.01 }, eval: { batches: 1 }, peakGflops: 1 };

beforeAll(() => {
  oldCache = process.env.SCALEWISE_CACHE;
  process.env.SCALEWISE_CACHE = join(root, 'cache');
  mkdirSync(join(root, 'corpus'));
  for (let f = 0; f < 40; f++)
    writeFileSync(
      join(root, 'corpus', `d${f}.txt`),
      `document ${f}: the quick brown fox jumps over the lazy dog ${f % 7} times.\n`.repeat(3),
    );
  writeFileSync(join(root, 'good.json'), JSON.stringify({ ...training, model, steps: 3 }));
  writeFileSync(join(root, 'long.json'), JSON.stringify({ ...training, model, steps: 100000, checkpoint: { every: 1, keep: 1 } }));
  writeFileSync(join(root, 'bad.json'), JSON.stringify({ ...training, model, steps: 3, optimizer: { lr: -0.5 } }));
  writeFileSync(
    join(root, 'spec.json'),
    JSON.stringify({
      name: 'cli',
      training,
      models: [model, { ...model, name: 'cli-tiny-2', dim: 8, headDim: 4 }],
      budgets: [{ tokens: 64 }],
    }),
  );
  writeFileSync(join(root, 'badspec.json'), JSON.stringify({ training, models: [model], budgets: [{ tokensPerParam: -1 }] }));
});
afterAll(() => {
  if (oldCache === undefined) delete process.env.SCALEWISE_CACHE;
  else process.env.SCALEWISE_CACHE = oldCache;
  rmSync(root, { recursive: true, force: true });
});

describe('scalewise train', () => {
  it('exits 2 naming the bad field of a config', async () => {
    const io = captureIO(root);
    expect(await main(['train', '--config', 'bad.json'], io)).toBe(2);
    expect(io.err).toMatch(/optimizer\.lr/);
    expect(io.err.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 without --config or --preset, and for --preset without --tokens', async () => {
    expect(await main(['train'], captureIO(root))).toBe(2);
    expect(await main(['train', '--preset', 'mobilellm-125m'], captureIO(root))).toBe(2);
  });

  it('trains, prints one JSON object, and --resume of a finished run keeps its result', async () => {
    const io = captureIO(root);
    expect(await main(['train', '--config', 'good.json', '--out', 'run', '--json'], io)).toBe(0);
    const result = JSON.parse(io.out) as { steps: number; val_bpb: number; tokens: number; interrupted: boolean; engine: string };
    expect(result).toMatchObject({ steps: 3, tokens: 3 * 2 * 16, interrupted: false });
    // No engine in the config or flags: the fastest that loads here (issue #17).
    expect(result.engine).toBe(await fastestEngine());
    expect(result.val_bpb).toBeGreaterThan(0);
    const again = captureIO(root);
    expect(await main(['train', '--config', 'good.json', '--out', 'run', '--resume', '--json'], again)).toBe(0);
    expect((JSON.parse(again.out) as { val_bpb: number }).val_bpb).toBe(result.val_bpb);
  }, 60_000);
});

describe('scalewise sweep', () => {
  it('runs each model × budget once and skips finished runs', async () => {
    const io = captureIO(root);
    expect(await main(['sweep', '--spec', 'spec.json', '--out', 'sw', '--json'], io)).toBe(0);
    const first = JSON.parse(io.out) as { jobs: number; ran: number; rows: Array<{ model: string; tokens: number }> };
    expect(first).toMatchObject({ jobs: 2, ran: 2 });
    expect(first.rows.map((r) => r.model).sort()).toEqual(['cli-tiny', 'cli-tiny-2']);
    const io2 = captureIO(root);
    expect(await main(['sweep', '--spec', 'spec.json', '--out', 'sw'], io2)).toBe(0);
    expect(io2.out).toMatch(/0 trained now, 2 already done/);
  }, 60_000);

  it('--parallel 2 trains the runs on worker threads with the rows of a sweep in turn', async () => {
    const io = captureIO(root);
    expect(await main(['sweep', '--spec', 'spec.json', '--out', 'sw-par', '--parallel', '2', '--json'], io)).toBe(0);
    const inTurn = captureIO(root);
    expect(await main(['sweep', '--spec', 'spec.json', '--out', 'sw-turn', '--parallel', '1', '--json'], inTurn)).toBe(0);
    type Rows = { ran: number; rows: Array<{ id: string; val_loss: number; final_train_loss: number }> };
    const [par, turn] = [JSON.parse(io.out) as Rows, JSON.parse(inTurn.out) as Rows];
    expect(par.ran).toBe(2);
    expect(par.rows.map((r) => [r.id, r.val_loss, r.final_train_loss])).toEqual(
      turn.rows.map((r) => [r.id, r.val_loss, r.final_train_loss]),
    );
  }, 60_000);

  it.each([
    [['--parallel', '0'], /--parallel expects an integer/],
    [['--parallel', '2', '--queue', 'redis://127.0.0.1:1'], /--parallel trains on this machine/],
  ])('exits 2 on %j', async (extra, message) => {
    const io = captureIO(root);
    expect(await main(['sweep', '--spec', 'spec.json', '--out', 'never', ...extra], io)).toBe(2);
    expect(io.err).toMatch(message);
  });

  it('exits 2 naming the bad field of a spec', async () => {
    const io = captureIO(root);
    expect(await main(['sweep', '--spec', 'badspec.json'], io)).toBe(2);
    expect(io.err).toMatch(/budgets\.0/);
  });
});

describe('scalewise train under SIGINT', () => {
  it('finishes the step, writes a checkpoint and exits 130 (interrupted)', async () => {
    const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.ts');
    // tsx by absolute URL: the child runs in the temporary folder, where bare 'tsx' does not resolve.
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = spawn(
      process.execPath,
      ['--conditions=@scalewise/source', '--import', tsx, main, 'train', '--config', 'long.json', '--out', 'sig'],
      {
        cwd: root,
        env: { ...process.env, SCALEWISE_CACHE: join(root, 'cache') },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    const closed = new Promise<number | null>((r) => child.once('close', r));
    const ckpts = join(root, 'sig', 'checkpoints');
    const deadline = Date.now() + 40_000;
    while (
      child.exitCode === null &&
      !(existsSync(ckpts) && readdirSync(ckpts).some((n) => n.startsWith('step-'))) &&
      Date.now() < deadline
    )
      await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const code = await closed;
    expect(code, err).toBe(130);
    expect(err).toMatch(/finishing the current step/);
    const match = /interrupted cli-tiny: (\d+) steps/.exec(out);
    expect(match, out).not.toBeNull();
    expect(readdirSync(ckpts).filter((n) => n.startsWith('step-'))).toEqual([`step-${match![1]!.padStart(8, '0')}`]);
  }, 60_000);
});
