import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EvalError, EvalInputError } from '../errors.js';
import type { BenchResult, BenchSpec } from './run-bench.js';

/**
 * Run `runBench` in a fresh Node process and return its result, so the reported peak RSS is the
 * model's alone. Progress lines from the child go to `onProgress`.
 */
export async function runBenchIsolated(
  spec: Omit<BenchSpec, 'onProgress'>,
  onProgress?: (test: string, done: number, total: number) => void,
): Promise<BenchResult> {
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith('.ts');
  const script = resolve(here, '..', fromSource ? 'child.ts' : 'child.js');
  // From source the child needs the same loader as this process (tsx) and the source export condition.
  const args = fromSource ? ['--conditions=@scalewise/source', '--import', 'tsx', script] : [script];
  const child = spawn(process.execPath, [...args, JSON.stringify({ ...spec, model: resolve(spec.model) })], {
    cwd: resolve(here, '..', '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    for (const line of d.toString().split('\n')) {
      try {
        const event = JSON.parse(line) as { stage: string; done: number; total: number };
        onProgress?.(event.stage, event.done, event.total);
      } catch {
        if (line.trim() !== '') err += `${line}\n`;
      }
    }
  });
  const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
  const last = out.trim().split('\n').at(-1) ?? '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(last);
  } catch {
    throw new EvalError(
      `benchmark process exited with code ${code} without a result${err ? `: ${err.trim().split('\n').slice(-3).join(' | ')}` : ''}`,
    );
  }
  const failure = (parsed as { error?: { name: string; message: string } }).error;
  if (failure) throw failure.name.endsWith('InputError') ? new EvalInputError(failure.message) : new EvalError(failure.message);
  return parsed as BenchResult;
}
