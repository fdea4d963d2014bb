/**
 * Data-constrained scaling (Muennighoff et al. 2023, "Scaling Data-Constrained Language Models", arXiv 2305.16264):
 * the Chinchilla form with effective data D′ and effective parameters N′ in place of D and N,
 *   L = E + A/N′^α + B/D′^β,
 *   D′ = U_D + U_D·R_D*·(1 − e^(−R_D/R_D*)),  R_D = D/U_D − 1 (repeated epochs of U_D unique tokens),
 *   N′ = U_N + U_N·R_N*·(1 − e^(−R_N/R_N*)),  U_N = min(N, 0.051·U_D), R_N = N/U_N − 1 (excess parameters).
 * A repeated token is worth e^(−r/R_D*) of a unique one at its r-th repetition, so D′ saturates at U_D·(1 + R_D*).
 */
import type { Form } from '../forms.js';

/** Parameters that the compute-optimal model size for U_D unique tokens is 0.051·U_D (paper's §5 fit). */
export const UNIQUE_PARAMS_PER_TOKEN = 0.051;

/** Effective value of D tokens seen that are D/U epochs of U unique tokens: U + U·R*·(1 − e^(−R/R*)), R = D/U − 1. */
export function effectiveData(D: number, U: number, rStar: number): number {
  const R = D / U - 1;
  return U + U * rStar * -Math.expm1(-R / rStar);
}

/** Effective parameters of an N-parameter model given U unique tokens (excess beyond 0.051·U decays with R_N*). */
export function effectiveParams(N: number, U: number, rStar: number): number {
  const UN = Math.min(N, UNIQUE_PARAMS_PER_TOKEN * U);
  const R = N / UN - 1;
  return UN + UN * rStar * -Math.expm1(-R / rStar);
}

/** ∂(effective value)/∂R* of base·(1 + R*(1 − e^(−R/R*))): base·[(1 − e^(−x)) − x·e^(−x)], x = R/R*. */
function dEffective(base: number, R: number, rStar: number): number {
  const x = R / rStar;
  return base * (-Math.expm1(-x) - x * Math.exp(-x));
}

export type DataConstrainedParam = 'E' | 'A' | 'B' | 'alpha' | 'beta' | 'R_N_star' | 'R_D_star';

/** Muennighoff et al. (2023) fit on C4 (GPT-2 tokenizer), loss in nats per token. */
export const MUENNIGHOFF_2023: Readonly<Record<DataConstrainedParam, number>> = {
  E: 1.87,
  A: 521,
  B: 1488,
  alpha: 0.353,
  beta: 0.353,
  R_N_star: 5.3,
  R_D_star: 15.4,
};

const PARAMS = ['E', 'A', 'B', 'alpha', 'beta', 'R_N_star', 'R_D_star'] as const;

function evaluate(p: ArrayLike<number>, x: ArrayLike<number>, g: Float64Array | null): number {
  const [E, A, B, alpha, beta, rn, rd] = [p[0]!, p[1]!, p[2]!, p[3]!, p[4]!, p[5]!, p[6]!];
  const [N, D, U] = [x[0]!, x[1]!, x[2]!];
  const Dp = effectiveData(D, U, rd);
  const Np = effectiveParams(N, U, rn);
  const tn = Np ** -alpha;
  const td = Dp ** -beta;
  if (g) {
    const UN = Math.min(N, UNIQUE_PARAMS_PER_TOKEN * U);
    g[0] = 1;
    g[1] = tn;
    g[2] = td;
    g[3] = -A * tn * Math.log(Np);
    g[4] = -B * td * Math.log(Dp);
    g[5] = ((-alpha * A * tn) / Np) * dEffective(UN, N / UN - 1, rn);
    g[6] = ((-beta * B * td) / Dp) * dEffective(U, D / U - 1, rd);
  }
  return E + A * tn + B * td;
}

/** L(N, D, U) = E + A/N′^α + B/D′^β; inputs N (parameters), D (tokens seen), U (unique tokens). */
export const dataConstrained: Form = {
  name: 'data-constrained',
  formula: "y = E + A/N'^alpha + B/D'^beta, D' = U + U·R_D_star·(1 − exp(−(D/U − 1)/R_D_star)), N' likewise with U_N = min(N, 0.051·U)",
  inputs: ['N', 'D', 'U'],
  params: PARAMS,
  positive: [true, true, true, false, false, true, true],
  // A study at one unique-data budget (or one token count) is common: D′ still varies through the epochs.
  constantInputs: ['D', 'U'],
  predict: (p, x) => evaluate(p, x, null),
  gradient: (p, x, g) => evaluate(p, x, g),
};
