/**
 * Identifiability diagnostics attached to every fit's warnings (issue #19): an input that spans less than one order
 * of magnitude, an exponent whose estimate trades off with another parameter (|correlation| > 0.95), and α and β of
 * a joint law that the design cannot separate. Each warning says which runs to add. Cheap: one pass over the rows
 * for the information matrix JᵀJ, no refits; `diagnoseIdentifiability` (identifiability-plan.ts) simulates remedies.
 *
 * Only tradeoffs of an exponent with the floor E or with another exponent are reported: a coefficient's correlation
 * with its exponent (A with α in A/N^α) depends on where the coefficient is referenced (N = 1 here) and vanishes at
 * a suitable reference point, so it says nothing about the design; the (E, α) and (α, β) correlations do not change
 * with that choice.
 */
import type { Form } from './forms.js';
import { inverseSpd } from './linalg.js';

/** Above this |correlation| two estimates are said to trade off. */
export const TRADEOFF_CORRELATION = 0.95;
/** Inputs spanning fewer orders of magnitude than this get a warning. */
export const MIN_DECADES = 1;

/** The exponents of the built-in forms with simple power terms, and the input (index) each one acts on. */
const TERMS: Record<string, { exp: string; input: number }[]> = {
  power: [{ exp: 'b', input: 0 }],
  saturating: [{ exp: 'alpha', input: 0 }],
  'kaplan-n': [{ exp: 'alpha_N', input: 0 }],
  'kaplan-d': [{ exp: 'alpha_D', input: 0 }],
  'kaplan-c': [{ exp: 'alpha_C', input: 0 }],
  chinchilla: [
    { exp: 'alpha', input: 0 },
    { exp: 'beta', input: 1 },
  ],
};

/** Exponents of a form: those of TERMS, and kaplan-nd's pair (its terms are not of the simple kind). */
function exponentsOf(form: Form): string[] {
  if (form.name === 'kaplan-nd') return ['alpha_N', 'alpha_D'];
  return (TERMS[form.name] ?? []).map((t) => t.exp);
}

function inputOf(form: Form, exponent: string): number {
  return (TERMS[form.name] ?? []).find((t) => t.exp === exponent)?.input ?? 0;
}

export interface IdentifiabilityOptions {
  /** Compute the correlation checks (one pass over the rows). Default true. */
  correlations?: boolean;
  /** Users' column names by input slot (x, N, D), for the messages. */
  labels?: Partial<Record<string, string>>;
}

export interface IdentifiabilityIssue {
  kind: 'narrow-span' | 'tradeoff' | 'alpha-beta' | 'singular';
  /** Parameters concerned (fitted names). */
  params: string[];
  /** The warning, with its remedy in words. */
  message: string;
}

const sci = (v: number) => v.toExponential(1).replace('e+', 'e');

function logStats(col: ArrayLike<number>): { min: number; max: number; mean: number } {
  let min = Infinity;
  let max = -Infinity;
  let mean = 0;
  for (let i = 0; i < col.length; i++) {
    min = Math.min(min, col[i]!);
    max = Math.max(max, col[i]!);
    mean += Math.log(col[i]!) / col.length;
  }
  return { min, max, mean };
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += Math.log(a[i]!) / n;
    mb += Math.log(b[i]!) / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = Math.log(a[i]!) - ma;
    const db = Math.log(b[i]!) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 1;
}

/** (JᵀJ)⁻¹ at the optimum in the fit's residual space; null when singular. */
function inverseInformation(form: Form, inputs: Float64Array[], y: ArrayLike<number>, values: ArrayLike<number>, space: 'log' | 'linear') {
  const k = form.params.length;
  const jtj = new Float64Array(k * k);
  const g = new Float64Array(k);
  const xi = new Float64Array(inputs.length);
  for (let i = 0; i < y.length; i++) {
    for (let c = 0; c < inputs.length; c++) xi[c] = inputs[c]![i]!;
    const pred = form.gradient(values, xi, g);
    const s = space === 'log' ? 1 / pred : 1;
    for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) jtj[r * k + c] = jtj[r * k + c]! + g[r]! * s * g[c]! * s;
  }
  return y.length > k ? inverseSpd(jtj, k) : null;
}

/** Correlation matrix of the estimates from (JᵀJ)⁻¹ (σ² cancels). */
function correlations(inv: Float64Array, k: number): Float64Array {
  return inv.map((v, i) => v / Math.sqrt(inv[Math.floor(i / k) * (k + 1)]! * inv[(i % k) * (k + 1)]!));
}

/** The user's name of input c: a custom form's variable, else the slot (x, N, D) with its column label if given. */
function inputLabel(form: Form, c: number, labels: Partial<Record<string, string>>): string {
  const slot = form.inputs[c]!;
  const variable = (form as { variables?: readonly string[] }).variables?.[c];
  if (variable !== undefined) return variable;
  return labels[slot] !== undefined && labels[slot] !== slot ? `${slot} (${labels[slot]})` : slot;
}

