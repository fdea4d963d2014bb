/** A browser bundle of an installed package with esbuild: which Node built-ins it pulls in, and its size. */
import { builtinModules } from 'node:module';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

export interface BundleReport {
  /** Node built-ins imported anywhere in the bundle's module graph, with the importing file. */
  nodeBuiltins: { module: string; importer: string }[];
  minifiedBytes: number;
  gzipBytes: number;
  /** Files that went into the bundle (relative to the working folder). */
  inputs: string[];
  /** Minified bytes in the bundle by package name (from esbuild's metafile), largest first. */
  bytesByPackage: [string, number][];
  esbuildVersion: string;
}

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/**
 * Bundle `entry` (a package name or file) as one minified ES module for browsers, resolving from `cwd`. esbuild
 * honours each dependency's "browser" field (e.g. `"crypto": false`) and fails on any Node built-in still imported:
 * those failures are returned in `nodeBuiltins` (every one of them, not just the first), anything else is thrown.
 */
export async function bundleForBrowser(entry: string, cwd: string): Promise<BundleReport> {
  let result: esbuild.BuildResult<{ write: false; metafile: true }>;
  try {
    result = await esbuild.build({
      entryPoints: [entry],
      absWorkingDir: cwd,
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
      outfile: 'bundle.js',
    });
  } catch (error) {
    const errors = (error as esbuild.BuildFailure).errors ?? [];
    const builtins = errors.flatMap((e) => {
      const m = /^Could not resolve "([^"]+)"/.exec(e.text);
      return m && BUILTINS.has(m[1]!) ? [{ module: m[1]!, importer: e.location?.file ?? '?' }] : [];
    });
    if (builtins.length === 0 || builtins.length < errors.length) throw error;
    return { nodeBuiltins: builtins, minifiedBytes: 0, gzipBytes: 0, inputs: [], bytesByPackage: [], esbuildVersion: esbuild.version };
  }
  // Built-ins left as imports (none should be: the browser platform marks none external) count too.
  const nodeBuiltins = Object.entries(result.metafile.inputs).flatMap(([importer, input]) =>
    input.imports.filter((i) => BUILTINS.has(i.path)).map((i) => ({ module: i.path, importer })),
  );
  const output = result.outputFiles.find((f) => f.path.endsWith('.js'));
  if (!output) throw new Error(`esbuild wrote no JavaScript for ${entry}`);
  return {
    nodeBuiltins,
    minifiedBytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents, { level: 9 }).byteLength,
    inputs: Object.keys(result.metafile.inputs),
    bytesByPackage: bytesByPackage(Object.values(result.metafile.outputs).flatMap((o) => Object.entries(o.inputs))),
    esbuildVersion: esbuild.version,
  };
}

/** The package a bundled file belongs to: the path after its last node_modules/ (scoped names keep their scope). */
export function packageOf(file: string): string {
  const tail = file.split('node_modules/').at(-1)!;
  if (tail === file) return '(entry)';
  const parts = tail.split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function bytesByPackage(inputs: [string, { bytesInOutput: number }][]): [string, number][] {
  const totals = new Map<string, number>();
  for (const [file, { bytesInOutput }] of inputs) totals.set(packageOf(file), (totals.get(packageOf(file)) ?? 0) + bytesInOutput);
  return [...totals].sort((a, b) => b[1] - a[1]);
}
