/**
 * Bundling the explorer's scripts with esbuild when the page is written: the worker (laws + the fitting code) and the
 * page (Vega, Vega-Lite and the UI), each one self-contained IIFE string. Browser platform: a Node built-in that
 * reaches a bundle fails the build.
 */
import { builtinModules } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ReportError } from '../errors.js';

export interface ExplorerBundles {
  page: string;
  worker: string;
}

const HERE = fileURLToPath(import.meta.url);
// From source (tests, the CLI under tsx) the entries are .ts and workspace packages resolve to their sources;
// from the published dist they are .js and packages resolve to their dist.
const EXT = extname(HERE);
const FROM_SOURCE = EXT === '.ts';
const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Bundle one entry file for the browser; throws ReportError naming any Node built-in it reaches. */
export async function bundleEntry(entry: string): Promise<string> {
  let result;
  try {
    result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      minify: true,
      metafile: true,
      logLevel: 'silent',
      conditions: FROM_SOURCE ? ['@scalewise/source'] : [],
    });
  } catch (error) {
    const errors = (error as { errors?: { text: string; location?: { file: string } | null }[] }).errors ?? [];
    const text = errors.map((e) => `${e.location?.file ?? entry}: ${e.text}`).join('; ') || (error as Error).message;
    throw new ReportError(`could not bundle ${entry} for the browser: ${text}`, { cause: error });
  }
  // `(disabled):crypto` is a package's own browser stub (its `browser` field maps the built-in to false): not reached.
  const reached = Object.keys(result.metafile.inputs).filter((p) => BUILTINS.has(p));
  if (reached.length > 0) throw new ReportError(`the browser bundle of ${entry} reaches Node built-ins: ${reached.join(', ')}`);
  const text = result.outputFiles[0]!.text;
  if (/<\/script|<!--/i.test(text)) throw new ReportError(`the bundle of ${entry} contains '</script' or '<!--', which cannot be inlined`);
  return text;
}

let cached: Promise<ExplorerBundles> | undefined;

/** The page and worker bundles (built once per process: ~2 s). */
export function explorerBundles(): Promise<ExplorerBundles> {
  cached ??= (async () => {
    const dir = dirname(HERE);
    const [page, worker] = await Promise.all([bundleEntry(join(dir, 'page', `main${EXT}`)), bundleEntry(join(dir, `worker-entry${EXT}`))]);
    return { page, worker };
  })();
  cached.catch(() => (cached = undefined));
  return cached;
}
