/** Input checks shared by every fitter: they throw LawsInputError naming the row and the column. */
import { LawsInputError } from './errors.js';
import type { Form, InputName } from './forms.js';
import type { Observations } from './types.js';

/** Column names used in messages; callers (the CLI) pass the user's column names. */
export type ColumnLabels = Partial<Record<InputName | 'y', string>>;

/** Input arrays in the form's order, as Float64Arrays, after checking them. Rows are 1-based in messages. */
export function checkedInputs(
  form: Form,
  obs: Observations,
  labels: ColumnLabels = {},
  logY = true,
): { inputs: Float64Array[]; y: Float64Array } {
  const y = Float64Array.from(obs.y);
  const n = y.length;
  const inputs = form.inputs.map((name) => {
    const col = obs[name];
    if (col === undefined) throw new LawsInputError(`form '${form.name}' needs input '${name}' but the observations have none`);
    if (col.length !== n) throw new LawsInputError(`input '${labels[name] ?? name}' has ${col.length} values but y has ${n}`);
    const arr = Float64Array.from(col);
    for (let i = 0; i < n; i++) {
      const val = arr[i]!;
      if (!Number.isFinite(val) || val <= 0) {
        throw new LawsInputError(`row ${i + 1}, column '${labels[name] ?? name}': expected a finite positive number, found ${val}`);
      }
    }
    return arr;
  });
  for (let i = 0; i < n; i++) {
    const val = y[i]!;
    if (!Number.isFinite(val) || (logY && val <= 0)) {
      throw new LawsInputError(
        `row ${i + 1}, column '${labels.y ?? 'y'}': expected a finite ${logY ? 'positive ' : ''}number, found ${val}`,
      );
    }
  }
  if (obs.weights !== undefined) {
    if (obs.weights.length !== n) throw new LawsInputError(`weights have ${obs.weights.length} values but y has ${n}`);
    for (let i = 0; i < n; i++) {
      const w = obs.weights[i]!;
      if (!Number.isFinite(w) || w < 0) throw new LawsInputError(`row ${i + 1}: weight must be finite and ≥ 0, found ${w}`);
    }
  }
  if (n < form.params.length) {
    throw new LawsInputError(
      `form '${form.name}' has ${form.params.length} parameters but only ${n} points were given: need at least ${form.params.length}`,
    );
  }
  for (let k = 0; k < inputs.length; k++) {
    if (form.constantInputs?.includes(form.inputs[k]!)) continue;
    const col = inputs[k]!;
    let lo = Infinity;
    let hi = -Infinity;
    for (const val of col) {
      lo = Math.min(lo, val);
      hi = Math.max(hi, val);
    }
    if (!(hi > lo)) {
      const name = form.inputs[k]!;
      throw new LawsInputError(`column '${labels[name] ?? name}' has no spread (every row is ${lo}): cannot fit an exponent`);
    }
  }
  return { inputs, y };
}
