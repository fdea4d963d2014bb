/**
 * Scaling-law forms as typed objects: parameter names, which parameters must stay positive (fitted through
 * log-transforms), prediction and analytic gradient with respect to the parameters.
 */
import { dataConstrained } from './constrained/form.js';
import { LawsInputError } from './errors.js';
import type { FormStrategy } from './strategies.js';
import { lossToLoss } from './transfer/form.js';

/** Names of the built-in forms. */
export type FormName =
  'power' | 'saturating' | 'kaplan-n' | 'kaplan-d' | 'kaplan-c' | 'kaplan-nd' | 'chinchilla' | 'bnsl' | 'data-constrained' | 'loss-to-loss';

/** An independent variable: `x` for one-variable laws, `N` (params) and `D` (tokens) for joint laws, `U` (unique tokens). */
export type InputName = 'x' | 'N' | 'D' | 'U';

export interface Form {
  readonly name: string;
  /** Formula in plain text, e.g. `y = a·x^b`. */
  readonly formula: string;
  readonly inputs: readonly InputName[];
  readonly params: readonly string[];
  /** Parameters constrained to be > 0 (optimised as their logarithm). */
  readonly positive: readonly boolean[];
  /**
   * Open range (lower, upper) per parameter, ±Infinity where unbounded, kept by reparametrisation (bounds.ts);
   * where set it overrides `positive`. Built-in forms leave it unset.
   */
  readonly bounds?: readonly (readonly [number, number] | undefined)[];
  /** Prediction for one point; `x` holds the inputs in the order of `inputs`. */
  predict(p: ArrayLike<number>, x: ArrayLike<number>): number;
  /** Writes ∂prediction/∂p into `grad` and returns the prediction. */
  gradient(p: ArrayLike<number>, x: ArrayLike<number>, grad: Float64Array): number;
  /** How it is fitted, for forms built at run time (customForm); built-in forms are looked up in `FORMS`. */
  readonly strategy?: FormStrategy;
  /** Inputs that may hold one value on every row (the law stays identified through the others); default none. */
  readonly constantInputs?: readonly InputName[];
}

const v = (a: ArrayLike<number>, i: number): number => a[i]!;

export const power: Form = {
  name: 'power',
  formula: 'y = a·x^b',
  inputs: ['x'],
  params: ['a', 'b'],
  positive: [true, false],
  predict: (p, x) => v(p, 0) * v(x, 0) ** v(p, 1),
  gradient: (p, x, g) => {
    const xb = v(x, 0) ** v(p, 1);
    const y = v(p, 0) * xb;
    g[0] = xb;
    g[1] = y * Math.log(v(x, 0));
    return y;
  },
};

export const saturating: Form = {
  name: 'saturating',
  formula: 'y = E + A·x^(−alpha)',
  inputs: ['x'],
  params: ['E', 'A', 'alpha'],
  positive: [true, true, false],
  predict: (p, x) => v(p, 0) + v(p, 1) * v(x, 0) ** -v(p, 2),
  gradient: (p, x, g) => {
    const t = v(x, 0) ** -v(p, 2);
    g[0] = 1;
    g[1] = t;
    g[2] = -v(p, 1) * t * Math.log(v(x, 0));
    return v(p, 0) + v(p, 1) * t;
  },
};

function kaplanSingle(name: string, input: InputName, scale: string, exponent: string): Form {
  return {
    name,
    formula: `y = (${scale}/${input})^${exponent}`,
    inputs: [input],
    params: [scale, exponent],
    positive: [true, false],
    predict: (p, x) => (v(p, 0) / v(x, 0)) ** v(p, 1),
    gradient: (p, x, g) => {
      const ratio = v(p, 0) / v(x, 0);
      const y = ratio ** v(p, 1);
      g[0] = (y * v(p, 1)) / v(p, 0);
      g[1] = y * Math.log(ratio);
      return y;
    },
  };
}

/** Kaplan et al. (2020) L(N) = (N_c/N)^α_N. */
export const kaplanN = kaplanSingle('kaplan-n', 'x', 'N_c', 'alpha_N');
/** Kaplan et al. (2020) L(D) = (D_c/D)^α_D. */
export const kaplanD = kaplanSingle('kaplan-d', 'x', 'D_c', 'alpha_D');
/** Kaplan et al. (2020) L(C_min) = (C_c/C)^α_C. */
export const kaplanC = kaplanSingle('kaplan-c', 'x', 'C_c', 'alpha_C');

/** Kaplan et al. (2020) L(N, D) = [(N_c/N)^(α_N/α_D) + D_c/D]^α_D. */
export const kaplanND: Form = {
  name: 'kaplan-nd',
  formula: 'y = [(N_c/N)^(alpha_N/alpha_D) + D_c/D]^alpha_D',
  inputs: ['N', 'D'],
  params: ['N_c', 'D_c', 'alpha_N', 'alpha_D'],
  positive: [true, true, true, true],
  predict: (p, x) => ((v(p, 0) / v(x, 0)) ** (v(p, 2) / v(p, 3)) + v(p, 1) / v(x, 1)) ** v(p, 3),
  gradient: (p, x, g) => {
    const [nc, dc, an, ad] = [v(p, 0), v(p, 1), v(p, 2), v(p, 3)];
    const lr = Math.log(nc / v(x, 0));
    const u = Math.exp((an / ad) * lr);
    const w = dc / v(x, 1);
    const s = u + w;
    const y = s ** ad;
    g[0] = (y * an * u) / (s * nc);
    g[1] = (y * ad * w) / (s * dc);
    g[2] = (y * u * lr) / s;
    g[3] = y * Math.log(s) - (y * u * lr * an) / (ad * s);
    return y;
  },
};

