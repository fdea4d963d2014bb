// Number formatting shared by the report's sections.
// An unbounded interval end (a profile that never crossed its limit) prints as ±∞, not as a number.
export const fmt = (v: number, digits = 4) =>
  Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : v === Infinity ? '∞' : v === -Infinity ? '−∞' : 'n/a';
export const ci = (pair: readonly [number, number] | null | undefined, digits = 3) =>
  pair ? `[${fmt(pair[0], digits)}, ${fmt(pair[1], digits)}]` : 'n/a';
