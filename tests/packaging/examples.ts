/**
 * README examples marked runnable, run as written: a fenced block whose first line is `// example: runnable`
 * (ts, js), `# example: runnable` (sh) or `<!-- example: runnable -->` (html).
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { cleanEnv, run, type CommandResult } from './workspace.js';

export type ExampleLang = 'ts' | 'js' | 'sh' | 'html';

export interface Example {
  lang: ExampleLang;
  code: string;
  /** 1-based line of the opening fence in the README. */
  line: number;
}

const MARKER = /^\s*(\/\/|#|<!--)\s*example:\s*runnable\b/;
const LANGS: Record<string, ExampleLang> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js', sh: 'sh', bash: 'sh', html: 'html' };

/** The runnable blocks of a README, in order. A marked block in a language we cannot run is an error, not a skip. */
export function runnableExamples(markdown: string): Example[] {
  const lines = markdown.split('\n');
  const found: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(`{3,})(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith(open[1]!) && l.trim() === open[1]);
    if (end < 0) throw new Error(`line ${i + 1}: code fence never closed`);
    const body = lines.slice(i + 1, end);
    if (body.length > 0 && MARKER.test(body[0]!)) {
      const lang = LANGS[open[2]!.toLowerCase()];
      if (!lang) throw new Error(`line ${i + 1}: runnable example in unsupported language '${open[2]}'`);
      found.push({ lang, code: `${body.join('\n')}\n`, line: i + 1 });
    }
    i = end;
  }
  return found;
}

/** The bodies of `<script type="module">` elements of an HTML example. */
export function moduleScripts(html: string): string[] {
  return [...html.matchAll(/<script\s+type="module"\s*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
}

/** TypeScript to JavaScript, types removed only (what a user's build or tsx does); module syntax untouched. */
export function stripTypes(source: string): string {
  return ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  }).outputText;
}

/**
 * A stand-in for the browser's `document` with just what a page example uses (`getElementById`, `querySelector`
 * returning elements whose textContent is recorded), printed as JSON when the page script finished.
 */
const DOM_STUB = `const elements = new Map();
const element = (key) => { if (!elements.has(key)) elements.set(key, { textContent: '', innerHTML: '' }); return elements.get(key); };
globalThis.document = { getElementById: (id) => element('#' + id), querySelector: (sel) => element(sel) };
`;

export interface ExampleRun {
  example: Example;
  result: CommandResult;
}

/**
 * Run a README's examples in order in `cwd` (inside the consumer project, so its node_modules resolve):
 * ts/js with node, sh with bash -e and the project's node_modules/.bin on PATH (as after a global install),
 * html by running its module scripts with node against a stub `document`, printing the text they set.
 */
export async function runExamples(examples: Example[], cwd: string, binDir: string, name: string): Promise<ExampleRun[]> {
  fs.mkdirSync(cwd, { recursive: true });
  const env = cleanEnv({ PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`, ONNXRUNTIME_NODE_INSTALL: 'skip' });
  const runs: ExampleRun[] = [];
  for (const [k, example] of examples.entries()) {
    const base = path.join(cwd, `${name}-example-${k + 1}`);
    let result: CommandResult;
    if (example.lang === 'sh') {
      result = await run('bash', ['-e', '-o', 'pipefail', '-c', example.code], { cwd, env, timeoutMs: 120_000 });
    } else {
      const js =
        example.lang === 'html'
          ? `${DOM_STUB}${moduleScripts(example.code).join('\n')}\nconsole.log(JSON.stringify(Object.fromEntries(elements)));\n`
          : example.lang === 'ts'
            ? stripTypes(example.code)
            : example.code;
      if (example.lang === 'ts') fs.writeFileSync(`${base}.ts`, example.code); // kept for the type check
      fs.writeFileSync(`${base}.mjs`, js);
      result = await run(process.execPath, [`${base}.mjs`], { cwd, env, timeoutMs: 120_000 });
    }
    runs.push({ example, result });
    if (result.code !== 0) break; // later blocks build on earlier ones
  }
  return runs;
}
