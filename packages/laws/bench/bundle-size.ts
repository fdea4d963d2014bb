/**
 * Size of @scalewise/laws as one browser module (run: `pnpm bench` in packages/laws, or this file alone with
 * `node --conditions=@scalewise/source --import tsx bench/bundle-size.ts`). Writes bench-results/laws-bundle.json.
 * Bundles the TypeScript sources (workspace packages through their source condition) the way a user's esbuild
 * bundles the published dist: ESM, platform browser, minified; gzip at level 9. A Node built-in fails the build.
 * tests/packaging.e2e.test.ts measures the same bundle from the packed tarball.
 */
import { mkdirSync } from 'node:fs';
import { writeJsonAtomicSync } from '@scalewise/core/node';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const here = import.meta.dirname;
const result = await esbuild.build({
  entryPoints: [resolve(here, '../src/index.ts')],
  absWorkingDir: resolve(here, '..'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  write: false,
  metafile: true,
  logLevel: 'error',
  conditions: ['@scalewise/source'],
  outfile: 'laws.js',
});
const output = result.outputFiles.find((f) => f.path.endsWith('.js'))!;

/** Bytes in the bundle by package (the path after the last node_modules/, or this workspace's own sources). */
const byPackage = new Map<string, number>();
for (const out of Object.values(result.metafile.outputs)) {
  for (const [file, { bytesInOutput }] of Object.entries(out.inputs)) {
    const tail = file.split('node_modules/').at(-1)!;
    const parts = tail.split('/');
    const name =
      tail === file
        ? file.includes('core/src')
          ? '@scalewise/core'
          : '@scalewise/laws'
        : parts[0]!.startsWith('@')
          ? `${parts[0]}/${parts[1]}`
          : parts[0]!;
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
}

const sorted = [...byPackage].sort((a, b) => b[1] - a[1]);
const report = {
  date: new Date().toISOString(),
  node: process.version,
  esbuild: esbuild.version,
  bundle: 'esm, platform browser, target es2022, minified',
  minified_bytes: output.contents.byteLength,
  gzip_bytes: gzipSync(output.contents, { level: 9 }).byteLength,
  minified_bytes_by_package: Object.fromEntries(sorted),
};
const dir = resolve(here, '../bench-results');
mkdirSync(dir, { recursive: true });
const file = resolve(dir, 'laws-bundle.json');
writeJsonAtomicSync(file, report);
const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  `@scalewise/laws browser bundle: ${kib(report.minified_bytes)} minified, ${kib(report.gzip_bytes)} gzipped ` +
    `(${sorted.map(([k, v]) => `${k} ${kib(v)}`).join(', ')}) -> ${file}`,
);
