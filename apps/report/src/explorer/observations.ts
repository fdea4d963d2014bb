/** From a fit request and the loaded table to a form and its observations (worker side; laws does the checking). */
import { customForm, dropTopRows, getForm, LawsInputError, tokensFromFlops, type Form, type Observations } from '@scalewise/laws';
import type { FitRequest } from './protocol.js';
import type { ExplorerTable } from './table.js';

type Slot = 'x' | 'N' | 'D' | 'U';

/** A built-in form by name, or the request's formula as a custom form (variables in the order of `bindings`). */
export function formFor(request: FitRequest): Form {
  if (request.loss === 'huber' && request.delta !== undefined && !(request.delta > 0 && Number.isFinite(request.delta)))
    throw new LawsInputError(`Huber δ: expected a positive number, found ${request.delta}`);
  if (request.form !== 'custom') return getForm(request.form);
  const formula = (request.formula ?? '').trim();
  if (formula === '') throw new LawsInputError('formula box: write a formula, e.g. E + A*x^(-alpha)');
  const variables = Object.keys(request.bindings ?? {});
  return customForm(formula, {
    variables: variables.length > 0 ? variables : undefined,
    bounds: request.bounds ?? [],
    starts: request.starts ?? [],
    loss: request.loss,
    delta: request.delta,
  });
}

function column(table: ExplorerTable, name: string | undefined, what: string): Float64Array {
  if (!name) throw new LawsInputError(`choose a column for ${what}`);
  const col = table.numeric[name];
  if (!col) throw new LawsInputError(`${table.name}: column '${name}' (${what}) is not numeric or does not exist`);
  return col;
}

/** The column name bound to each observation slot of the form. */
function slotColumns(form: Form, request: FitRequest): Partial<Record<Slot, string>> {
  const variables = (form as Form & { variables?: readonly string[] }).variables;
  const out: Partial<Record<Slot, string>> = {};
  form.inputs.forEach((slot, i) => {
    out[slot] = variables ? request.bindings?.[variables[i]!] : request.columns[slot];
  });
  return out;
}

export interface PreparedData {
  obs: Observations;
  /** Display name of each slot and of y (column names; D from FLOPs says so). */
  labels: Record<string, string>;
  dropped: number;
}

/** Observations for the form from the table: slots from their columns (D from FLOPs when asked), top rows dropped. */
export function observationsFor(table: ExplorerTable, form: Form, request: FitRequest): PreparedData {
  const names = slotColumns(form, request);
  const variables = (form as Form & { variables?: readonly string[] }).variables;
  const obs: Observations = { y: column(table, request.columns.y, 'y') };
  const labels: Record<string, string> = { y: request.columns.y };
  form.inputs.forEach((slot, i) => {
    const what = variables ? `variable ${variables[i]}` : slot;
    if (slot === 'D' && !variables && request.flops) {
      obs.D = tokensFromFlops(column(table, request.flops, 'FLOPs'), column(table, names.N, 'N'));
      labels.D = `${request.flops} / (6·${names.N})`;
    } else {
      obs[slot] = column(table, names[slot], what);
      labels[slot] = names[slot]!;
    }
  });
  const k = request.dropTop;
  if (!Number.isInteger(k) || k < 0 || k >= obs.y.length)
    throw new LawsInputError(
      `drop top: expected an integer in [0, ${obs.y.length - 1}] (${table.name} has ${obs.y.length} rows), found ${k}`,
    );
  return { obs: k > 0 ? dropTopRows(obs, k) : obs, labels, dropped: k };
}

/** Prediction points typed by the user: `1e9, 1e10` (one input) or `N:D, N:D` (two inputs). */
export function parsePredictAt(text: string, inputs: readonly string[]): Record<string, number>[] {
  const items = text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return items.map((item, i) => {
    const parts = item.split(':');
    if (parts.length !== inputs.length)
      throw new LawsInputError(
        `predict at: item ${i + 1} '${item}': expected ${inputs.length === 1 ? 'a number' : inputs.map((s) => s).join(':')}`,
      );
    const point: Record<string, number> = {};
    parts.forEach((p, j) => {
      const v = Number(p);
      if (!(v > 0) || !Number.isFinite(v)) throw new LawsInputError(`predict at: item ${i + 1} '${item}': '${p}' is not a positive number`);
      point[inputs[j]!] = v;
    });
    return point;
  });
}
