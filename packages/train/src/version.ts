import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** `@scalewise/train@<version>` plus the git commit (and `+dirty`) when the package sits in a git checkout. */
export function codeVersion(): string {
  if (cached !== undefined) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  let version = '0.0.0';
  try {
    version = (JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    // packaged without package.json next to src: version stays unknown
  }
  let commit = '';
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: here, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--', '.'], { cwd: join(here, '..'), stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim() !== '';
    commit = ` git ${head}${dirty ? '+dirty' : ''}`;
  } catch {
    // not a git checkout
  }
  cached = `@scalewise/train@${version}${commit}`;
  return cached;
}
