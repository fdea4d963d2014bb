/**
 * The comparison table: laws' `comparisonTable` (the numbers of `scalewise fit --compare`) over every built-in form
 * that reads the same inputs and fits in the same residual space as the chosen one.
 */
import {
  comparisonTable,
  fitLaw,
  FORMS,
  getForm,
  informationCriteria,
  resolveFitOptions,
  type ComparisonCandidate,
  type FitResult,
  type Form,
} from '@scalewise/laws';
import { fitOptionsFor } from './fit-view.js';
import { formFor, observationsFor } from './observations.js';
import type { ComparisonRow, ComparisonView, FitRequest } from './protocol.js';
import type { ExplorerTable } from './table.js';

const sameInputs = (a: Form, b: Form): boolean => [...a.inputs].sort().join() === [...b.inputs].sort().join();

/** The chosen form first, then the built-in forms reading the same slots (laws' `FORMS`: new forms join on their own). */
function candidates(form: Form): Form[] {
  const others = Object.keys(FORMS)
    .map(getForm)
    .filter((f) => f.name !== form.name && sameInputs(f, form));
  return [form, ...others];
}

const failedRow = (form: string, k: number, failed: string): ComparisonRow => ({
  form,
  k,
  aicc: null,
  delta: null,
  bic: null,
  looError: null,
  extrapolationError: null,
  cv: '',
  preferred: false,
  failed,
});

/**
 * The candidates' fit options: the request's loss for all, its method for the chosen form only (each other form its
 * default). Forms fitted in another residual space, forms that fail to fit, and reparametrised twins of a form
 * listed before (same k and AIC: kaplan-n is power written another way, and would make every gap zero) are listed
 * with the reason and left out of `comparisonTable`.
 */
export function comparisonCandidates(
  table: ExplorerTable,
  request: FitRequest,
): { obs: ReturnType<typeof observationsFor>['obs']; kept: ComparisonCandidate[]; left: ComparisonRow[] } {
  const selected = formFor(request);
  const { obs, labels } = observationsFor(table, selected, request);
  const space = resolveFitOptions(selected, fitOptionsFor(selected, request, labels)).space;
  const kept: ComparisonCandidate[] = [];
  const left: ComparisonRow[] = [];
  const seen: { k: number; aic: number; name: string }[] = [];
  for (const form of candidates(selected)) {
    const { form: _, ...options } =
      form === selected ? fitOptionsFor(form, request, labels) : fitOptionsFor(form, { ...request, method: undefined }, labels);
    const k = form.params.length + 1;
    if (resolveFitOptions(form, options).space !== space) {
      left.push(failedRow(form.name, k, `fits ${resolveFitOptions(form, options).space} residuals: AICc not comparable`));
      continue;
    }
    let fit: FitResult;
    try {
      fit = fitLaw(obs, { ...options, form, intervals: false });
    } catch (error) {
      left.push(failedRow(form.name, k, (error as Error).message));
      continue;
    }
    const { aic } = informationCriteria(fit);
    const twin = seen.find((s) => s.k === fit.values.length + 1 && Math.abs(s.aic - aic) <= 1e-6 * Math.max(1, Math.abs(aic)));
    if (twin) {
      left.push(failedRow(form.name, fit.values.length + 1, `same law as ${twin.name}`));
      continue;
    }
    seen.push({ k: fit.values.length + 1, aic, name: form.name });
    kept.push({ form, options, fit });
  }
  return { obs, kept, left };
}

/** Compare the candidates of the request with laws' `comparisonTable`; left-out forms follow with their reason. */
export function runComparison(table: ExplorerTable, request: FitRequest): ComparisonView {
  const { obs, kept, left } = comparisonCandidates(table, request);
  const result = comparisonTable(obs, kept);
  const rows: ComparisonRow[] = result.rows.map((r) => ({
    form: r.form,
    k: r.k,
    aicc: r.aicc,
    delta: r.delta_aicc,
    bic: r.bic,
    looError: r.loo_error,
    extrapolationError: r.extrapolation_error,
    cv: r.cv,
    preferred: r.preferred,
  }));
  const warnings = result.rows.flatMap((r) => r.warnings);
  return { rows: [...rows, ...left], preferred: result.preferred, reason: result.reason, note: warnings.join('; ') };
}
