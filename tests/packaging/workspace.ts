/**
 * The publishable workspace packages, built with their own `build` script (tsc -p tsconfig.build.json) in
 * dependency order and packed with `pnpm pack`, exactly as a release would.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  main?: string;
  types?: string;
  bin?: string | Record<string, string>;
  files?: string[];
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
  publishConfig?: { exports?: Record<string, unknown> };
}

export interface WorkspacePackage {
  name: string;
  dir: string;
  manifest: Manifest;
  /** Workspace packages this one depends on at run time. */
  workspaceDeps: string[];
}

/** Every package under packages/ and apps/ that is not `"private": true`. */
export function publishablePackages(root: string): WorkspacePackage[] {
  const found: WorkspacePackage[] = [];
  for (const group of ['packages', 'apps']) {
    for (const entry of fs.readdirSync(path.join(root, group)).sort()) {
      const dir = path.join(root, group, entry);
      const file = path.join(dir, 'package.json');
      if (!fs.existsSync(file)) continue;
      const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest;
      if (manifest.private === true) continue;
      const deps = Object.entries(manifest.dependencies ?? {});
      found.push({ name: manifest.name, dir, manifest, workspaceDeps: deps.filter(([, v]) => v.startsWith('workspace:')).map(([k]) => k) });
    }
  }
  return found;
}

/** Packages grouped into build levels: each level depends only on earlier ones (throws on a cycle or unknown package). */
export function buildLevels(packages: WorkspacePackage[]): WorkspacePackage[][] {
  const byName = new Map(packages.map((p) => [p.name, p]));
  const done = new Set<string>();
  const levels: WorkspacePackage[][] = [];
  while (done.size < packages.length) {
    const ready = packages.filter((p) => !done.has(p.name) && p.workspaceDeps.every((d) => done.has(d)));
    if (ready.length === 0) {
      const stuck = packages.filter((p) => !done.has(p.name));
      const unknown = stuck.flatMap((p) => p.workspaceDeps.filter((d) => !byName.has(d)));
      throw new Error(
        unknown.length > 0
          ? `publishable packages depend on unpublishable workspace packages: ${[...new Set(unknown)].join(', ')}`
          : `dependency cycle among ${stuck.map((p) => p.name).join(', ')}`,
      );
    }
    ready.forEach((p) => done.add(p.name));
    levels.push(ready);
  }
  return levels;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Run a command without a shell; never rejects (the caller asserts on the code and shows the output). */
export function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }) {
  const started = performance.now();
  return new Promise<CommandResult>((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    const finish = (code: number | null, error?: Error): void => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr: error ? `${stderr}${error.message}\n` : stderr, seconds: (performance.now() - started) / 1000 });
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code));
  });
}

/** Where packages come from: settings of the machine that a consumer's install needs too. */
const KEPT_SETTINGS = /registry|store_dir|cache|proxy|cafile|strict_ssl/i;

/**
 * The environment without what a surrounding pnpm/npm script or test runner injected (the workspace's settings,
 * such as verify-deps-before-run, must not leak into the consumer project), keeping registry and store settings.
 */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_config_)/i.test(k) && !KEPT_SETTINGS.test(k)) continue;
    if (k === 'NODE_OPTIONS' || k.startsWith('VITEST') || k === 'TSX_TSCONFIG_PATH') continue;
    env[k] = v;
  }
  return { ...env, FORCE_COLOR: '0', NO_COLOR: '1', ...extra };
}

export function describeFailure(what: string, r: CommandResult): string {
  return `${what} failed (exit ${r.code}):\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`;
}

/** Build every package with its own tsc config, level by level (a level's packages in parallel), from an empty dist. */
export async function buildAll(root: string, packages: WorkspacePackage[]): Promise<void> {
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  for (const level of buildLevels(packages)) {
    const results = await Promise.all(
      level.map(async (p) => {
        fs.rmSync(path.join(p.dir, 'dist'), { recursive: true, force: true });
        return [p, await run(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: p.dir, timeoutMs: 180_000 })] as const;
      }),
    );
    for (const [p, r] of results) if (r.code !== 0) throw new Error(describeFailure(`build of ${p.name}`, r));
  }
}

/** `pnpm pack` each package into dest; returns package name → tarball path. */
export async function packAll(packages: WorkspacePackage[], dest: string): Promise<Map<string, string>> {
  const tarballs = new Map<string, string>();
  for (const p of packages) {
    const before = new Set(fs.readdirSync(dest));
    const r = await run('pnpm', ['pack', '--pack-destination', dest], { cwd: p.dir });
    if (r.code !== 0) throw new Error(describeFailure(`pnpm pack of ${p.name}`, r));
    const created = fs.readdirSync(dest).filter((f) => f.endsWith('.tgz') && !before.has(f));
    if (created.length !== 1) throw new Error(`pnpm pack of ${p.name} made ${created.length} tarballs: ${created.join(', ')}`);
    tarballs.set(p.name, path.join(dest, created[0]!));
  }
  return tarballs;
}
