/** Seeded synthetic tables for the explorer's tests, drawn from laws' own forms with known parameters. */
import { createRng } from '@scalewise/core';
import { accuracySigmoid, getForm, MUENNIGHOFF_2023 } from '@scalewise/laws';

/** The published data-constrained law (Muennighoff et al. 2023), in the form's parameter order. */
export const DATA_CONSTRAINED_TRUTH: Record<string, number> = Object.fromEntries(
  getForm('data-constrained').params.map((k) => [k, MUENNIGHOFF_2023[k as keyof typeof MUENNIGHOFF_2023]]),
);

/**
 * 84 runs: three unique-data budgets U, 1–64 epochs (D = epochs·U), four sizes N, loss from the published law with
 * log-normal noise (sd 0.005): columns params, tokens, unique_tokens, loss.
 */
export function dataConstrainedCsv(seed = 1): string {
  const form = getForm('data-constrained');
  const values = form.params.map((k) => DATA_CONSTRAINED_TRUTH[k]!);
  const rng = createRng(seed);
  const rows: string[] = [];
  for (const u of [1e8, 1e9, 1e10])
    for (const e of [1, 2, 4, 8, 16, 32, 64])
      for (const n of [2e7, 1e8, 5e8, 2e9])
        rows.push(`${n},${u * e},${u},${form.predict(values, [n, u * e, u]) * Math.exp(0.005 * rng.normal())}`);
  return `params,tokens,unique_tokens,loss\n${rows.join('\n')}\n`;
}

/**
 * A 5-size × 4-multiplier ladder (20N to 200N tokens): task loss from a chinchilla law (0.5% log noise), accuracy a
 * sigmoid of it with a 25% floor (1 point of noise); columns params, tokens, task_loss, acc.
 */
export function ladderCsv(seed = 1): string {
  const [chinchilla, sigmoid] = [getForm('chinchilla'), accuracySigmoid];
  const rng = createRng(seed);
  const rows: string[] = [];
  for (const n of [2e7, 6e7, 1.5e8, 3e8, 7e8])
    for (const m of [1, 2, 5, 10]) {
      const L = chinchilla.predict([1.8, 482, 2085, 0.348, 0.366], [n, 20 * n * m]) * Math.exp(0.005 * rng.normal());
      rows.push(`${n},${20 * n * m},${L},${sigmoid.predict([0.55, -4, 3.0, 0.25], [L]) + 0.01 * rng.normal()}`);
    }
  return `params,tokens,task_loss,acc\n${rows.join('\n')}\n`;
}
