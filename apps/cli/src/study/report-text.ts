// Number formatting shared by the report's sections.
// An unbounded interval end (a profile that never crossed its limit) prints as ±∞, not as a number; a missing one as n/a.
export const fmt = (v: number | null | undefined, digits = 4): string =>
  v === null || v === undefined
    ? 'n/a'
    : Number.isFinite(v)
      ? Number(v.toPrecision(digits)).toString()
      : v === Infinity
        ? '∞'
        : v === -Infinity
          ? '−∞'
          : 'n/a';
export const ci = (pair: readonly [number, number] | null | undefined, digits = 3): string =>
  pair ? `[${fmt(pair[0], digits)}, ${fmt(pair[1], digits)}]` : 'n/a';
