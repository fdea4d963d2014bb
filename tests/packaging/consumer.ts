/**
 * A fresh project outside the workspace that installs the packed tarballs the way a user would: `file:` tarballs
 * for @scalewise/* (an override too, so packages depending on each other get the tarball, not the registry), and
 * third-party packages from the registry through the pnpm store.
 */
import fs from 'node:fs';
import path from 'node:path';
import { cleanEnv, describeFailure, run } from './workspace.js';

/** Settings a user of these packages needs too (see the root pnpm-workspace.yaml for why). */
const CONSUMER_SETTINGS = [
  // arquero@8 pulls @uwdata/flechette@2.7, which depends on a package missing from the registry.
  "  '@uwdata/flechette': 2.6.0",
];
/** Install scripts that are not needed: onnxruntime-node's fetches CUDA files from outside the npm registry. */
const SKIPPED_BUILDS = ['onnxruntime-node', 'esbuild', '@resvg/resvg-js', 'protobufjs', 'sharp', 'msgpackr-extract', 'nx'];

export interface Consumer {
  dir: string;
  installSeconds: number;
}

/**
 * Write the consumer's package.json and pnpm-workspace.yaml and install.
 * devDependencies: tools a user adds next to our packages (typescript, @types/node, esbuild), pinned like the workspace's.
 */
export async function createConsumer(
  dir: string,
  tarballs: Map<string, string>,
  devDependencies: Record<string, string>,
): Promise<Consumer> {
  const deps = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
  const manifest = { name: 'scalewise-consumer', version: '0.0.0', private: true, type: 'module', dependencies: deps, devDependencies };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const yaml = [
    'overrides:',
    ...Object.entries(deps).map(([name, spec]) => `  '${name}': '${spec}'`),
    ...CONSUMER_SETTINGS,
    'allowBuilds:',
    ...SKIPPED_BUILDS.map((name) => `  '${name}': false`),
    '',
  ];
  fs.writeFileSync(path.join(dir, 'pnpm-workspace.yaml'), yaml.join('\n'));
  const r = await run('pnpm', ['install', '--prefer-offline', '--config.confirmModulesPurge=false'], {
    cwd: dir,
    env: cleanEnv({ ONNXRUNTIME_NODE_INSTALL: 'skip', CI: 'true' }),
    timeoutMs: 240_000,
  });
  if (r.code !== 0) throw new Error(describeFailure('pnpm install of the tarballs', r));
  return { dir, installSeconds: r.seconds };
}
