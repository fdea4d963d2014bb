/**
 * Packages that install and run alone (issue #15): build and `pnpm pack` every publishable package, install the
 * tarballs into a fresh project outside the workspace, then check each manifest (publint-style), import and
 * type-check every subpath export, run each README's runnable examples as written, and bundle @scalewise/laws
 * for browsers. Nothing here is skipped: a missing tool or file fails the test.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleForBrowser } from './packaging/bundle.js';
import { createConsumer } from './packaging/consumer.js';
import { runExamples, runnableExamples } from './packaging/examples.js';
import { codeSubpaths, droppedSubpaths, manifestProblems } from './packaging/exports.js';
import { importAll, ownErrors, typecheckAll } from './packaging/typecheck.js';
import { buildAll, packAll, publishablePackages, type Manifest } from './packaging/workspace.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const PACKAGES = publishablePackages(ROOT);
/** Set to keep the temporary project for a look after the run. */
const KEEP = process.env.SCALEWISE_KEEP_PACKAGING_TMP === '1';

/** What each README's examples print, as written in their comments (every package with a README example is listed). */
const EXPECTED_OUTPUT: Record<string, RegExp[]> = {
  '@scalewise/core': [/bpb: 0\.6869/, /^input$/m],
  '@scalewise/laws': [
    /a: 1151\.55/,
    /b: -0\.24570/,
    / 0\.99349\d* /,
    /estimate: 5\.969/,
    /N\^-0\.2457 \(95% CI of the exponent -0\.3062 … -0\.1852\)/,
  ],
  '@scalewise/models': [/^124635456$/m, /^777 259$/m],
  '@scalewise/data': [/^500 15 1161192$/m, /^true true$/m, /^451 26 23$/m],
  '@scalewise/eval': [/^\d+(\.\d+)? \d+(\.\d+)? \{/m],
  '@scalewise/train': [/nats\/token .* bits\/byte/],
  '@scalewise/report': [/out\/report\.html/],
  '@scalewise/cli': [/-0\.24582 +\[-0\.30564, -0\.18600\]/, /124,635,456/],
};

const toolVersion = (manifestPath: string, name: string): string => {
  const m = JSON.parse(fs.readFileSync(path.join(ROOT, manifestPath), 'utf8')) as { devDependencies: Record<string, string> };
  const v = m.devDependencies[name];
  if (!v) throw new Error(`${manifestPath} has no devDependency ${name}`);
  return v;
};

let tmp = '';
let consumerDir = '';
const installed = new Map<string, Manifest>();
const exampleFiles: string[] = [];
const seconds: Record<string, number> = {};

const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const r = await fn();
  seconds[label] = (performance.now() - t0) / 1000;
  return r;
};

