/** Seeded synthetic tables for the explorer's tests, drawn from laws' own forms with known parameters. */
import { createRng } from '@scalewise/core';
import { getForm, MUENNIGHOFF_2023 } from '@scalewise/laws';

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
