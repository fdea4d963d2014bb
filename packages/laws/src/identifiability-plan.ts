/**
 * `diagnoseIdentifiability`: the identifiability issues of a fit and, on request, their remedies measured by
 * simulation — `planCi` refits the fitted law on the current design and on the design with the suggested runs
 * added, and reports how much the exponent's interval narrows. Costs 2 × `replicates` refits per issue, so it is
 * not part of `fitLaw` (whose warnings carry the rule-based remedies only).
 */
import { LawsInputError } from './errors.js';
import type { FitOptions } from './fit.js';
import { getForm, type Form } from './forms.js';
import { identifiabilityIssues, type IdentifiabilityIssue } from './identifiability.js';
import { planCi, type Design } from './plan.js';
import type { FitResult, Observations } from './types.js';

export interface IdentifiabilityRemedy {
  param: string;
  /** The runs added, in words. */
  added: string;
  /** Median interval width over the simulated studies: with the current runs, and with the runs added. */
  currentWidth: number;
  remedyWidth: number;
  replicates: number;
  /** The sentence for a report. */
  message: string;
}

export interface IdentifiabilityDiagnosis {
  issues: IdentifiabilityIssue[];
  /** Filled with `simulate: true`, one per exponent an issue concerns. */
  remedies: IdentifiabilityRemedy[];
}

export interface DiagnoseOptions {
  /** Measure each remedy by simulation (planCi). Default false. */
  simulate?: boolean;
  /** Simulated studies per design. Default 40. */
  replicates?: number;
  seed?: number;
  /** The form, when `fit.form` is not a built-in name (custom forms). */
  form?: Form;
  /** Residual space of the fit. Default 'log'. */
  space?: 'log' | 'linear';
  /** Fit options of the simulated refits (loss, method). */
  fitOptions?: Omit<FitOptions, 'form' | 'level'>;
}

const sci = (v: number) => v.toExponential(1).replace('e+', 'e');
const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;

/** The design with runs added along `input`: three sizes up to 10× its largest (the other input scaled alongside). */
function extended(
  design: Record<string, number[]>,
  form: Form,
  issue: IdentifiabilityIssue,
  input: string,
): { design: Design; added: string } {
  const out: Record<string, number[]> = Object.fromEntries(Object.entries(design).map(([k, v]) => [k, [...v]]));
  if (issue.kind === 'alpha-beta') {
    const n = median(design.N!);
    const d = median(design.D!);
    for (const f of [0.1, 0.3, 3, 10]) {
      out.N!.push(n);
      out.D!.push(d * f);
    }
    return { design: out, added: `4 runs at N = ${sci(n)} with D from ${sci(d / 10)} to ${sci(10 * d)}` };
  }
  const max = Math.max(...design[input]!);
  const news = [10 ** (1 / 3), 10 ** (2 / 3), 10].map((f) => f * max);
  const other = form.inputs.find((name) => name !== input);
  if (other) {
    // Keep the other input in its typical ratio to this one (e.g. tokens per parameter).
    const ratio = median(design[other]!.map((v, i) => v / design[input]![i]!));
    news.forEach((v) => out[other]!.push(v * ratio));
  }
  out[input]!.push(...news);
  return { design: out, added: `3 runs with ${input} up to ${sci(10 * max)} (10× the largest)` };
}

/** Issues of `fit` on `obs`, and with `simulate` the measured effect of each remedy on the exponents' intervals. */
export function diagnoseIdentifiability(obs: Observations, fit: FitResult, options: DiagnoseOptions = {}): IdentifiabilityDiagnosis {
  const form = options.form ?? getForm(fit.form);
  const inputs = form.inputs.map((name) => {
    const col = obs[name];
    if (!col) throw new LawsInputError(`form '${form.name}' needs '${name}' in the observations`);
    return Float64Array.from(col);
  });
  const space = options.space ?? 'log';
  const issues = identifiabilityIssues(form, inputs, obs.y, fit.values, space);
  const remedies: IdentifiabilityRemedy[] = [];
  if (!options.simulate) return { issues, remedies };
  const design: Record<string, number[]> = Object.fromEntries(form.inputs.map((name, c) => [name, Array.from(inputs[c]!)]));
  const meanY = Array.from(obs.y).reduce((a, b) => a + b, 0) / obs.y.length;
  const sigmaLog = Math.max(1e-6, space === 'log' ? fit.sigma : fit.sigma / meanY);
  const replicates = options.replicates ?? 40;
  const done = new Set<string>();
  for (const issue of issues) {
    for (const param of issue.params.filter((p) => form.params.includes(p) && p !== 'E')) {
      if (done.has(param)) continue;
      done.add(param);
      const input = form.inputs.length === 1 ? form.inputs[0]! : /beta|_D$/.test(param) ? 'D' : 'N';
      const { design: more, added } = extended(design, form, issue, input);
      const { plans } = planCi(
        form,
        fit.values,
        param,
        [
          { ...design, label: 'current' },
          { ...more, label: 'with runs added' },
        ],
        {
          sigmaLog,
          targetWidth: Number.MAX_VALUE,
          replicates,
          seed: options.seed ?? 0,
          fit: options.fitOptions,
        },
      );
      const [now, later] = [plans[0]!.medianWidth, plans[1]!.medianWidth];
      remedies.push({
        param,
        added,
        currentWidth: now,
        remedyWidth: later,
        replicates,
        message:
          `adding ${added} narrows ${param}'s 95% interval from ${now.toPrecision(3)} to ${later.toPrecision(3)} wide ` +
          `(median of ${replicates} simulated studies from the fitted law, noise sd ${sigmaLog.toPrecision(2)} in log y)`,
      });
    }
  }
  return { issues, remedies };
}