describe('publishable packages, packed and installed outside the workspace', () => {
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scalewise-packaging-'));
    const packDir = path.join(tmp, 'tarballs');
    consumerDir = path.join(tmp, 'consumer');
    fs.mkdirSync(packDir);
    fs.mkdirSync(consumerDir);
    await timed('build', () => buildAll(ROOT, PACKAGES));
    const tarballs = await timed('pack', () => packAll(PACKAGES, packDir));
    const sizes = [...tarballs].map(([name, file]) => `${name} ${(fs.statSync(file).size / 1024).toFixed(0)} KiB`);
    console.log(`tarballs (gzipped): ${sizes.join(', ')}`);
    const devDependencies = {
      typescript: toolVersion('package.json', 'typescript'),
      '@types/node': toolVersion('package.json', '@types/node'),
      esbuild: toolVersion('tests/package.json', 'esbuild'),
    };
    await timed('install', () => createConsumer(consumerDir, tarballs, devDependencies));
    for (const p of PACKAGES) {
      const file = path.join(consumerDir, 'node_modules', p.name, 'package.json');
      installed.set(p.name, JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest);
    }
  }, 400_000);

  afterAll(() => {
    console.log(
      `packaging timings (s): ${JSON.stringify(Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, +v.toFixed(1)])))}`,
    );
    if (tmp && !KEEP) fs.rmSync(tmp, { recursive: true, force: true });
    else if (tmp) console.log(`kept ${tmp}`);
  });

  it('finds the publishable packages (core, laws, models, data, train, eval and the apps)', () => {
    expect(PACKAGES.map((p) => p.name).sort()).toEqual(
      ['cli', 'core', 'data', 'eval', 'laws', 'models', 'report', 'train'].map((n) => `@scalewise/${n}`),
    );
  });

  it('publishes manifests whose paths exist, with types first, no workspace condition and no workspace: version', () => {
    const problems = PACKAGES.flatMap((p) => manifestProblems(path.join(consumerDir, 'node_modules', p.name), installed.get(p.name)!));
    expect(problems).toEqual([]);
    const dropped = PACKAGES.flatMap((p) => droppedSubpaths(p.manifest, installed.get(p.name)!).map((s) => `${p.name} ${s}`));
    expect(dropped, 'subpaths exported in the workspace but missing from publishConfig.exports').toEqual([]);
  });

  it('imports every subpath export at run time', async () => {
    const specifiers = PACKAGES.flatMap((p) =>
      codeSubpaths(installed.get(p.name)!).map((s) => (s === '.' ? p.name : `${p.name}/${s.slice(2)}`)),
    );
    expect(specifiers.length).toBeGreaterThanOrEqual(PACKAGES.length);
    const loaded = await timed('imports', () => importAll(consumerDir, specifiers));
    const failed = Object.entries(loaded).filter(([, v]) => typeof v !== 'number' || v === 0);
    expect(failed, 'subpaths that failed to import or export nothing').toEqual([]);
  }, 120_000);

  for (const p of PACKAGES) {
    it(`runs the runnable examples of ${p.name}'s README as written`, async () => {
      const examples = runnableExamples(fs.readFileSync(path.join(p.dir, 'README.md'), 'utf8'));
      expect(examples.length, `${p.name}/README.md has no block marked "example: runnable"`).toBeGreaterThan(0);
      const short = p.name.replace('@scalewise/', '');
      const cwd = path.join(consumerDir, 'examples', short);
      const runs = await timed(`example ${short}`, () => runExamples(examples, cwd, path.join(consumerDir, 'node_modules/.bin'), short));
      for (const { example, result } of runs) {
        expect(result.code, `README.md line ${example.line} (${example.lang}) exited ${result.code}:\n${result.stderr.slice(-3000)}`).toBe(
          0,
        );
      }
      const stdout = runs.map((r) => r.result.stdout).join('\n');
      for (const pattern of EXPECTED_OUTPUT[p.name] ?? [/./]) expect(stdout).toMatch(pattern);
      exampleFiles.push(
        ...fs
          .readdirSync(cwd)
          .filter((f) => f.endsWith('.ts'))
          .map((f) => path.join(cwd, f)),
      );
    }, 180_000);
  }

  it('type-checks every subpath export and the TypeScript README examples (node16 and bundler resolution)', async () => {
    const specifiers = PACKAGES.flatMap((p) =>
      codeSubpaths(installed.get(p.name)!).map((s) => (s === '.' ? p.name : `${p.name}/${s.slice(2)}`)),
    );
    expect(exampleFiles.length, 'the README examples ran first and left their TypeScript').toBeGreaterThanOrEqual(6);
    const results = await timed('typecheck', () => typecheckAll(consumerDir, specifiers, exampleFiles));
    for (const [resolution, r] of Object.entries(results)) {
      // tsc ran (exit 0, or 2 for errors it reports); errors inside third-party declarations are theirs, not ours.
      expect([0, 2], `tsc (${resolution}) did not run:\n${r.stdout.slice(-2000)}${r.stderr.slice(-2000)}`).toContain(r.code);
      expect(r.code === 0 || r.stdout.includes('error TS'), `tsc (${resolution}) failed without diagnostics`).toBe(true);
      expect(ownErrors(r.stdout), `tsc (${resolution}) errors in our declarations or the README examples`).toEqual([]);
    }
  }, 240_000);

  it('bundles @scalewise/laws for browsers with no Node built-in, and reports its size', async () => {
    const report = await timed('bundle', () => bundleForBrowser('@scalewise/laws', consumerDir));
    expect(report.nodeBuiltins).toEqual([]);
    expect(report.inputs.some((f) => f.includes('@scalewise/laws/dist/index.js'))).toBe(true);
    expect(report.gzipBytes).toBeGreaterThan(1000);
    expect(report.gzipBytes).toBeLessThan(report.minifiedBytes);
    const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
    console.log(
      `@scalewise/laws browser bundle (esbuild ${report.esbuildVersion}, ESM, minified): ${kib(report.minifiedBytes)}, ` +
        `gzip -9 ${kib(report.gzipBytes)}; by package: ${report.bytesByPackage.map(([k, v]) => `${k} ${kib(v)}`).join(', ')}`,
    );
    // The detector itself: @scalewise/core/node is Node-only and must be reported, not bundled.
    const nodeOnly = await bundleForBrowser('@scalewise/core/node', consumerDir);
    expect(nodeOnly.nodeBuiltins.map((b) => b.module)).toContain('node:fs/promises');
  }, 60_000);
});
