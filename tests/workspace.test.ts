import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as laws from '@scalewise/laws';
import * as models from '@scalewise/models';
import * as data from '@scalewise/data';
import * as train from '@scalewise/train';
import * as evaluation from '@scalewise/eval';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Workspace projects and the workspace packages each may import (the dependency direction of the design). */
const ALLOWED: Record<string, string[]> = {
  '@scalewise/laws': [],
  '@scalewise/models': [],
  '@scalewise/data': [],
  '@scalewise/train': ['@scalewise/models', '@scalewise/data'],
  '@scalewise/eval': ['@scalewise/models', '@scalewise/data'],
  '@scalewise/report': ['@scalewise/laws'],
  '@scalewise/cli': ['@scalewise/laws', '@scalewise/models', '@scalewise/data', '@scalewise/train', '@scalewise/eval', '@scalewise/report'],
};

function projectDirs(): string[] {
  return ['packages', 'apps'].flatMap((group) =>
    fs.readdirSync(path.join(ROOT, group)).map((name) => path.join(ROOT, group, name)),
  ).filter((dir) => fs.existsSync(path.join(dir, 'package.json')));
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('workspace', () => {
  it('resolves every package from source through the export condition', () => {
    expect(new laws.LawsInputError('x')).toBeInstanceOf(laws.LawsError);
    expect(new models.ModelsInputError('x').name).toBe('ModelsInputError');
    expect(new data.DataInputError('x')).toBeInstanceOf(Error);
    expect(new train.TrainInputError('x')).toBeInstanceOf(train.TrainError);
    expect(new evaluation.EvalInputError('x')).toBeInstanceOf(evaluation.EvalError);
  });

  it('gives every project a typed exports map, a README and its own tests', () => {
    for (const dir of projectDirs()) {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      expect(manifest.name, dir).toMatch(/^@scalewise\//);
      expect(manifest.type, dir).toBe('module');
      expect(manifest.exports['.'].types, dir).toBe('./dist/index.d.ts');
      expect(manifest.exports['.']['@scalewise/source'], dir).toBe('./src/index.ts');
      expect(fs.existsSync(path.join(dir, 'src/index.ts')), dir).toBe(true);
      expect(fs.existsSync(path.join(dir, 'README.md')), dir).toBe(true);
      for (const target of ['build', 'test', 'typecheck', 'lint', 'bench']) expect(manifest.scripts[target], `${dir} ${target}`).toBeTruthy();
    }
  });

  it('keeps the dependency direction: declared and imported workspace packages are allowed ones', () => {
    for (const dir of projectDirs()) {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      const allowed = ALLOWED[manifest.name];
      expect(allowed, `${manifest.name} missing from ALLOWED`).toBeDefined();
      const declared = Object.keys({ ...manifest.dependencies, ...manifest.devDependencies }).filter((d) => d.startsWith('@scalewise/'));
      for (const dep of declared) expect(allowed, `${manifest.name} declares ${dep}`).toContain(dep);
      for (const file of sourceFiles(path.join(dir, 'src'))) {
        const text = fs.readFileSync(file, 'utf8');
        for (const match of text.matchAll(/(?:from|import\()\s*['"](@scalewise\/[a-z-]+)/g)) {
          const imported = match[1] as string;
          if (imported === manifest.name) continue;
          expect(allowed, `${path.relative(ROOT, file)} imports ${imported}`).toContain(imported);
        }
      }
    }
  });
});