function spanIssues(form: Form, inputs: Float64Array[], labels: Partial<Record<string, string>>): IdentifiabilityIssue[] {
  return form.inputs.flatMap((_, c) => {
    const name = inputLabel(form, c, labels);
    const { min, max } = logStats(inputs[c]!);
    const decades = Math.log10(max / min);
    if (!(decades < MIN_DECADES)) return [];
    const exps = (TERMS[form.name] ?? []).filter((t) => t.input === c).map((t) => t.exp);
    const about =
      exps.length > 0 ? `its exponent ${exps.join(', ')} is weakly identified` : 'exponents of this input are weakly identified';
    return [
      {
        kind: 'narrow-span' as const,
        params: exps,
        message:
          `${name} spans ${decades.toFixed(2)} orders of magnitude (${sci(min)} to ${sci(max)}): ${about}; add runs with ${name} up to ` +
          `10× the largest (${sci(10 * max)}) or down to a tenth of the smallest (${sci(min / 10)})`,
      },
    ];
  });
}

/** The diagnostics of one fit (see the module comment); `correlations: false` skips the JᵀJ pass. */
export function identifiabilityIssues(
  form: Form,
  inputs: Float64Array[],
  y: ArrayLike<number>,
  values: ArrayLike<number>,
  space: 'log' | 'linear',
  options: IdentifiabilityOptions = {},
): IdentifiabilityIssue[] {
  const labels = options.labels ?? {};
  const issues = spanIssues(form, inputs, labels);
  const n = form.inputs.indexOf('N');
  const d = form.inputs.indexOf('D');
  const joint = n >= 0 && d >= 0;
  const designCorr = joint ? correlation(inputs[n]!, inputs[d]!) : 0;
  if (joint && Math.abs(designCorr) > TRADEOFF_CORRELATION) {
    issues.push({
      kind: 'alpha-beta',
      params: form.params.filter((p) => /^alpha|^beta/.test(p)),
      message:
        `N and D move together in this design (correlation of log N and log D ${designCorr.toFixed(3)}, e.g. a fixed ` +
        'tokens-per-parameter ratio): the N and D exponents are not separately identified; add runs that vary D at fixed N ' +
        '(for 2–3 sizes, token counts spread ≥ 10× apart)',
    });
  }
  if (options.correlations === false || !Array.from(values).every(Number.isFinite)) return issues;
  const inv = inverseInformation(form, inputs, y, values, space);
  if (!inv) {
    if (y.length > form.params.length)
      issues.push({
        kind: 'singular',
        params: [...form.params],
        message:
          'the information matrix is singular at the optimum: some parameters are not identified by these data; add runs at ' +
          'more distinct values of every input',
      });
    return issues;
  }
  const k = form.params.length;
  const corr = correlations(inv, k);
  const exps = new Set(exponentsOf(form));
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const [pa, pb] = [form.params[a]!, form.params[b]!];
      const r = corr[a * k + b]!;
      const floorPair = (exps.has(pa) && pb === 'E') || (exps.has(pb) && pa === 'E');
      if (!((exps.has(pa) && exps.has(pb)) || floorPair) || !(Math.abs(r) > TRADEOFF_CORRELATION)) continue;
      if (exps.has(pa) && exps.has(pb)) {
        if (issues.some((i) => i.kind === 'alpha-beta')) continue;
        issues.push({
          kind: 'alpha-beta',
          params: [pa, pb],
          message:
            `the estimates of ${pa} and ${pb} are correlated ${r.toFixed(3)}: the design does not separate the two exponents; add runs ` +
            'that vary D at fixed N and N at fixed D (each ≥ 10× apart)',
        });
        continue;
      }
      const e = exps.has(pa) ? pa : pb;
      const c = inputLabel(form, inputOf(form, e), labels);
      const { max } = logStats(inputs[inputOf(form, e)]!);
      issues.push({
        kind: 'tradeoff',
        params: [e, 'E'],
        message:
          `${e} trades off with the floor E: correlation of the estimates ${r.toFixed(3)}; the curvature that separates a lower floor ` +
          `from a steeper slope is not visible in this range of ${c}: add runs with ${c} up to 10× the largest (${sci(10 * max)})`,
      });
    }
  }
  return issues;
}

/** The diagnostics as warning lines, for `FitResult.warnings`. */
export function identifiabilityWarnings(
  form: Form,
  inputs: Float64Array[],
  y: ArrayLike<number>,
  values: ArrayLike<number>,
  space: 'log' | 'linear',
  options: IdentifiabilityOptions = {},
): string[] {
  return identifiabilityIssues(form, inputs, y, values, space, options).map((i) => i.message);
}
