import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, ScalewiseError } from '../errors.js';
import { writeFileAtomic, writeFileAtomicSync } from './atomic.js';
import { readJsonIfExists, writeJsonAtomic, writeJsonAtomicSync } from './json.js';

const root = mkdtempSync(join(tmpdir(), 'scalewise-core-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const listing = (dir: string) => readdirSync(dir).sort();

describe('writeFileAtomic', () => {
  it('writes text, bytes and chunk streams (sync and async), creating folders, and counts bytes', async () => {
    const dir = join(root, 'ok', 'nested');
    expect(await writeFileAtomic(join(dir, 'a.txt'), 'héllo\n')).toBe(7);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('héllo\n');
    expect(await writeFileAtomic(join(dir, 'b.bin'), Uint8Array.of(1, 2, 3))).toBe(3);
    expect([...readFileSync(join(dir, 'b.bin'))]).toEqual([1, 2, 3]);
    async function* chunks() {
      yield Uint8Array.of(9);
      yield 'xy';
      yield new Uint8Array(0);
    }
    expect(await writeFileAtomic(join(dir, 'c.bin'), chunks())).toBe(3);
    expect([...readFileSync(join(dir, 'c.bin'))]).toEqual([9, 120, 121]);
    expect(writeFileAtomicSync(join(dir, 'd.txt'), ['one ', Uint8Array.of(0x32)])).toBe(5);
    expect(readFileSync(join(dir, 'd.txt'), 'utf8')).toBe('one 2');
    expect(listing(dir)).toEqual(['a.txt', 'b.bin', 'c.bin', 'd.txt']);
  });

  it('replaces an existing file whole', async () => {
    const path = join(root, 'replace.txt');
    writeFileSync(path, 'old content that is longer');
    await writeFileAtomic(path, 'new');
    expect(readFileSync(path, 'utf8')).toBe('new');
    writeFileAtomicSync(path, 'newer');
    expect(readFileSync(path, 'utf8')).toBe('newer');
  });

  it('fails as a scalewise failure and leaves nothing behind when the parent is a file', async () => {
    writeFileSync(join(root, 'plain'), 'x');
    const target = join(root, 'plain', 'child.txt');
    await expect(writeFileAtomic(target, 'data')).rejects.toMatchObject({ kind: 'failure', message: expect.stringContaining(target) });
    expect(() => writeFileAtomicSync(target, 'data')).toThrow(ScalewiseError);
    expect(readFileSync(join(root, 'plain'), 'utf8')).toBe('x');
    expect(readdirSync(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('removes the temp file and keeps the old file when the chunk source fails midway, keeping the error kind', async () => {
    const dir = join(root, 'midway');
    const path = join(dir, 'out.bin');
    await writeFileAtomic(path, 'previous');
    async function* failing() {
      yield 'partial ';
      throw new InputError('row 3: field "x" is not a number');
    }
    const error = await writeFileAtomic(path, failing()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).kind).toBe('input');
    function* failingSync() {
      yield 'partial ';
      throw new TypeError('generator bug');
    }
    expect(() => writeFileAtomicSync(path, failingSync())).toThrow(
      expect.objectContaining({ kind: 'failure', message: expect.stringMatching(/generator bug/) }),
    );
    expect(readFileSync(path, 'utf8')).toBe('previous');
    expect(listing(dir)).toEqual(['out.bin']);
  });

  it('does not create folders when asked not to', async () => {
    await expect(writeFileAtomic(join(root, 'missing', 'x.txt'), 'x', { mkdir: false })).rejects.toMatchObject({ kind: 'failure' });
    expect(listing(root)).not.toContain('missing');
  });
});

describe('JSON helpers', () => {
  it('writes pretty JSON with a final newline and reads it back; a missing file is undefined', async () => {
    const path = join(root, 'json', 'v.json');
    await writeJsonAtomic(path, { a: 1, b: [2] });
    expect(readFileSync(path, 'utf8')).toBe('{\n  "a": 1,\n  "b": [\n    2\n  ]\n}\n');
    expect(await readJsonIfExists(path)).toEqual({ a: 1, b: [2] });
    writeJsonAtomicSync(path, [true]);
    expect(await readJsonIfExists(path)).toEqual([true]);
    expect(await readJsonIfExists(join(root, 'json', 'nope.json'))).toBeUndefined();
  });

  it('reports invalid JSON and unreadable paths as failures naming the file', async () => {
    const bad = join(root, 'json', 'bad.json');
    writeFileSync(bad, '{ nope');
    await expect(readJsonIfExists(bad)).rejects.toMatchObject({
      kind: 'failure',
      message: expect.stringContaining(`${bad}: not valid JSON`),
    });
    await expect(readJsonIfExists(join(root, 'json'))).rejects.toMatchObject({
      kind: 'failure',
      message: expect.stringContaining('could not read'),
    });
  });
});
