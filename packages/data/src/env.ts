import { resolve } from 'node:path';

/**
 * Package-wide settings, in the style of transformers.js's `env`.
 * `cacheDir` overrides the cache location; when unset the cache lives in `$SCALEWISE_CACHE`,
 * or `.cache/scalewise` under the current working directory.
 */
export const env: { cacheDir: string | undefined } = {
  cacheDir: undefined,
};

/** The cache directory in effect now (absolute path). */
export function cacheDirectory(): string {
  if (env.cacheDir !== undefined) return resolve(env.cacheDir);
  const fromEnv = process.env.SCALEWISE_CACHE;
  if (fromEnv !== undefined && fromEnv !== '') return resolve(fromEnv);
  return resolve(process.cwd(), '.cache', 'scalewise');
}
