/// <reference lib="dom" />
/** The explorer's result tables: parameters with intervals, fit summary, predictions, frontier, comparison. */
import type { ComparisonView, FitView, PredictionRow } from '../protocol.js';
import { byId, el, fill, fmt, fmtInterval, table } from './dom.js';

/** Parameter values are shown to 7 significant digits: enough to check a fit against another to 1e-6. */
export const PARAM_DIGITS = 7;

function pointText(view: FitView, p: PredictionRow): string {
  return view.inputs.map((s) => `${view.labels[s] ?? s} = ${fmt(p[s as 'x'], 4)}`).join(', ');
}

export function showFit(view: FitView): void {
  const level = `${Math.round(view.ciLevel * 100)}%`;
  fill(
    byId('params'),
    table(
      'params-table',
      ['parameter', 'value', `${level} interval`],
      view.params.map((p) => ({
        testid: `param-${p.name}`,
        cells: [p.name, fmt(p.value, PARAM_DIGITS), fmtInterval(p.ci)],
        numeric: [false, true, true],
      })),
    ),
  );
  // Stable hooks for tests: the value cell of each parameter.
  for (const p of view.params)
    byId('params').querySelector(`[data-testid="param-${p.name}"] td:nth-child(2)`)?.setAttribute('data-testid', `param-value-${p.name}`);
  const yName = view.labels.y ?? 'y';
  const inputs = view.inputs.map((s) => `${s} = ${view.labels[s] ?? s}`).join(', ');
  fill(
    byId('fit-summary'),
    el('p', {}, el('strong', {}, `${view.form}: `), el('code', {}, view.formula)),
    el('p', {}, `${view.n} rows; ${inputs}; y = ${yName}. Method: ${view.method}; loss: ${view.loss}, residuals in ${view.space} space.`),
    el(
      'p',
      {},
      `Objective (${view.objectiveName}): ${fmt(view.objective, 6)}; R² (${view.space}): ${fmt(view.r2, 4)}; ` +
        `residual sd (${view.space === 'log' ? 'log units' : `units of ${yName}`}): ${fmt(view.sigma, 4)}. Intervals: ${view.ciMethod}.`,
    ),
    el(
      'p',
      { 'data-testid': 'fit-time', 'data-fit-ms': String(view.fitMs) },
      `Fitted in ${fmt(view.fitMs, 3)} ms, intervals in ${fmt(view.intervalMs, 3)} ms (in the page's worker).`,
    ),
    ...view.warnings.map((w) => el('p', { class: 'warning' }, `Warning: ${w}`)),
  );
  showPredictions(view);
  showFrontier(view);
}

/** The compute-optimal table (chinchilla): point estimates first, their bootstrap intervals when the bands arrive. */
export function showFrontier(view: FitView): void {
  const frontier = view.frontier;
  byId('frontier-section').hidden = frontier === null;
  if (!frontier) return;
  const level = `${Math.round(view.ciLevel * 100)}%`;
  const picks = frontier.filter((_, i) => i % 4 === 0);
  const withCi = (v: number, ci: [number, number] | undefined, digits: number) =>
    ci ? `${fmt(v, digits)} ${fmtInterval(ci)}` : fmt(v, digits);
  fill(
    byId('frontier'),
    table(
      'frontier-table',
      ['budget C (FLOP)', `N_opt (parameters) [${level}]`, `D_opt (tokens) [${level}]`, `tokens per parameter [${level}]`],
      picks.map((r, i) => ({
        testid: `frontier-${i}`,
        cells: [fmt(r.flops, 3), withCi(r.N, r.N_ci, 4), withCi(r.D, r.D_ci, 4), withCi(r.tokensPerParam, r.tokensPerParam_ci, 3)],
        numeric: [true, true, true, true],
      })),
    ),
    el('p', { class: 'note', 'data-testid': 'frontier-note' }, view.frontierNote),
  );
}

/** The predictions table (again when the bands arrive). */
export function showPredictions(view: FitView): void {
  const yName = view.labels.y ?? 'y';
  const level = `${Math.round(view.ciLevel * 100)}%`;
  const predictions = view.predictions;
  fill(
    byId('predictions'),
    predictions.length === 0
      ? el('p', {}, 'Type points in “Predict at” to see predictions with intervals.')
      : table(
          'predictions-table',
          // Downstream intervals are of the expected accuracy (both steps refitted), not of a new observation.
          ['at', `predicted ${yName}`, view.form === 'downstream' ? `${level} interval (expected value)` : `${level} prediction interval`],
          predictions.map((p, i) => ({
            testid: `prediction-${i}`,
            cells: [pointText(view, p), fmt(p.y, 5), fmtInterval(p.pi)],
            numeric: [false, true, true],
          })),
        ),
    el('p', { class: 'note', 'data-testid': 'band-note' }, view.bandNote),
  );
}

/** laws' `comparisonTable`, as `scalewise fit --compare` prints it; left-out forms last with the reason. */
export function showComparison(view: ComparisonView): void {
  const verdict = view.preferred ? `Preferred by AICc: ${view.preferred} (${view.reason}).` : `No preferred form: ${view.reason}.`;
  const pct = (v: number | null) => (v === null ? '—' : `${fmt(v * 100, 3)}%`);
  fill(
    byId('comparison'),
    table(
      'comparison-table',
      ['form', 'k', 'AICc', 'ΔAICc', 'BIC', 'cross-validated error', 'extrapolation error (largest run)', 'note'],
      view.rows.map((r) => ({
        testid: `compare-${r.form}`,
        cells: [
          r.preferred ? `${r.form} (preferred)` : r.form,
          String(r.k),
          fmt(r.aicc, 6),
          fmt(r.delta, 3),
          fmt(r.bic, 6),
          r.looError === null ? '—' : `${pct(r.looError)} (${r.cv})`,
          pct(r.extrapolationError),
          r.failed ?? '',
        ],
        numeric: [false, true, true, true, true, true, true, false],
      })),
    ),
    el('p', { 'data-testid': 'comparison-verdict' }, verdict),
    el(
      'p',
      { class: 'note' },
      "Errors are mean absolute relative errors of held-out rows (laws' comparisonTable, as scalewise fit --compare).",
    ),
    ...(view.note ? [el('p', { class: 'warning' }, view.note)] : []),
  );
}