/** Hoffmann et al. (2022) L(N, D) = E + A/N^α + B/D^β. */
export const chinchilla: Form = {
  name: 'chinchilla',
  formula: 'y = E + A/N^alpha + B/D^beta',
  inputs: ['N', 'D'],
  params: ['E', 'A', 'B', 'alpha', 'beta'],
  positive: [true, true, true, false, false],
  predict: (p, x) => v(p, 0) + v(p, 1) * v(x, 0) ** -v(p, 3) + v(p, 2) * v(x, 1) ** -v(p, 4),
  gradient: (p, x, g) => {
    const tn = v(x, 0) ** -v(p, 3);
    const td = v(x, 1) ** -v(p, 4);
    g[0] = 1;
    g[1] = tn;
    g[2] = td;
    g[3] = -v(p, 1) * tn * Math.log(v(x, 0));
    g[4] = -v(p, 2) * td * Math.log(v(x, 1));
    return v(p, 0) + v(p, 1) * tn + v(p, 2) * td;
  },
};

/**
 * Broken neural scaling law with `breaks` breaks (Caballero et al. 2022):
 * y = a + b·x^(−c0)·Π_i (1 + (x/d_i)^(1/f_i))^(−c_i·f_i). Parameters: a, b, c0, then c_i, d_i, f_i per break.
 */
export function bnsl(breaks = 1): Form {
  if (!Number.isInteger(breaks) || breaks < 0 || breaks > 5) {
    throw new LawsInputError(`bnsl expects 0 to 5 breaks, found ${breaks}`);
  }
  const params = ['a', 'b', 'c0'];
  const positive = [false, true, false];
  for (let i = 1; i <= breaks; i++) {
    params.push(`c${i}`, `d${i}`, `f${i}`);
    positive.push(false, true, true);
  }
  const evalAll = (p: ArrayLike<number>, x: number, g: Float64Array | null): number => {
    const lx = Math.log(x);
    let lnT = Math.log(v(p, 1)) - v(p, 2) * lx;
    for (let i = 0; i < breaks; i++) {
      const c = v(p, 3 + 3 * i);
      const f = v(p, 5 + 3 * i);
      const d = v(p, 4 + 3 * i);
      lnT -= c * f * Math.log1p(Math.exp((lx - Math.log(d)) / f));
    }
    const t = Math.exp(lnT);
    if (g) {
      g[0] = 1;
      g[1] = t / v(p, 1);
      g[2] = -t * lx;
      for (let i = 0; i < breaks; i++) {
        const c = v(p, 3 + 3 * i);
        const d = v(p, 4 + 3 * i);
        const f = v(p, 5 + 3 * i);
        const lxd = lx - Math.log(d);
        const u = Math.exp(lxd / f);
        const l = Math.log1p(u);
        const frac = u / (1 + u);
        g[3 + 3 * i] = -t * f * l;
        g[4 + 3 * i] = (t * c * frac) / d;
        g[5 + 3 * i] = t * (-c * l + (c * frac * lxd) / f);
      }
    }
    return v(p, 0) + t;
  };
  return {
    name: breaks === 1 ? 'bnsl' : `bnsl-${breaks}`,
    formula: 'y = a + b·x^(−c0)·Π_i (1 + (x/d_i)^(1/f_i))^(−c_i·f_i)',
    inputs: ['x'],
    params,
    positive,
    predict: (p, x) => evalAll(p, v(x, 0), null),
    gradient: (p, x, g) => evalAll(p, v(x, 0), g),
  };
}

/** Look up a built-in form by name (`bnsl` takes its break count as `bnsl-K`, default 1). */
export function getForm(name: string): Form {
  switch (name) {
    case 'power':
      return power;
    case 'saturating':
      return saturating;
    case 'kaplan-n':
      return kaplanN;
    case 'kaplan-d':
      return kaplanD;
    case 'kaplan-c':
      return kaplanC;
    case 'kaplan-nd':
      return kaplanND;
    case 'chinchilla':
      return chinchilla;
    case 'bnsl':
      return bnsl(1);
    case 'data-constrained':
      return dataConstrained;
    case 'loss-to-loss':
      return lossToLoss;
    default: {
      const m = /^bnsl-(\d)$/.exec(name);
      if (m) return bnsl(Number(m[1]));
      throw new LawsInputError(
        `unknown form '${name}': expected one of power, saturating, kaplan-n, kaplan-d, kaplan-c, kaplan-nd, chinchilla, bnsl, bnsl-K, ` +
          'data-constrained, loss-to-loss (two-step downstream accuracy is fitDownstream)',
      );
    }
  }
}
