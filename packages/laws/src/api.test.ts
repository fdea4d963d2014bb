// Pins the public surface: adding, removing or renaming an export fails here until the list is edited on purpose.
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** Type-only names an entry file exports (not visible at runtime), read from its explicit export lists. */
function typeExports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(new URL(file, import.meta.url), 'utf8'), ts.ScriptTarget.Latest);
  const names: string[] = [];
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    // `export *` would hide names from this list: entry files list every name.
    if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) throw new Error(`${file}: use named exports`);
    for (const element of statement.exportClause.elements) {
      if (statement.isTypeOnly || element.isTypeOnly) names.push(element.name.text);
    }
  }
  return names.sort();
}

const ENTRIES: Array<{ entry: string; file: string; load: () => Promise<object>; runtime: string[]; types: string[] }> = [
  {
    entry: '@scalewise/laws',
    file: 'index.ts',
    load: () => import('./index.js'),
    runtime: [
      'FORMS', 'LawsError', 'LawsInputError', 'MAX_CUSTOM_STARTS', 'X_UNITS', 'Y_UNITS', 'analyzePowerLaw', 'approach1', 'approach2',
      'bootstrapFit', 'chooseByAicc', 'compareExponents', 'compareForms', 'computeOptimal', 'convertY',
      'customForm', 'datasets',
      'defaultResamples', 'dropTopRows', 'fitChinchilla', 'fitGrouped', 'fitLaw', 'fitPowerOls',
      'fitSmallPredictLarge', 'getForm', 'informationCriteria', 'isoflopBracketing', 'leaveOneOut', 'lossUnitRefit',
      'numericColumn', 'parseCsv', 'parseYUnit', 'planCi', 'powerPredictionInterval', 'predictGrouped',
      'profileChinchilla', 'profileExponentCi', 'profileIntervals', 'readCsvColumns', 'referenceLaws',
      'resolveFitOptions', 'strategyOf', 'tokensFromFlops', 'unitLabel',
    ],
    types: [
      'AiccChoice', 'Approach2Result', 'BootstrapResult', 'ChinchillaOptions', 'ChinchillaProfile', 'CsvColumns', 'CustomForm',
      'CustomFormOptions',
      'ExponentComparison', 'FitLoss', 'FitMethod', 'FitOptions', 'FitResult', 'Form', 'FormComparison', 'FormName',
      'FormStrategy', 'FormsComparison', 'GroupedFit', 'IsoflopBracket', 'IsoflopRun', 'LossUnitRefit',
      'Observations', 'PlannedDesign', 'PowerAnalysis', 'PowerAnalysisInput', 'PowerOlsFit', 'ProfileIntervals',
      'ReferenceLaw', 'Table', 'XUnit', 'YUnit',
    ],
  },
  {
    entry: '@scalewise/laws/internals',
    file: 'internals.ts',
    load: () => import('./internals.js'),
    runtime: [
      'AICC_MIN_GAP', 'CsvColumnReader', 'Lbfgs', 'aicc', 'approach2Bias', 'assertComparable', 'bnsl',
      'bnslAddition', 'bootstrapQuantity', 'chiSquareQuantile', 'chinchilla', 'chinchillaFitData',
      'chinchillaObjective', 'defaultStarts', 'degeneracyWarnings', 'diminishingReturns', 'dropTop',
      'exponentDifferenceCoverage', 'exponentTest', 'fitChinchillaRaw', 'fitNls', 'groupedCovariance', 'groupedData',
      'groupedForm', 'hoffmannGrid', 'huber', 'kaplanC', 'kaplanD', 'kaplanN', 'kaplanND', 'logResiduals',
      'logSpaced', 'mobilellm', 'mobilellmConditions', 'normalCdf', 'normalQuantile', 'parseNumberCell',
      'planExponentCi', 'power', 'profileCi', 'profileFromFit', 'profileInterval', 'quantile', 'saturating',
      'simulate', 'studentTCdf', 'studentTQuantile', 'thetaToParams', 'toLogData', 'varproStarts',
    ],
    types: [
      'AiccRow', 'BnslAdditionRow', 'BootstrapOptions', 'ChinchillaMethod', 'ChinchillaParam',
      'ChinchillaProfileOptions', 'ChinchillaRuns', 'CompareExponentsOptions', 'ComputeOptimal', 'CoverageOptions',
      'CoverageResult', 'Design', 'DesignPlan', 'DiminishingReturnsRow', 'DiminishingRow', 'Exponent',
      'ExponentSummary', 'ExponentTest', 'GroupRuns', 'GroupedFitOptions', 'InputName', 'LbfgsOptions',
      'LbfgsResult', 'LsFit', 'MeasurementConditions', 'MobileLlmRow', 'NlsOptions', 'ObjectiveFn', 'PlanOptions',
      'ProfileOptions', 'ResolvedFitOptions',
    ],
  },
];

describe('@scalewise/laws API', () => {
  for (const { entry, file, load, runtime, types } of ENTRIES) {
    it(`${entry} exports exactly the listed runtime names`, async () => {
      expect(Object.keys(await load()).sort()).toEqual(runtime);
    });
    it(`${entry} exports exactly the listed type names`, () => {
      expect(typeExports(file)).toEqual(types);
    });
  }
});
