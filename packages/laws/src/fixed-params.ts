/** A form with some parameters held at given values: the rest are fitted by the same machinery (fitLaw, bootstrap, profile). */
import { LawsInputError } from './errors.js';
import type { Form } from './forms.js';
import { strategyOf, type FormStrategy } from './strategies.js';

/**
 * The form with `fixed` parameters held; its parameters are the free ones, in the form's order. It is fitted by
 * multi-start NLS from `strategy`'s starts (default: the form's own) for the full form, cut to the free parameters;
 * a specialised fitter, refitter or profiler of the full form does not apply to it. A form whose strategy has no
 * generic starts (chinchilla: VarPro makes its own) needs a `strategy` with starts.
 */
export function withFixedParams(form: Form, fixed: Readonly<Record<string, number>>, strategy: FormStrategy = strategyOf(form)): Form {
  for (const [name, value] of Object.entries(fixed)) {
    const j = form.params.indexOf(name);
    if (j < 0) throw new LawsInputError(`form '${form.name}' has no parameter '${name}' to fix (has ${form.params.join(', ')})`);
    if (!Number.isFinite(value) || (form.positive[j] && !(value > 0)))
      throw new LawsInputError(`fixed ${name} must be a finite${form.positive[j] ? ' positive' : ''} number, found ${value}`);
  }
  const free = form.params.flatMap((name, j) => (name in fixed ? [] : [j]));
  if (free.length === 0) throw new LawsInputError(`every parameter of form '${form.name}' is fixed: nothing to fit`);
  const reduced: FormStrategy = {
    ...strategy,
    methods: ['nls'],
    fit: undefined,
    refitter: undefined,
    profile: undefined,
    profileMethod: undefined,
    starts: (_reduced, inputs, y) => strategy.starts(form, inputs, y).map((s) => free.map((j) => s[j]!)),
  };
  const full = Float64Array.from(form.params, (name) => fixed[name] ?? Number.NaN);
  const fullGrad = new Float64Array(form.params.length);
  const expand = (p: ArrayLike<number>): Float64Array => {
    free.forEach((j, i) => (full[j] = p[i]!));
    return full;
  };
  return {
    name: form.name,
    formula: `${form.formula} (fixed: ${Object.entries(fixed)
      .map(([k, v]) => `${k} = ${v}`)
      .join(', ')})`,
    inputs: form.inputs,
    params: free.map((j) => form.params[j]!),
    positive: free.map((j) => form.positive[j]!),
    constantInputs: form.constantInputs,
    strategy: reduced,
    predict: (p, x) => form.predict(expand(p), x),
    gradient: (p, x, g) => {
      const y = form.gradient(expand(p), x, fullGrad);
      free.forEach((j, i) => (g[i] = fullGrad[j]!));
      return y;
    },
  };
}
