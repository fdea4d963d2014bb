/** The packaging test's own checks, on small inputs, so that each can be seen to fail. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageOf } from './bundle.js';
import { moduleScripts, runnableExamples, stripTypes } from './examples.js';
import { codeSubpaths, droppedSubpaths, exportTargets, manifestProblems } from './exports.js';
import { ownErrors } from './typecheck.js';
import { buildLevels, type Manifest, type WorkspacePackage } from './workspace.js';

describe('runnableExamples', () => {
  const readme = [
    '# pkg',
    '```ts',
    "import { a } from 'pkg'; // not marked",
    '```',
    '```ts',
    '// example: runnable',
    "import { b } from 'pkg';",
    '```',
    '```sh',
    '# example: runnable',
    'pkg --help',
    '```',
    '```html',
    '<!-- example: runnable -->',
    '<script type="module">',
    "import { c } from './pkg.js';",
    '</script>',
    '```',
  ].join('\n');

  it('keeps only marked blocks, in order, with their language and line', () => {
    const found = runnableExamples(readme);
    expect(found.map((e) => [e.lang, e.line])).toEqual([
      ['ts', 5],
      ['sh', 9],
      ['html', 13],
    ]);
    expect(found[0]!.code).toContain("import { b } from 'pkg';");
    expect(moduleScripts(found[2]!.code)).toEqual(["\nimport { c } from './pkg.js';\n"]);
  });

  it('refuses a marked block it cannot run, and an unclosed fence', () => {
    expect(() => runnableExamples('```python\n# example: runnable\nprint(1)\n```\n')).toThrow(/unsupported language 'python'/);
    expect(() => runnableExamples('```ts\n// example: runnable\n')).toThrow(/never closed/);
  });

  it('strips types and nothing else', () => {
    const js = stripTypes("import { x } from 'p';\nconst n: number = x!;\nawait f(n as number);\n");
    expect(js).toContain("import { x } from 'p';");
    expect(js).toContain('const n = x;');
    expect(js).toContain('await f(n);');
  });
});

describe('manifest checks', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scalewise-manifest-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  fs.mkdirSync(path.join(tmp, 'dist'));
  fs.writeFileSync(path.join(tmp, 'dist/index.js'), '');
  fs.writeFileSync(path.join(tmp, 'dist/index.d.ts'), '');
  fs.writeFileSync(path.join(tmp, 'package.json'), '{}');
  const good: Manifest = {
    name: '@x/good',
    version: '1.0.0',
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' }, './package.json': './package.json' },
    dependencies: { '@x/other': '1.0.0' },
  };

  it('finds nothing wrong with a correct manifest', () => {
    expect(manifestProblems(tmp, good)).toEqual([]);
    expect(codeSubpaths(good)).toEqual(['.']);
  });

  it('reports a leaked source condition, a missing file, types after import, and a workspace: version', () => {
    const bad: Manifest = {
      ...good,
      exports: {
        '.': { '@scalewise/source': './src/index.ts', import: './dist/index.js', types: './dist/index.d.ts' },
        './extra': { types: './dist/extra.d.ts', import: './dist/extra.js' },
      },
      dependencies: { '@x/other': 'workspace:*' },
    };
    const problems = manifestProblems(tmp, bad).join('\n');
    expect(problems).toMatch(/"@scalewise\/source" is published/);
    expect(problems).toMatch(/\.\/src\/index\.ts is not in the package/);
    expect(problems).toMatch(/"types" is not the first condition/);
    expect(problems).toMatch(/\.\/dist\/extra\.js is not in the package/);
    expect(problems).toMatch(/"workspace:\*" is not a registry version/);
  });

  it('reports a source map whose sources are neither shipped nor embedded', () => {
    const map = (content?: string): string =>
      JSON.stringify({ version: 3, sources: ['../src/index.ts'], mappings: '', sourcesContent: content ? [content] : undefined });
    fs.writeFileSync(path.join(tmp, 'dist/index.js.map'), map());
    expect(manifestProblems(tmp, good).join('\n')).toMatch(/dist\/index\.js\.map: source map points at \.\.\/src\/index\.ts/);
    fs.writeFileSync(path.join(tmp, 'dist/index.js.map'), map('export {};'));
    expect(manifestProblems(tmp, good)).toEqual([]);
  });

  it('flattens nested conditions and finds subpaths lost between the workspace and the published manifest', () => {
    expect(exportTargets({ '.': { node: { import: './a.js' } } })).toEqual([
      { subpath: '.', conditions: ['node', 'import'], target: './a.js' },
    ]);
    const workspace: Manifest = {
      ...good,
      exports: {
        '.': { '@scalewise/source': './src/i.ts', import: './dist/index.js' },
        './t': { '@scalewise/source': './src/t.ts' },
        './k': './dist/k.js',
      },
    };
    expect(droppedSubpaths(workspace, good)).toEqual(['./k']); // ./t is source-only: not for consumers
  });
});

describe('ownErrors', () => {
  it('keeps errors in our declarations and the consumer files, drops third-party ones', () => {
    const out = [
      'node_modules/.pnpm/arquero@8.0.3/node_modules/arquero/dist/types/a.d.ts(1,2): error TS2370: A rest parameter must be an array.',
      "node_modules/.pnpm/@scalewise+laws@file+x/node_modules/@scalewise/laws/dist/index.d.ts(3,4): error TS2307: Cannot find module 'x'.",
      "examples/laws/laws-example-1.ts(5,6): error TS2339: Property 'q' does not exist on type 'FitResult'.",
      '  continuation line',
    ].join('\n');
    expect(ownErrors(out).map((l) => l.split('(')[0])).toEqual([
      'node_modules/.pnpm/@scalewise+laws@file+x/node_modules/@scalewise/laws/dist/index.d.ts',
      'examples/laws/laws-example-1.ts',
    ]);
  });
});

describe('buildLevels and packageOf', () => {
  const pkg = (name: string, workspaceDeps: string[]): WorkspacePackage => ({
    name,
    dir: name,
    manifest: { name, version: '1' },
    workspaceDeps,
  });

  it('orders packages after their workspace dependencies and refuses cycles', () => {
    const levels = buildLevels([pkg('cli', ['laws', 'core']), pkg('laws', ['core']), pkg('core', [])]);
    expect(levels.map((l) => l.map((p) => p.name))).toEqual([['core'], ['laws'], ['cli']]);
    expect(() => buildLevels([pkg('a', ['b']), pkg('b', ['a'])])).toThrow(/cycle/);
    expect(() => buildLevels([pkg('a', ['tests'])])).toThrow(/unpublishable workspace packages: tests/);
  });

  it('names the package of a bundled file', () => {
    expect(packageOf('node_modules/.pnpm/mathjs@15.2.0/node_modules/mathjs/lib/esm/a.js')).toBe('mathjs');
    expect(packageOf('node_modules/.pnpm/x/node_modules/@scalewise/laws/dist/index.js')).toBe('@scalewise/laws');
    expect(packageOf('src/index.ts')).toBe('(entry)');
  });
});
