// The public API of @scalewise/laws: what a researcher calls to fit, compare and use scaling laws.
// Optimizers, objectives, distributions and single datasets are under '@scalewise/laws/internals'.

// Errors and shared shapes
export { LawsError, LawsInputError } from './errors.js';
export type { FitResult, Observations } from './types.js';

// Forms and fitting
export { getForm, type Form, type FormName } from './forms.js';
export { fitLaw, type FitOptions } from './fit.js';
export { defaultResamples, FORMS, resolveFitOptions, strategyOf, type FitLoss, type FitMethod, type FormStrategy } from './strategies.js';
export { fitPowerOls, powerPredictionInterval, profileExponentCi, type PowerOlsFit } from './ols.js';
export { fitChinchilla, type ChinchillaOptions } from './chinchilla.js';
export { fitGrouped, predictGrouped, type GroupedFit } from './families/grouped.js';

// Uncertainty
export { bootstrapFit, type BootstrapResult } from './bootstrap.js';
export { profileIntervals, type ProfileIntervals } from './profile.js';
export { profileChinchilla, type ChinchillaProfile } from './profile-chinchilla.js';

// Comparison and analysis
export { fitSmallPredictLarge, informationCriteria, leaveOneOut } from './compare.js';
export { chooseByAicc, compareForms, type AiccChoice, type FormComparison, type FormsComparison } from './select.js';
export { compareExponents, type ExponentComparison } from './families/compare.js';
export { computeOptimal } from './analysis.js';
export { analyzePowerLaw, type PowerAnalysis, type PowerAnalysisInput } from './power-analysis.js';
export { approach1, approach2, isoflopBracketing, type Approach2Result, type IsoflopBracket, type IsoflopRun } from './isoflop.js';
export {
  approach1FromCurves,
  groupBudgets,
  isoflopAnalysis,
  type Approach3Summary,
  type BudgetGroup,
  type IsoflopAnalysis,
  type IsoflopAnalysisOptions,
  type IsoflopTable,
  type TrainingCurves,
} from './isoflop-study.js';
export { planCi, type PlannedDesign } from './plan.js';
export { designGrid, type DesignAxis, type DesignGridOptions, type GridDesign } from './plan-design.js';

// Units, data in and reference values
export { convertY, parseYUnit, unitLabel, X_UNITS, Y_UNITS, type XUnit, type YUnit } from './units.js';
export { numericColumn, parseCsv, type Table } from './csv.js';
export { readCsvColumns, type CsvColumns } from './csv-columns.js';
export { dropTopRows, lossUnitRefit, tokensFromFlops, type LossUnitRefit } from './prepare.js';
export { datasets, type ObsScalingTable } from './datasets.js';
export { referenceLaws, type ReferenceLaw } from './reference.js';

// Custom forms from a formula
export { customForm, MAX_CUSTOM_STARTS, type CustomForm, type CustomFormOptions } from './custom/form.js';

// Family-comparison analysis and its one-sentence answer (issue #13)
export { analyzeFamilies, describeComparison, seedSpread, type FamilyAnalysis, type FamilyRuns } from './families/study.js';
export type { BandPoint } from './families/band.js';
export { placeAgainstBaseline, type BaselineComparison } from './families/baseline.js';

// Data-constrained, downstream-accuracy and loss-to-loss laws (issue #19)
export { effectiveData, effectiveParams, MUENNIGHOFF_2023, type DataConstrainedParam } from './constrained/form.js';
export { fitDataConstrained, type DataConstrainedFit, type DataConstrainedOptions, type DataConstrainedRuns } from './constrained/fit.js';
export { fitLossToLoss, type LossToLossFit, type LossToLossOptions } from './transfer/fit.js';
export { accuracySigmoid } from './downstream/sigmoid.js';
export {
  fitDownstream,
  type DownstreamFit,
  type DownstreamOptions,
  type DownstreamPrediction,
  type DownstreamRuns,
} from './downstream/fit.js';
export { withFixedParams } from './fixed-params.js';
// Observational scaling (Ruan et al. 2024): capability PCA over many models' benchmarks, sigmoid links (issue #19)
export { observationalScaling, type ObservationalOptions, type ObservationalResult } from './observational/analysis.js';
export { benchmarkScores, type BenchmarkScores, type BenchmarkSpec, type NumericTable } from './observational/table.js';
export { type LinkFit, type LinkPrediction } from './observational/link-fit.js';
export { type HoldoutCheck, type HoldoutScore } from './observational/holdout.js';

// Identifiability diagnostics: every fit's warnings carry the rule-based ones; this measures remedies (issue #19)
export {
  diagnoseIdentifiability,
  type DiagnoseOptions,
  type IdentifiabilityDiagnosis,
  type IdentifiabilityRemedy,
} from './identifiability-plan.js';
export { type IdentifiabilityIssue } from './identifiability.js';
// Predictions with prediction intervals, one comparison table, compute-optimal allocation with intervals (issue #15)
export { predictAt, predictWithIntervals, type PredictionPoint, type PredictOptions } from './predict.js';
export {
  comparisonTable,
  crossValidationError,
  type ComparisonCandidate,
  type ComparisonRow,
  type ComparisonTable,
} from './compare-table.js';
export { optimalAllocation, type OptimalAllocation, type OptimalPoint } from './optimal.js';
