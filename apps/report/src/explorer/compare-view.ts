/** The comparison table: every form that takes the same inputs, fitted to the same rows and ranked by AICc. */
import { chooseByAicc, fitLaw, FORMS, getForm, informationCriteria, leaveOneOut, type FitResult, type Form } from '@scalewise/laws';
import { formFor, observationsFor } from './observations.js';
import type { ComparisonRow, ComparisonView, FitRequest } from './protocol.js';
import type { ExplorerTable } from './table.js';

/** Leave-one-out refits every row once per form: above this many rows it is left out (the page would wait minutes). */
export const MAX_LOO_ROWS = 40;

/** Built-in forms reading the same observation slots as `form` (laws' `FORMS`: forms added there join on their own). */
function candidates(form: Form): Form[] {
  const same = (f: Form) => f.inputs.join(',') === form.inputs.join(',');
  const builtIn = Object.keys(FORMS).map(getForm).filter(same);
  return builtIn.some((f) => f.name === form.name) ? builtIn : [form, ...builtIn];
}

/**
 * Fit every candidate (each with its default method; the request's loss for all), rank by AICc (laws'
 * `chooseByAicc`: no preferred form when the gap is under 2). A form with the same k and AIC as one listed before
 * is the same law written another way (kaplan-n is power reparametrised): it is listed but kept out of the choice.
 */
export function runComparison(table: ExplorerTable, request: FitRequest): ComparisonView {
  const selected = formFor(request);
  const { obs, labels } = observationsFor(table, selected, request);
  const rows: ComparisonRow[] = [];
  const ranked: { name: string; fit: FitResult }[] = [];
  const seen: { k: number; aic: number; name: string }[] = [];
  const notes: string[] = [];
  const withLoo = obs.y.length <= MAX_LOO_ROWS;
  for (const form of candidates(selected)) {
    const options = {
      form,
      labels,
      loss: request.loss,
      delta: request.loss === 'huber' ? request.delta : undefined,
      method: form.name === selected.name ? request.method : undefined,
    };
    let fit: FitResult;
    try {
      fit = fitLaw(obs, { ...options, intervals: false });
    } catch (error) {
      rows.push({ form: form.name, k: form.params.length + 1, aicc: null, delta: null, looError: null, failed: (error as Error).message });
      continue;
    }
    const { aic } = informationCriteria(fit);
    const k = fit.values.length + 1;
    const twin = seen.find((s) => s.k === k && Math.abs(s.aic - aic) <= 1e-6 * Math.max(1, Math.abs(aic)));
    let looError: number | null = null;
    if (withLoo) {
      try {
        looError = leaveOneOut(obs, options).meanAbsRelError;
      } catch {
        looError = null;
      }
    }
    rows.push({ form: form.name, k, aicc: null, delta: null, looError, ...(twin ? { failed: `same law as ${twin.name}` } : {}) });
    if (twin) continue;
    seen.push({ k, aic, name: form.name });
    ranked.push({ name: form.name, fit });
  }
  const choice = chooseByAicc(ranked);
  for (const r of choice.rows) {
    const row = rows.find((x) => x.form === r.name)!;
    row.aicc = r.aicc;
    row.delta = r.delta;
  }
  if (!withLoo) notes.push(`leave-one-out left out: ${obs.y.length} rows (it refits once per row; done up to ${MAX_LOO_ROWS})`);
  return { rows, preferred: choice.preferred, reason: choice.reason, note: notes.join('; ') };
}
