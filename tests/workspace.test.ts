import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorKind } from '@scalewise/core';
import * as laws from '@scalewise/laws';
import * as models from '@scalewise/models';
import * as data from '@scalewise/data';
import * as train from '@scalewise/train';
import * as evaluation from '@scalewise/eval';
import * as report from '@scalewise/report';
import { UsageError } from '@scalewise/cli';

const ROOT = path.resolve(import.meta.dirname, '..');

const CORE = '@scalewise/core';

/**
 * Workspace projects and the workspace packages each may import (the dependency direction of the design):
 * core imports none; every other project may import core; laws imports nothing else.
 */
const ALLOWED: Record<string, string[]> = {
  [CORE]: [],
  '@scalewise/laws': [CORE],
  '@scalewise/models': [CORE],
  '@scalewise/data': [CORE],
  '@scalewise/train': [CORE, '@scalewise/models', '@scalewise/data'],
  '@scalewise/eval': [CORE, '@scalewise/models', '@scalewise/data'],
  '@scalewise/report': [CORE, '@scalewise/laws'],
  '@scalewise/cli': [
    CORE,
    '@scalewise/laws',
    '@scalewise/models',
    '@scalewise/data',
    '@scalewise/train',
    '@scalewise/eval',
    '@scalewise/report',
  ],
};

const NODE_BUILTINS = new Set(builtinModules);

/** Every module specifier a source file imports or re-exports (static and dynamic). */
function importedSpecifiers(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom|\bimport\(?)\s*['"]([^'"]+)['"]/g)].map((m) => m[1] as string);
}

/** A file and every file it reaches through relative imports (`./x.js` resolves to `./x.ts`). */
function relativeClosure(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of importedSpecifiers(fs.readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  };
  visit(entry);
  return [...seen];
}

function projectDirs(): string[] {
  return ['packages', 'apps']
    .flatMap((group) => fs.readdirSync(path.join(ROOT, group)).map((name) => path.join(ROOT, group, name)))
    .filter((dir) => fs.existsSync(path.join(dir, 'package.json')));
}

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
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

  it('gives every error class a kind from the one core base: *InputError and UsageError are input, the rest failure', () => {
    const classes: Array<[new (message: string) => Error, 'input' | 'failure']> = [
      [laws.LawsError, 'failure'],
      [laws.LawsInputError, 'input'],
      [models.ModelsError, 'failure'],
      [models.ModelsInputError, 'input'],
      [data.DataError, 'failure'],
      [data.DataInputError, 'input'],
      [train.TrainError, 'failure'],
      [train.TrainInputError, 'input'],
      [evaluation.EvalError, 'failure'],
      [evaluation.EvalInputError, 'input'],
      [report.ReportError, 'failure'],
      [report.ReportInputError, 'input'],
      [UsageError, 'input'],
    ];
    for (const [Class, kind] of classes) {
      const error = new Class('x');
      expect(errorKind(error), error.name).toBe(kind);
      expect(error.name, Class.name).toBe(Class.name);
    }
  });

  it('keeps the core main entry browser-safe: it and everything it imports use no Node builtin', () => {
    const files = relativeClosure(path.join(ROOT, 'packages/core/src/index.ts'));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      for (const spec of importedSpecifiers(fs.readFileSync(file, 'utf8'))) {
        const builtin = spec.startsWith('node:') || NODE_BUILTINS.has(spec.split('/')[0] as string);
        expect(builtin, `${path.relative(ROOT, file)} imports ${spec}`).toBe(false);
        expect(spec.startsWith('.'), `${path.relative(ROOT, file)} imports ${spec}: core's main entry imports only its own files`).toBe(
          true,
        );
      }
    }
    // The Node-only helpers are where they belong, so the check above is not vacuous.
    expect(
      relativeClosure(path.join(ROOT, 'packages/core/src/node/index.ts')).some((f) => /from 'node:fs/.test(fs.readFileSync(f, 'utf8'))),
    ).toBe(true);
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
      for (const target of ['build', 'test', 'typecheck', 'lint', 'bench'])
        expect(manifest.scripts[target], `${dir} ${target}`).toBeTruthy();
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
