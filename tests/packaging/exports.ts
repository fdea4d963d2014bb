/**
 * Publint-style checks of an installed (packed) package: every path its manifest names exists in the tarball, the
 * exports map is well ordered and free of workspace-only conditions, and no workspace protocol is left.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Manifest } from './workspace.js';

/** Conditions that only make sense inside the monorepo (TypeScript sources that are not published). */
export const WORKSPACE_CONDITIONS = ['@scalewise/source'];

export interface ExportTarget {
  subpath: string;
  /** Condition chain, e.g. ['types'] or ['import']. */
  conditions: string[];
  target: string;
}

/** Flatten an exports map into (subpath, conditions, target) rows. */
export function exportTargets(exportsField: unknown): ExportTarget[] {
  if (exportsField === undefined) return [];
  const rows: ExportTarget[] = [];
  const walk = (subpath: string, value: unknown, conditions: string[]): void => {
    if (typeof value === 'string') rows.push({ subpath, conditions, target: value });
    else if (Array.isArray(value)) value.forEach((v) => walk(subpath, v, conditions));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(subpath, v, [...conditions, k]);
  };
  const isSubpathMap =
    typeof exportsField === 'object' && exportsField !== null && Object.keys(exportsField).every((k) => k.startsWith('.'));
  if (isSubpathMap) for (const [k, v] of Object.entries(exportsField)) walk(k, v, []);
  else walk('.', exportsField, []);
  return rows;
}

/** Subpaths a consumer can import as code (not `./package.json`, no patterns). */
export function codeSubpaths(manifest: Manifest): string[] {
  return [...new Set(exportTargets(manifest.exports).map((t) => t.subpath))].filter((s) => s !== './package.json' && !s.includes('*'));
}

/** Everything wrong with the manifest of the package installed at `dir`; empty when it is fine. */
export function manifestProblems(dir: string, manifest: Manifest): string[] {
  const problems: string[] = [];
  const exists = (rel: string): boolean => fs.existsSync(path.join(dir, rel));
  const where = manifest.name;
  if (manifest.exports === undefined) problems.push(`${where}: no "exports" map`);
  for (const { subpath, conditions, target } of exportTargets(manifest.exports)) {
    const label = `${where} exports["${subpath}"]${conditions.map((c) => `.${c}`).join('')}`;
    const leaked = conditions.find((c) => WORKSPACE_CONDITIONS.includes(c));
    if (leaked) problems.push(`${label}: workspace-only condition "${leaked}" is published`);
    if (!target.startsWith('./')) problems.push(`${label}: target "${target}" does not start with ./`);
    else if (!exists(target)) problems.push(`${label}: ${target} is not in the package`);
    if (conditions.at(-1) === 'types' && !/\.d\.[cm]?ts$/.test(target)) problems.push(`${label}: types target is not a .d.ts file`);
  }
  // "types" must come first in each condition object, or TypeScript picks the JavaScript file's condition first.
  const checkOrder = (value: unknown, label: string): void => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return;
    const keys = Object.keys(value);
    if (keys.includes('types') && keys[0] !== 'types' && !keys.every((k) => k.startsWith('.'))) {
      problems.push(`${label}: "types" is not the first condition (${keys.join(', ')})`);
    }
    for (const [k, v] of Object.entries(value)) checkOrder(v, `${label}.${k}`);
  };
  checkOrder(manifest.exports, `${where} exports`);
  for (const subpath of codeSubpaths(manifest)) {
    const conds = exportTargets(manifest.exports).filter((t) => t.subpath === subpath);
    if (!conds.some((t) => t.conditions.includes('types'))) problems.push(`${where} exports["${subpath}"]: no "types" condition`);
    if (!conds.some((t) => ['import', 'default', 'node'].includes(t.conditions.at(-1) ?? 'default'))) {
      problems.push(`${where} exports["${subpath}"]: no runtime condition (import/default)`);
    }
  }
  for (const field of ['main', 'types'] as const) {
    const value = manifest[field];
    if (value !== undefined && !exists(value)) problems.push(`${where} "${field}": ${value} is not in the package`);
  }
  const bins = typeof manifest.bin === 'string' ? { [manifest.name]: manifest.bin } : (manifest.bin ?? {});
  for (const [name, file] of Object.entries(bins)) {
    if (!exists(file)) problems.push(`${where} bin "${name}": ${file} is not in the package`);
    else if (!fs.readFileSync(path.join(dir, file), 'utf8').startsWith('#!/usr/bin/env node')) {
      problems.push(`${where} bin "${name}": ${file} has no #!/usr/bin/env node line`);
    }
  }
  problems.push(...sourceMapProblems(dir, where));
  for (const [name, spec] of Object.entries(manifest.dependencies ?? {})) {
    if (/^(workspace|link|file):/.test(spec)) problems.push(`${where} dependency ${name}: "${spec}" is not a registry version`);
  }
  return problems;
}

/**
 * Subpaths the workspace manifest exports for consumers (a target outside the workspace-only conditions) that the
 * published manifest lost: publishConfig.exports must keep every one of them.
 */
export function droppedSubpaths(workspace: Manifest, published: Manifest): string[] {
  const publishedSubpaths = new Set(exportTargets(published.exports).map((t) => t.subpath));
  const wanted = exportTargets(workspace.exports).filter((t) => !t.conditions.some((c) => WORKSPACE_CONDITIONS.includes(c)));
  return [...new Set(wanted.map((t) => t.subpath))].filter((s) => !publishedSubpaths.has(s));
}

/** Source maps whose sources are neither in the package nor embedded (tools such as Vite warn about each one). */
export function sourceMapProblems(dir: string, where: string): string[] {
  const problems: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const file = path.join(rel, entry.name);
      if (entry.isDirectory() && entry.name !== 'node_modules') walk(file);
      else if (entry.name.endsWith('.map')) {
        const map = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { sources?: string[]; sourcesContent?: (string | null)[] };
        const missing = (map.sources ?? []).filter(
          (source, i) => typeof map.sourcesContent?.[i] !== 'string' && !fs.existsSync(path.resolve(dir, path.dirname(file), source)),
        );
        if (missing.length > 0) problems.push(`${where} ${file}: source map points at ${missing.join(', ')}, not in the package`);
      }
    }
  };
  walk('.');
  return problems;
}
