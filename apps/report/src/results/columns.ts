import type { Cell } from '../types.js';

/** Lowercase, with every run of non-alphanumerics as one '_': "Model Size" → "model_size". */
export function normalizeName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');
}

/** A column role: accepted names (normalised) in order of preference, and how axes name it. */
export interface Role {
  aliases: string[];
  /** Axis title, with units. */
  title: (column: string) => string;
}

const PARAM_TITLES: Record<string, string> = {
  params_non_embedding: 'parameters (non-embedding)',
  non_embedding_params: 'parameters (non-embedding)',
  params_total: 'parameters (total)',
  total_params: 'parameters (total)',
};

export const ROLES = {
  params: {
    aliases: [
      'params_non_embedding',
      'non_embedding_params',
      'params_total',
      'total_params',
      'num_params',
      'n_params',
      'params',
      'parameters',
      'model_size',
    ],
    title: (c: string) => PARAM_TITLES[normalizeName(c)] ?? `parameters (${c})`,
  },
  model: { aliases: ['model', 'model_name', 'name', 'run', 'run_id', 'id', 'label'], title: (c: string) => c },
  step: { aliases: ['step', 'steps', 'iter', 'iteration'], title: () => 'step' },
  tokens: { aliases: ['tokens', 'tokens_seen', 'training_tokens', 'train_tokens', 'd'], title: () => 'training tokens' },
  flops: { aliases: ['flops', 'training_flop', 'training_flops', 'train_flops', 'compute', 'c'], title: () => 'training compute (FLOPs)' },
} satisfies Record<string, Role>;

/** Quality metrics we plot against size, with their units. */
export const METRICS: Array<{ aliases: string[]; title: string }> = [
  { aliases: ['val_loss', 'eval_loss', 'test_loss', 'heldout_loss'], title: 'held-out loss (nats/token)' },
  { aliases: ['val_bpb', 'bpb', 'bits_per_byte', 'eval_bpb'], title: 'held-out bits per byte' },
  { aliases: ['perplexity', 'ppl', 'val_ppl', 'word_perplexity'], title: 'perplexity' },
  { aliases: ['loss', 'final_loss'], title: 'loss (nats/token)' },
  { aliases: ['final_train_loss', 'train_loss'], title: 'final train loss (nats/token)' },
];

/** First column whose normalised name is one of `aliases` (earlier aliases win). */
export function findColumn(columns: readonly string[], aliases: readonly string[]): string | undefined {
  const byName = new Map(columns.map((c) => [normalizeName(c), c] as const));
  for (const a of aliases) {
    const hit = byName.get(a);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/** True when the column holds a finite number in at least one row and nothing but numbers/blanks. */
export function isNumericColumn(rows: ReadonlyArray<Record<string, Cell>>, column: string): boolean {
  let any = false;
  for (const r of rows) {
    const v = r[column];
    if (v === null || v === undefined) continue;
    if (typeof v !== 'number') return false;
    if (Number.isFinite(v)) any = true;
  }
  return any;
}

/** Throughput columns (tokens/s), excluding their spread columns. */
export function throughputColumns(columns: readonly string[]): string[] {
  return columns.filter((c) => {
    const n = normalizeName(c);
    if (/(^|_)(sd|std|stddev|stderr)$/.test(n)) return false;
    return /tokens_per_s(ec(ond)?)?|tok_s|tokens_s($|_)|(^|_)tps($|_)|throughput/.test(n);
  });
}

/** The sample-sd column paired with a throughput column (`x_mean` → `x_sd`, `x` → `x_sd`), if any. */
export function sdColumnFor(columns: readonly string[], column: string): string | undefined {
  const stem = column.replace(/[._-]?mean$/i, '');
  const candidates = [`${stem}_sd`, `${stem}.sd`, `${stem}_std`, `${stem}.std`, `${column}_sd`];
  return columns.find((c) => candidates.includes(c));
}

/** Memory columns with their conversion to MB (decimal, 1e6 bytes). */
export function memoryColumns(columns: readonly string[]): Array<{ column: string; toMB: number }> {
  const out: Array<{ column: string; toMB: number }> = [];
  for (const c of columns) {
    const n = normalizeName(c);
    if (!/mem|rss|heap/.test(n)) continue;
    if (/(^|_)(mb|megabytes)$/.test(n)) out.push({ column: c, toMB: 1 });
    else if (/(^|_)(gb|gigabytes)$/.test(n)) out.push({ column: c, toMB: 1000 });
    else if (/(^|_)(mib)$/.test(n)) out.push({ column: c, toMB: 1.048576 });
    else if (/bytes$/.test(n)) out.push({ column: c, toMB: 1e-6 });
  }
  return out;
}
