export { LawsError, LawsInputError } from './errors.js';
export type { FitResult, Observations } from './types.js';
export { power, saturating, kaplanN, kaplanD, kaplanC, kaplanND, chinchilla, bnsl, getForm, type Form, type FormName, type InputName } from './forms.js';
export { fitLaw, defaultStarts, type FitOptions } from './fit.js';
export { FORMS, strategyOf, resolveFitOptions, defaultResamples, type FormStrategy, type FitMethod, type FitLoss, type ResolvedFitOptions } from './strategies.js';
export { aicc, chooseByAicc, compareForms, AICC_MIN_GAP, type AiccRow, type AiccChoice, type FormComparison, type FormsComparison } from './select.js';
export { dropTop, dropTopRows, tokensFromFlops, lossUnitRefit, logResiduals, type LossUnitRefit } from './prepare.js';
export { fitPowerOls, powerPredictionInterval, profileExponentCi, type PowerOlsFit } from './ols.js';
export { fitChinchilla, fitChinchillaRaw, toLogData, varproStarts, thetaToParams, degeneracyWarnings, type ChinchillaOptions, type ChinchillaMethod } from './chinchilla.js';
export { chinchillaObjective, hoffmannGrid, huber } from './chinchilla-objective.js';
export { fitNls, type NlsOptions } from './nls.js';
export { Lbfgs, type LbfgsOptions, type LbfgsResult, type ObjectiveFn } from './lbfgs.js';
export { bootstrapFit, bootstrapQuantity, type BootstrapOptions, type BootstrapResult } from './bootstrap.js';
export { informationCriteria, leaveOneOut, fitSmallPredictLarge } from './compare.js';
export { exponentTest, computeOptimal, diminishingReturns, type ExponentTest, type ComputeOptimal, type DiminishingRow } from './analysis.js';
export { simulate, planExponentCi, logSpaced, type DesignPlan } from './simulate.js';
export { planCi, type Design, type PlanOptions, type PlannedDesign } from './plan.js';
export { approach1, approach2, approach2Bias, isoflopBracketing, type IsoflopRun, type IsoflopBracket, type Approach2Result } from './isoflop.js';
export { convertY, assertComparable, parseYUnit, unitLabel, Y_UNITS, X_UNITS, type YUnit, type XUnit, type Exponent } from './units.js';
export { referenceLaws, type ReferenceLaw } from './reference.js';
export { parseCsv, numericColumn, type Table } from './csv.js';
export { CsvColumnReader, readCsvColumns, parseNumberCell, type CsvColumns } from './csv-columns.js';
export {
  datasets, mobilellm, mobilellmConditions, chinchillaFitData, bnslAddition,
  type MobileLlmRow, type MeasurementConditions, type ChinchillaRuns, type BnslAdditionRow,
} from './datasets.js';
export { createRng, type Rng } from '@scalewise/core';
export { studentTQuantile, studentTCdf, normalQuantile, normalCdf, chiSquareQuantile, quantile } from './distributions.js';
export { analyzePowerLaw, type PowerAnalysis, type PowerAnalysisInput, type ExponentSummary, type DiminishingReturnsRow } from './power-analysis.js';
export { profileCi, profileInterval, profileIntervals, type ProfileIntervals } from './profile.js';
export { profileFromFit, type LsFit, type ProfileOptions } from './profile-core.js';
export { profileChinchilla, type ChinchillaParam, type ChinchillaProfile, type ChinchillaProfileOptions } from './profile-chinchilla.js';
export { fitGrouped, groupedCovariance, groupedData, groupedForm, predictGrouped, type GroupRuns, type GroupedFit, type GroupedFitOptions } from './families/grouped.js';
export { compareExponents, type CompareExponentsOptions, type ExponentComparison } from './families/compare.js';
export { exponentDifferenceCoverage, type CoverageOptions, type CoverageResult } from './families/coverage.js';
// Family-comparison analysis and its one-sentence answer (issue #13)
export { analyzeFamilies, describeComparison, seedSpread, type FamilyAnalysis, type FamilyRuns } from './families/study.js';
