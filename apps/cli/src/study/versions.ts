import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function versionOf(name: string): string {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Versions of the runtime and of every package that shaped the results, recorded in the report. */
export function studyVersions(): Record<string, string> {
  const names = [
    '@scalewise/cli',
    '@scalewise/laws',
    '@scalewise/models',
    '@scalewise/data',
    '@scalewise/train',
    '@scalewise/eval',
    '@scalewise/report',
  ];
  return {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    ...Object.fromEntries(names.map((n) => [n, versionOf(n)])),
  };
}
