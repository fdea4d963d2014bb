import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../kit.js';
import { readJsonIfExists, writeFileAtomic, writeJsonAtomic } from '@scalewise/core/node';

/** A stage's finished output is stored as JSON; a re-run with the same key reuses it (resumable study). */
export interface StageRecord<T> {
  /** Record layout; records of another layout are recomputed, never misread. */
  format?: number;
  key: string;
  finishedAt: string;
  seconds: number;
  result: T;
}

// 2: typed arrays are stored tagged and revived as typed arrays (format 1 stored them as index→value objects).
const STAGE_FORMAT = 2;
const TYPED = { Float64Array, Float32Array, Int32Array, Uint32Array, Uint16Array, Uint8Array } as const;
type TypedName = keyof typeof TYPED;

/** JSON text of a stage result, with typed arrays tagged so they come back as typed arrays (NaN kept). */
export function stageJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
        const name = v.constructor.name as TypedName;
        if (name in TYPED)
          return { $typed: name, values: Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isNaN(x) ? 'NaN' : x)) };
      }
      return v;
    },
    2,
  );
}

/** Parse what `stageJson` wrote. */
export function parseStageJson<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => {
    const tagged = v as { $typed?: unknown; values?: unknown } | null;
    if (
      tagged &&
      typeof tagged === 'object' &&
      typeof tagged.$typed === 'string' &&
      tagged.$typed in TYPED &&
      Array.isArray(tagged.values)
    ) {
      const values = (tagged.values as Array<number | string>).map((x) => (x === 'NaN' ? Number.NaN : Number(x)));
      return new TYPED[tagged.$typed as TypedName](values);
    }
    return v;
  }) as T;
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
  const text = await readFile(file, 'utf8').catch(() => undefined);
  let cached: StageRecord<T> | undefined;
  try {
    cached = text === undefined ? undefined : parseStageJson<StageRecord<T>>(text);
  } catch {
    cached = undefined; // A torn or foreign file: the stage is computed again.
  }
  if (cached && cached.format === STAGE_FORMAT && cached.key === keyText) {
    log(`[${name}] reusing finished stage from ${path.relative(process.cwd(), file) || file}`);
    return cached.result;
  }
  log(`[${name}] started`);
  const start = performance.now();
  const result = await compute();
  const seconds = (performance.now() - start) / 1000;
  const record: StageRecord<T> = { format: STAGE_FORMAT, key: keyText, finishedAt: new Date().toISOString(), seconds, result };
  await writeFileAtomic(file, `${stageJson(record)}\n`);
  log(`[${name}] done in ${seconds.toFixed(1)} s`);
  return result;
}

const STUDY_MARKER = 'study.json';
const STUDY_FORMAT = 'scalewise-study';

/**
 * Claim a study folder for one set of options before any stage runs: a folder holding a study with other options
 * (another seed, engine, size) is refused instead of mixing runs of both, and a non-empty folder that is not a
 * study is refused instead of writing a report among someone else's files. Studies from before the marker
 * (a `stages/` folder, no study.json) are adopted.
 */
export async function claimStudyFolder(outDir: string, options: Record<string, unknown>): Promise<void> {
  const marker = path.join(outDir, STUDY_MARKER);
  const existing = await readJsonIfExists<{ format?: unknown; options?: Record<string, unknown> }>(marker);
  if (existing !== undefined) {
    if (existing.format !== STUDY_FORMAT || typeof existing.options !== 'object' || existing.options === null) {
      throw new UsageError(`--out ${outDir}: ${STUDY_MARKER} there is not a scalewise study marker; choose another --out`);
    }
    const differing = [...new Set([...Object.keys(existing.options), ...Object.keys(options)])]
      .filter((k) => JSON.stringify(existing.options![k]) !== JSON.stringify(options[k]))
      .map((k) => `${k} ${JSON.stringify(existing.options![k]) ?? 'unset'} there, ${JSON.stringify(options[k]) ?? 'unset'} now`);
    if (differing.length > 0) {
      throw new UsageError(
        `--out ${outDir} holds a study run with other options (${differing.join('; ')}): ` +
          `re-run with the same options to resume it, or choose another --out`,
      );
    }
    return;
  }
  const entries = await readdir(outDir).catch(() => [] as string[]);
  if (entries.length > 0 && !entries.includes('stages')) {
    throw new UsageError(`--out ${outDir} is a folder that holds other files and no scalewise study; choose an empty or new folder`);
  }
  await writeJsonAtomic(marker, { format: STUDY_FORMAT, version: 1, options });
}
