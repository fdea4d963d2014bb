import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputDir, checkOutputFile, threadsFlag } from './flag-checks.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-flag-checks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('threadsFlag', () => {
  it('takes 1 to 1024 threads', () => {
    expect(threadsFlag('8')).toBe(8);
    expect(() => threadsFlag('0')).toThrow(/--threads expects an integer in \[1, 1,024\], found '0'/);
    expect(() => threadsFlag('1025')).toThrow(/--threads expects an integer in \[1, 1,024\]/);
  });
});

describe('checkOutputFile / checkOutputDir', () => {
  const file = join(dir, 'user.csv');
  writeFileSync(file, 'a,b\n');
  mkdirSync(join(dir, 'folder'));
  writeFileSync(join(dir, 'folder', 'x'), '');
  symlinkSync(join(dir, 'gone'), join(dir, 'dangling'));

  it('refuses folders, missing parents, dangling links and files the command did not write', () => {
    expect(() => checkOutputFile('--output', join(dir, 'folder'), () => true)).toThrow(/is a folder; expected a file path/);
    expect(() => checkOutputFile('--output', join(dir, 'no', 'out.json'), () => true)).toThrow(/folder .*no does not exist/);
    expect(() => checkOutputFile('--output', join(dir, 'dangling'), () => true)).toThrow(/is not a regular file/);
    expect(() => checkOutputFile('--output', file, () => false)).toThrow(/was not written by scalewise; refusing to overwrite/);
    expect(() => checkOutputFile('--output', file, (text) => text.startsWith('a,b'))).not.toThrow();
    expect(() => checkOutputFile('--output', join(dir, 'new.json'), () => false)).not.toThrow();
  });

  it('lets a folder be new, empty or one of ours, never a file or a user folder', () => {
    expect(() => checkOutputDir('--out', file, () => true)).toThrow(/is a file; expected a folder/);
    expect(() => checkOutputDir('--out', join(dir, 'folder'), () => false)).toThrow(/is a folder with other files \(x\)/);
    expect(() => checkOutputDir('--out', join(dir, 'folder'), (entries) => entries.includes('x'))).not.toThrow();
    expect(() => checkOutputDir('--out', join(dir, 'a', 'b', 'c'), () => false)).not.toThrow();
    expect(() => checkOutputDir('--out', join(dir, 'user.csv', 'sub'), () => false)).toThrow(/user\.csv is not a folder/);
    expect(() => checkOutputDir('--out', join(dir, 'dangling'), () => true)).toThrow(/is not a folder/);
  });
});
