import path from 'node:path';
import { readJsonIfExists, writeJsonAtomic } from '@scalewise/core/node';

/** A stage's finished output is stored as JSON; a re-run with the same key reuses it (resumable study). */
export interface StageRecord<T> {
  key: string;
  finishedAt: string;
  seconds: number;
  result: T;
}

export async function runStage<T>(
  outDir: string,
  name: string,
  key: unknown,
  log: (line: string) => void,
  compute: () => Promise<T>,
): Promise<T> {
  const file = path.join(outDir, 'stages', `${name}.json`);
  const keyText = JSON.stringify(key);
  const cached = await readJsonIfExists<StageRecord<T>>(file);
  if (cached && cached.key === keyText) {
    log(`[${name}] reusing finished stage from ${path.relative(process.cwd(), file) || file}`);
    return cached.result;
  }
  log(`[${name}] started`);
  const start = performance.now();
  const result = await compute();
  const seconds = (performance.now() - start) / 1000;
  await writeJsonAtomic(file, { key: keyText, finishedAt: new Date().toISOString(), seconds, result } satisfies StageRecord<T>);
  log(`[${name}] done in ${seconds.toFixed(1)} s`);
  return result;
}
