import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';
import { captureIO } from '../capture-io.test-helper.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'scalewise-cli-data-'));
  await mkdir(join(root, 'texts'));
  for (let i = 0; i < 30; i++) {
    await writeFile(join(root, 'texts', `doc${i}.txt`), `Text number ${i}. ${'Ünïcode words here. '.repeat(i)}`);
  }
  await writeFile(join(root, 'docs.jsonl'), '{"body":"one two"}\n{"body":"three"}\n');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('scalewise data', () => {
  it('stats --json reports the Brown figures', async () => {
    const io = captureIO(root);
    expect(await main(['data', 'stats', '--json'], io)).toBe(0);
    const out = JSON.parse(io.out) as { documents: number; genreCount: number; brownTokens: number; words: number; bytes: number };
    expect(out.documents).toBe(500);
    expect(out.genreCount).toBe(15);
    expect(out.brownTokens).toBe(1_161_192);
    expect(out.bytes).toBeGreaterThan(out.words);
  });

  it('prepare --json writes token files, then reuses them', async () => {
    const out = join(root, 'tokens');
    const io = captureIO(root);
    expect(
      await main(['data', 'prepare', '--corpus', 'texts', '--out', 'tokens', '--validation', '0.2', '--test', '0.2', '--json'], io),
    ).toBe(0);
    const first = JSON.parse(io.out) as {
      dir: string;
      fromCache: boolean;
      tokens: number;
      bytesPerToken: number;
      splits: Record<string, { documents: number }>;
    };
    expect(first.dir).toBe(out);
    expect(first.fromCache).toBe(false);
    expect(first.bytesPerToken).toBe(1);
    expect(Object.values(first.splits).reduce((s, x) => s + x.documents, 0)).toBe(30);
    expect(io.err).toContain('[tokenize]');
    const again = captureIO(root);
    expect(
      await main(['data', 'prepare', '--corpus', 'texts', '--out', 'tokens', '--validation', '0.2', '--test', '0.2', '--json'], again),
    ).toBe(0);
    expect(JSON.parse(again.out) as { fromCache: boolean; tokens: number }).toMatchObject({ fromCache: true, tokens: first.tokens });
  });

  it('prepare prints a human table and reads JSON Lines with --text-field', async () => {
    const io = captureIO(root);
    expect(await main(['data', 'prepare', '--corpus', 'docs.jsonl', '--text-field', 'body', '--out', 'jl'], io)).toBe(0);
    expect(io.out).toMatch(/total\s+2\s+12\s+12\s+1\.0000\s+3/);
  });

  it('exits 2 with one line for bad usage and bad input', async () => {
    for (const argv of [
      ['data'],
      ['data', 'nope'],
      ['data', 'prepare', '--split', 'weird'],
      ['data', 'prepare', '--tokenizer', 'missing-dir'],
      ['data', 'stats', '--corpus', 'nowhere'],
      ['data', 'prepare', '--seed', 'x'],
    ]) {
      const io = captureIO(root);
      expect(await main(argv, io)).toBe(2);
      expect(io.err.trim().split('\n')).toHaveLength(1);
      expect(io.out).toBe('');
    }
  });

  it('has help with examples', async () => {
    const io = captureIO(root);
    expect(await main(['data', '--help'], io)).toBe(0);
    expect(io.out).toContain('Examples:');
  });

  it('PK1: a data prepare killed with SIGKILL leaves a temp folder that the next run removes', async () => {
    // Big enough that tokenizing takes seconds, so the kill lands mid-run.
    const line = 'the quick brown fox jumps over the lazy dog, again and again\n';
    await writeFile(join(root, 'big.txt'), line.repeat(150_000));
    const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'main.ts');
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = spawn(
      process.execPath,
      [
        '--conditions=@scalewise/source',
        '--import',
        tsx,
        entry,
        'data',
        'prepare',
        '--corpus',
        'big.txt',
        '--unit',
        'line',
        '--out',
        'prep-k',
      ],
      { cwd: root, stdio: 'ignore' },
    );
    const closed = new Promise((r) => child.once('close', r));
    const temps = () => readdirSync(root).filter((n) => n.startsWith('prep-k.tmp-'));
    const deadline = Date.now() + 60_000;
    while (temps().length === 0 && child.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await closed;
    expect(temps()).toHaveLength(1);
    expect(readdirSync(root)).not.toContain('prep-k');
    const io = captureIO(root);
    expect(await main(['data', 'prepare', '--corpus', 'big.txt', '--unit', 'line', '--out', 'prep-k'], io), io.err).toBe(0);
    expect(temps()).toEqual([]);
    expect(readdirSync(join(root, 'prep-k')).sort()).toEqual([
      'manifest.json',
      'test.bin',
      'test.docs.json',
      'train.bin',
      'train.docs.json',
      'validation.bin',
      'validation.docs.json',
    ]);
  }, 120_000);
});
