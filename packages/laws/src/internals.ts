// '@scalewise/laws/internals': building blocks under the public API (optimizers, objectives, distributions,
// single forms and datasets, simulation). No stability promise: these may change in any minor release.

// Forms, one by one
export { bnsl, chinchilla, kaplanC, kaplanD, kaplanN, kaplanND, power, saturating, type InputName } from './forms.js';
export { dataConstrained, UNIQUE_PARAMS_PER_TOKEN } from './constrained/form.js';
export { lossToLoss, lossToLossBelow } from './transfer/form.js';

// Fitting machinery
export { defaultStarts } from './fit.js';
export { degeneracyWarnings, fitChinchillaRaw, thetaToParams, toLogData, varproStarts, type ChinchillaMethod } from './chinchilla.js';
export { chinchillaObjective, hoffmannGrid, huber } from './chinchilla-objective.js';
export { fitNls, type NlsOptions } from './nls.js';
export { Lbfgs, type LbfgsOptions, type LbfgsResult, type ObjectiveFn } from './lbfgs.js';
export { groupedCovariance, groupedData, groupedForm, type GroupedFitOptions, type GroupRuns } from './families/grouped.js';

// Uncertainty machinery
export { bootstrapQuantity, bootstrapTail, orderQuantile, type BootstrapInterval, type BootstrapOptions } from './bootstrap.js';
export { profileCi, profileInterval } from './profile.js';
export { profileFromFit, type LsFit, type ProfileOptions } from './profile-core.js';
export { type ChinchillaParam, type ChinchillaProfileOptions } from './profile-chinchilla.js';
export { chiSquareQuantile, normalCdf, normalQuantile, quantile, studentTCdf, studentTQuantile } from './distributions.js';

// Analysis pieces (analyzePowerLaw combines them)
export { diminishingReturns, exponentTest, type ComputeOptimal, type DiminishingRow, type ExponentTest } from './analysis.js';
export { type DiminishingReturnsRow, type ExponentSummary } from './power-analysis.js';
export { type CompareExponentsOptions } from './families/compare.js';
export { exponentDifferenceCoverage, type CoverageOptions, type CoverageResult } from './families/coverage.js';
export { approach2Bias } from './isoflop.js';

// Design and simulation
export { logSpaced, planExponentCi, simulate, type DesignPlan } from './simulate.js';
export { type Design, type PlanOptions } from './plan.js';

// Units and datasets, one by one
export { assertComparable, type Exponent } from './units.js';
export {
  bnslAddition,
  chinchillaFitData,
  mobilellm,
  obsScaling,
  mobilellmConditions,
  type BnslAdditionRow,
  type ChinchillaRuns,
  type MeasurementConditions,
  type MobileLlmRow,
} from './datasets.js';

// Form strategies, model selection, data preparation and CSV parts
export { type ResolvedFitOptions } from './strategies.js';
export { AICC_MIN_GAP, aicc, type AiccRow } from './select.js';
export { dropTop, logResiduals } from './prepare.js';
export { CsvColumnReader, parseNumberCell } from './csv-columns.js';

// Observational-scaling pieces (observationalScaling combines them)
export { fitPca, imputeWith, pcaImpute, pcaScores, type ImputeOptions, type Imputer, type PcaModel } from './observational/pca.js';
export { fitSigmoid, predictSigmoid, type SigmoidParams } from './observational/sigmoid.js';
export { symmetricEigen, type SymmetricEigen } from './observational/eigen.js';

// Identifiability rules behind every fit's warnings
export {
  identifiabilityIssues,
  identifiabilityWarnings,
  MIN_DECADES,
  TRADEOFF_CORRELATION,
  type IdentifiabilityOptions,
} from './identifiability.js';
