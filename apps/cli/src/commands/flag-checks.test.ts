import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkOutputDir, checkOutputFile, intFlag, threadsFlag } from './flag-checks.js';

const dir = mkdtempSync(join(tmpdir(), 'cli-flag-checks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('intFlag', () => {
  it('accepts integers in range, falls back when absent, and names the flag otherwise', () => {
    expect(intFlag('limit', '3', { min: 1, max: 10 })).toBe(3);
    expect(intFlag('limit', undefined, { min: 1, max: 10 }, 7)).toBe(7);
    expect(intFlag('limit', '1e1', { min: 1, max: 10 })).toBe(10);
    for (const bad of ['0', '11', '2.5', '-1'])
      expect(() => intFlag('limit', bad, { min: 1, max: 10 })).toThrow(`--limit expects an integer in [1, 10], found '${bad}'`);
    expect(() => intFlag('limit', 'x', { min: 1, max: 10 })).toThrow(/--limit expects a number, found 'x'/);
    expect(() => threadsFlag('0')).toThrow(/--threads expects an integer in \[1, 1,024\]/);
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
