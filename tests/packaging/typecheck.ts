/** Run-time and type-level resolution of every subpath export, checked inside the consumer project. */
import fs from 'node:fs';
import path from 'node:path';
import { describeFailure, run, type CommandResult } from './workspace.js';

/** `import()` every specifier in a fresh node process; returns specifier → number of exports, or the error. */
export async function importAll(consumerDir: string, specifiers: string[]): Promise<Record<string, number | string>> {
  const script = path.join(consumerDir, 'import-all.mjs');
  fs.writeFileSync(
    script,
    `const out = {};
for (const s of ${JSON.stringify(specifiers)}) {
  try { out[s] = Object.keys(await import(s)).length; } catch (e) { out[s] = String(e && e.message || e).split('\\n')[0]; }
}
console.log(JSON.stringify(out));
`,
  );
  const r = await run(process.execPath, [script], { cwd: consumerDir, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(describeFailure('import of every subpath', r));
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number | string>;
}

/** The module settings a consumer may use: Node's own resolution, and a bundler's. */
export const RESOLUTIONS = {
  node16: { module: 'node16', moduleResolution: 'node16', skipLibCheck: false },
  // Declarations were checked under node16 already; skipping them here halves the time.
  bundler: { module: 'esnext', moduleResolution: 'bundler', skipLibCheck: true },
} as const;

/**
 * Type-check, with the consumer's own TypeScript, a file importing every specifier plus the given files
 * (the README examples), once per module resolution. Under node16 skipLibCheck is off, so the published .d.ts files
 * are checked too; use `ownErrors` on the output to leave out errors inside third-party declaration files.
 */
export async function typecheckAll(
  consumerDir: string,
  specifiers: string[],
  extraFiles: string[],
): Promise<Record<keyof typeof RESOLUTIONS, CommandResult>> {
  const dir = path.join(consumerDir, 'typecheck');
  fs.mkdirSync(dir, { recursive: true });
  const lines = specifiers.map((s, i) => `import * as m${i} from '${s}';`);
  lines.push(`export const modules: object[] = [${specifiers.map((_, i) => `m${i}`).join(', ')}];`);
  fs.writeFileSync(path.join(dir, 'all-subpaths.ts'), `${lines.join('\n')}\n`);
  const tsc = path.join(consumerDir, 'node_modules/typescript/bin/tsc');
  const entries = await Promise.all(
    Object.entries(RESOLUTIONS).map(async ([name, options]) => {
      const config = {
        compilerOptions: {
          ...options,
          target: 'es2022',
          lib: ['es2023'],
          strict: true,
          noEmit: true,
          types: ['node'],
        },
        files: [path.join(dir, 'all-subpaths.ts'), ...extraFiles],
      };
      const file = path.join(dir, `tsconfig.${name}.json`);
      fs.writeFileSync(file, JSON.stringify(config, null, 2));
      return [name, await run(process.execPath, [tsc, '-p', file, '--pretty', 'false'], { cwd: consumerDir, timeoutMs: 180_000 })] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<keyof typeof RESOLUTIONS, CommandResult>;
}

/**
 * tsc diagnostics (one per `file(line,col): error` line) outside third-party packages: in our own published
 * declarations (a path through node_modules/@scalewise/) or in the consumer's files.
 */
export function ownErrors(tscOutput: string): string[] {
  return tscOutput
    .split('\n')
    .filter((line) => /^\S.*\(\d+,\d+\): error TS\d+/.test(line))
    .filter((line) => !line.includes('node_modules/') || line.split('(')[0]!.includes('node_modules/@scalewise/'));
}
